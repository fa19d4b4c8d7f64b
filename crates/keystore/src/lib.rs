//! The operating system's keyring behind greffier-core's [`KeyStore`]: Secret Service on Linux,
//! Keychain on macOS, Credential Manager on Windows, through the `keyring` crate.

use greffier_core::{KeySlot, KeyStore, KeyStoreError, KeyStoreInfo, VaultKey};

/// The service name under which every Greffier entry is filed.
pub const SERVICE: &str = "greffier";

/// The OS keyring.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeyStore;

impl OsKeyStore {
    pub fn new() -> OsKeyStore {
        OsKeyStore
    }

    fn entry(slot: &KeySlot) -> Result<keyring::Entry, KeyStoreError> {
        keyring::Entry::new(SERVICE, &slot.account()).map_err(map_error)
    }
}

/// The OS keyring when it answers here, else why not. `GREFFIER_KEYRING=none` keeps it out (a
/// server, a test): the vault then opens with the recovery passphrase only.
pub fn from_env() -> Result<OsKeyStore, String> {
    if std::env::var("GREFFIER_KEYRING").is_ok_and(|v| v == "none") {
        return Err("GREFFIER_KEYRING=none".into());
    }
    let store = OsKeyStore::new();
    match store.load(&KeySlot::current("probe")) {
        Ok(_) => Ok(store),
        Err(KeyStoreError::Unavailable { reason } | KeyStoreError::Failure { reason }) => {
            Err(reason.lines().next().unwrap_or(&reason).chars().take(160).collect())
        }
    }
}

fn description() -> &'static str {
    if cfg!(target_os = "linux") {
        "Secret Service (GNOME Keyring, KWallet…)"
    } else if cfg!(target_os = "macos") {
        "macOS Keychain"
    } else if cfg!(target_os = "windows") {
        "Windows Credential Manager"
    } else {
        "none on this platform"
    }
}

fn map_error(error: keyring::Error) -> KeyStoreError {
    match error {
        keyring::Error::PlatformFailure(e) => KeyStoreError::Unavailable { reason: e.to_string() },
        keyring::Error::NoStorageAccess(e) => {
            KeyStoreError::Unavailable { reason: format!("the keyring is locked or refused access: {e}") }
        }
        other => KeyStoreError::Failure { reason: other.to_string() },
    }
}

impl KeyStore for OsKeyStore {
    fn info(&self) -> KeyStoreInfo {
        KeyStoreInfo {
            os_store: cfg!(any(target_os = "linux", target_os = "macos", target_os = "windows")),
            description: description().into(),
        }
    }

    fn load(&self, slot: &KeySlot) -> Result<Option<VaultKey>, KeyStoreError> {
        match OsKeyStore::entry(slot)?.get_password() {
            Ok(text) => VaultKey::from_hex(&text).map(Some).ok_or_else(|| KeyStoreError::Failure {
                reason: format!("the entry {} does not hold a key", slot.account()),
            }),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn store(&self, slot: &KeySlot, key: &VaultKey) -> Result<(), KeyStoreError> {
        OsKeyStore::entry(slot)?.set_password(&key.to_hex()).map_err(map_error)
    }

    fn remove(&self, slot: &KeySlot) -> Result<(), KeyStoreError> {
        match OsKeyStore::entry(slot)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e)),
        }
    }
}
