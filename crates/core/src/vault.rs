//! The vault: one SQLCipher file and its recovery file in a folder. Opening is one function —
//! candidate keys first, a read-only probe that classifies every failure without touching a file,
//! then the pragmas, then the migrations.

use std::{
    io::Read,
    path::{Path, PathBuf},
    sync::Arc,
};

use ed25519_dalek::SigningKey;
use rusqlite::{ffi, Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

use crate::{
    audit::{self, AuditAction, ChainHead, NewEvent, Signer, VerifyReport},
    clock::{stamp, Clock},
    crypto::KdfParams,
    keystore::{KeySlot, KeyStore, KeyStoreError, KeyStoreInfo},
    migrations,
    recovery::RecoveryFile,
    users::{self, AuthError, NewUser, Session, User},
    Error, ErrorCode, IoError, Permission, Secret, UserMessage, VaultKey,
};

/// The database file inside a vault folder.
pub const DB_FILE: &str = "vault.db";
/// The recovery file beside it.
pub const RECOVERY_FILE: &str = "recovery.json";
/// The shortest recovery passphrase accepted.
pub const MIN_PASSPHRASE_CHARS: usize = 16;
/// The idle lock of a new vault, in minutes.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 15;
/// SQLCipher's page size; a vault file is always a whole number of pages.
const PAGE_SIZE: u64 = 4096;
/// The register's page cache (64 MiB, the bottom of the brief's 64–256 MB: the desktop's memory
/// is counted). An import holds it smaller while it indexes (see `register_import`).
pub(crate) const REGISTER_CACHE_KIB: u32 = 65536;

/// The register's page cache held at 8 MiB, then given back its size when dropped: while an
/// import indexes its persons and the files they are on (the cache is full of pages the import
/// wrote, which its reads by id no longer need; at a million files with 600,000 persons the
/// import's peak was 312–321 MiB, 270–275 MiB with this, for 3 s more, 2026-12-06), and while a
/// rebuild of the index reads the register once through (tantivy's indexing threads take the
/// room).
pub(crate) struct SmallCache<'c> {
    conn: &'c Connection,
}

impl<'c> SmallCache<'c> {
    pub(crate) fn new(conn: &'c Connection) -> rusqlite::Result<SmallCache<'c>> {
        conn.execute_batch("PRAGMA cache_size = -8192; PRAGMA shrink_memory;")?;
        Ok(SmallCache { conn })
    }
}

impl Drop for SmallCache<'_> {
    fn drop(&mut self) {
        let size = format!("PRAGMA cache_size = -{REGISTER_CACHE_KIB};");
        if let Err(error) = self.conn.execute_batch(&size) {
            tracing::warn!("the register's page cache could not be given back its size: {error}");
        }
    }
}

/// Where a vault lives when none is named: `$XDG_DATA_HOME/greffier/vault`, else
/// `~/.local/share/greffier/vault`, else `%APPDATA%\greffier\vault`.
pub fn default_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .or_else(|| std::env::var_os("APPDATA").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("greffier").join("vault")
}

/// The paths of a vault's files.
#[derive(Debug, Clone)]
pub struct VaultPaths {
    pub dir: PathBuf,
    pub db: PathBuf,
    pub recovery: PathBuf,
}

impl VaultPaths {
    pub fn new(dir: &Path) -> VaultPaths {
        VaultPaths { dir: dir.to_owned(), db: dir.join(DB_FILE), recovery: dir.join(RECOVERY_FILE) }
    }
    pub(crate) fn wal(&self) -> PathBuf {
        self.dir.join(format!("{DB_FILE}-wal"))
    }
    pub(crate) fn shm(&self) -> PathBuf {
        self.dir.join(format!("{DB_FILE}-shm"))
    }
}

/// The ambient parts a vault works with, passed in so tests control them.
#[derive(Clone)]
pub struct VaultEnv {
    pub keystore: Arc<dyn KeyStore>,
    pub clock: Arc<dyn Clock>,
    pub kdf: KdfProfile,
}

/// Argon2id costs for the recovery passphrase and for users' passwords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfProfile {
    pub recovery: KdfParams,
    pub password: KdfParams,
}

impl KdfProfile {
    pub const STANDARD: KdfProfile = KdfProfile { recovery: KdfParams::RECOVERY, password: KdfParams::PASSWORD };
}

/// How to obtain the vault key.
#[derive(Debug, Clone)]
pub enum Unlock {
    /// From the OS keyring entry made when the vault was created.
    KeyStore,
    /// From the recovery file, with the recovery passphrase.
    Passphrase(Secret),
}

/// Where the key that opened the vault came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    KeyStore,
    RecoveryPassphrase,
    Created,
}

/// What a new vault needs.
#[derive(Debug, Clone)]
pub struct VaultSetup {
    pub organisation: String,
    pub admin: NewUser,
    pub recovery_passphrase: Secret,
}

/// What creating a vault did besides creating it.
#[derive(Debug)]
pub struct CreateReport {
    /// `Err` when the key could not be stored in the OS keyring; the vault then opens with the
    /// recovery passphrase only.
    pub keystore: Result<(), KeyStoreError>,
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("No Greffier vault in {}. Create one with `greffier init`, or choose the folder that holds vault.db.", dir.display())]
    NotFound { dir: PathBuf },
    #[error("A Greffier vault already exists in {}. Open it, or choose an empty folder.", dir.display())]
    AlreadyExists { dir: PathBuf },
    #[error("{} is not a Greffier vault ({reason}). Choose the folder that holds vault.db and recovery.json.", path.display())]
    NotAVault { path: PathBuf, reason: &'static str },
    #[error("The recovery file {} is missing, so the vault cannot be identified. Put recovery.json back beside vault.db (from a copy or a backup).", path.display())]
    RecoveryFileMissing { path: PathBuf },
    #[error("The vault file {} is truncated ({size} bytes). Restore the latest backup with `greffier vault restore`.", path.display())]
    Truncated { path: PathBuf, size: u64 },
    #[error("The vault file {} is damaged ({detail}). Restore the latest backup with `greffier vault restore`.", path.display())]
    Corrupted { path: PathBuf, detail: String },
    #[error(
        "Wrong recovery passphrase. Type it again exactly as it was given when the vault was created or last changed."
    )]
    WrongPassphrase,
    #[error("The OS keyring holds no key for this vault (it may have been created on another machine or by another user). Open it with the recovery passphrase.")]
    KeyringEntryMissing,
    #[error("The key in the OS keyring does not open this vault (it belongs to an older key or another vault). Open it with the recovery passphrase; the keyring entry is then replaced.")]
    KeyringKeyMismatch,
    #[error("This vault was written by a newer version of Greffier (schema {found}; this version knows up to {supported}). Install the newer version; the vault was not changed.")]
    NewerSchema { found: u32, supported: u32 },
    #[error("The recovery passphrase is too short: use at least {min} characters (a few words you will not forget).")]
    PassphraseTooShort { min: usize },
    #[error("The organisation's name is empty. Give the name of the organisation that owns these records.")]
    OrganisationMissing,
    #[error("secure_delete is off on this vault's connection; Greffier refuses to run without it. Report this build as broken.")]
    SecureDeleteOff,
}

