//! Shared fixtures: a vault in a temporary folder, a fixed clock, an in-memory key store and
//! cheap Argon2 parameters (the real ones are exercised by the CLI tests).

#![allow(dead_code)]

use std::{collections::BTreeMap, path::Path, sync::Arc};

use chrono::TimeZone;
use greffier_core::{
    FixedClock, KdfParams, KdfProfile, KeySlot, KeyStore, MemoryKeyStore, NewUser, Role, Secret, Vault, VaultEnv,
    VaultKey, VaultSetup,
};

pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "correct horse battery";
pub const RECOVERY: &str = "recovery phrase of the archives";

pub const FAST: KdfProfile = KdfProfile {
    recovery: KdfParams { m_cost: 1024, t_cost: 1, p_cost: 1 },
    password: KdfParams { m_cost: 1024, t_cost: 1, p_cost: 1 },
};

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub keystore: Arc<MemoryKeyStore>,
    pub env: VaultEnv,
}

impl Default for Fixture {
    fn default() -> Fixture {
        Fixture::new()
    }
}

impl Fixture {
    pub fn new() -> Fixture {
        let keystore = Arc::new(MemoryKeyStore::new());
        let env = VaultEnv {
            keystore: keystore.clone(),
            clock: Arc::new(FixedClock(chrono::Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0).single().expect("date"))),
            kdf: FAST,
        };
        Fixture { dir: tempfile::tempdir().expect("tempdir"), keystore, env }
    }

    pub fn vault_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("vault")
    }

    pub fn create(&self) -> Vault {
        let setup = VaultSetup {
            organisation: "Ville de Saint-Exemple".into(),
            admin: NewUser {
                username: ADMIN.into(),
                display_name: "Hélène Côté".into(),
                role: Role::Administrator,
                password: Secret::new(ADMIN_PASSWORD),
            },
            recovery_passphrase: Secret::new(RECOVERY),
        };
        let (vault, report) = Vault::create(&self.vault_dir(), setup, &self.env).expect("create vault");
        assert!(report.keystore.is_ok());
        vault
    }

    pub fn key(&self, vault_id: &str) -> VaultKey {
        self.keystore.load(&KeySlot::current(vault_id)).expect("load").expect("key stored")
    }

    /// A raw connection with the key, to play the administrator who edits the file by hand.
    pub fn raw(&self, vault_id: &str) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(self.vault_dir().join("vault.db")).expect("open raw");
        conn.execute_batch(&format!(
            "PRAGMA key = \"x'{}'\"; PRAGMA foreign_keys = OFF;",
            self.key(vault_id).to_hex().as_str()
        ))
        .expect("key");
        conn
    }
}

/// Every file in a folder with the SHA-256 of its content.
pub fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    use sha2::Digest;
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let entry = entry.expect("entry");
        if entry.path().is_file() {
            let bytes = std::fs::read(entry.path()).expect("read");
            files.insert(entry.file_name().to_string_lossy().into_owned(), hex::encode(sha2::Sha256::digest(bytes)));
        }
    }
    files
}
