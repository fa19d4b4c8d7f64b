//! Small file-system helpers that make writes crash-safe.

use std::{
    fs::{self, File},
    io::Write,
    path::{Path, PathBuf},
};

use crate::IoError;

/// Writes a file so that, whatever instant the machine stops, the path holds either the old
/// content or the new one: write a temporary file beside it, flush it to disk, rename it over the
/// old one, flush the folder.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{file_name}.{}.tmp", hex::encode(crate::crypto::random_bytes::<6>())));
    let result = (|| {
        let mut file = File::create(&tmp).map_err(|e| IoError::new("create", &tmp, e))?;
        file.write_all(bytes).map_err(|e| IoError::new("write", &tmp, e))?;
        file.sync_all().map_err(|e| IoError::new("write", &tmp, e))?;
        fs::rename(&tmp, path).map_err(|e| IoError::new("rename", path, e))?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Writes a file whole or not at all, for what a user exports (a plan, a certificate, an audit
/// log): `write` streams into a temporary file beside `path`, which takes its place once written
/// and flushed to disk. If `write` fails (or the disk does), the temporary file goes and an
/// older file at `path` stays as it was: no half-written export is ever left where the user
/// looks for it.
pub fn write_whole<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T, crate::Error>,
) -> Result<T, crate::Error> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let failed = |e: std::io::Error| -> crate::Error { IoError::new("write", path, e).into() };
    let temp = tempfile::Builder::new().prefix(".greffier-export-").tempfile_in(dir).map_err(failed)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, temp.as_file());
    let value = write(&mut out)?;
    out.flush().map_err(failed)?;
    drop(out);
    temp.as_file().sync_all().map_err(failed)?;
    temp.persist(path).map_err(|e| failed(e.error))?;
    sync_dir(dir)?;
    Ok(value)
}

/// Flushes a folder's entries (a rename) to disk. Not all platforms can open a folder; there the
/// rename is as durable as the platform makes it.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), IoError> {
    #[cfg(unix)]
    {
        let handle = File::open(dir).map_err(|e| IoError::new("read", dir, e))?;
        handle.sync_all().map_err(|e| IoError::new("write", dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// A path with a suffix added to its file name (`vault.db` → `vault.db-wal`).
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Removes an SQLite database and its log, shared memory and journal, whichever exist.
pub(crate) fn remove_database(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = fs::remove_file(with_suffix(path, suffix));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written whole, the file is there; a write that fails leaves the older file as it was and
    /// nothing beside it.
    #[test]
    fn a_file_is_written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("certificat été.csv");
        std::fs::write(&path, "older").expect("older");
        let failed = write_whole(&path, |out| -> Result<(), crate::Error> {
            out.write_all(b"half a row,").map_err(|e| IoError::new("write", "x", e))?;
            Err(crate::BackupError::Cancelled.into())
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).expect("older"), "older");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1, "no temporary file left");
        let written = write_whole(&path, |out| {
            out.write_all(b"reference,title\nA-1,Lettre\n").map_err(|e| IoError::new("write", "x", e))?;
            Ok(2)
        });
        assert_eq!(written.expect("written"), 2);
        assert_eq!(std::fs::read_to_string(&path).expect("new"), "reference,title\nA-1,Lettre\n");
        let nowhere = dir.path().join("absent").join("x.csv");
        let error = write_whole(&nowhere, |_| Ok(())).expect_err("no such folder");
        assert_eq!(crate::UserMessage::code(&error), crate::ErrorCode::Io);
    }
}