impl UserMessage for VaultError {
    fn code(&self) -> ErrorCode {
        match self {
            VaultError::NotFound { .. } => ErrorCode::VaultNotFound,
            VaultError::AlreadyExists { .. } => ErrorCode::VaultAlreadyExists,
            VaultError::NotAVault { .. } => ErrorCode::NotAVault,
            VaultError::RecoveryFileMissing { .. } => ErrorCode::RecoveryFileMissing,
            VaultError::Truncated { .. } => ErrorCode::VaultTruncated,
            VaultError::Corrupted { .. } => ErrorCode::VaultCorrupted,
            VaultError::WrongPassphrase => ErrorCode::WrongPassphrase,
            VaultError::KeyringEntryMissing => ErrorCode::KeyringEntryMissing,
            VaultError::KeyringKeyMismatch => ErrorCode::KeyringKeyMismatch,
            VaultError::NewerSchema { .. } => ErrorCode::NewerSchema,
            VaultError::PassphraseTooShort { .. } => ErrorCode::PassphraseTooShort,
            VaultError::OrganisationMissing => ErrorCode::OrganisationMissing,
            VaultError::SecureDeleteOff => ErrorCode::SecureDeleteOff,
        }
    }
    fn french(&self) -> String {
        match self {
            VaultError::NotFound { dir } => format!("Aucun coffre Greffier dans {}. Créez-en un avec `greffier init`, ou choisissez le dossier qui contient vault.db.", dir.display()),
            VaultError::AlreadyExists { dir } => format!("Un coffre Greffier existe déjà dans {}. Ouvrez-le, ou choisissez un dossier vide.", dir.display()),
            VaultError::NotAVault { path, reason } => format!("{} n'est pas un coffre Greffier ({}). Choisissez le dossier qui contient vault.db et recovery.json.", path.display(), french_reason(reason)),
            VaultError::RecoveryFileMissing { path } => format!("Le fichier de récupération {} est absent : le coffre ne peut être identifié. Remettez recovery.json à côté de vault.db (depuis une copie ou une sauvegarde).", path.display()),
            VaultError::Truncated { path, size } => format!("Le fichier du coffre {} est tronqué ({size} octets). Restaurez la dernière sauvegarde avec `greffier vault restore`.", path.display()),
            VaultError::Corrupted { path, detail } => format!("Le fichier du coffre {} est endommagé ({detail}). Restaurez la dernière sauvegarde avec `greffier vault restore`.", path.display()),
            VaultError::WrongPassphrase => "Phrase de récupération erronée. Saisissez-la de nouveau exactement comme elle a été donnée à la création du coffre ou à sa dernière modification.".into(),
            VaultError::KeyringEntryMissing => "Le trousseau du système ne contient aucune clé pour ce coffre (il a peut-être été créé sur un autre poste ou par un autre utilisateur). Ouvrez-le avec la phrase de récupération.".into(),
            VaultError::KeyringKeyMismatch => "La clé du trousseau du système n'ouvre pas ce coffre (elle appartient à une ancienne clé ou à un autre coffre). Ouvrez-le avec la phrase de récupération ; l'entrée du trousseau sera alors remplacée.".into(),
            VaultError::NewerSchema { found, supported } => format!("Ce coffre a été écrit par une version plus récente de Greffier (schéma {found} ; cette version connaît jusqu'au {supported}). Installez la version plus récente ; le coffre n'a pas été modifié."),
            VaultError::PassphraseTooShort { min } => format!("La phrase de récupération est trop courte : utilisez au moins {min} caractères (quelques mots que vous n'oublierez pas)."),
            VaultError::OrganisationMissing => "Le nom de l'organisation est vide. Donnez le nom de l'organisation qui détient ces documents.".into(),
            VaultError::SecureDeleteOff => "secure_delete est désactivé sur la connexion de ce coffre ; Greffier refuse de fonctionner ainsi. Signalez cette version comme défectueuse.".into(),
        }
    }
}

fn french_reason(reason: &str) -> &'static str {
    match reason {
        "a plain, unencrypted SQLite database" => "une base SQLite ordinaire, non chiffrée",
        "the recovery file is not Greffier's" => "le fichier de récupération n'est pas celui de Greffier",
        "vault.db is a folder" => "vault.db est un dossier",
        _ => "format inconnu",
    }
}

/// An open, unlocked vault. Dropping it (or [`Vault::lock`]) closes the database and zeroes the key.
pub struct Vault {
    pub(crate) paths: VaultPaths,
    pub(crate) conn: Connection,
    pub(crate) key: VaultKey,
    pub(crate) vault_id: String,
    pub(crate) env: VaultEnv,
    pub(crate) key_source: KeySource,
    /// The search index, opened at its first use (see [`crate::search`]).
    pub(crate) search: crate::search::IndexSlot,
}

/// A closed vault whose key is still held in memory (zeroed when dropped).
pub struct LockedVault {
    pub(crate) paths: VaultPaths,
    pub(crate) key: VaultKey,
    key_source: KeySource,
    env: VaultEnv,
}

impl LockedVault {
    /// Opens the vault again with the key it had.
    pub fn reopen(self) -> Result<Vault, Error> {
        Vault::open_with_key(&self.paths, self.key, self.key_source, &self.env)
    }
}

/// What `vault info` shows.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultInfo {
    pub vault_id: String,
    pub organisation: String,
    pub created_at: String,
    pub dir: PathBuf,
    pub schema_version: u32,
    pub sqlcipher_version: String,
    pub db_bytes: u64,
    pub users: u32,
    pub key_source: KeySource,
    pub keystore: KeyStoreInfo,
    pub chain_head: ChainHead,
}

