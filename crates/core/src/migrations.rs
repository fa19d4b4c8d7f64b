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
        // A table rebuilt to change a constraint (create, copy, drop, rename) would trip the
        // foreign keys that name it: SQLite's procedure turns them off outside the transaction
        // and checks them all before the commit.
        let foreign_keys: bool =
            conn.query_row("PRAGMA foreign_keys", [], |row| row.get(0)).map_err(failed(migration.name))?;
        conn.pragma_update(None, "foreign_keys", false).map_err(failed(migration.name))?;
        let result = apply(conn, migration, &embedded, applied_at);
        conn.pragma_update(None, "foreign_keys", foreign_keys).map_err(failed(migration.name))?;
        result.map_err(failed(migration.name))?;
        applied += 1;
    }
    Ok(applied)
}

fn apply(
    conn: &mut Connection,
    migration: &EmbeddedMigration,
    checksum: &str,
    applied_at: &str,
) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(BOOKKEEPING)?;
    tx.execute_batch(migration.sql)?;
    // A migration that edits a table's text in `sqlite_schema` (SQLite's procedure for changing
    // CHECK constraints in place) bumps the schema version, for every connection, this one
    // included, to read the schema again before its next statement.
    if migration.sql.to_ascii_lowercase().contains("writable_schema") {
        let version: i64 = tx.query_row("PRAGMA schema_version", [], |row| row.get(0))?;
        tx.pragma_update(None, "schema_version", version + 1)?;
        let check: String = tx.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
        if check != "ok" {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(format!("the schema it wrote does not read back: {check}")),
            ));
        }
    }
    let broken: Option<String> = tx
        .query_row("SELECT \"table\" || ' → ' || parent FROM pragma_foreign_key_check LIMIT 1", [], |row| row.get(0))
        .optional()?;
    if let Some(broken) = broken {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
            Some(format!("a foreign key of {broken} no longer holds")),
        ));
    }
    tx.execute(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![migration.version, migration.name, checksum, applied_at],
    )?;
    tx.commit()
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

    /// SQLite's way to change a constraint: a new table, the rows copied, the old one dropped and
    /// the new one renamed, while other tables' foreign keys name it; a rebuild that loses a
    /// parent row is refused, and the foreign keys are on again afterwards.
    #[test]
    fn a_table_rebuilt_under_foreign_keys_is_applied_and_checked() {
        let mut conn = Connection::open_in_memory().expect("open");
        conn.pragma_update(None, "foreign_keys", true).expect("foreign keys");
        let first = EmbeddedMigration {
            version: 1,
            name: "0001_parent",
            sql: "CREATE TABLE parent (id INTEGER PRIMARY KEY, kind TEXT CHECK (kind IN ('a')));
                  CREATE TABLE child (parent_id INTEGER NOT NULL REFERENCES parent(id));
                  INSERT INTO parent VALUES (1, 'a'), (2, 'a'); INSERT INTO child VALUES (1), (2);",
        };
        let rebuild = |version, name, filter| EmbeddedMigration {
            version,
            name,
            sql: match filter {
                true => {
                    "CREATE TABLE parent_new (id INTEGER PRIMARY KEY, kind TEXT CHECK (kind IN ('a', 'b')));
                         INSERT INTO parent_new SELECT * FROM parent WHERE id = 1;
                         DROP TABLE parent; ALTER TABLE parent_new RENAME TO parent;"
                }
                false => {
                    "CREATE TABLE parent_new (id INTEGER PRIMARY KEY, kind TEXT CHECK (kind IN ('a', 'b')));
                          INSERT INTO parent_new SELECT * FROM parent;
                          DROP TABLE parent; ALTER TABLE parent_new RENAME TO parent;"
                }
            },
        };
        let lossy = [first, rebuild(2, "0002_lossy", true)];
        let err = migrate_with(&mut conn, &lossy, "now").expect_err("a lost parent row must be refused");
        assert!(matches!(err, MigrationError::Failed { ref name, .. } if name == "0002_lossy"), "{err}");
        assert!(err.to_string().contains("child"), "{err}");
        let good = [
            EmbeddedMigration { version: 1, name: "0001_parent", sql: lossy[0].sql },
            rebuild(2, "0002_rebuild", false),
        ];
        assert_eq!(migrate_with(&mut conn, &good, "now").expect("rebuild"), 1);
        conn.execute("INSERT INTO parent VALUES (3, 'b')", []).expect("the new constraint is in force");
        let on: bool = conn.query_row("PRAGMA foreign_keys", [], |row| row.get(0)).expect("pragma");
        assert!(on, "foreign keys must be on again after the migrations");
        let err = conn.execute("INSERT INTO child VALUES (9)", []).expect_err("foreign keys are enforced");
        assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
        let sql: String =
            conn.query_row("SELECT sql FROM sqlite_master WHERE name = 'child'", [], |row| row.get(0)).expect("child");
        assert!(sql.contains("REFERENCES parent(id)"), "the child still names the parent: {sql}");
    }

    /// 0007 rewrites the register's CHECK constraints on lists of values as comparisons, in
    /// place: a vault made before keeps its rows, refuses the same values, and neither this
    /// connection nor a new one builds a temporary b-tree for each file inserted any more.
    #[test]
    fn the_register_s_value_lists_are_checked_by_comparisons_after_0007() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("v.db");
        let mut conn = Connection::open(&path).expect("open");
        // The identifiers and purposes below name no person or file: their links are not the test.
        conn.pragma_update(None, "foreign_keys", false).expect("foreign keys off");
        migrate_with(&mut conn, &EMBEDDED[..6], "now").expect("migrate to 6");
        let insert = "INSERT INTO files (reference, class_id, rule_id, rule_version, title, medium, sensitivity,
            status, disposition, change_seq, created_at, updated_at)
            VALUES (?1, 1, 1, 1, 'Titre', ?2, 'personal', 'semi_active', 'T', 1, 'now', 'now')";
        let ephemeral = |conn: &Connection| -> usize {
            let mut stmt = conn.prepare(&format!("EXPLAIN {insert}")).expect("explain");
            let ops: Vec<String> =
                stmt.query_map(["", ""], |row| row.get(1)).expect("ops").map(|r| r.expect("op")).collect();
            ops.iter().filter(|op| *op == "OpenEphemeral").count()
        };
        assert_eq!(ephemeral(&conn), 4, "before 0007, each list is a temporary b-tree");
        conn.execute_batch(
            "INSERT INTO plan_classes (id, code, title_fr, created_at, updated_at) VALUES (1, '100', 'C', 'now', 'now');
             INSERT INTO retention_rules (id, number, created_at) VALUES (1, '1', 'now');",
        )
        .expect("a class and a rule");
        conn.execute(insert, ["R-1", "paper"]).expect("a file before 0007");

        assert_eq!(migrate_with(&mut conn, &EMBEDDED[..7], "now").expect("migrate to 7"), 1);
        assert_eq!(ephemeral(&conn), 0, "this connection reads the new constraints");
        let other = Connection::open(&path).expect("open again");
        assert_eq!(ephemeral(&other), 0, "a new connection too");
        let kept: String = conn.query_row("SELECT reference FROM files", [], |r| r.get(0)).expect("row");
        assert_eq!(kept, "R-1");
        conn.execute(insert, ["R-2", "digital"]).expect("a sound file");
        for (reference, medium) in [("R-3", "vellum"), ("R-4", "Paper"), ("R-5", "")] {
            let refused = conn.execute(insert, [reference, medium]).expect_err("a medium the list lacks");
            assert!(refused.to_string().contains("CHECK constraint failed"), "{refused}");
        }
        let status = "UPDATE files SET status = ?1 WHERE reference = 'R-1'";
        conn.execute(status, ["on_hold"]).expect("a status of the list");
        assert!(conn.execute(status, ["lost"]).is_err(), "a status the list lacks");
        let identifier = "INSERT INTO person_identifiers (person_id, kind, value, normalized) VALUES (1, ?1, 'x', 'x')";
        assert!(conn.execute(identifier, ["passport"]).is_err(), "an identifier kind the list lacks");
        conn.execute(identifier, ["sin"]).expect("an identifier kind of the list");
        let purpose = "INSERT INTO file_person_purposes (file_id, person_id, purpose, consent) VALUES (1, 1, 'p', ?1)";
        assert!(conn.execute(purpose, ["maybe"]).is_err(), "a consent the list lacks");
        conn.execute(purpose, ["withdrawn"]).expect("a consent of the list");
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("check");
        assert_eq!(check, "ok");
        let lists: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name IN ('files', 'person_identifiers',
                 'file_person_purposes') AND sql LIKE '% IN%(''%'
                 AND sql NOT LIKE '%status NOT IN%'",
                [],
                |r| r.get(0),
            )
            .expect("schema");
        assert_eq!(lists, 0, "no list of values is left in those tables");
    }
}
