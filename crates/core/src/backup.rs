//! Encrypted backups and verified restores.
//!
//! A backup is one file: a magic line, a JSON header in clear (vault id, date, schema, chain head,
//! the payload's SHA-256 and the recovery file of the day, which holds only the wrapped key) and
//! the database itself, still SQLCipher-encrypted under the vault key. A restore checks all of it
//! — hash, key, `integrity_check`, page HMACs, the audit chain and the restoring administrator's
//! credentials — on a copy, and only then replaces the vault.

use std::{
    fs::File,
    io::{BufReader, BufWriter, Read, Write},
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{
    audit::{AuditAction, ChainHead, NewEvent},
    clock::stamp,
    fsutil, migrations,
    recovery::{self, RecoveryFile},
    users,
    vault::{self, connect, KeySource, VaultPaths},
    AccessError, AuthError, Error, ErrorCode, IoError, KeySlot, LockedVault, Permission, Secret, Unlock, UserMessage,
    Vault, VaultEnv, VaultError, VaultKey,
};

const MAGIC: &[u8; 16] = b"GREFFIER-BACKUP\n";
const FORMAT: u32 = 1;
const MAX_HEADER: u32 = 1 << 20;
const PAGES_PER_STEP: i32 = 256;

/// Work done so far, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// Called with progress; returning `false` cancels where cancelling is safe.
pub type ProgressFn<'a> = &'a mut dyn FnMut(Progress) -> bool;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BackupHeader {
    pub format: u32,
    pub vault_id: String,
    pub created_at: String,
    pub schema_version: u32,
    pub chain_head: ChainHead,
    pub db_bytes: u64,
    pub db_sha256: String,
    pub(crate) recovery: RecoveryFile,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    pub sha256: String,
    pub chain_head: ChainHead,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    pub backup_created_at: String,
    pub backup_chain_head: ChainHead,
    /// Where the vault that was replaced was kept, if there was one. When the recovery file was
    /// replaced too, the old one sits beside it as `<that name>.recovery.json`.
    pub previous_saved_as: Option<PathBuf>,
    /// True when the recovery file was taken from the backup: the recovery passphrase is then the
    /// one in force when the backup was made.
    pub recovery_file_from_backup: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{} is not a Greffier backup. Choose a file made by `greffier vault backup`.", path.display())]
    NotABackup { path: PathBuf },
    #[error("This backup uses format {found}, which this version of Greffier cannot read. Install a newer version.")]
    UnsupportedFormat { found: u32 },
    #[error("The backup {} is truncated: it ends before its last byte. Use another copy of it.", path.display())]
    Truncated { path: PathBuf },
    #[error("The backup {} is damaged: {detail}. Use another copy of it; nothing was changed.", path.display())]
    Corrupted { path: PathBuf, detail: String },
    #[error("This backup belongs to another vault ({backup}), not to the one in this folder ({target}). Restore it into an empty folder instead.")]
    OtherVault { backup: String, target: String },
    #[error("The backup failed its verification ({reason}); the vault was not replaced. Use another backup.")]
    Invalid { reason: String },
    #[error("{} already exists. Choose another file name, or remove that file first.", path.display())]
    DestinationExists { path: PathBuf },
    #[error("Cancelled; nothing was changed.")]
    Cancelled,
}

impl UserMessage for BackupError {
    fn code(&self) -> ErrorCode {
        match self {
            BackupError::NotABackup { .. } => ErrorCode::NotABackup,
            BackupError::UnsupportedFormat { .. } => ErrorCode::BackupVersionUnsupported,
            BackupError::Truncated { .. } => ErrorCode::BackupTruncated,
            BackupError::Corrupted { .. } => ErrorCode::BackupCorrupted,
            BackupError::OtherVault { .. } => ErrorCode::BackupOfAnotherVault,
            BackupError::Invalid { .. } => ErrorCode::BackupInvalid,
            BackupError::DestinationExists { .. } => ErrorCode::BackupDestinationExists,
            BackupError::Cancelled => ErrorCode::Cancelled,
        }
    }
    fn french(&self) -> String {
        match self {
            BackupError::NotABackup { path } => format!("{} n'est pas une sauvegarde Greffier. Choisissez un fichier produit par `greffier vault backup`.", path.display()),
            BackupError::UnsupportedFormat { found } => format!("Cette sauvegarde est au format {found}, que cette version de Greffier ne sait pas lire. Installez une version plus récente."),
            BackupError::Truncated { path } => format!("La sauvegarde {} est tronquée : elle s'arrête avant son dernier octet. Utilisez-en une autre copie.", path.display()),
            BackupError::Corrupted { path, detail } => format!("La sauvegarde {} est endommagée : {detail}. Utilisez-en une autre copie ; rien n'a été modifié.", path.display()),
            BackupError::OtherVault { backup, target } => format!("Cette sauvegarde appartient à un autre coffre ({backup}), pas à celui de ce dossier ({target}). Restaurez-la plutôt dans un dossier vide."),
            BackupError::Invalid { reason } => format!("La sauvegarde n'a pas passé la vérification ({reason}) ; le coffre n'a pas été remplacé. Utilisez une autre sauvegarde."),
            BackupError::DestinationExists { path } => format!("{} existe déjà. Choisissez un autre nom de fichier, ou supprimez d'abord ce fichier.", path.display()),
            BackupError::Cancelled => "Annulé ; rien n'a été modifié.".into(),
        }
    }
}

fn temp_beside(path: &Path, suffix: &str) -> PathBuf {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("greffier");
    dir.join(format!(".{name}.{}.{suffix}", hex::encode(crate::crypto::random_bytes::<6>())))
}

/// Removes a file when dropped unless disarmed: temporary files never outlive a failure.
struct TempFile(Option<PathBuf>);

impl TempFile {
    fn path(&self) -> &Path {
        self.0.as_deref().unwrap_or_else(|| Path::new(""))
    }
    fn disarm(mut self) -> PathBuf {
        self.0.take().unwrap_or_default()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            fsutil::remove_database(&path);
        }
    }
}