/// The pragmas the vault relies on, as read back from SQLite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pragmas {
    pub journal_mode: String,
    /// 2 = FULL.
    pub synchronous: String,
    pub foreign_keys: String,
    pub secure_delete: String,
    /// 2 = MEMORY.
    pub temp_store: String,
    pub cipher_version: String,
}

/// What the vault's own check found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    /// `PRAGMA integrity_check`: `["ok"]` when sound.
    pub integrity: Vec<String>,
    /// `PRAGMA cipher_integrity_check`: empty when every page's HMAC verifies.
    pub cipher_integrity: Vec<String>,
    pub audit: VerifyReport,
}

impl CheckReport {
    pub fn is_sound(&self) -> bool {
        self.integrity == ["ok"] && self.cipher_integrity.is_empty() && self.audit.is_intact()
    }
}

/// What the build checks about itself before it is trusted with records.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SelfCheck {
    pub sqlcipher_version: Option<String>,
    pub secure_delete: bool,
    pub keystore: KeyStoreInfo,
    /// `Err` with the reason when the key store cannot keep a key across processes.
    pub keystore_round_trip: Result<(), String>,
}

impl SelfCheck {
    pub fn encryption_ok(&self) -> bool {
        self.sqlcipher_version.is_some() && self.secure_delete
    }
    pub fn os_keyring_ok(&self) -> bool {
        self.keystore.os_store && self.keystore_round_trip.is_ok()
    }
}

/// Checks SQLCipher and `secure_delete` on a keyed scratch database in memory, and that the key
/// store keeps a key (a store that only keeps it in memory fails `os_store`).
pub fn self_check(keystore: &dyn KeyStore) -> SelfCheck {
    let encryption = (|| -> rusqlite::Result<(Option<String>, bool)> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(&format!("PRAGMA key = {};", VaultKey::generate().pragma_value().as_str()))?;
        let version: Option<String> = conn.query_row("PRAGMA cipher_version", [], |row| row.get(0)).ok();
        let secure_delete: bool = conn.query_row("PRAGMA secure_delete", [], |row| row.get(0))?;
        Ok((version.filter(|v| !v.is_empty()), secure_delete))
    })();
    let (sqlcipher_version, secure_delete) = encryption.unwrap_or((None, false));
    let probe = KeySlot { vault_id: "self-check".into(), pending: false };
    let key = VaultKey::generate();
    let keystore_round_trip =
        keystore.store(&probe, &key).and_then(|()| keystore.load(&probe)).map_err(|e| e.to_string()).and_then(
            |loaded| {
                if loaded.as_ref() == Some(&key) {
                    Ok(())
                } else {
                    Err("the key read back differs".to_owned())
                }
            },
        );
    let _ = keystore.remove(&probe);
    SelfCheck { sqlcipher_version, secure_delete, keystore: keystore.info(), keystore_round_trip }
}

/// SQLite's URI for a path, so that `mode` and `immutable` can be passed. Only the characters that
/// have a meaning in a URI are escaped; SQLite decodes `%XX`.
fn file_uri(path: &Path, query: &str) -> String {
    let mut uri = String::from("file:");
    for ch in path.to_string_lossy().chars() {
        match ch {
            '%' | '?' | '#' => uri.push_str(&format!("%{:02X}", ch as u32)),
            _ => uri.push(ch),
        }
    }
    format!("{uri}?{query}")
}

fn sqlite_code(error: &rusqlite::Error) -> Option<ffi::ErrorCode> {
    match error {
        rusqlite::Error::SqliteFailure(e, _) => Some(e.code),
        _ => None,
    }
}

/// Why a probe with one key failed.
enum ProbeFailure {
    /// This key does not decrypt page 1.
    NotThisKey,
    Corrupt(String),
    Other(rusqlite::Error),
}

/// Opens the database with `key` without writing anything (immutable when there is no WAL to
/// recover), and returns its schema version.
fn probe(paths: &VaultPaths, key: &VaultKey) -> Result<u32, ProbeFailure> {
    let wal_pending = std::fs::metadata(paths.wal()).map(|m| m.len() > 0).unwrap_or(false);
    let query = if wal_pending { "mode=ro" } else { "mode=ro&immutable=1" };
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let classify = |e: rusqlite::Error| match sqlite_code(&e) {
        Some(ffi::ErrorCode::NotADatabase) => ProbeFailure::NotThisKey,
        Some(ffi::ErrorCode::DatabaseCorrupt) => ProbeFailure::Corrupt(e.to_string()),
        _ => ProbeFailure::Other(e),
    };
    configure_sqlite();
    let conn = Connection::open_with_flags(file_uri(&paths.db, query), flags).map_err(classify)?;
    if !plaintext() {
        conn.execute_batch(&format!("PRAGMA key = {};", key.pragma_value().as_str())).map_err(classify)?;
    }
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get::<_, i64>(0)).map_err(classify)?;
    migrations::applied_version(&conn).map_err(classify)
}

/// A switch for tests and benchmarks only: vaults made and opened while it is on are not
/// encrypted. Compiled in with the `test-plaintext` feature; never on in the app.
#[cfg(feature = "test-plaintext")]
#[doc(hidden)]
pub mod testing_plaintext {
    use std::sync::atomic::{AtomicBool, Ordering};

    static ON: AtomicBool = AtomicBool::new(false);

    /// Turns encryption off for every vault this process makes or opens from now on.
    pub fn enable(on: bool) {
        ON.store(on, Ordering::SeqCst);
    }

    pub(crate) fn on() -> bool {
        ON.load(Ordering::SeqCst)
    }
}

/// Whether encryption is switched off (tests and benchmarks only).
pub(crate) fn plaintext() -> bool {
    #[cfg(feature = "test-plaintext")]
    {
        testing_plaintext::on()
    }
    #[cfg(not(feature = "test-plaintext"))]
    {
        false
    }
}

/// Refuses files that cannot be a vault before any key is tried.
fn inspect_file(paths: &VaultPaths) -> Result<(), Error> {
    let metadata = std::fs::metadata(&paths.db).map_err(|e| IoError::new("read", &paths.db, e))?;
    if metadata.is_dir() {
        return Err(VaultError::NotAVault { path: paths.db.clone(), reason: "vault.db is a folder" }.into());
    }
    let mut header = [0u8; 16];
    let read = std::fs::File::open(&paths.db)
        .and_then(|mut file| file.read(&mut header))
        .map_err(|e| IoError::new("read", &paths.db, e))?;
    if read == 16 && &header == b"SQLite format 3\0" && !plaintext() {
        return Err(
            VaultError::NotAVault { path: paths.db.clone(), reason: "a plain, unencrypted SQLite database" }.into()
        );
    }
    let wal_pending = std::fs::metadata(paths.wal()).map(|m| m.len() > 0).unwrap_or(false);
    // After a crash the pages may still be in the WAL; only a settled file must be whole pages.
    if !wal_pending && (metadata.len() < PAGE_SIZE || metadata.len() % PAGE_SIZE != 0) {
        return Err(VaultError::Truncated { path: paths.db.clone(), size: metadata.len() }.into());
    }
    Ok(())
}

