//! The crate's one error type.

use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("no class codes to file the generated records in")]
    NoClasses,
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}: {source}", path.display())]
    Csv { path: PathBuf, source: csv::Error },
    #[error("{}: the columns are not those of a generated files.csv", path.display())]
    NotFilesCsv { path: PathBuf },
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error("the sqlite3 command-line tool is not installed; install it with `apt-get install -y sqlite3`")]
    Sqlite3Missing,
    #[error("sqlite3 failed ({status}): {stderr}")]
    Sqlite3Failed { status: String, stderr: String },
    #[error("{}: sqlite3's .import cannot take a path with a quote or a line break", path.display())]
    UnquotablePath { path: PathBuf },
}

/// Maps an I/O error to [`BenchError::Io`] naming `path`.
pub(crate) fn io_error(path: &Path) -> impl FnOnce(io::Error) -> BenchError + '_ {
    move |source| BenchError::Io { path: path.to_path_buf(), source }
}