fn hash_file(path: &Path) -> Result<(String, u64), IoError> {
    let mut reader = BufReader::new(File::open(path).map_err(|e| IoError::new("read", path, e))?);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buf).map_err(|e| IoError::new("read", path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), total))
}

impl Vault {
    /// Writes an encrypted backup to `dest`, which must not exist yet. Audited.
    pub fn backup(
        &self,
        session: &users::Session,
        dest: &Path,
        progress: ProgressFn<'_>,
    ) -> Result<BackupReport, Error> {
        self.require(session, Permission::ManageVault)?;
        if dest.exists() {
            return Err(BackupError::DestinationExists { path: dest.to_owned() }.into());
        }
        let copy = TempFile(Some(temp_beside(dest, "db.tmp")));
        let chain_head = crate::audit::head(&self.conn)?;
        {
            let mut target = connect(copy.path(), &self.key)?;
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut target)?;
            loop {
                let more = backup.step(PAGES_PER_STEP)?;
                let p = backup.progress();
                let total = p.pagecount.max(1) as u64;
                let done = total - p.remaining.max(0) as u64;
                if !progress(Progress { done, total: total + 1 }) {
                    return Err(BackupError::Cancelled.into());
                }
                if more == rusqlite::backup::StepResult::Done {
                    break;
                }
            }
            drop(backup);
            // The copy stands alone: no WAL beside it, and it must read back whole.
            target.query_row("PRAGMA journal_mode = DELETE", [], |row| row.get::<_, String>(0))?;
            let check: String = target.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
            if check != "ok" {
                return Err(BackupError::Invalid { reason: check }.into());
            }
        }
        let (db_sha256, db_bytes) = hash_file(copy.path())?;
        let mut recovery_file = self.load_recovery()?;
        recovery_file.pending = None;
        let header = BackupHeader {
            format: FORMAT,
            vault_id: self.vault_id.clone(),
            created_at: stamp(self.env.clock.now()),
            schema_version: migrations::applied_version(&self.conn)?,
            chain_head: chain_head.clone(),
            db_bytes,
            db_sha256: db_sha256.clone(),
            recovery: recovery_file,
        };
        let staged = TempFile(Some(temp_beside(dest, "tmp")));
        write_container(staged.path(), &header, copy.path())?;
        let (sha256, bytes) = hash_file(staged.path())?;
        std::fs::rename(staged.path(), dest).map_err(|e| IoError::new("rename", dest, e))?;
        staged.disarm();
        if let Some(dir) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
            fsutil::sync_dir(dir)?;
        }
        progress(Progress { done: 1, total: 1 });
        self.record(
            session,
            NewEvent::new(AuditAction::VaultBackup, "vault", &self.vault_id)
                .details(serde_json::json!({ "file": dest.display().to_string(), "sha256": sha256, "bytes": bytes, "chainHead": chain_head })),
        )?;
        Ok(BackupReport { path: dest.to_owned(), bytes, sha256, chain_head })
    }
}