/// How hard a database works to keep its last transactions through a power loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durability {
    /// The vault: every commit reaches the disk (`synchronous = FULL`).
    Full,
    /// Derived data (the search index): a power loss may lose the last commits, never the
    /// database's consistency (`synchronous = NORMAL` in WAL mode); they are replayed at open.
    Normal,
}

/// SQLite's process-wide settings, before its first connection: no memory statistics (nothing
/// reads them, and keeping them takes a global lock around every allocation of every connection:
/// 3 % of a bulk import's samples in a profile, for no measurable change of its time).
fn configure_sqlite() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_config is called before SQLite is initialised by a first connection
        // of this process (or fails harmlessly with SQLITE_MISUSE if another library started it).
        let _ = unsafe { ffi::sqlite3_config(ffi::SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int) };
    });
}

/// Opens the read-write connection and sets and asserts every pragma the vault relies on.
pub(crate) fn connect(path: &Path, key: &VaultKey) -> Result<Connection, Error> {
    connect_with(path, key, Durability::Full)
}

/// [`connect`], for the vault or for derived data.
pub(crate) fn connect_with(path: &Path, key: &VaultKey, durability: Durability) -> Result<Connection, Error> {
    configure_sqlite();
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    if !plaintext() {
        conn.execute_batch(&format!("PRAGMA key = {};", key.pragma_value().as_str()))?;
    }
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get::<_, i64>(0))?;
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL;
         PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA busy_timeout = 5000;
         PRAGMA cache_size = -{REGISTER_CACHE_KIB};"
    ))?;
    conn.execute_batch(match durability {
        Durability::Full => "PRAGMA synchronous = FULL;",
        Durability::Normal => "PRAGMA synchronous = NORMAL;",
    })?;
    let secure_delete: bool = conn.query_row("PRAGMA secure_delete", [], |row| row.get(0))?;
    if !secure_delete {
        return Err(VaultError::SecureDeleteOff.into());
    }
    Ok(conn)
}

impl Vault {
    /// Creates a vault in `dir` (made if missing), with its first administrator.
    pub fn create(dir: &Path, setup: VaultSetup, env: &VaultEnv) -> Result<(Vault, CreateReport), Error> {
        let paths = VaultPaths::new(dir);
        if setup.organisation.trim().is_empty() {
            return Err(VaultError::OrganisationMissing.into());
        }
        users::validate_username(&setup.admin.username)?;
        users::validate_password(&setup.admin.password)?;
        if setup.recovery_passphrase.char_len() < MIN_PASSPHRASE_CHARS {
            return Err(VaultError::PassphraseTooShort { min: MIN_PASSPHRASE_CHARS }.into());
        }
        if paths.db.exists() || paths.recovery.exists() {
            return Err(VaultError::AlreadyExists { dir: dir.to_owned() }.into());
        }
        std::fs::create_dir_all(dir).map_err(|e| IoError::new("create", dir, e))?;
        let result = Vault::create_files(&paths, setup, env);
        if result.is_err() {
            // Leave the folder as it was: no half-made vault.
            for path in [paths.db.clone(), paths.wal(), paths.shm(), paths.recovery.clone()] {
                let _ = std::fs::remove_file(path);
            }
        }
        result
    }

