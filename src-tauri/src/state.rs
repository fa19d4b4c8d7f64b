//! The one managed state: the vault folder, the open vault and its signed-in session, the
//! language, the cancel flag of the running operation, and the build's self-check.

use std::{
    path::PathBuf,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex, MutexGuard, OnceLock,
    },
};

use greffier_core::{
    KdfProfile, KeyStore, Lang, NoKeyStore, Permission, Role, SelfCheck, Session, SystemClock, Unlock, Vault, VaultEnv,
};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};

use crate::{
    commands::vault::VaultProgress,
    error::{CommandError, ShellCode},
};

/// An unlocked vault and, once someone signed in, their session.
pub struct OpenVault {
    pub vault: Vault,
    pub session: Option<Session>,
}

pub struct AppState {
    pub vault_dir: PathBuf,
    pub env: VaultEnv,
    pub self_check: SelfCheck,
    open: Mutex<Option<OpenVault>>,
    lang: Mutex<Lang>,
    cancel: AtomicBool,
    long_running: AtomicBool,
    /// Where the vaults it holds tell their search index's progress (set as the app starts).
    events: OnceLock<AppHandle>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    username: String,
    display_name: String,
    role: Role,
    permissions: &'static [Permission],
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    version: &'static str,
    vault_dir: String,
    vault_exists: bool,
    unlocked: bool,
    organisation: Option<String>,
    keyring: greffier_core::KeyStoreInfo,
    sqlcipher_version: Option<String>,
    session: Option<SessionInfo>,
    idle_lock_minutes: u32,
}

impl AppState {
    /// Runs the self-check; the UI asks for the silent keyring unlock itself.
    pub fn start() -> AppState {
        let keystore: Arc<dyn KeyStore> = match greffier_keystore::from_env() {
            Ok(store) => Arc::new(store),
            Err(reason) => Arc::new(NoKeyStore { reason }),
        };
        let self_check = greffier_core::self_check(keystore.as_ref());
        let env = VaultEnv { keystore, clock: Arc::new(SystemClock), kdf: KdfProfile::STANDARD };
        let vault_dir =
            std::env::var_os("GREFFIER_VAULT").map(PathBuf::from).unwrap_or_else(greffier_core::vault::default_dir);
        AppState {
            vault_dir,
            env,
            self_check,
            open: Mutex::new(None),
            lang: Mutex::new(Lang::Fr),
            cancel: AtomicBool::new(false),
            long_running: AtomicBool::new(false),
            events: OnceLock::new(),
        }
    }

    /// Gives the state the app's handle, for the events of the vaults it will hold.
    pub fn send_events_to(&self, app: AppHandle) {
        let _ = self.events.set(app);
    }

    /// An open vault to put in the slot, whose search index tells its long catch-ups as
    /// `vault-progress` events (operation `index`: documents indexed of all). The fill of an
    /// index made anew after an upgrade or a restore takes tens of seconds at a million files,
    /// in whatever first uses the index.
    pub fn hold(&self, mut vault: Vault, session: Option<Session>) -> OpenVault {
        if let Some(app) = self.events.get() {
            let app = app.clone();
            vault.on_index_progress(move |done, total| {
                let _ = app.emit("vault-progress", VaultProgress { operation: "index", done, total });
            });
        }
        OpenVault { vault, session }
    }

    pub fn lang(&self) -> Lang {
        *lock(&self.lang)
    }

    pub fn set_lang(&self, lang: Lang) {
        *lock(&self.lang) = lang;
    }

    pub fn core_error(&self, error: &impl greffier_core::UserMessage) -> CommandError {
        CommandError::core(error, self.lang())
    }

    pub fn shell_error(&self, code: ShellCode) -> CommandError {
        CommandError::shell(code, self.lang())
    }