fn write_container(path: &Path, header: &BackupHeader, db: &Path) -> Result<(), IoError> {
    let header_json = serde_json::to_vec(header).unwrap_or_default();
    let file = File::create(path).map_err(|e| IoError::new("create", path, e))?;
    let mut out = BufWriter::new(file);
    let mut input = File::open(db).map_err(|e| IoError::new("read", db, e))?;
    (|| -> std::io::Result<()> {
        out.write_all(MAGIC)?;
        out.write_all(&(header_json.len() as u32).to_le_bytes())?;
        out.write_all(&header_json)?;
        std::io::copy(&mut input, &mut out)?;
        out.flush()?;
        out.get_ref().sync_all()
    })()
    .map_err(|e| IoError::new("write", path, e))
}

/// Reads and checks a backup's header, without the key.
pub fn read_header(path: &Path) -> Result<BackupHeader, Error> {
    let not_a_backup = || Error::from(BackupError::NotABackup { path: path.to_owned() });
    let mut file = File::open(path).map_err(|e| IoError::new("read", path, e))?;
    let size = file.metadata().map_err(|e| IoError::new("read", path, e))?.len();
    let mut magic = [0u8; 16];
    if file.read_exact(&mut magic).is_err() || &magic != MAGIC {
        return Err(not_a_backup());
    }
    let mut len = [0u8; 4];
    file.read_exact(&mut len).map_err(|_| BackupError::Truncated { path: path.to_owned() })?;
    let len = u32::from_le_bytes(len);
    if len > MAX_HEADER {
        return Err(not_a_backup());
    }
    let mut json = vec![0u8; len as usize];
    file.read_exact(&mut json).map_err(|_| BackupError::Truncated { path: path.to_owned() })?;
    let value: serde_json::Value = serde_json::from_slice(&json).map_err(|_| not_a_backup())?;
    let format = value.get("format").and_then(|f| f.as_u64()).ok_or_else(not_a_backup)?;
    if format != u64::from(FORMAT) {
        return Err(BackupError::UnsupportedFormat { found: format as u32 }.into());
    }
    let header: BackupHeader = serde_json::from_value(value).map_err(|_| not_a_backup())?;
    let expected = 16 + 4 + u64::from(len) + header.db_bytes;
    if size < expected {
        return Err(BackupError::Truncated { path: path.to_owned() }.into());
    }
    if size > expected {
        return Err(
            BackupError::Corrupted { path: path.to_owned(), detail: "it has bytes after its end".into() }.into()
        );
    }
    Ok(header)
}

/// The restoring administrator.
pub struct Credentials<'a> {
    pub username: &'a str,
    pub password: &'a Secret,
}

