//! The managed state: the vault folder, the open vault (if unlocked), the language, and what the
//! build's self-check found at start.

use std::{
    path::PathBuf,
    sync::{Arc, Mutex, MutexGuard},
};

use greffier_core::{KdfProfile, KeyStore, Lang, NoKeyStore, SelfCheck, SystemClock, Unlock, Vault, VaultEnv};

pub struct AppState {
    pub vault_dir: PathBuf,
    pub env: VaultEnv,
    pub self_check: SelfCheck,
    vault: Mutex<Option<Vault>>,
    lang: Mutex<Lang>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AppState {
    /// Runs the self-check and, when the keyring holds the vault's key, unlocks it silently.
    pub fn start() -> AppState {
        let keystore: Arc<dyn KeyStore> = match greffier_keystore::from_env() {
            Ok(store) => Arc::new(store),
            Err(reason) => Arc::new(NoKeyStore { reason }),
        };
        let self_check = greffier_core::self_check(keystore.as_ref());
        let env = VaultEnv { keystore, clock: Arc::new(SystemClock), kdf: KdfProfile::STANDARD };
        let vault_dir =
            std::env::var_os("GREFFIER_VAULT").map(PathBuf::from).unwrap_or_else(greffier_core::vault::default_dir);
        let vault = if vault_dir.join(greffier_core::vault::DB_FILE).exists() && self_check.os_keyring_ok() {
            Vault::open(&vault_dir, Unlock::KeyStore, &env).ok()
        } else {
            None
        };
        AppState { vault_dir, env, self_check, vault: Mutex::new(vault), lang: Mutex::new(Lang::Fr) }
    }

    pub fn lang(&self) -> Lang {
        *lock(&self.lang)
    }

    pub fn set_lang(&self, lang: Lang) {
        *lock(&self.lang) = lang;
    }

    pub fn vault(&self) -> MutexGuard<'_, Option<Vault>> {
        lock(&self.vault)
    }
}
