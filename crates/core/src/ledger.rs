//! The destruction ledger: one JSON line per executed destruction (or anonymisation) batch, in the vault's folder
//! beside `vault.db` but outside every backup, append-only and hash-chained (each line names the
//! SHA-256 of the line before). It holds no personal information: batch numbers, user names,
//! the chain head, and the internal ids of the destroyed files and persons. When a backup from
//! before a destruction is restored, the open replays the ledger and destroys those ids again.

use std::{
    fs::{File, OpenOptions},
    io::{Read, Seek, SeekFrom, Write},
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

use crate::{crypto, disposition::DispositionError, Error, IoError};

pub const LEDGER_FILE: &str = "destruction-ledger.jsonl";

/// One executed destruction batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LedgerEntry {
    pub v: u32,
    /// `destruction` or `anonymisation` (absent from the lines written before anonymisation
    /// existed: a destruction).
    #[serde(default = "destruction")]
    pub kind: String,
    pub vault_id: String,
    pub batch: String,
    pub certificate: Option<String>,
    pub executed_at: String,
    pub proposed_by: String,
    pub approved_by: String,
    pub executed_by: String,
    pub method: String,
    pub chain_seq: u64,
    pub chain_hash: String,
    pub file_ids: Vec<i64>,
    pub person_ids: Vec<i64>,
    /// SHA-256 (hex) of the previous line, without its newline; empty for the first.
    pub prev: String,
}

fn destruction() -> String {
    "destruction".to_owned()
}

pub fn path(dir: &Path) -> PathBuf {
    dir.join(LEDGER_FILE)
}

/// The entries, checked: each line parses and names the hash of the line before. A last line
/// without its newline (a write cut short) is ignored; [`append`] cuts it off.
pub fn read(dir: &Path) -> Result<Vec<LedgerEntry>, Error> {
    Ok(read_with_end(dir)?.0)
}

/// Whether the ledger lists a batch.
pub fn contains(dir: &Path, batch: &str) -> Result<bool, Error> {
    Ok(read(dir)?.iter().any(|e| e.batch == batch))
}

fn read_with_end(dir: &Path) -> Result<(Vec<LedgerEntry>, u64, String), Error> {
    let path = path(dir);
    let mut text = String::new();
    match File::open(&path) {
        Ok(mut file) => {
            file.read_to_string(&mut text).map_err(|e| IoError::new("read", &path, e))?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0, String::new())),
        Err(e) => return Err(IoError::new("read", &path, e).into()),
    }
    let damaged = |line: usize, detail: String| -> Error {
        DispositionError::LedgerDamaged { path: path.display().to_string(), line, detail }.into()
    };
    let mut entries = Vec::new();
    let mut prev = String::new();
    let mut end = 0u64;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let Some(body) = line.strip_suffix('\n') else {
            // Cut short by a crash: not part of the ledger.
            break;
        };
        let entry: LedgerEntry = serde_json::from_str(body).map_err(|e| damaged(index + 1, e.to_string()))?;
        if entry.prev != prev {
            return Err(damaged(index + 1, "it does not follow the line before".into()));
        }
        prev = hex::encode(crypto::sha256(body.as_bytes()));
        end += line.len() as u64;
        entries.push(entry);
    }
    Ok((entries, end, prev))
}

/// Appends an entry (its `prev` is filled in) and flushes it to disk.
pub fn append(dir: &Path, mut entry: LedgerEntry) -> Result<(), Error> {
    let path = path(dir);
    let (_, end, prev) = read_with_end(dir)?;
    entry.prev = prev;
    let mut line = serde_json::to_string(&entry).map_err(|e| IoError::new("write", &path, std::io::Error::other(e)))?;
    line.push('\n');
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(|e| IoError::new("write", &path, e))?;
    // Drop a line a crash cut short, then write after the last whole one.
    file.set_len(end).map_err(|e| IoError::new("write", &path, e))?;
    file.seek(SeekFrom::Start(end)).map_err(|e| IoError::new("write", &path, e))?;
    file.write_all(line.as_bytes()).map_err(|e| IoError::new("write", &path, e))?;
    file.sync_all().map_err(|e| IoError::new("write", &path, e))?;
    if end == 0 {
        crate::fsutil::sync_dir(dir)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(batch: &str) -> LedgerEntry {
        LedgerEntry {
            v: 1,
            kind: "destruction".into(),
            vault_id: "v".into(),
            batch: batch.into(),
            certificate: None,
            executed_at: "2026-11-24T00:00:00Z".into(),
            proposed_by: "a".into(),
            approved_by: "b".into(),
            executed_by: "a".into(),
            method: "m".into(),
            chain_seq: 1,
            chain_hash: "00".into(),
            file_ids: vec![1, 2],
            person_ids: vec![],
            prev: String::new(),
        }
    }

    #[test]
    fn entries_chain_and_a_torn_last_line_is_dropped() {
        let dir = tempfile::tempdir().expect("dir");
        append(dir.path(), entry("LOT-1")).expect("append");
        append(dir.path(), entry("LOT-2")).expect("append");
        // A crash in the middle of a third line.
        let mut file = OpenOptions::new().append(true).open(path(dir.path())).expect("open");
        file.write_all(b"{\"v\":1,\"vaultId\"").expect("write");
        assert_eq!(read(dir.path()).expect("read").len(), 2);
        append(dir.path(), entry("LOT-3")).expect("append after a torn line");
        let entries = read(dir.path()).expect("read");
        assert_eq!(entries.iter().map(|e| e.batch.as_str()).collect::<Vec<_>>(), ["LOT-1", "LOT-2", "LOT-3"]);
        assert!(contains(dir.path(), "LOT-2").expect("contains"));
    }

    #[test]
    fn an_edited_line_breaks_the_chain() {
        let dir = tempfile::tempdir().expect("dir");
        append(dir.path(), entry("LOT-1")).expect("append");
        append(dir.path(), entry("LOT-2")).expect("append");
        let text = std::fs::read_to_string(path(dir.path())).expect("read");
        std::fs::write(path(dir.path()), text.replacen("[1,2]", "[1]", 1)).expect("write");
        let err = read(dir.path()).expect_err("an edited ledger must be refused");
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    /// Lines written before anonymisation existed have no `kind`: they are destructions.
    #[test]
    fn a_line_without_a_kind_is_a_destruction() {
        let dir = tempfile::tempdir().expect("dir");
        let mut anonymisation = entry("LOT-1");
        anonymisation.kind = "anonymisation".into();
        append(dir.path(), anonymisation).expect("append");
        let first = std::fs::read_to_string(path(dir.path())).expect("read");
        let old_line = serde_json::to_string(&entry("LOT-0")).expect("json").replace("\"kind\":\"destruction\",", "");
        assert!(!old_line.contains("kind"), "{old_line}");
        std::fs::write(path(dir.path()), format!("{old_line}\n")).expect("write");
        append(dir.path(), entry("LOT-2")).expect("append");
        let entries = read(dir.path()).expect("read");
        assert_eq!(entries[0].kind, "destruction");
        assert!(first.contains("\"kind\":\"anonymisation\""), "{first}");
    }
}