/// Restores `backup` into the vault folder `dir` (made if missing). Everything is verified on a
/// copy first; the vault it replaces is kept beside it as `vault.db.pre-restore-…`.
/// The caller must have locked any open handle on that vault.
pub fn restore(
    backup: &Path,
    dir: &Path,
    unlock: Unlock,
    current: Option<&LockedVault>,
    credentials: Credentials<'_>,
    env: &VaultEnv,
    progress: ProgressFn<'_>,
) -> Result<(Vault, RestoreReport), Error> {
    let header = read_header(backup)?;
    let paths = VaultPaths::new(dir);
    let target_recovery = RecoveryFile::load(&paths.recovery)?;
    if let Some(target) = &target_recovery {
        if target.vault_id != header.vault_id {
            return Err(
                BackupError::OtherVault { backup: header.vault_id.clone(), target: target.vault_id.clone() }.into()
            );
        }
    }
    let (backup_key, target_key) = match current.map(|locked| &locked.key) {
        // The vault being replaced was open: its key is known, and is the backup's too unless it
        // was rotated since.
        Some(known) if target_recovery.as_ref().is_some_and(|t| recovery::key_check(known) == t.current.key_check) => {
            let backup_key = if recovery::key_check(known) == header.recovery.current.key_check {
                known.clone()
            } else {
                restore_keys(&header, None, &unlock, env)?.0
            };
            (backup_key, Some(known.clone()))
        }
        _ => restore_keys(&header, target_recovery.as_ref(), &unlock, env)?,
    };
    std::fs::create_dir_all(dir).map_err(|e| IoError::new("create", dir, e))?;

    // 1. Extract the payload beside the vault, hashing as we go.
    let staged = TempFile(Some(temp_beside(&paths.db, "restore")));
    extract_payload(backup, &header, staged.path(), progress)?;

    // 2. Open the copy and verify it whole.
    let corrupted = |detail: String| Error::from(BackupError::Corrupted { path: backup.to_owned(), detail });
    {
        let mut conn = connect(staged.path(), &backup_key).map_err(|e| match e {
            Error::Database(_) => corrupted("its database does not decrypt".into()),
            other => other,
        })?;
        let version = migrations::applied_version(&conn)?;
        if version > migrations::latest_version() {
            return Err(VaultError::NewerSchema { found: version, supported: migrations::latest_version() }.into());
        }
        let report = vault::integrity(&conn)?;
        if !report.is_sound() {
            let reason = match &report.audit.problem {
                Some(problem) => format!("audit chain broken at event #{}", problem.seq),
                None => format!("integrity check: {}", report.integrity.join("; ")),
            };
            return Err(BackupError::Invalid { reason }.into());
        }
        // 3. The restoring user must be an administrator of the restored vault.
        let (user, hash) = users::find(&conn, credentials.username)?.ok_or(AuthError::InvalidCredentials)?;
        if !crate::crypto::verify_password(credentials.password, &hash) || !user.active {
            return Err(AuthError::InvalidCredentials.into());
        }
        users::unwrap_key(&conn, &user, credentials.password)?;
        if !user.role.grants(Permission::ManageVault) {
            return Err(AccessError::Denied { permission: Permission::ManageVault, role: user.role }.into());
        }
        migrations::migrate(&mut conn, &stamp(env.clock.now()))?;
        // 4. Keep the vault's current key, so its recovery file stays valid.
        if let Some(target_key) = &target_key {
            if *target_key != backup_key {
                conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
                conn.query_row("PRAGMA journal_mode = DELETE", [], |row| row.get::<_, String>(0))?;
                conn.execute_batch(&format!("PRAGMA rekey = {};", target_key.pragma_value().as_str()))?;
            }
        }
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    }
    let key = target_key.clone().unwrap_or_else(|| backup_key.clone());

    // 5. Swap: keep the old files aside, put the verified copy in place.
    let previous_saved_as = if paths.db.exists() {
        let aside = dir.join(format!("{}.pre-restore-{}", vault::DB_FILE, env.clock.now().format("%Y%m%dT%H%M%S")));
        for (from, suffix) in [(paths.db.clone(), ""), (paths.wal(), "-wal"), (paths.shm(), "-shm")] {
            if from.exists() {
                let to = PathBuf::from(format!("{}{suffix}", aside.display()));
                std::fs::rename(&from, &to).map_err(|e| IoError::new("rename", &from, e))?;
            }
        }
        Some(aside)
    } else {
        None
    };
    std::fs::rename(staged.path(), &paths.db).map_err(|e| IoError::new("rename", &paths.db, e))?;
    // The search index is derived from the register it replaced: it is rebuilt at first use.
    crate::search::remove_index_files(dir);
    staged.disarm();
    let recovery_file_from_backup = target_key.is_none();
    if recovery_file_from_backup {
        // The replaced vault's recovery file goes aside with it, so that copy still opens.
        if let (Some(aside), true) = (&previous_saved_as, paths.recovery.exists()) {
            let to = PathBuf::from(format!("{}.recovery.json", aside.display()));
            std::fs::rename(&paths.recovery, &to).map_err(|e| IoError::new("rename", &paths.recovery, e))?;
        }
        header.recovery.save(&paths.recovery)?;
    }
    fsutil::sync_dir(dir)?;

    // 6. Open it for real and record the restore, signed by the administrator.
    let source = match unlock {
        Unlock::KeyStore => KeySource::KeyStore,
        Unlock::Passphrase(_) => KeySource::RecoveryPassphrase,
    };
    let vault = Vault::open_with_key(&paths, key, source, env)?;
    let _ = env.keystore.store(&KeySlot::current(&header.vault_id), &vault.key);
    let session = vault.sign_in(credentials.username, credentials.password)?;
    vault.record(
        &session,
        NewEvent::new(AuditAction::VaultRestore, "vault", &header.vault_id).details(serde_json::json!({
            "backupCreatedAt": header.created_at,
            "backupSha256": header.db_sha256,
            "backupChainHead": header.chain_head,
            "previousSavedAs": previous_saved_as.as_ref().map(|p| p.display().to_string()),
        })),
    )?;
    Ok((
        vault,
        RestoreReport {
            backup_created_at: header.created_at,
            backup_chain_head: header.chain_head,
            previous_saved_as,
            recovery_file_from_backup,
        },
    ))
}

