//! Where the vault key lives between sessions: the operating system's keyring, behind a trait so
//! that the core never depends on one (the `greffier-keystore` crate implements it with `keyring`).

use std::{collections::HashMap, sync::Mutex};

use serde::Serialize;

use crate::{ErrorCode, UserMessage, VaultKey};

/// One entry of a key store: the vault's current key, or the key a rotation is moving to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeySlot {
    pub vault_id: String,
    pub pending: bool,
}

impl KeySlot {
    pub fn current(vault_id: &str) -> KeySlot {
        KeySlot { vault_id: vault_id.to_owned(), pending: false }
    }
    pub fn pending(vault_id: &str) -> KeySlot {
        KeySlot { vault_id: vault_id.to_owned(), pending: true }
    }
    /// The account name under which the entry is filed.
    pub fn account(&self) -> String {
        if self.pending {
            format!("vault-{}.pending", self.vault_id)
        } else {
            format!("vault-{}", self.vault_id)
        }
    }
}

/// What a key store is, for the self-check and for `vault info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyStoreInfo {
    /// True only for a store that outlives the process (an OS keyring).
    pub os_store: bool,
    /// A short description for people, such as "Secret Service (GNOME Keyring)".
    pub description: String,
}

/// A place to keep vault keys.
pub trait KeyStore: Send + Sync {
    fn info(&self) -> KeyStoreInfo;
    /// The key in a slot, or `None` when the slot is empty.
    fn load(&self, slot: &KeySlot) -> Result<Option<VaultKey>, KeyStoreError>;
    fn store(&self, slot: &KeySlot, key: &VaultKey) -> Result<(), KeyStoreError>;
    /// Removes a slot; removing an empty slot is not an error.
    fn remove(&self, slot: &KeySlot) -> Result<(), KeyStoreError>;
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum KeyStoreError {
    #[error("No OS keyring is available here ({reason}). Give the recovery passphrase instead.")]
    Unavailable { reason: String },
    #[error("The OS keyring failed: {reason}. Unlock the keyring, or give the recovery passphrase instead.")]
    Failure { reason: String },
}

impl UserMessage for KeyStoreError {
    fn code(&self) -> ErrorCode {
        match self {
            KeyStoreError::Unavailable { .. } => ErrorCode::KeyringUnavailable,
            KeyStoreError::Failure { .. } => ErrorCode::KeyringFailure,
        }
    }
    fn french(&self) -> String {
        match self {
            KeyStoreError::Unavailable { reason } => format!("Aucun trousseau du système n'est disponible ici ({reason}). Donnez plutôt la phrase de récupération."),
            KeyStoreError::Failure { reason } => format!("Le trousseau du système a échoué : {reason}. Déverrouillez le trousseau, ou donnez plutôt la phrase de récupération."),
        }
    }
}

/// A key store in memory, for tests: it forgets everything when dropped.
#[derive(Debug, Default)]
pub struct MemoryKeyStore {
    entries: Mutex<HashMap<KeySlot, VaultKey>>,
}

impl MemoryKeyStore {
    pub fn new() -> MemoryKeyStore {
        MemoryKeyStore::default()
    }
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<KeySlot, VaultKey>> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl KeyStore for MemoryKeyStore {
    fn info(&self) -> KeyStoreInfo {
        KeyStoreInfo { os_store: false, description: "in-memory (tests only)".into() }
    }
    fn load(&self, slot: &KeySlot) -> Result<Option<VaultKey>, KeyStoreError> {
        Ok(self.entries().get(slot).cloned())
    }
    fn store(&self, slot: &KeySlot, key: &VaultKey) -> Result<(), KeyStoreError> {
        self.entries().insert(slot.clone(), key.clone());
        Ok(())
    }
    fn remove(&self, slot: &KeySlot) -> Result<(), KeyStoreError> {
        self.entries().remove(slot);
        Ok(())
    }
}

/// The store of a machine with no keyring: every call says so.
#[derive(Debug, Clone)]
pub struct NoKeyStore {
    pub reason: String,
}

impl KeyStore for NoKeyStore {
    fn info(&self) -> KeyStoreInfo {
        KeyStoreInfo { os_store: false, description: format!("none ({})", self.reason) }
    }
    fn load(&self, _: &KeySlot) -> Result<Option<VaultKey>, KeyStoreError> {
        Err(KeyStoreError::Unavailable { reason: self.reason.clone() })
    }
    fn store(&self, _: &KeySlot, _: &VaultKey) -> Result<(), KeyStoreError> {
        Err(KeyStoreError::Unavailable { reason: self.reason.clone() })
    }
    fn remove(&self, _: &KeySlot) -> Result<(), KeyStoreError> {
        Err(KeyStoreError::Unavailable { reason: self.reason.clone() })
    }
}
