//! The negative control of the clear-text scan in `register.rs`: the very same steps on a vault
//! made with encryption switched off (a test-only switch, in its own test binary so no other
//! test runs while it is on) must leave the canaries readable in the vault folder, in the
//! register's database and in the index's. If this test fails, the scan proves nothing.

mod common;

use std::path::Path;

use common::*;
use greffier_core::{vault::testing_plaintext, FileDraft, FileFilter, Secret};

fn count_in(path: &Path, canary: &str) -> usize {
    let bytes = std::fs::read(path).unwrap_or_default();
    bytes.windows(canary.len()).filter(|w| *w == canary.as_bytes()).count()
}

#[test]
fn without_encryption_the_scan_finds_the_canaries_in_the_register_and_in_the_index() {
    testing_plaintext::enable(true);
    let fixture = Fixture::new();
    let mut vault = fixture.create();
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    vault.import_sample_plan(&admin).expect("plan");
    let canary = "zyxwquartzcanary";
    vault
        .create_file(
            &admin,
            FileDraft {
                reference: "CAN-1".into(),
                class: "100-20-05".into(),
                title: format!("Dossier {canary}"),
                description: format!("Texte {canary}"),
                ..Default::default()
            },
        )
        .expect("create");
    let page = vault
        .search_files(&admin, &FileFilter { query: canary.into(), ..Default::default() }, 0, 5, false)
        .expect("search");
    assert_eq!(page.total, 1);
    vault.lock();
    testing_plaintext::enable(false);
    let dir = fixture.vault_dir();
    let in_register = count_in(&dir.join("vault.db"), canary) + count_in(&dir.join("vault.db-wal"), canary);
    assert!(in_register > 0, "the register's text must be readable without encryption");
    // tantivy compresses its term dictionary (an FST), so a term is not a byte string of the
    // index; without encryption the index database is a plain SQLite file anyone can open.
    let header = std::fs::read(dir.join("search.db")).expect("index")[..16].to_vec();
    assert_eq!(header, b"SQLite format 3\0");
    let plain = rusqlite::Connection::open(dir.join("search.db")).expect("open");
    let chunks: i64 = plain.query_row("SELECT count(*) FROM index_chunks", [], |row| row.get(0)).expect("read");
    assert!(chunks > 0);
}