/// The backup's key, and the key of the vault being replaced when it can be had.
fn restore_keys(
    header: &BackupHeader,
    target: Option<&RecoveryFile>,
    unlock: &Unlock,
    env: &VaultEnv,
) -> Result<(VaultKey, Option<VaultKey>), Error> {
    let matching = |file: &RecoveryFile, key: &VaultKey| recovery::key_check(key) == file.current.key_check;
    match unlock {
        Unlock::KeyStore => {
            let mut keys = Vec::new();
            for slot in [KeySlot::current(&header.vault_id), KeySlot::pending(&header.vault_id)] {
                keys.extend(env.keystore.load(&slot)?);
            }
            if keys.is_empty() {
                return Err(VaultError::KeyringEntryMissing.into());
            }
            let backup_key =
                keys.iter().find(|k| matching(&header.recovery, k)).cloned().ok_or(VaultError::KeyringKeyMismatch)?;
            let target_key = target.and_then(|t| keys.iter().find(|k| matching(t, k)).cloned());
            Ok((backup_key, target_key))
        }
        Unlock::Passphrase(passphrase) => {
            let target_key = target.and_then(|t| t.unwrap(passphrase).ok()).map(|u| u.current);
            let backup_key = match header.recovery.unwrap(passphrase) {
                Ok(unwrapped) => unwrapped.current,
                // The passphrase was changed since the backup, but the key was not rotated.
                Err(_) => {
                    target_key.clone().filter(|k| matching(&header.recovery, k)).ok_or(VaultError::WrongPassphrase)?
                }
            };
            Ok((backup_key, target_key))
        }
    }
}

fn extract_payload(backup: &Path, header: &BackupHeader, to: &Path, progress: ProgressFn<'_>) -> Result<(), Error> {
    let mut input = BufReader::new(File::open(backup).map_err(|e| IoError::new("read", backup, e))?);
    let mut skip = [0u8; 20];
    input.read_exact(&mut skip).map_err(|e| IoError::new("read", backup, e))?;
    let header_len = u32::from_le_bytes([skip[16], skip[17], skip[18], skip[19]]) as u64;
    std::io::copy(&mut (&mut input).take(header_len), &mut std::io::sink())
        .map_err(|e| IoError::new("read", backup, e))?;
    let mut out = BufWriter::new(File::create(to).map_err(|e| IoError::new("create", to, e))?);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut done = 0u64;
    while done < header.db_bytes {
        let want = buf.len().min((header.db_bytes - done) as usize);
        let n = input.read(&mut buf[..want]).map_err(|e| IoError::new("read", backup, e))?;
        if n == 0 {
            return Err(BackupError::Truncated { path: backup.to_owned() }.into());
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(|e| IoError::new("write", to, e))?;
        done += n as u64;
        if !progress(Progress { done, total: header.db_bytes + 1 }) {
            return Err(BackupError::Cancelled.into());
        }
    }
    out.flush().map_err(|e| IoError::new("write", to, e))?;
    out.get_ref().sync_all().map_err(|e| IoError::new("write", to, e))?;
    if hex::encode(hasher.finalize()) != header.db_sha256 {
        return Err(BackupError::Corrupted {
            path: backup.to_owned(),
            detail: "its content does not match its SHA-256".into(),
        }
        .into());
    }
    Ok(())
}