    fn create_files(paths: &VaultPaths, setup: VaultSetup, env: &VaultEnv) -> Result<(Vault, CreateReport), Error> {
        let key = VaultKey::generate();
        let vault_id = hex::encode(crate::crypto::random_bytes::<16>());
        let recovery = RecoveryFile::new(&vault_id, &key, &setup.recovery_passphrase, env.kdf.recovery)
            .map_err(|_| VaultError::WrongPassphrase)?;
        recovery.save(&paths.recovery)?;
        let mut conn = connect(&paths.db, &key)?;
        let now = env.clock.now();
        migrations::migrate(&mut conn, &stamp(now))?;
        let system_key = SigningKey::generate(&mut rand::rngs::OsRng);
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO vault_meta (id, vault_id, organisation, created_at, system_public_key, system_secret_key, head_seq, head_hash)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, 0, ?6)",
            rusqlite::params![
                vault_id,
                setup.organisation.trim(),
                stamp(now),
                system_key.verifying_key().to_bytes().to_vec(),
                system_key.to_bytes().to_vec(),
                audit::GENESIS_HASH.to_vec()
            ],
        )?;
        let (admin, public) = users::insert(&tx, &setup.admin, env.kdf.password, &stamp(now))?;
        let (_, admin_key) = users::unwrap_key(&tx, &admin, &setup.admin.password)?;
        let event = NewEvent::new(AuditAction::VaultCreate, "vault", &vault_id)
            .details(serde_json::json!({ "organisation": setup.organisation.trim(), "administrator": admin.username }))
            .introducing(public);
        audit::append(&tx, &Signer::User { id: admin.id.0, name: &admin.username, key: &admin_key }, event, now)?;
        tx.commit()?;
        // Settle everything into the main file now, so the vault is whole even if the process dies.
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        let keystore = env.keystore.store(&KeySlot::current(&vault_id), &key);
        let vault = Vault {
            paths: paths.clone(),
            conn,
            key,
            vault_id,
            env: env.clone(),
            key_source: KeySource::Created,
            search: Default::default(),
        };
        Ok((vault, CreateReport { keystore }))
    }

    /// Opens the vault in `dir`. Every failure leaves every file as it was.
    pub fn open(dir: &Path, unlock: Unlock, env: &VaultEnv) -> Result<Vault, Error> {
        let paths = VaultPaths::new(dir);
        if !paths.db.exists() {
            return Err(VaultError::NotFound { dir: dir.to_owned() }.into());
        }
        let recovery = match RecoveryFile::load(&paths.recovery)? {
            Some(recovery) => recovery,
            None if paths.recovery.exists() => {
                return Err(VaultError::NotAVault {
                    path: paths.recovery.clone(),
                    reason: "the recovery file is not Greffier's",
                }
                .into())
            }
            None => return Err(VaultError::RecoveryFileMissing { path: paths.recovery.clone() }.into()),
        };
        inspect_file(&paths)?;
        let (candidates, key_source) = candidate_keys(&recovery, &unlock, env.keystore.as_ref())?;
        let mut opened = None;
        for key in candidates {
            match probe(&paths, &key) {
                Ok(version) => {
                    opened = Some((key, version));
                    break;
                }
                Err(ProbeFailure::NotThisKey) => continue,
                Err(ProbeFailure::Corrupt(detail)) => {
                    return Err(VaultError::Corrupted { path: paths.db.clone(), detail }.into())
                }
                Err(ProbeFailure::Other(e)) => return Err(e.into()),
            }
        }
        // The key is the vault's (its check matched), yet page 1 does not decrypt: the file is damaged.
        let Some((key, version)) = opened else {
            return Err(VaultError::Corrupted {
                path: paths.db.clone(),
                detail: "the first page does not decrypt with the vault's key".into(),
            }
            .into());
        };
        if version > migrations::latest_version() {
            return Err(VaultError::NewerSchema { found: version, supported: migrations::latest_version() }.into());
        }
        let vault = Vault::open_with_key(&paths, key, key_source, env)?;
        vault.settle_rotation(&recovery)?;
        Ok(vault)
    }

    /// Opens with a key already known to be the vault's, applying pending migrations.
    pub(crate) fn open_with_key(
        paths: &VaultPaths,
        key: VaultKey,
        key_source: KeySource,
        env: &VaultEnv,
    ) -> Result<Vault, Error> {
        let mut conn = connect(&paths.db, &key)?;
        migrations::migrate(&mut conn, &stamp(env.clock.now()))?;
        let vault_id: String = conn.query_row("SELECT vault_id FROM vault_meta WHERE id = 1", [], |row| row.get(0))?;
        let mut vault = Vault {
            paths: paths.clone(),
            conn,
            key,
            vault_id,
            env: env.clone(),
            key_source,
            search: Default::default(),
        };
        // Before anything else uses it: destroy again what a restored backup still holds.
        vault.replay_ledger()?;
        Ok(vault)
    }

    /// Finishes or abandons a key rotation that was interrupted, now that we know which key the
    /// database has; and puts the working key in the OS keyring (best effort).
    fn settle_rotation(&self, recovery: &RecoveryFile) -> Result<(), Error> {
        let check = crate::recovery::key_check(&self.key);
        if let Some(pending) = &recovery.pending {
            let settled = if pending.key_check == check {
                RecoveryFile { current: pending.clone(), pending: None, ..recovery.clone() }
            } else {
                RecoveryFile { pending: None, ..recovery.clone() }
            };
            settled.save(&self.paths.recovery)?;
        }
        let keystore = self.env.keystore.as_ref();
        if self.key_source == KeySource::RecoveryPassphrase || recovery.pending.is_some() {
            let _ = keystore.store(&KeySlot::current(&self.vault_id), &self.key);
        }
        if recovery.pending.is_some() {
            let _ = keystore.remove(&KeySlot::pending(&self.vault_id));
        }
        Ok(())
    }

    /// Closes the database but keeps what it takes to open it again, for an operation that must
    /// close it first and may have to give it back (a restore that fails its verification).
    pub fn into_locked(self) -> LockedVault {
        let _ = self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
        LockedVault { paths: self.paths, key: self.key, key_source: self.key_source, env: self.env }
    }

    /// Closes the database and forgets the key.
    pub fn lock(self) {
        let _ = self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
        drop(self);
    }

    pub fn paths(&self) -> &VaultPaths {
        &self.paths
    }

    pub fn vault_id(&self) -> &str {
        &self.vault_id
    }

    pub fn key_source(&self) -> KeySource {
        self.key_source
    }

    pub fn organisation(&self) -> Result<String, Error> {
        Ok(self.conn.query_row("SELECT organisation FROM vault_meta WHERE id = 1", [], |row| row.get(0))?)
    }

    pub fn info(&self) -> Result<VaultInfo, Error> {
        let (organisation, created_at): (String, String) =
            self.conn.query_row("SELECT organisation, created_at FROM vault_meta WHERE id = 1", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;
        let sqlcipher_version: String = self.conn.query_row("PRAGMA cipher_version", [], |row| row.get(0))?;
        let users: u32 = self.conn.query_row("SELECT count(*) FROM users", [], |row| row.get(0))?;
        let db_bytes = std::fs::metadata(&self.paths.db).map(|m| m.len()).unwrap_or(0);
        Ok(VaultInfo {
            vault_id: self.vault_id.clone(),
            organisation,
            created_at,
            dir: self.paths.dir.clone(),
            schema_version: migrations::applied_version(&self.conn)?,
            sqlcipher_version,
            db_bytes,
            users,
            key_source: self.key_source,
            keystore: self.env.keystore.info(),
            chain_head: audit::head(&self.conn)?,
        })
    }

    // ----- people -----

    /// Signs a user in. Success and failure are both audited; the failure is signed by the vault's
    /// system key since no user key is unlocked.
    pub fn sign_in(&self, username: &str, password: &Secret) -> Result<Session, Error> {
        let found = users::find(&self.conn, username)?;
        let failure = match &found {
            None => {
                users::dummy_verify(password, self.env.kdf.password);
                Some((AuthError::InvalidCredentials, "unknown user"))
            }
            Some((_, hash)) if !crate::crypto::verify_password(password, hash) => {
                Some((AuthError::InvalidCredentials, "wrong password"))
            }
            Some((user, _)) if !user.active => {
                Some((AuthError::AccountDisabled { username: user.username.clone() }, "account deactivated"))
            }
            Some(_) => None,
        };
        if let Some((error, reason)) = failure {
            let object_id = found.as_ref().map_or_else(|| username.to_owned(), |(user, _)| user.id.0.to_string());
            let event = NewEvent::new(AuditAction::SignInFailed, "user", object_id)
                .details(serde_json::json!({ "username": username, "reason": reason }));
            self.append_as_system(event)?;
            return Err(error.into());
        }
        let Some((user, _)) = found else {
            return Err(AuthError::InvalidCredentials.into());
        };
        let (_, key) = users::unwrap_key(&self.conn, &user, password)?;
        let session = Session { user, key };
        self.record(&session, NewEvent::new(AuditAction::SignIn, "user", session.user.id.0.to_string()))?;
        Ok(session)
    }

    /// Fails with an audited refusal unless the session's role grants `permission`.
    pub fn require(&self, session: &Session, permission: Permission) -> Result<(), Error> {
        if session.user.role.grants(permission) {
            return Ok(());
        }
        self.record(
            session,
            NewEvent::new(AuditAction::AccessDenied, "permission", permission.as_str())
                .details(serde_json::json!({ "role": session.user.role.as_str() })),
        )?;
        Err(crate::AccessError::Denied { permission, role: session.user.role }.into())
    }

    pub fn add_user(&mut self, session: &Session, new: NewUser) -> Result<User, Error> {
        self.require(session, Permission::ManageUsers)?;
        let now = self.env.clock.now();
        let params = self.env.kdf.password;
        let tx = self.conn.transaction()?;
        let (user, public) = users::insert(&tx, &new, params, &stamp(now))?;
        let event = NewEvent::new(AuditAction::UserCreate, "user", user.id.0.to_string())
            .details(serde_json::json!({ "username": user.username, "displayName": user.display_name, "role": user.role.as_str() }))
            .introducing(public);
        audit::append(&tx, &signer(session), event, now)?;
        tx.commit()?;
        Ok(user)
    }

    pub fn list_users(&self, session: &Session) -> Result<Vec<User>, Error> {
        self.require(session, Permission::ViewUsers)?;
        Ok(users::list(&self.conn)?)
    }

    /// An administrator sets a new password for someone who lost theirs. The old signing key
    /// cannot be unwrapped without the old password, so the user gets a new one, introduced in the
    /// chain by this (audited, administrator-signed) event.
    pub fn reset_password(&mut self, session: &Session, username: &str, password: &Secret) -> Result<(), Error> {
        self.require(session, Permission::ManageUsers)?;
        users::validate_password(password)?;
        let (user, _) = users::find(&self.conn, username)?
            .ok_or_else(|| AuthError::UnknownUser { username: username.to_owned() })?;
        let now = self.env.clock.now();
        let params = self.env.kdf.password;
        let tx = self.conn.transaction()?;
        users::set_password_hash(&tx, user.id.0, password, params, &stamp(now))?;
        let public = users::add_key(&tx, user.id.0, password, params, &stamp(now))?;
        let event = NewEvent::new(AuditAction::UserPasswordReset, "user", user.id.0.to_string())
            .details(serde_json::json!({ "username": user.username }))
            .introducing(public);
        audit::append(&tx, &signer(session), event, now)?;
        tx.commit()?;
        Ok(())
    }

    /// A user changes their own password; their signing key stays the same, re-wrapped.
    pub fn change_password(&mut self, session: &Session, current: &Secret, new: &Secret) -> Result<(), Error> {
        users::validate_password(new)?;
        let (_, hash) = users::find(&self.conn, &session.user.username)?.ok_or(AuthError::InvalidCredentials)?;
        if !crate::crypto::verify_password(current, &hash) {
            return Err(AuthError::InvalidCredentials.into());
        }
        let (row, key) = users::unwrap_key(&self.conn, &session.user, current)?;
        let now = self.env.clock.now();
        let params = self.env.kdf.password;
        let tx = self.conn.transaction()?;
        users::set_password_hash(&tx, session.user.id.0, new, params, &stamp(now))?;
        users::rewrap_key(&tx, session.user.id.0, row, &key, new, params, &stamp(now))?;
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::UserPasswordChange, "user", session.user.id.0.to_string()),
            now,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Deactivates or reactivates an account. Users are never deleted: the trail names them.
    pub fn set_user_active(&mut self, session: &Session, username: &str, active: bool) -> Result<(), Error> {
        self.require(session, Permission::ManageUsers)?;
        let (user, _) = users::find(&self.conn, username)?
            .ok_or_else(|| AuthError::UnknownUser { username: username.to_owned() })?;
        if !active
            && user.role == crate::Role::Administrator
            && user.active
            && users::active_administrators(&self.conn)? <= 1
        {
            return Err(AuthError::LastAdministrator.into());
        }
        let now = self.env.clock.now();
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE users SET active = ?2, updated_at = ?3 WHERE id = ?1",
            rusqlite::params![user.id.0, active, stamp(now)],
        )?;
        let action = if active { AuditAction::UserReactivate } else { AuditAction::UserDeactivate };
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(action, "user", user.id.0.to_string())
                .details(serde_json::json!({ "username": user.username })),
            now,
        )?;
        tx.commit()?;
        Ok(())
    }

    // ----- audit -----

    /// Appends one event signed by the session's user, in a transaction of its own.
    pub(crate) fn record(&self, session: &Session, event: NewEvent) -> Result<u64, Error> {
        let tx = self.conn.unchecked_transaction()?;
        let seq = audit::append(&tx, &signer(session), event, self.env.clock.now())?;
        tx.commit()?;
        Ok(seq)
    }

    pub(crate) fn append_as_system(&self, event: NewEvent) -> Result<u64, Error> {
        let secret: Vec<u8> =
            self.conn.query_row("SELECT system_secret_key FROM vault_meta WHERE id = 1", [], |row| row.get(0))?;
        let bytes: [u8; 32] = secret.as_slice().try_into().map_err(|_| VaultError::Corrupted {
            path: self.paths.db.clone(),
            detail: "the system signing key is damaged".into(),
        })?;
        let tx = self.conn.unchecked_transaction()?;
        let seq =
            audit::append(&tx, &Signer::System { key: SigningKey::from_bytes(&bytes) }, event, self.env.clock.now())?;
        tx.commit()?;
        Ok(seq)
    }

    /// Verifies the whole chain. Audited.
    pub fn verify_audit(&self, session: &Session) -> Result<VerifyReport, Error> {
        self.require(session, Permission::ViewAudit)?;
        let report = audit::verify(&self.conn)?;
        self.record(
            session,
            NewEvent::new(AuditAction::AuditVerify, "audit", "chain")
                .details(serde_json::json!({ "events": report.events, "intact": report.is_intact() })),
        )?;
        Ok(report)
    }

    /// Writes the trail as CSV. Audited (the export holds personal information).
    pub fn export_audit_csv(&self, session: &Session, out: &mut dyn std::io::Write) -> Result<u64, Error> {
        self.require(session, Permission::ExportAudit)?;
        let head = audit::head(&self.conn)?;
        let count = audit::export_csv(&self.conn, out)?;
        self.record(
            session,
            NewEvent::new(AuditAction::AuditExport, "audit", "chain")
                .details(serde_json::json!({ "events": count, "head": head })),
        )?;
        Ok(count)
    }

    pub fn recent_audit(&self, session: &Session, limit: u32) -> Result<Vec<audit::AuditEntry>, Error> {
        self.require(session, Permission::ViewAudit)?;
        audit::recent(&self.conn, limit)
    }

    /// The details of one event (before/after), `None` when it had none or they were erased.
    pub fn audit_details(&self, session: &Session, seq: u64) -> Result<Option<serde_json::Value>, Error> {
        self.require(session, Permission::ViewAudit)?;
        audit::details(&self.conn, seq)
    }

    /// The connection's settings, as SQLite reports them (for `vault info` and the tests).
    pub fn pragmas(&self) -> Result<Pragmas, Error> {
        let text = |name: &str| -> Result<String, Error> {
            Ok(self.conn.query_row(&format!("PRAGMA {name}"), [], |row| row.get::<_, rusqlite::types::Value>(0)).map(
                |v| match v {
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    other => format!("{other:?}"),
                },
            )?)
        };
        Ok(Pragmas {
            journal_mode: text("journal_mode")?,
            synchronous: text("synchronous")?,
            foreign_keys: text("foreign_keys")?,
            secure_delete: text("secure_delete")?,
            temp_store: text("temp_store")?,
            cipher_version: text("cipher_version")?,
        })
    }

    /// Minutes of inactivity after which the desktop app locks the vault; 0 means never.
    pub fn idle_lock_minutes(&self) -> Result<u32, Error> {
        let value: Option<String> = self
            .conn
            .query_row("SELECT value FROM settings WHERE key = 'idle_lock_minutes'", [], |row| row.get(0))
            .optional()?;
        Ok(value.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_IDLE_LOCK_MINUTES))
    }

    /// Sets the idle lock (at most a day). Audited.
    pub fn set_idle_lock_minutes(&self, session: &Session, minutes: u32) -> Result<(), Error> {
        self.require(session, Permission::ManageVault)?;
        let minutes = minutes.min(24 * 60);
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES ('idle_lock_minutes', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [minutes.to_string()],
        )?;
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::SettingChange, "setting", "idle_lock_minutes")
                .details(serde_json::json!({ "minutes": minutes })),
            self.env.clock.now(),
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn chain_head(&self) -> Result<ChainHead, Error> {
        audit::head(&self.conn)
    }

    // ----- vault operations -----

    /// `PRAGMA integrity_check`, SQLCipher's page HMAC check, and the audit chain. Audited.
    pub fn check(&self, session: &Session) -> Result<CheckReport, Error> {
        self.require(session, Permission::CheckVault)?;
        let report = integrity(&self.conn)?;
        self.record(
            session,
            NewEvent::new(AuditAction::VaultCheck, "vault", &self.vault_id)
                .details(serde_json::json!({ "sound": report.is_sound() })),
        )?;
        Ok(report)
    }

    /// Replaces the recovery passphrase. Older backups keep the passphrase they were made with.
    pub fn change_recovery_passphrase(&self, session: &Session, current: &Secret, new: &Secret) -> Result<(), Error> {
        self.require(session, Permission::ManageVault)?;
        if new.char_len() < MIN_PASSPHRASE_CHARS {
            return Err(VaultError::PassphraseTooShort { min: MIN_PASSPHRASE_CHARS }.into());
        }
        let recovery = self.load_recovery()?;
        let unwrapped = recovery.unwrap(current).map_err(|_| VaultError::WrongPassphrase)?;
        if unwrapped.current != self.key {
            return Err(VaultError::WrongPassphrase.into());
        }
        let replaced = RecoveryFile::new(&self.vault_id, &self.key, new, self.env.kdf.recovery)
            .map_err(|_| VaultError::WrongPassphrase)?;
        self.record(session, NewEvent::new(AuditAction::VaultPassphraseChange, "vault", &self.vault_id))?;
        replaced.save(&self.paths.recovery)?;
        Ok(())
    }

    /// Rotates the vault key (`PRAGMA rekey`). The recovery passphrase is needed to wrap the new
    /// key. Each step leaves a vault that opens with one of the two keys: the recovery file and
    /// the keyring hold both until the database has the new one.
    pub fn rekey(&mut self, session: &Session, recovery_passphrase: &Secret) -> Result<(), Error> {
        self.require(session, Permission::ManageVault)?;
        let new_key = self.rekey_prepare(recovery_passphrase)?;
        self.record(session, NewEvent::new(AuditAction::VaultRekey, "vault", &self.vault_id))?;
        self.rekey_database(&new_key)?;
        self.rekey_settle(new_key)
    }

    /// Step 1: records the new key as pending, beside the current one.
    pub(crate) fn rekey_prepare(&self, recovery_passphrase: &Secret) -> Result<VaultKey, Error> {
        let recovery = self.load_recovery()?;
        let unwrapped = recovery.unwrap(recovery_passphrase).map_err(|_| VaultError::WrongPassphrase)?;
        if unwrapped.current != self.key {
            return Err(VaultError::WrongPassphrase.into());
        }
        let new_key = VaultKey::generate();
        recovery.with_pending(&unwrapped.kek, &new_key).save(&self.paths.recovery)?;
        let _ = self.env.keystore.store(&KeySlot::pending(&self.vault_id), &new_key);
        Ok(new_key)
    }

    /// Step 2: re-encrypts every page. SQLCipher cannot rekey in WAL mode, so the journal goes
    /// to rollback mode (which keeps the rekey atomic) and back.
    pub(crate) fn rekey_database(&self, new_key: &VaultKey) -> Result<(), Error> {
        self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        self.conn.query_row("PRAGMA journal_mode = DELETE", [], |row| row.get::<_, String>(0))?;
        let result = self.conn.execute_batch(&format!("PRAGMA rekey = {};", new_key.pragma_value().as_str()));
        self.conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get::<_, String>(0))?;
        result?;
        Ok(())
    }

    /// Step 3: the new key becomes the only one.
    pub(crate) fn rekey_settle(&mut self, new_key: VaultKey) -> Result<(), Error> {
        let recovery = self.load_recovery()?;
        self.key = new_key;
        self.settle_rotation(&recovery)
    }

    pub(crate) fn load_recovery(&self) -> Result<RecoveryFile, Error> {
        RecoveryFile::load(&self.paths.recovery)?
            .ok_or_else(|| VaultError::RecoveryFileMissing { path: self.paths.recovery.clone() }.into())
    }

    /// The connection, for the other areas of the core.
    #[allow(dead_code)]
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

