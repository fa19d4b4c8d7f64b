//! The audit chain against each kind of tampering by someone who holds the vault key and edits
//! the file by hand (dropping the append-only triggers first, as they could).

mod common;

use common::*;
use ed25519_dalek::Signer as _;
use greffier_core::{ChainFault, NewUser, Role, Secret, Vault};

/// A vault with ten-odd events by two users, and the raw connection of a key holder.
fn chain() -> (Fixture, Vault, String) {
    let fixture = Fixture::new();
    let mut vault = fixture.create();
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    vault
        .add_user(
            &admin,
            NewUser {
                username: "paul".into(),
                display_name: "Paul".into(),
                role: Role::Auditor,
                password: Secret::new("paul's password"),
            },
        )
        .expect("add");
    let paul = vault.sign_in("paul", &Secret::new("paul's password")).expect("paul");
    let _ = vault.sign_in("paul", &Secret::new("wrong password!"));
    vault.verify_audit(&paul).expect("verify");
    vault.set_user_active(&admin, "paul", false).expect("deactivate");
    vault.set_user_active(&admin, "paul", true).expect("reactivate");
    let id = vault.vault_id().to_owned();
    (fixture, vault, id)
}

/// Applies `tamper` with a key holder's raw connection and returns what `verify` reports.
fn check(tamper: &str) -> Option<(u64, ChainFault)> {
    let (fixture, vault, id) = chain();
    let raw = fixture.raw(&id);
    raw.execute_batch("DROP TRIGGER audit_events_append_only_update; DROP TRIGGER audit_events_append_only_delete;")
        .expect("drop triggers");
    raw.execute_batch(tamper).expect("tamper");
    drop(raw);
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    let report = vault.verify_audit(&admin).expect("verify runs");
    report.problem.map(|p| (p.seq, p.fault))
}

#[test]
fn an_untouched_chain_verifies() {
    assert_eq!(check(""), None);
}

#[test]
fn the_trail_is_append_only_for_sql_too() {
    let (fixture, _vault, id) = chain();
    let raw = fixture.raw(&id);
    let update = raw.execute("UPDATE audit_events SET actor = 'someone' WHERE seq = 2", []);
    assert!(update.is_err_and(|e| e.to_string().contains("append-only")));
    assert!(raw.execute("DELETE FROM audit_events WHERE seq = 2", []).is_err());
}

#[test]
fn each_kind_of_tampering_names_the_first_bad_event() {
    type Case<'a> = (&'a str, &'a str, Option<(u64, ChainFault)>);
    let cases: &[Case<'_>] = &[
        ("edited field", "UPDATE audit_events SET object_id = '99' WHERE seq = 3", Some((3, ChainFault::Edited))),
        ("edited time", "UPDATE audit_events SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 4", Some((4, ChainFault::Edited))),
        ("deleted in the middle", "DELETE FROM audit_events WHERE seq = 5", Some((5, ChainFault::Missing))),
        // The sign-in that precedes verification appends after the gap, so the hole shows as missing.
        ("deleted at the end", "DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)", Some((8, ChainFault::Missing))),
        (
            "inserted",
            "UPDATE audit_events SET seq = seq + 1000 WHERE seq >= 4; UPDATE audit_events SET seq = seq - 999 WHERE seq >= 1004;
             INSERT INTO audit_events SELECT 4, at, actor_id, actor, action, object_type, object_id, details_commitment, introduced_key, signer_key, prev_hash, hash, signature FROM audit_events WHERE seq = 3",
            Some((4, ChainFault::Edited)),
        ),
        (
            "reordered",
            "UPDATE audit_events SET seq = -1 WHERE seq = 4; UPDATE audit_events SET seq = 4 WHERE seq = 5; UPDATE audit_events SET seq = 5 WHERE seq = -1",
            Some((4, ChainFault::Edited)),
        ),
        ("details altered", "UPDATE audit_details SET ciphertext = ciphertext || x'00' WHERE seq = 3", Some((3, ChainFault::DetailsAltered))),
        ("details swapped", "UPDATE audit_details SET seq = -3 WHERE seq = 3; UPDATE audit_details SET seq = 3 WHERE seq = 1; UPDATE audit_details SET seq = 1 WHERE seq = -3", Some((1, ChainFault::DetailsAltered))),
        ("details erased", "DELETE FROM audit_details WHERE seq = 3", None),
    ];
    for (what, tamper, expected) in cases {
        let found = check(tamper);
        assert_eq!(found, *expected, "{what}");
    }
}