    /// The open vault slot. Short commands wait their turn; while a long operation (backup,
    /// restore) holds the vault they answer `busy` at once rather than freeze the screen.
    pub fn slot(&self) -> Result<MutexGuard<'_, Option<OpenVault>>, CommandError> {
        if self.long_running.load(Ordering::SeqCst) {
            return Err(self.shell_error(ShellCode::Busy));
        }
        Ok(lock(&self.open))
    }

    /// Runs a long operation: others are told `busy` until it ends, and the cancel flag is reset.
    pub fn long_operation<T>(
        &self,
        f: impl FnOnce(&mut Option<OpenVault>) -> Result<T, CommandError>,
    ) -> Result<T, CommandError> {
        struct Running<'a>(&'a AtomicBool);
        impl Drop for Running<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::SeqCst);
            }
        }
        if self.long_running.swap(true, Ordering::SeqCst) {
            return Err(self.shell_error(ShellCode::Busy));
        }
        let _running = Running(&self.long_running);
        self.cancel.store(false, Ordering::SeqCst);
        let mut slot = lock(&self.open);
        f(&mut slot)
    }

    /// Runs `f` on the open vault.
    pub fn with_vault<T>(&self, f: impl FnOnce(&mut OpenVault) -> Result<T, CommandError>) -> Result<T, CommandError> {
        let mut slot = self.slot()?;
        let open = slot.as_mut().ok_or_else(|| self.shell_error(ShellCode::NotUnlocked))?;
        f(open)
    }

    /// Runs `f` with the vault and the signed-in session; core errors are translated.
    pub fn with_session<T>(
        &self,
        f: impl FnOnce(&mut Vault, &Session) -> Result<T, greffier_core::Error>,
    ) -> Result<T, CommandError> {
        self.with_vault(|open| {
            let session = open.session.as_ref().ok_or_else(|| self.shell_error(ShellCode::NotSignedIn))?;
            f(&mut open.vault, session).map_err(|e| self.core_error(&e))
        })
    }

    pub fn unlock(&self, unlock: Unlock) -> Result<AppStatus, CommandError> {
        let vault = Vault::open(&self.vault_dir, unlock, &self.env).map_err(|e| self.core_error(&e))?;
        *self.slot()? = Some(self.hold(vault, None));
        self.status()
    }

    pub fn cancel_operation(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    pub fn status(&self) -> Result<AppStatus, CommandError> {
        let slot = self.slot()?;
        let open = slot.as_ref();
        let organisation = open.map(|o| o.vault.organisation()).transpose().map_err(|e| self.core_error(&e))?;
        let idle_lock_minutes = match open {
            Some(o) => o.vault.idle_lock_minutes().map_err(|e| self.core_error(&e))?,
            None => greffier_core::vault::DEFAULT_IDLE_LOCK_MINUTES,
        };
        let session = open.and_then(|o| o.session.as_ref()).map(|s| SessionInfo {
            username: s.user().username.clone(),
            display_name: s.user().display_name.clone(),
            role: s.user().role,
            permissions: s.user().role.permissions(),
        });
        let mut keyring = self.self_check.keystore.clone();
        keyring.os_store = self.self_check.os_keyring_ok();
        Ok(AppStatus {
            version: env!("CARGO_PKG_VERSION"),
            vault_dir: self.vault_dir.display().to_string(),
            vault_exists: self.vault_dir.join(greffier_core::vault::DB_FILE).exists(),
            unlocked: open.is_some(),
            organisation,
            keyring,
            sqlcipher_version: self.self_check.sqlcipher_version.clone(),
            session,
            idle_lock_minutes,
        })
    }
}

/// Runs blocking work (Argon2, SQLCipher, file copies) off the window's thread.
pub async fn blocking<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&AppState) -> Result<T, CommandError> + Send + 'static,
) -> Result<T, CommandError> {
    let handle = app.clone();
    tauri::async_runtime::spawn_blocking(move || f(&handle.state::<AppState>()))
        .await
        .unwrap_or_else(|_| Err(app.state::<AppState>().shell_error(ShellCode::Internal)))
}
