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