pub(crate) fn signer(session: &Session) -> Signer<'_> {
    Signer::User { id: session.user.id.0, name: &session.user.username, key: &session.key }
}

pub(crate) fn integrity(conn: &Connection) -> Result<CheckReport, Error> {
    let collect = |sql: &str| -> Result<Vec<String>, Error> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    };
    Ok(CheckReport {
        integrity: collect("PRAGMA integrity_check")?,
        cipher_integrity: collect("PRAGMA cipher_integrity_check")?,
        audit: audit::verify(conn)?,
    })
}

/// The keys to try, in order: for a rotation in progress, the current key first (an interrupted
/// rekey rolls back to it), then the pending one.
fn candidate_keys(
    recovery: &RecoveryFile,
    unlock: &Unlock,
    keystore: &dyn KeyStore,
) -> Result<(Vec<VaultKey>, KeySource), Error> {
    match unlock {
        Unlock::Passphrase(passphrase) => {
            let unwrapped = recovery.unwrap(passphrase).map_err(|_| VaultError::WrongPassphrase)?;
            let mut keys = vec![unwrapped.current];
            keys.extend(unwrapped.pending);
            Ok((keys, KeySource::RecoveryPassphrase))
        }
        Unlock::KeyStore => {
            let mut keys = Vec::new();
            for slot in [KeySlot::current(&recovery.vault_id), KeySlot::pending(&recovery.vault_id)] {
                keys.extend(keystore.load(&slot)?);
            }
            if keys.is_empty() {
                return Err(VaultError::KeyringEntryMissing.into());
            }
            keys.retain(|key| recovery.recognises(key));
            if keys.is_empty() {
                return Err(VaultError::KeyringKeyMismatch.into());
            }
            // Try the recovery file's current key first.
            let current_check = &recovery.current.key_check;
            keys.sort_by_key(|key| crate::recovery::key_check(key) != *current_check);
            Ok((keys, KeySource::KeyStore))
        }
    }
}

