//! Material for Greffier's benchmarks: a seeded synthetic register written as CSV
//! ([`generate()`]), the queries to run on it ([`query_mix`]), and the SQLite baselines the vault
//! is compared with ([`peers`]): the `sqlite3` tool's `.import`, and FTS5 on the vault's own
//! SQLCipher build. Nothing here touches a vault: the Greffier side lives with the caller.

mod error;
pub mod generate;
pub mod peers;

pub use error::BenchError;
pub use generate::{generate, query_mix, BenchQuery, GenerateReport, QueryKind, FILES_COLUMNS, PERSONS_COLUMNS};
pub use peers::{fts5_import, latency, peak_rss_kib, sqlite3_import, sqlite3_import_counted, Fts5Db};
