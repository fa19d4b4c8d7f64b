//! The baselines Greffier is measured against, run on the same generated `files.csv`: the
//! `sqlite3` tool's plain `.import` (the floor of loading a CSV into SQLite), and an FTS5 index
//! built through rusqlite on the SQLCipher build the vault uses, keyed or not. Also the two
//! measures every side reports: latency percentiles and the process's peak resident memory.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use rusqlite::{params, params_from_iter, Connection};

use crate::error::{io_error, BenchError};
use crate::generate::FILES_COLUMNS;

/// Imports `files_csv` into a plain table of `<work_dir>/peer.db` with the `sqlite3` tool
/// (`.mode csv`, `.import`; the header row names the columns) and returns how long the child
/// process took, from spawn to exit. The database is deleted afterwards.
pub fn sqlite3_import(files_csv: &Path, work_dir: &Path) -> Result<Duration, BenchError> {
    sqlite3_run(files_csv, work_dir, false).map(|(elapsed, _)| elapsed)
}

/// [`sqlite3_import`], and the number of rows the table received, counted by a second, untimed
/// run of `sqlite3` before the database is deleted.
pub fn sqlite3_import_counted(files_csv: &Path, work_dir: &Path) -> Result<(Duration, u64), BenchError> {
    sqlite3_run(files_csv, work_dir, true).map(|(elapsed, rows)| (elapsed, rows.unwrap_or(0)))
}

/// Loads `files_csv` into `<work_dir>/fts5.db` through rusqlite, in one transaction: a `files`
/// table and its external-content FTS5 index `files_fts` (`unicode61 remove_diacritics 2`).
/// With `key`, the database is encrypted by SQLCipher under that raw key, as the vault is.
/// Returns the time from opening the database to the commit, CSV parsing included.
pub fn fts5_import(
    files_csv: &Path,
    work_dir: &Path,
    key: Option<&[u8; 32]>,
) -> Result<(Duration, Fts5Db), BenchError> {
    fs::create_dir_all(work_dir).map_err(io_error(work_dir))?;
    let path = work_dir.join("fts5.db");
    remove_database(&path)?;
    let started = Instant::now();
    let mut conn = Connection::open(&path)?;
    if let Some(key) = key {
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex(key)))?;
    }
    // The first read is where SQLCipher applies the key, as at the vault's opening.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get::<_, i64>(0))?;
    // The vault's own pragmas (crates/core/src/vault.rs), so that only the indexing differs.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -65536;",
    )?;
    conn.execute_batch(SCHEMA)?;

    let tx = conn.transaction()?;
    let mut rows = 0;
    {
        let mut reader = csv::Reader::from_path(files_csv)
            .map_err(|source| BenchError::Csv { path: files_csv.to_path_buf(), source })?;
        let csv_error = |source| BenchError::Csv { path: files_csv.to_path_buf(), source };
        if reader.headers().map_err(csv_error)?.iter().ne(FILES_COLUMNS) {
            return Err(BenchError::NotFilesCsv { path: files_csv.to_path_buf() });
        }
        let mut insert = tx.prepare(INSERT)?;
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record).map_err(csv_error)? {
            // Empty cells stay empty strings, as sqlite3's .import leaves them.
            insert.execute(params_from_iter(record.iter()))?;
            rows += 1;
        }
    }
    // One 'rebuild' after the rows rather than a second INSERT per row into files_fts. Measured
    // (release, keyed): the two are equal within noise, 1.0 s each for 100,000 generated files,
    // 14.4–15.8 s for 1,000,000; the rebuild is one statement and indexes exactly what the
    // content table holds.
    tx.execute("INSERT INTO files_fts(files_fts) VALUES('rebuild')", [])?;
    tx.commit()?;
    Ok((started.elapsed(), Fts5Db { conn, path, rows }))
}

/// An FTS5 peer database, open.
pub struct Fts5Db {
    conn: Connection,
    path: PathBuf,
    rows: u64,
}

impl Fts5Db {
    /// The first `limit` files matching the FTS5 expression `q`, best first (bm25), as (rowid, title).
    pub fn query(&self, q: &str, limit: usize) -> Result<Vec<(i64, String)>, BenchError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT f.id, f.title FROM files_fts JOIN files f ON f.id = files_fts.rowid
             WHERE files_fts MATCH ?1 ORDER BY rank LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let found = statement.query_map(params![q, limit], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(found.collect::<Result<_, _>>()?)
    }

    /// How many files match the FTS5 expression `q`.
    pub fn hits(&self, q: &str) -> Result<u64, BenchError> {
        let mut statement = self.conn.prepare_cached("SELECT count(*) FROM files_fts WHERE files_fts MATCH ?1")?;
        Ok(statement.query_row([q], |row| row.get(0))?)
    }

    /// Rebuilds the full-text index from the files table (FTS5's `rebuild`), timed.
    pub fn rebuild(&self) -> Result<Duration, BenchError> {
        let started = Instant::now();
        self.conn.execute_batch("INSERT INTO files_fts(files_fts) VALUES('rebuild');")?;
        Ok(started.elapsed())
    }

