//! A tantivy [`Directory`] whose files are rows of a SQLCipher database, so the index never
//! touches the disk in clear text.
//!
//! Files are written in 64 KiB chunks as tantivy writes them (memory stays flat while a segment
//! is built) and become visible when tantivy terminates them (a row in `index_files`). Small
//! files (under 4 MiB: metadata, term-dictionary footers, small segments) are read whole and
//! kept; big ones are read lazily, chunk by chunk, through a bounded cache of recent chunks, so
//! memory does not grow with the index (BUILD-NOTES.md measured whole-file loading at ~158 MB
//! for 1M documents). A lazily read file that tantivy deletes while a searcher still holds it
//! keeps its chunks until the last handle closes.
//!
//! Locks are held in this process only (a lock row would outlive a crash); the index as a whole
//! is guarded by a file lock on `search.lock` (see `super::SearchIndex::open`).

use std::{
    collections::{HashMap, HashSet},
    fmt, io,
    io::{BufWriter, Write},
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex, MutexGuard, RwLock,
    },
};

use rusqlite::{params, Connection, OptionalExtension};
use tantivy::{
    directory::{
        error::{DeleteError, LockError, OpenReadError, OpenWriteError},
        AntiCallToken, DirectoryLock, FileHandle, Lock, OwnedBytes, TerminatingWrite, WatchCallback, WatchHandle,
        WritePtr,
    },
    Directory,
};

const CHUNK: usize = 64 * 1024;
/// Files at least this big are read lazily.
const LAZY_FROM: usize = 4 << 20;
/// Files at least this big are read lazily while an import writes the index (see
/// [`VaultDirectory::read_lazily_in_bulk`]).
const BULK_LAZY_FROM: usize = 256 << 10;
/// How many recent chunks of lazily read files stay in memory (24 MiB). At 32 MiB the core
/// driven as at a desk peaked at 147 MiB at a million files, over the brief's 150 MB; at 24 MiB
/// 140 MiB, at 16 MiB 131 MiB but with phrases of common words a fifth slower (2026-12-06,
/// `GREFFIER_BENCH_PHASES=1 greffier-bench child search`).
const CACHED_CHUNKS: usize = 384;

/// The tables, created when missing. `index_files` lists terminated files; `index_chunks` holds
/// their bytes (and the bytes of files still being written, which a crash may orphan: they are
/// removed at open).
pub(crate) const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS index_files (
        name  TEXT PRIMARY KEY,
        len   INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS index_chunks (
        name  TEXT NOT NULL,
        seq   INTEGER NOT NULL,
        data  BLOB NOT NULL,
        PRIMARY KEY (name, seq)
    );";

struct Inner {
    conn: Mutex<Connection>,
    cache: RwLock<HashMap<PathBuf, OwnedBytes>>,
    writing: Mutex<HashSet<PathBuf>>,
    locks: Mutex<HashSet<PathBuf>>,
    /// Told when a lock is let go, for those waiting for it.
    released: std::sync::Condvar,
    chunks: Mutex<ChunkCache>,
    /// Lazily read files: open handles by name, and the names deleted while still open.
    handles: Mutex<(HashMap<String, usize>, HashSet<String>)>,
    /// Files at least this big are read lazily: [`LAZY_FROM`], or [`BULK_LAZY_FROM`] while a
    /// [`BulkReads`] lives.
    lazy_from: AtomicUsize,
}

/// A chunk: its file's name and its number.
type ChunkKey = (String, i64);

/// The least recently used chunks of lazily read files.
#[derive(Default)]
struct ChunkCache {
    entries: HashMap<ChunkKey, (Arc<[u8]>, u64)>,
    tick: u64,
}

impl ChunkCache {
    fn get(&mut self, key: &(String, i64)) -> Option<Arc<[u8]>> {
        self.tick += 1;
        let tick = self.tick;
        self.entries.get_mut(key).map(|(chunk, used)| {
            *used = tick;
            chunk.clone()
        })
    }
    fn put(&mut self, key: (String, i64), chunk: Arc<[u8]>) {
        if self.entries.len() >= CACHED_CHUNKS {
            if let Some(oldest) = self.entries.iter().min_by_key(|(_, (_, used))| *used).map(|(k, _)| k.clone()) {
                self.entries.remove(&oldest);
            }
        }
        self.tick += 1;
        self.entries.insert(key, (chunk, self.tick));
    }
}

/// A big file, read chunk by chunk when tantivy asks for a range.
struct LazyFile {
    directory: VaultDirectory,
    key: String,
    len: usize,
}

impl fmt::Debug for LazyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LazyFile({}, {} bytes)", self.key, self.len)
    }
}