/// The steps of a key rotation, one at a time, so tests can stop between them as a crash would.
#[doc(hidden)]
pub mod testing {
    use super::*;

    pub fn rekey_prepare(vault: &Vault, recovery_passphrase: &Secret) -> VaultKey {
        vault.rekey_prepare(recovery_passphrase).expect("rekey step 1")
    }

    pub fn rekey_database(vault: &Vault, new_key: &VaultKey) {
        vault.rekey_database(new_key).expect("rekey step 2")
    }

    /// Appends a well-formed event in which a user introduces a fresh key for themselves and signs
    /// with it: what a key holder forging that user's events would write.
    pub fn append_self_introduction(vault: &Vault, user_id: i64, name: &str) -> u64 {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let event = NewEvent::new(AuditAction::UserPasswordReset, "user", user_id.to_string())
            .introducing(key.verifying_key().to_bytes());
        audit::append(&vault.conn, &Signer::User { id: user_id, name, key: &key }, event, vault.env.clock.now())
            .expect("append")
    }

    /// The vault key, for tests that play a key holder editing the file by hand.
    pub fn key(vault: &Vault) -> VaultKey {
        vault.key.clone()
    }

    /// From which offset pages sorted by a text column take the deep path (20,000 by default):
    /// the tests run both paths on a small register.
    pub fn deep_page_from(offset: usize) {
        crate::search::set_deep_page_from(offset);
    }