#[test]
fn a_key_holder_cannot_forge_another_users_event() {
    // The administrator holds the vault key and rewrites event 3 (paul's sign-in) with a valid
    // hash, signing it with their own key: the signer is not paul's key.
    let (fixture, vault, id) = chain();
    let raw = fixture.raw(&id);
    raw.execute_batch("DROP TRIGGER audit_events_append_only_update;").expect("drop");
    let forger = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let paul_event: i64 = raw
        .query_row("SELECT seq FROM audit_events WHERE actor = 'paul' ORDER BY seq LIMIT 1", [], |r| r.get(0))
        .expect("paul's event");
    // Recompute a consistent hash and signature under the forger's key for paul's event.
    let canonical_hash: Vec<u8> =
        raw.query_row("SELECT hash FROM audit_events WHERE seq = ?1", [paul_event], |r| r.get(0)).expect("hash");
    let signature = forger.sign(&canonical_hash).to_bytes().to_vec();
    raw.execute("UPDATE audit_events SET signature = ?2 WHERE seq = ?1", rusqlite::params![paul_event, signature])
        .expect("forge");
    drop(raw);
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    let report = vault.verify_audit(&admin).expect("verify");
    assert_eq!(report.problem.map(|p| (p.seq as i64, p.fault)), Some((paul_event, ChainFault::BadSignature)));
}

#[test]
fn a_self_introduced_key_is_refused() {
    // A key holder appends a well-formed event in which "paul" introduces a key of their making
    // for himself and signs with it: hash and signature are valid, the signer is not.
    let (fixture, vault, id) = chain();
    let paul_id: i64 =
        fixture.raw(&id).query_row("SELECT id FROM users WHERE username = 'paul'", [], |r| r.get(0)).expect("paul");
    let forged = greffier_core::vault::testing::append_self_introduction(&vault, paul_id, "paul");
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    let report = vault.verify_audit(&admin).expect("verify");
    assert_eq!(report.problem.map(|p| (p.seq, p.fault)), Some((forged, ChainFault::WrongSigner)));
}

#[test]
fn erased_details_leave_a_verifiable_chain() {
    let (_fixture, vault, _id) = chain();
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    assert!(vault.audit_details(&admin, 3).expect("details").is_some());
    assert_eq!(greffier_core::vault::testing::erase_audit_details(&vault, &[3, 5]), 2);
    assert_eq!(vault.audit_details(&admin, 3).expect("details"), None, "erased details cannot be read");
    let report = vault.verify_audit(&admin).expect("verify");
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.erased_details, 2);
}

#[test]
fn the_export_is_a_real_csv_with_every_event() {
    let (_fixture, vault, _id) = chain();
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    let head = vault.chain_head().expect("head");
    let mut out = Vec::new();
    let count = vault.export_audit_csv(&admin, &mut out).expect("export");
    assert_eq!(count, head.seq);
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(&headers[0], "seq");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len() as u64, count);
    assert_eq!(&rows[0][3], "vault.create");
    assert!(rows[0][6].contains("Ville de Saint-Exemple"), "details are decrypted in the export: {:?}", &rows[0][6]);
    assert_eq!(
        vault.recent_audit(&admin, 1).expect("recent")[0].action,
        "audit.export",
        "the export itself is audited"
    );
}