impl tantivy::HasLen for LazyFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl LazyFile {
    fn chunk(&self, seq: i64) -> io::Result<Arc<[u8]>> {
        let key = (self.key.clone(), seq);
        if let Some(chunk) = self.directory.inner.chunks.lock().map_err(io_error)?.get(&key) {
            return Ok(chunk);
        }
        let conn = self.directory.conn()?;
        let mut stmt =
            conn.prepare_cached("SELECT data FROM index_chunks WHERE name = ?1 AND seq = ?2").map_err(io_error)?;
        let data: Vec<u8> = stmt.query_row(params![self.key, seq], |row| row.get(0)).map_err(io_error)?;
        drop(stmt);
        drop(conn);
        let chunk: Arc<[u8]> = Arc::from(data);
        self.directory.inner.chunks.lock().map_err(io_error)?.put(key, chunk.clone());
        Ok(chunk)
    }
}

impl FileHandle for LazyFile {
    fn read_bytes(&self, range: std::ops::Range<usize>) -> io::Result<OwnedBytes> {
        if range.start >= range.end {
            return Ok(OwnedBytes::empty());
        }
        let first = range.start / CHUNK;
        let last = (range.end - 1) / CHUNK;
        if first == last {
            let chunk = self.chunk(first as i64)?;
            let start = range.start - first * CHUNK;
            let end = range.end - first * CHUNK;
            if end > chunk.len() {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("index file {}: short chunk", self.key),
                ));
            }
            return Ok(OwnedBytes::new(chunk).slice(start..end));
        }
        let mut out = Vec::with_capacity(range.end - range.start);
        for seq in first..=last {
            let chunk = self.chunk(seq as i64)?;
            let from = if seq == first { range.start - seq * CHUNK } else { 0 };
            let to = if seq == last { range.end - seq * CHUNK } else { CHUNK };
            let piece = chunk.get(from..to).ok_or_else(|| {
                io::Error::new(io::ErrorKind::UnexpectedEof, format!("index file {}: short chunk", self.key))
            })?;
            out.extend_from_slice(piece);
        }
        Ok(OwnedBytes::new(out))
    }
}

impl Drop for LazyFile {
    fn drop(&mut self) {
        let Ok(mut handles) = self.directory.inner.handles.lock() else { return };
        let (open, doomed) = &mut *handles;
        let remaining = open.get_mut(&self.key).map(|n| {
            *n = n.saturating_sub(1);
            *n
        });
        if remaining == Some(0) {
            open.remove(&self.key);
            if doomed.remove(&self.key) {
                drop(handles);
                if let Ok(conn) = self.directory.conn() {
                    let _ = conn.execute("DELETE FROM index_chunks WHERE name = ?1", [&self.key]);
                }
            }
        }
    }
}

/// Small files read lazily until dropped (see [`VaultDirectory::read_lazily_in_bulk`]).
pub(crate) struct BulkReads {
    directory: VaultDirectory,
}

impl Drop for BulkReads {
    fn drop(&mut self) {
        self.directory.inner.lazy_from.store(LAZY_FROM, Ordering::Relaxed);
    }
}

/// The directory; clones share the connection and the cache.
#[derive(Clone)]
pub(crate) struct VaultDirectory {
    inner: Arc<Inner>,
}

impl fmt::Debug for VaultDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VaultDirectory")
    }
}

