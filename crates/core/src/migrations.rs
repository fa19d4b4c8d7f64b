//! Schema changes: numbered SQL files in `migrations/`, embedded at build time, each applied in one
//! transaction together with the row that records it and its checksum.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::{crypto, ErrorCode, UserMessage};

pub(crate) struct EmbeddedMigration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The schema version this build writes.
pub fn latest_version() -> u32 {
    EMBEDDED.last().map_or(0, |m| m.version)
}

#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("Migration {name} was changed after it was applied to this vault (checksum {applied} recorded, {embedded} in this build). This build cannot be trusted with this vault: use the build that created it.")]
    Changed { name: String, applied: String, embedded: String },
    #[error(
        "Migration {name} failed: {source}. Nothing was changed; restore the vault from a backup if this persists."
    )]
    Failed {
        name: String,
        #[source]
        source: rusqlite::Error,
    },
}

impl UserMessage for MigrationError {
    fn code(&self) -> ErrorCode {
        match self {
            MigrationError::Changed { .. } => ErrorCode::MigrationChanged,
            MigrationError::Failed { .. } => ErrorCode::MigrationFailed,
        }
    }
    fn french(&self) -> String {
        match self {
            MigrationError::Changed { name, applied, embedded } => format!("La migration {name} a été modifiée après avoir été appliquée à ce coffre (empreinte {applied} enregistrée, {embedded} dans cette version). Cette version n'est pas digne de confiance pour ce coffre : utilisez la version qui l'a créé."),
            MigrationError::Failed { name, source } => format!("La migration {name} a échoué : {source}. Rien n'a été modifié ; restaurez le coffre depuis une sauvegarde si cela persiste."),
        }
    }
}

fn checksum(sql: &str) -> String {
    hex::encode(crypto::sha256(sql.as_bytes()))
}

const BOOKKEEPING: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

/// The highest applied version, without writing anything (0 for an empty database).
pub(crate) fn applied_version(conn: &Connection) -> rusqlite::Result<u32> {
    let has_table: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        [],
        |row| row.get(0),
    )?;
    if !has_table {
        return Ok(0);
    }
    conn.query_row("SELECT coalesce(max(version), 0) FROM schema_migrations", [], |row| row.get(0))
}

/// Checks the recorded checksums against this build's files, then applies what is missing.
/// The caller has already refused a schema newer than [`latest_version`].
pub(crate) fn migrate(conn: &mut Connection, applied_at: &str) -> Result<u32, MigrationError> {
    migrate_with(conn, EMBEDDED, applied_at)
}

fn migrate_with(
    conn: &mut Connection,
    migrations: &[EmbeddedMigration],
    applied_at: &str,
) -> Result<u32, MigrationError> {
    fn failed(name: &str) -> impl Fn(rusqlite::Error) -> MigrationError + '_ {
        move |source| MigrationError::Failed { name: name.to_owned(), source }
    }
    let mut applied = 0;
    for migration in migrations {
        let recorded: Option<String> = conn
            .query_row("SELECT checksum FROM schema_migrations WHERE version = ?1", [migration.version], |row| {
                row.get(0)
            })
            .optional()
            .or_else(|e| match e {
                // Before the first migration the bookkeeping table does not exist yet.
                rusqlite::Error::SqliteFailure(_, Some(ref msg)) if msg.contains("no such table") => Ok(None),
                other => Err(other),
            })
            .map_err(failed(migration.name))?;
        let embedded = checksum(migration.sql);
        match recorded {
            Some(recorded) if recorded == embedded => continue,
            Some(recorded) => {
                return Err(MigrationError::Changed { name: migration.name.to_owned(), applied: recorded, embedded })
            }
            None => {}
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(failed(migration.name))?;
        tx.execute_batch(BOOKKEEPING).map_err(failed(migration.name))?;
        tx.execute_batch(migration.sql).map_err(failed(migration.name))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![migration.version, migration.name, embedded, applied_at],
        )
        .map_err(failed(migration.name))?;
        tx.commit().map_err(failed(migration.name))?;
        applied += 1;
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version_and_tables(conn: &Connection) -> (u32, Vec<String>) {
        let mut stmt =
            conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").expect("prepare");
        let tables = stmt.query_map([], |row| row.get(0)).expect("query").map(|r| r.expect("row")).collect();
        (applied_version(conn).expect("version"), tables)
    }

    #[test]
    fn embedded_migrations_are_numbered_from_one() {
        assert!(!EMBEDDED.is_empty());
        for (index, migration) in EMBEDDED.iter().enumerate() {
            assert_eq!(migration.version as usize, index + 1, "{} is out of order", migration.name);
        }
        assert_eq!(latest_version(), EMBEDDED.len() as u32);
    }

    #[test]
    fn applies_each_migration_once_and_records_it() {
        let mut conn = Connection::open_in_memory().expect("open");
        assert_eq!(migrate(&mut conn, "2026-11-23T00:00:00.000Z").expect("migrate"), EMBEDDED.len() as u32);
        assert_eq!(
            migrate(&mut conn, "2026-11-24T00:00:00.000Z").expect("migrate again"),
            0,
            "a second run applies nothing"
        );
        let (version, tables) = version_and_tables(&conn);
        assert_eq!(version, latest_version());
        for table in ["audit_events", "audit_details", "schema_migrations", "users", "user_keys", "vault_meta"] {
            assert!(tables.iter().any(|t| t == table), "table {table} missing from {tables:?}");
        }
    }

    #[test]
    fn a_changed_migration_is_refused() {
        let mut conn = Connection::open_in_memory().expect("open");
        let original = [EmbeddedMigration { version: 1, name: "0001_t", sql: "CREATE TABLE t (a);" }];
        migrate_with(&mut conn, &original, "now").expect("migrate");
        let edited = [EmbeddedMigration { version: 1, name: "0001_t", sql: "CREATE TABLE t (a, b);" }];
        let err = migrate_with(&mut conn, &edited, "now").expect_err("an edited migration must be refused");
        assert!(matches!(err, MigrationError::Changed { ref name, .. } if name == "0001_t"), "{err}");
    }

    #[test]
    fn a_failing_migration_leaves_no_trace() {
        let mut conn = Connection::open_in_memory().expect("open");
        let migrations = [
            EmbeddedMigration { version: 1, name: "0001_ok", sql: "CREATE TABLE ok (a);" },
            EmbeddedMigration { version: 2, name: "0002_bad", sql: "CREATE TABLE half (a); CREATE TABLE broken (;" },
        ];
        let err = migrate_with(&mut conn, &migrations, "now").expect_err("must fail");
        assert!(matches!(err, MigrationError::Failed { ref name, .. } if name == "0002_bad"));
        let (version, tables) = version_and_tables(&conn);
        assert_eq!(version, 1, "the failed migration must not be recorded");
        assert!(
            !tables.iter().any(|t| t == "half"),
            "the failed migration's first statement must be rolled back: {tables:?}"
        );
    }
}