    /// Has this thread's destructions find tantivy merging the segments they must rewrite (as
    /// its merge policy may after a commit), to check they wait for those merges.
    pub fn merge_in_flight_at_purge(on: bool) {
        crate::search::set_merge_in_flight_at_purge(on);
    }

    /// Has this thread's destructions find the segments they must rewrite merged by something
    /// else between listing them and merging them (as tantivy's merge policy may).
    pub fn merged_under_purge(on: bool) {
        crate::search::set_merged_under_purge(on);
    }

    /// Merges the search index into one segment, as tantivy's merge policy would in time.
    pub fn merge_whole_index(vault: &Vault) {
        vault.with_index(|index, _| index.merge_all()).expect("merge")
    }

    /// The key of the search index's database, for the tests' decoding oracles.
    pub fn index_key(vault: &Vault) -> VaultKey {
        crate::search::index_key(&vault.key)
    }

    /// Index files no live segment uses (left behind by a merge without garbage collection).
    pub fn index_stale_files(vault: &Vault) -> Vec<String> {
        vault.with_index(|index, _| index.stale_files()).expect("index files")
    }

    /// Index files as a process killed before its commit leaves them (see
    /// `SearchIndex::plant_orphans`); answers their names.
    pub fn plant_orphan_index_files(vault: &Vault, ahead: u64) -> Vec<String> {
        vault.with_index(|index, _| index.plant_orphans(ahead)).expect("planted")
    }

    /// The register's page cache, in KiB (`PRAGMA cache_size`, given negative).
    pub fn register_cache_kib(vault: &Vault) -> i64 {
        -vault.conn.query_row("PRAGMA cache_size", [], |row| row.get::<_, i64>(0)).expect("cache size")
    }

    /// Leaves the search index as a version of another schema would, with a stray document
    /// holding `stray` (see `SearchIndex::commit_as_schema`).
    pub fn index_as_of_schema(vault: &Vault, schema: u32, stray: &str) {
        vault.with_index(|index, _| index.commit_as_schema(schema, stray)).expect("old schema")
    }

    /// From how many files and persons an empty index is filled as a rebuild, on this thread.
    pub fn fill_index_from(rows: i64) {
        crate::search::set_fill_from(rows);
    }

    /// From how many documents a catch-up of the search index tells how far it is, on this thread.
    pub fn report_index_progress_from(documents: u64) {
        crate::search::set_report_from(documents);
    }

    /// How many empty indexes this thread filled as a rebuild.
    pub fn index_fills() -> usize {
        crate::search::fills()
    }

    /// The search index's writer: its threads and its memory.
    pub fn index_writer_setup(vault: &Vault) -> (usize, usize) {
        vault.with_index(|index, _| Ok(index.writer_setup())).expect("writer")
    }

    /// Erases the details of events, as destroying the records they describe will.
    pub fn erase_audit_details(vault: &Vault, seqs: &[u64]) -> usize {
        crate::audit::erase_details(&vault.conn, seqs).expect("erase")
    }
}