fn name(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Whether `path` is a segment's document store. The index stores no field, so only the store's
/// footer and skip index are read, at open: it is read lazily whatever its size (read whole, the
/// stores of a million files' segments were 4 MiB of a searcher's memory).
fn is_document_store(path: &Path) -> bool {
    path.extension().is_some_and(|extension| extension == "store")
}

fn io_error(error: impl std::fmt::Display) -> io::Error {
    io::Error::other(error.to_string())
}

impl VaultDirectory {
    /// Wraps a keyed connection to the index database; creates the tables and removes the chunks
    /// of files a crash left unfinished.
    pub(crate) fn new(conn: Connection) -> rusqlite::Result<VaultDirectory> {
        conn.execute_batch(SCHEMA)?;
        conn.execute("DELETE FROM index_chunks WHERE name NOT IN (SELECT name FROM index_files)", [])?;
        Ok(VaultDirectory {
            inner: Arc::new(Inner {
                conn: Mutex::new(conn),
                cache: RwLock::new(HashMap::new()),
                writing: Mutex::new(HashSet::new()),
                locks: Mutex::new(HashSet::new()),
                released: std::sync::Condvar::new(),
                chunks: Mutex::new(ChunkCache::default()),
                handles: Mutex::new((HashMap::new(), HashSet::new())),
                lazy_from: AtomicUsize::new(LAZY_FROM),
            }),
        })
    }

    /// Until the returned guard is dropped, files from [`BULK_LAZY_FROM`] up are read lazily
    /// rather than whole. For an import: tantivy's merges open every file of the segments they
    /// merge, and read whole and kept while the merge runs, the small ones took 68 MB of a
    /// million-file import's peak (heaptrack, 2026-12-06); read lazily they pass through the
    /// bounded chunk cache. Searches keep reading them whole (lazily, a query of common words
    /// took up to half as long again), so the guard goes before the index's reader reloads.
    pub(crate) fn read_lazily_in_bulk(&self) -> BulkReads {
        self.inner.lazy_from.store(BULK_LAZY_FROM, Ordering::Relaxed);
        BulkReads { directory: self.clone() }
    }

    fn is_cached(&self, path: &Path) -> bool {
        self.inner.cache.read().is_ok_and(|cache| cache.contains_key(path))
    }

    pub(crate) fn conn(&self) -> io::Result<MutexGuard<'_, Connection>> {
        self.inner.conn.lock().map_err(io_error)
    }

    /// The bytes of every stored file, for the tests that look for text in the index.
    pub(crate) fn total_len(&self) -> io::Result<u64> {
        let conn = self.conn()?;
        conn.query_row("SELECT ifnull(sum(len), 0) FROM index_files", [], |row| row.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(io_error)
    }

    fn read_whole(&self, path: &Path) -> Result<OwnedBytes, OpenReadError> {
        if let Some(bytes) = self.inner.cache.read().ok().and_then(|cache| cache.get(path).cloned()) {
            return Ok(bytes);
        }
        let wrap = |e: rusqlite::Error| OpenReadError::wrap_io_error(io_error(e), path.to_owned());
        let conn = self.conn().map_err(|e| OpenReadError::wrap_io_error(e, path.to_owned()))?;
        let key = name(path);
        let len: Option<i64> = conn
            .query_row("SELECT len FROM index_files WHERE name = ?1", [&key], |row| row.get(0))
            .optional()
            .map_err(wrap)?;
        let Some(len) = len else {
            return Err(OpenReadError::FileDoesNotExist(path.to_owned()));
        };
        let mut data = Vec::with_capacity(len as usize);
        let mut stmt =
            conn.prepare_cached("SELECT data FROM index_chunks WHERE name = ?1 ORDER BY seq").map_err(wrap)?;
        let mut rows = stmt.query([&key]).map_err(wrap)?;
        while let Some(row) = rows.next().map_err(wrap)? {
            let chunk = row.get_ref(0).map_err(wrap)?.as_blob().map_err(|e| wrap(e.into()))?;
            data.extend_from_slice(chunk);
        }
        if data.len() != len as usize {
            return Err(OpenReadError::wrap_io_error(
                io::Error::new(io::ErrorKind::InvalidData, format!("index file {key}: {} of {len} bytes", data.len())),
                path.to_owned(),
            ));
        }
        let bytes = OwnedBytes::new(data);
        if let Ok(mut cache) = self.inner.cache.write() {
            cache.insert(path.to_owned(), bytes.clone());
        }
        Ok(bytes)
    }

    fn forget(&self, path: &Path) {
        if let Ok(mut cache) = self.inner.cache.write() {
            cache.remove(path);
        }
    }

    /// Replaces a file's bytes in one transaction.
    fn store(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        let key = name(path);
        let mut conn = self.conn()?;
        let tx = conn.transaction().map_err(io_error)?;
        tx.execute("DELETE FROM index_chunks WHERE name = ?1", [&key]).map_err(io_error)?;
        for (seq, chunk) in data.chunks(CHUNK).enumerate() {
            tx.execute(
                "INSERT INTO index_chunks (name, seq, data) VALUES (?1, ?2, ?3)",
                params![key, seq as i64, chunk],
            )
            .map_err(io_error)?;
        }
        tx.execute("INSERT OR REPLACE INTO index_files (name, len) VALUES (?1, ?2)", params![key, data.len() as i64])
            .map_err(io_error)?;
        tx.commit().map_err(io_error)?;
        drop(conn);
        self.forget(path);
        Ok(())
    }
}

/// Writes a file chunk by chunk; the file exists once terminated.
struct ChunkWriter {
    directory: VaultDirectory,
    path: PathBuf,
    key: String,
    buffer: Vec<u8>,
    next_seq: i64,
    len: u64,
    finished: bool,
}

impl ChunkWriter {
    fn flush_chunk(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let conn = self.directory.conn()?;
        conn.execute(
            "INSERT OR REPLACE INTO index_chunks (name, seq, data) VALUES (?1, ?2, ?3)",
            params![self.key, self.next_seq, self.buffer],
        )
        .map_err(io_error)?;
        self.next_seq += 1;
        self.buffer.clear();
        Ok(())
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = CHUNK - self.buffer.len();
        let taken = room.min(buf.len());
        self.buffer.extend_from_slice(&buf[..taken]);
        self.len += taken as u64;
        if self.buffer.len() == CHUNK {
            self.flush_chunk()?;
        }
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl TerminatingWrite for ChunkWriter {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        self.flush_chunk()?;
        let conn = self.directory.conn()?;
        conn.execute(
            "INSERT OR REPLACE INTO index_files (name, len) VALUES (?1, ?2)",
            params![self.key, self.len as i64],
        )
        .map_err(io_error)?;
        drop(conn);
        self.finished = true;
        if let Ok(mut writing) = self.directory.inner.writing.lock() {
            writing.remove(&self.path);
        }
        Ok(())
    }
}

impl Drop for ChunkWriter {
    fn drop(&mut self) {
        if let Ok(mut writing) = self.directory.inner.writing.lock() {
            writing.remove(&self.path);
        }
        if !self.finished {
            // An abandoned file: its chunks are garbage.
            if let Ok(conn) = self.directory.conn() {
                let _ = conn.execute("DELETE FROM index_chunks WHERE name = ?1", [&self.key]);
            }
        }
    }
}

/// Releases an in-process lock when tantivy drops it.
struct HeldLock {
    directory: VaultDirectory,
    path: PathBuf,
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        if let Ok(mut locks) = self.directory.inner.locks.lock() {
            locks.remove(&self.path);
        }
        self.directory.inner.released.notify_all();
    }
}

impl Directory for VaultDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let key = name(path);
        let len: Option<i64> = {
            let conn = self.conn().map_err(|e| OpenReadError::wrap_io_error(e, path.to_owned()))?;
            conn.query_row("SELECT len FROM index_files WHERE name = ?1", [&key], |row| row.get(0))
                .optional()
                .map_err(|e| OpenReadError::wrap_io_error(io_error(e), path.to_owned()))?
        };
        match len {
            None => Err(OpenReadError::FileDoesNotExist(path.to_owned())),
            // A small file already read whole stays so, during bulk reads too.
            Some(len)
                if !is_document_store(path)
                    && ((len as usize) < self.inner.lazy_from.load(Ordering::Relaxed)
                        || ((len as usize) < LAZY_FROM && self.is_cached(path))) =>
            {
                Ok(Arc::new(self.read_whole(path)?))
            }
            Some(len) => {
                let mut handles = self
                    .inner
                    .handles
                    .lock()
                    .map_err(|e| OpenReadError::wrap_io_error(io_error(e), path.to_owned()))?;
                *handles.0.entry(key.clone()).or_default() += 1;
                drop(handles);
                Ok(Arc::new(LazyFile { directory: self.clone(), key, len: len as usize }))
            }
        }
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        let key = name(path);
        let wrap = |e: io::Error| DeleteError::IoError { io_error: Arc::new(e), filepath: path.to_owned() };
        let mut conn = self.conn().map_err(wrap)?;
        let tx = conn.transaction().map_err(|e| wrap(io_error(e)))?;
        let removed = tx.execute("DELETE FROM index_files WHERE name = ?1", [&key]).map_err(|e| wrap(io_error(e)))?;
        // A searcher may still read it lazily: its chunks go when the last handle closes (and
        // at the next open, which removes chunks of files that no longer exist).
        let mut handles = self.inner.handles.lock().map_err(|e| wrap(io_error(e)))?;
        if handles.0.get(&key).is_some_and(|n| *n > 0) {
            handles.1.insert(key.clone());
        } else {
            tx.execute("DELETE FROM index_chunks WHERE name = ?1", [&key]).map_err(|e| wrap(io_error(e)))?;
        }
        drop(handles);
        tx.commit().map_err(|e| wrap(io_error(e)))?;
        drop(conn);
        self.forget(path);
        if removed == 0 {
            return Err(DeleteError::FileDoesNotExist(path.to_owned()));
        }
        Ok(())
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        let conn = self.conn().map_err(|e| OpenReadError::wrap_io_error(e, path.to_owned()))?;
        conn.query_row("SELECT 1 FROM index_files WHERE name = ?1", [name(path)], |_| Ok(()))
            .optional()
            .map(|found| found.is_some())
            .map_err(|e| OpenReadError::wrap_io_error(io_error(e), path.to_owned()))
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let wrap = |e: io::Error| OpenWriteError::wrap_io_error(e, path.to_owned());
        if self.exists(path).map_err(|e| wrap(io_error(e)))? {
            return Err(OpenWriteError::FileAlreadyExists(path.to_owned()));
        }
        let mut writing = self.inner.writing.lock().map_err(|e| wrap(io_error(e)))?;
        if !writing.insert(path.to_owned()) {
            return Err(OpenWriteError::FileAlreadyExists(path.to_owned()));
        }
        drop(writing);
        let key = name(path);
        // Leftovers of an abandoned write of the same name.
        self.conn()
            .map_err(wrap)?
            .execute("DELETE FROM index_chunks WHERE name = ?1", [&key])
            .map_err(|e| wrap(io_error(e)))?;
        let writer = ChunkWriter {
            directory: self.clone(),
            path: path.to_owned(),
            key,
            buffer: Vec::with_capacity(64 * 1024),
            next_seq: 0,
            len: 0,
            finished: false,
        };
        Ok(BufWriter::with_capacity(64 * 1024, Box::new(writer)))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        Ok(self.read_whole(path)?.as_slice().to_vec())
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.store(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        let failed = |e: String| LockError::IoError(Arc::new(io_error(e)));
        let mut locks = self.inner.locks.lock().map_err(|e| failed(e.to_string()))?;
        // A blocking lock (tantivy's meta lock, taken by a reader's reload on another thread
        // while a commit or a garbage collection wants it) is waited for, as tantivy's own
        // directories do, up to 10 s.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !locks.insert(lock.filepath.clone()) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if !lock.is_blocking || left.is_zero() {
                return Err(LockError::LockBusy);
            }
            locks = self.inner.released.wait_timeout(locks, left).map_err(|e| failed(e.to_string()))?.0;
        }
        Ok(DirectoryLock::from(Box::new(HeldLock { directory: self.clone(), path: lock.filepath.clone() })))
    }

    fn watch(&self, _: WatchCallback) -> tantivy::Result<WatchHandle> {
        // Readers are reloaded by hand after each commit.
        Ok(WatchHandle::empty())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn directory() -> VaultDirectory {
        VaultDirectory::new(Connection::open_in_memory().unwrap()).unwrap()
    }

    #[test]
    fn files_round_trip_through_chunks() {
        let dir = directory();
        let path = Path::new("seg.idx");
        let data: Vec<u8> = (0..(CHUNK * 2 + 17)).map(|i| (i % 251) as u8).collect();
        let mut writer = dir.open_write(path).unwrap();
        for piece in data.chunks(7777) {
            writer.write_all(piece).unwrap();
        }
        assert!(!dir.exists(path).unwrap(), "a file is invisible until terminated");
        writer.terminate().unwrap();
        assert!(dir.exists(path).unwrap());
        let read = dir.open_read(path).unwrap().read_bytes().unwrap();
        assert_eq!(read.as_slice(), data.as_slice());
        assert!(matches!(dir.open_write(path), Err(OpenWriteError::FileAlreadyExists(_))));
        dir.delete(path).unwrap();
        assert!(!dir.exists(path).unwrap());
        assert!(matches!(dir.open_read(path), Err(OpenReadError::FileDoesNotExist(_))));
        assert!(matches!(dir.delete(path), Err(DeleteError::FileDoesNotExist(_))));
        let chunks: i64 =
            dir.conn().unwrap().query_row("SELECT count(*) FROM index_chunks", [], |row| row.get(0)).unwrap();
        assert_eq!(chunks, 0);
    }

    #[test]
    fn big_files_are_read_lazily_and_outlive_their_deletion_while_held() {
        let dir = directory();
        let path = Path::new("big.idx");
        let data: Vec<u8> = (0..(LAZY_FROM + CHUNK * 3 + 123)).map(|i| (i % 253) as u8).collect();
        let mut writer = dir.open_write(path).unwrap();
        writer.write_all(&data).unwrap();
        writer.terminate().unwrap();
        let handle = dir.get_file_handle(path).unwrap();
        assert_eq!(handle.len(), data.len());
        for range in [0..10, CHUNK - 5..CHUNK + 5, 3 * CHUNK..5 * CHUNK + 7, data.len() - 9..data.len(), 17..17] {
            assert_eq!(handle.read_bytes(range.clone()).unwrap().as_slice(), &data[range]);
        }
        // Deleted while held: gone for tantivy, still readable for the holder, then cleaned up.
        dir.delete(path).unwrap();
        assert!(!dir.exists(path).unwrap());
        assert_eq!(handle.read_bytes(100..200).unwrap().as_slice(), &data[100..200]);
        let chunks = |dir: &VaultDirectory| -> i64 {
            dir.conn().unwrap().query_row("SELECT count(*) FROM index_chunks", [], |row| row.get(0)).unwrap()
        };
        assert!(chunks(&dir) > 0);
        drop(handle);
        assert_eq!(chunks(&dir), 0, "the last handle's close removes the chunks");
    }

    #[test]
    fn small_files_are_read_lazily_only_while_bulk_reads_last() {
        let dir = directory();
        let write = |path: &Path, len: usize| {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut writer = dir.open_write(path).unwrap();
            writer.write_all(&data).unwrap();
            writer.terminate().unwrap();
            data
        };
        let lazy_handles = |dir: &VaultDirectory| dir.inner.handles.lock().unwrap().0.values().sum::<usize>();
        let (small, tiny, cached) = (Path::new("small.pos"), Path::new("tiny.idx"), Path::new("cached.term"));
        let data = write(small, BULK_LAZY_FROM + CHUNK + 9);
        write(tiny, 1000);
        write(cached, BULK_LAZY_FROM * 2);
        // Read whole (and kept) before the import: not read a second time, lazily, during it.
        let before = dir.get_file_handle(cached).unwrap();
        assert!(dir.is_cached(cached));

        let bulk = dir.read_lazily_in_bulk();
        let handle = dir.get_file_handle(small).unwrap();
        assert_eq!(lazy_handles(&dir), 1, "a file from {BULK_LAZY_FROM} bytes is read lazily");
        assert!(!dir.is_cached(small));
        assert_eq!(handle.read_bytes(CHUNK - 3..CHUNK + 5).unwrap().as_slice(), &data[CHUNK - 3..CHUNK + 5]);
        dir.get_file_handle(tiny).unwrap();
        assert!(dir.is_cached(tiny), "a file under it is still read whole");
        let again = dir.get_file_handle(cached).unwrap();
        assert_eq!(lazy_handles(&dir), 1, "a file already read whole is served from memory");
        drop(bulk);
        drop(handle);

        dir.get_file_handle(small).unwrap();
        assert!(dir.is_cached(small), "once the guard is gone, small files are read whole again");
        assert_eq!(lazy_handles(&dir), 0);
        assert_eq!(before.len(), again.len());
    }

    #[test]
    fn a_document_store_is_read_lazily_however_small() {
        let dir = directory();
        let lazy_handles = |dir: &VaultDirectory| dir.inner.handles.lock().unwrap().0.values().sum::<usize>();
        let data: Vec<u8> = (0..CHUNK + 77).map(|i| (i % 241) as u8).collect();
        for name in ["seg.store", "seg.fast"] {
            let mut writer = dir.open_write(Path::new(name)).unwrap();
            writer.write_all(&data).unwrap();
            writer.terminate().unwrap();
        }
        let store = dir.get_file_handle(Path::new("seg.store")).unwrap();
        assert_eq!(lazy_handles(&dir), 1);
        assert!(!dir.is_cached(Path::new("seg.store")));
        assert_eq!(store.read_bytes(CHUNK - 2..CHUNK + 70).unwrap().as_slice(), &data[CHUNK - 2..CHUNK + 70]);
        // Another file of the same size is read whole, as before.
        dir.get_file_handle(Path::new("seg.fast")).unwrap();
        assert!(dir.is_cached(Path::new("seg.fast")));
        assert_eq!(lazy_handles(&dir), 1);
    }

    #[test]
    fn atomic_writes_replace_and_missing_files_say_so() {
        let dir = directory();
        let meta = Path::new("meta.json");
        assert!(matches!(dir.atomic_read(meta), Err(OpenReadError::FileDoesNotExist(_))));
        dir.atomic_write(meta, b"one").unwrap();
        assert_eq!(dir.atomic_read(meta).unwrap(), b"one");
        dir.atomic_write(meta, b"two, longer").unwrap();
        assert_eq!(dir.atomic_read(meta).unwrap(), b"two, longer");
    }

    #[test]
    fn a_blocking_lock_waits_for_its_holder() {
        let dir = directory();
        let lock = Lock { filepath: PathBuf::from("meta.lock"), is_blocking: true };
        let held = dir.acquire_lock(&lock).unwrap();
        let started = std::time::Instant::now();
        let holder = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(200));
            drop(held);
        });
        let again = dir.acquire_lock(&lock).expect("the lock, once let go");
        assert!(started.elapsed() >= std::time::Duration::from_millis(150), "it waited for the holder");
        holder.join().unwrap();
        drop(again);
    }

    #[test]
    fn abandoned_writes_leave_nothing_and_locks_are_exclusive() {
        let dir = directory();
        let path = Path::new("abandoned");
        let mut writer = dir.open_write(path).unwrap();
        writer.write_all(&vec![1u8; CHUNK + 5]).unwrap();
        writer.flush().unwrap();
        drop(writer);
        assert!(!dir.exists(path).unwrap());
        let chunks: i64 =
            dir.conn().unwrap().query_row("SELECT count(*) FROM index_chunks", [], |row| row.get(0)).unwrap();
        assert_eq!(chunks, 0);
        let lock = Lock { filepath: PathBuf::from(".tantivy-writer.lock"), is_blocking: false };
        let held = dir.acquire_lock(&lock).unwrap();
        assert!(matches!(dir.acquire_lock(&lock), Err(LockError::LockBusy)));
        drop(held);
        dir.acquire_lock(&lock).unwrap();
    }
}