    /// Rows imported.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The size on disk of the database and its write-ahead log.
    pub fn disk_bytes(&self) -> u64 {
        database_files(&self.path).iter().filter_map(|p| fs::metadata(p).ok()).map(|m| m.len()).sum()
    }

    /// Closes the database and deletes its files.
    pub fn remove(self) -> Result<(), BenchError> {
        let Fts5Db { conn, path, .. } = self;
        conn.close().map_err(|(_, e)| e)?;
        remove_database(&path)
    }
}

/// The median and the 95th percentile (nearest rank) of `samples`, which it sorts; zero when empty.
pub fn latency(samples: &mut [Duration]) -> (Duration, Duration) {
    if samples.is_empty() {
        return (Duration::ZERO, Duration::ZERO);
    }
    samples.sort_unstable();
    let rank = |percent: usize| samples[(percent * samples.len()).div_ceil(100).max(1) - 1];
    (rank(50), rank(95))
}

/// The peak resident memory of this process so far (`VmHWM` in `/proc/self/status`), in KiB;
/// `None` where there is no such file (not Linux).
pub fn peak_rss_kib() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

const SCHEMA: &str = "
CREATE TABLE files(
    id INTEGER PRIMARY KEY,
    reference TEXT, class TEXT, project TEXT, title TEXT, description TEXT, keywords TEXT,
    opened TEXT, closed TEXT, contract_ended TEXT, last_activity TEXT, holder TEXT,
    location TEXT, medium TEXT, sensitivity TEXT, status TEXT, notes TEXT
);
CREATE VIRTUAL TABLE files_fts USING fts5(
    reference, title, description, keywords, notes,
    content='files', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);";

const INSERT: &str = "INSERT INTO files(reference, class, project, title, description, keywords, opened, closed,
    contract_ended, last_activity, holder, location, medium, sensitivity, status, notes)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";

fn sqlite3_run(files_csv: &Path, work_dir: &Path, count: bool) -> Result<(Duration, Option<u64>), BenchError> {
    // Inside single quotes sqlite3 takes every character literally, except a quote; the script
    // is read line by line, so a line break would end the command.
    let csv_path = files_csv
        .to_str()
        .filter(|p| !p.contains(['\'', '\n', '\r']))
        .ok_or_else(|| BenchError::UnquotablePath { path: files_csv.to_path_buf() })?;
    fs::create_dir_all(work_dir).map_err(io_error(work_dir))?;
    let db = work_dir.join("peer.db");
    remove_database(&db)?;
    let script = format!(".bail on\n.mode csv\n.import '{csv_path}' files\n");

    let started = Instant::now();
    let output = sqlite3(&db, None, &script)?;
    let elapsed = started.elapsed();
    let outcome = check(&output).and_then(|()| {
        if !count {
            return Ok(None);
        }
        let output = sqlite3(&db, Some("SELECT count(*) FROM files;"), "")?;
        check(&output)?;
        let text = String::from_utf8_lossy(&output.stdout);
        text.trim().parse().map(Some).map_err(|_| BenchError::Sqlite3Failed {
            status: "unexpected count".to_string(),
            stderr: text.into_owned(),
        })
    });
    let removed = remove_database(&db);
    let rows = outcome?;
    removed?;
    Ok((elapsed, rows))
}

/// Runs `sqlite3 db [sql]` with `stdin` as its standard input, to the end.
fn sqlite3(db: &Path, sql: Option<&str>, stdin: &str) -> Result<Output, BenchError> {
    let mut command = Command::new("sqlite3");
    command.arg(db).args(sql).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => BenchError::Sqlite3Missing,
        _ => BenchError::Io { path: PathBuf::from("sqlite3"), source: e },
    })?;
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes()).map_err(io_error(Path::new("sqlite3")))?;
    }
    child.wait_with_output().map_err(io_error(Path::new("sqlite3")))
}

/// A failed exit, or anything on standard error (a warning of `.import` about a malformed row
/// would make the comparison unfair), is an error.
fn check(output: &Output) -> Result<(), BenchError> {
    if output.status.success() && output.stderr.is_empty() {
        return Ok(());
    }
    Err(BenchError::Sqlite3Failed {
        status: output.status.to_string(),
        stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
    })
}

/// The database file and the journals SQLite may leave beside it.
fn database_files(path: &Path) -> [PathBuf; 4] {
    let with = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [path.to_path_buf(), with("-wal"), with("-shm"), with("-journal")]
}

fn remove_database(path: &Path) -> Result<(), BenchError> {
    for file in database_files(path) {
        match fs::remove_file(&file) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(BenchError::Io { path: file, source: e }),
            _ => {}
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [char::from(DIGITS[usize::from(b >> 4)]), char::from(DIGITS[usize::from(b & 15)])])
        .collect()
}
