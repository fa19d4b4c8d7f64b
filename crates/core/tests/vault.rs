//! The vault on real SQLCipher files: creation, the pragmas, every way opening can fail (each with
//! its own error, and no file changed), users and permissions, key rotation and its interruptions.

mod common;

use common::*;
use greffier_core::{
    ErrorCode, KeySlot, KeyStore, Lang, NewUser, Permission, Role, Secret, Unlock, UserMessage, Vault,
};

fn open_error(fixture: &Fixture, unlock: Unlock) -> greffier_core::Error {
    match Vault::open(&fixture.vault_dir(), unlock, &fixture.env) {
        Ok(_) => panic!("the vault should not have opened"),
        Err(e) => e,
    }
}

/// Opening must fail with `code`, and leave every file of the folder byte for byte as it was.
fn check_refused(fixture: &Fixture, unlock: Unlock, code: ErrorCode) {
    let before = snapshot(&fixture.vault_dir());
    let error = open_error(fixture, unlock);
    assert_eq!(error.code(), code, "wrong error: {error}");
    assert!(
        !error.message(Lang::Fr).is_empty() && error.message(Lang::Fr) != error.message(Lang::En),
        "the message must exist in French too"
    );
    assert_eq!(snapshot(&fixture.vault_dir()), before, "a refused open must not modify, add or remove any file");
}

#[test]
fn a_new_vault_is_encrypted_and_opens_both_ways() {
    let fixture = Fixture::new();
    let vault = fixture.create();
    let id = vault.vault_id().to_owned();
    vault.lock();
    let bytes = std::fs::read(fixture.vault_dir().join("vault.db")).expect("read");
    assert!(!bytes.starts_with(b"SQLite format 3"), "the vault file must not be a plain SQLite file");
    assert!(
        !bytes.windows(22).any(|w| w == b"Ville de Saint-Exemple"),
        "the organisation's name must not appear in clear"
    );
    let recovery = std::fs::read_to_string(fixture.vault_dir().join("recovery.json")).expect("recovery file");
    assert!(!recovery.contains(fixture.key(&id).to_hex().as_str()), "the recovery file must not hold the key in clear");

    let by_keyring = Vault::open(&fixture.vault_dir(), Unlock::KeyStore, &fixture.env).expect("open with keyring");
    assert_eq!(by_keyring.organisation().expect("organisation"), "Ville de Saint-Exemple");
    by_keyring.lock();
    let by_passphrase = Vault::open(&fixture.vault_dir(), Unlock::Passphrase(Secret::new(RECOVERY)), &fixture.env)
        .expect("open with passphrase");
    let pragmas = by_passphrase.pragmas().expect("pragmas");
    assert_eq!(
        (
            pragmas.journal_mode.as_str(),
            pragmas.synchronous.as_str(),
            pragmas.foreign_keys.as_str(),
            pragmas.secure_delete.as_str(),
            pragmas.temp_store.as_str()
        ),
        ("wal", "2", "1", "1", "2"),
        "WAL, synchronous=FULL, foreign keys, secure_delete, temp store in memory"
    );
    assert!(pragmas.cipher_version.starts_with('4'), "SQLCipher 4 expected, got {}", pragmas.cipher_version);
}

#[test]
fn creation_refuses_bad_input_and_leaves_nothing_behind() {
    let fixture = Fixture::new();
    let setup = |org: &str, user: &str, password: &str, passphrase: &str| greffier_core::VaultSetup {
        organisation: org.into(),
        admin: NewUser {
            username: user.into(),
            display_name: String::new(),
            role: Role::Administrator,
            password: Secret::new(password),
        },
        recovery_passphrase: Secret::new(passphrase),
    };
    let cases = [
        (setup("", ADMIN, ADMIN_PASSWORD, RECOVERY), ErrorCode::OrganisationMissing),
        (setup("Org", "bad name", ADMIN_PASSWORD, RECOVERY), ErrorCode::UsernameInvalid),
        (setup("Org", ADMIN, "short", RECOVERY), ErrorCode::PasswordTooShort),
        (setup("Org", ADMIN, ADMIN_PASSWORD, "too short"), ErrorCode::PassphraseTooShort),
    ];
    for (input, code) in cases {
        let error = Vault::create(&fixture.vault_dir(), input, &fixture.env).err().expect("must be refused");
        assert_eq!(error.code(), code, "{error}");
        assert!(!fixture.vault_dir().join("vault.db").exists(), "nothing may be created for bad input");
    }
    fixture.create().lock();
    let again = Vault::create(&fixture.vault_dir(), setup("Org", ADMIN, ADMIN_PASSWORD, RECOVERY), &fixture.env)
        .err()
        .expect("exists");
    assert_eq!(again.code(), ErrorCode::VaultAlreadyExists);
}

#[test]
fn every_bad_open_has_its_own_error_and_changes_nothing() {
    let fixture = Fixture::new();
    let vault = fixture.create();
    let id = vault.vault_id().to_owned();
    vault.lock();
    let db = fixture.vault_dir().join("vault.db");

    check_refused(&fixture, Unlock::Passphrase(Secret::new("not the recovery phrase")), ErrorCode::WrongPassphrase);

    fixture.keystore.store(&KeySlot::current(&id), &greffier_core::VaultKey::generate()).expect("store");
    check_refused(&fixture, Unlock::KeyStore, ErrorCode::KeyringKeyMismatch);
    fixture.keystore.remove(&KeySlot::current(&id)).expect("remove");
    check_refused(&fixture, Unlock::KeyStore, ErrorCode::KeyringEntryMissing);
    // The passphrase still opens it, and puts the key back in the keyring.
    Vault::open(&fixture.vault_dir(), Unlock::Passphrase(Secret::new(RECOVERY)), &fixture.env)
        .expect("recovery")
        .lock();
    Vault::open(&fixture.vault_dir(), Unlock::KeyStore, &fixture.env).expect("keyring entry restored").lock();

    let original = std::fs::read(&db).expect("read");

    // A truncated file.
    std::fs::write(&db, &original[..original.len() - 1000]).expect("truncate");
    check_refused(&fixture, Unlock::KeyStore, ErrorCode::VaultTruncated);
    // Truncated on a page boundary: SQLite sees fewer pages than the header says.
    std::fs::write(&db, &original[..original.len() - 4096]).expect("truncate");
    check_refused(&fixture, Unlock::KeyStore, ErrorCode::VaultCorrupted);

    // A damaged first page.
    let mut damaged = original.clone();
    damaged[100] ^= 0xff;
    std::fs::write(&db, &damaged).expect("corrupt");
    check_refused(&fixture, Unlock::KeyStore, ErrorCode::VaultCorrupted);
    check_refused(&fixture, Unlock::Passphrase(Secret::new(RECOVERY)), ErrorCode::VaultCorrupted);

    // A plain SQLite database in its place.
    std::fs::remove_file(&db).expect("remove");
    rusqlite::Connection::open(&db)
        .expect("plain")
        .execute_batch("CREATE TABLE t (a); INSERT INTO t VALUES (1);")
        .expect("plain");
    check_refused(&fixture, Unlock::KeyStore, ErrorCode::NotAVault);

    // Something that is not a database at all.
    std::fs::write(&db, b"%PDF-1.7 not a vault").expect("write");
    check_refused(&fixture, Unlock::KeyStore, ErrorCode::VaultTruncated);

    std::fs::write(&db, &original).expect("restore file");
    Vault::open(&fixture.vault_dir(), Unlock::KeyStore, &fixture.env).expect("whole again").lock();

    // The recovery file missing, or not ours.
    let recovery = fixture.vault_dir().join("recovery.json");
    let recovery_text = std::fs::read(&recovery).expect("read");
    std::fs::remove_file(&recovery).expect("remove");
    check_refused(&fixture, Unlock::KeyStore, ErrorCode::RecoveryFileMissing);
    std::fs::write(&recovery, b"{\"hello\": 1}").expect("write");
    check_refused(&fixture, Unlock::KeyStore, ErrorCode::NotAVault);
    std::fs::write(&recovery, &recovery_text).expect("write");

    // An empty folder.
    let empty = Fixture::new();
    std::fs::create_dir_all(empty.vault_dir()).expect("mkdir");
    assert_eq!(open_error(&empty, Unlock::KeyStore).code(), ErrorCode::VaultNotFound);
}

#[test]
fn a_vault_from_a_newer_version_is_refused_untouched() {
    let fixture = Fixture::new();
    let vault = fixture.create();
    let id = vault.vault_id().to_owned();
    vault.lock();
    {
        let raw = fixture.raw(&id);
        raw.execute("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (999, '0999_future', 'x', 'later')", [])
            .expect("insert");
        raw.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").expect("checkpoint");
    }
    let error = open_error(&fixture, Unlock::KeyStore);
    assert_eq!(error.code(), ErrorCode::NewerSchema, "{error}");
    check_refused(&fixture, Unlock::KeyStore, ErrorCode::NewerSchema);
    assert!(error.to_string().contains("schema 999"), "{error}");
}

#[test]
fn committed_data_in_the_wal_survives_a_crash() {
    let fixture = Fixture::new();
    let mut vault = fixture.create();
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    vault
        .add_user(
            &admin,
            NewUser {
                username: "marie".into(),
                display_name: "Marie".into(),
                role: Role::Archivist,
                password: Secret::new("marie's password"),
            },
        )
        .expect("add");
    // Simulate a process killed before any checkpoint: copy the files as they are on disk now.
    let crashed = Fixture {
        keystore: fixture.keystore.clone(),
        env: fixture.env.clone(),
        dir: tempfile::tempdir().expect("dir"),
    };
    std::fs::create_dir_all(crashed.vault_dir()).expect("mkdir");
    for name in ["vault.db", "vault.db-wal", "recovery.json"] {
        let from = fixture.vault_dir().join(name);
        if from.exists() {
            std::fs::copy(&from, crashed.vault_dir().join(name)).expect("copy");
        }
    }
    assert!(
        crashed.vault_dir().join("vault.db-wal").metadata().expect("wal").len() > 0,
        "the test needs the commit to sit in the WAL"
    );
    drop(admin);
    let reopened = Vault::open(&crashed.vault_dir(), Unlock::KeyStore, &crashed.env).expect("open after crash");
    let admin = reopened.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    let names: Vec<_> = reopened.list_users(&admin).expect("list").into_iter().map(|u| u.username).collect();
    assert_eq!(names, ["admin", "marie"], "the committed user must survive");
    drop(vault);
}

#[test]
fn users_sign_in_and_permissions_are_enforced_and_audited() {
    let fixture = Fixture::new();
    let mut vault = fixture.create();
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("admin signs in");
    let clerk_password = Secret::new("clerk password 1");
    vault
        .add_user(
            &admin,
            NewUser {
                username: "paul".into(),
                display_name: "Paul".into(),
                role: Role::Clerk,
                password: clerk_password.clone(),
            },
        )
        .expect("add clerk");
    let duplicate = vault
        .add_user(
            &admin,
            NewUser {
                username: "PAUL".into(),
                display_name: String::new(),
                role: Role::Clerk,
                password: clerk_password.clone(),
            },
        )
        .expect_err("user names are unique, whatever the case");
    assert_eq!(duplicate.code(), ErrorCode::UsernameTaken);

    let wrong = vault.sign_in("paul", &Secret::new("not his password")).expect_err("wrong password");
    assert_eq!(wrong.code(), ErrorCode::InvalidCredentials);
    let unknown = vault.sign_in("nobody", &Secret::new("whatever it is")).expect_err("unknown user");
    assert_eq!(unknown.code(), ErrorCode::InvalidCredentials, "unknown users and wrong passwords look alike");

    let clerk = vault.sign_in("paul", &clerk_password).expect("clerk signs in");
    let denied = vault.list_users(&clerk).expect_err("a clerk may not list users");
    assert_eq!(denied.code(), ErrorCode::PermissionDenied);
    assert!(denied.message(Lang::En).contains("view_users"), "the error names the permission: {denied}");
    let denied = vault
        .add_user(
            &clerk,
            NewUser {
                username: "eve".into(),
                display_name: String::new(),
                role: Role::Administrator,
                password: Secret::new("eve's long password"),
            },
        )
        .expect_err("a clerk may not add users");
    assert!(denied.message(Lang::Fr).contains("manage_users"), "{}", denied.message(Lang::Fr));

    vault.set_user_active(&admin, "paul", false).expect("deactivate");
    assert_eq!(vault.sign_in("paul", &clerk_password).expect_err("disabled").code(), ErrorCode::AccountDisabled);
    assert_eq!(
        vault.set_user_active(&admin, ADMIN, false).expect_err("last admin").code(),
        ErrorCode::LastAdministrator
    );

    let events: Vec<String> =
        vault.recent_audit(&admin, 100).expect("audit").into_iter().rev().map(|e| e.action).collect();
    assert_eq!(
        events,
        [
            "vault.create",
            "auth.sign_in",
            "user.create",
            "auth.sign_in_failed",
            "auth.sign_in_failed",
            "auth.sign_in",
            "access.denied",
            "access.denied",
            "user.deactivate",
            "auth.sign_in_failed",
        ],
        "every sign-in, failure, refusal and user change is in the trail"
    );
    let report = vault.verify_audit(&admin).expect("verify");
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.system_signed, 3, "failed sign-ins are signed by the vault, everything else by users");
    assert!(Role::Clerk.grants(Permission::ViewPlan) && !Role::Clerk.grants(Permission::ViewAudit));
    assert!(!Role::Clerk.grants(Permission::RevealIdentifiers) && !Role::Auditor.grants(Permission::ManageRegister));
}

#[test]
fn password_changes_and_resets_keep_the_chain_verifiable() {
    let fixture = Fixture::new();
    let mut vault = fixture.create();
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    vault
        .add_user(
            &admin,
            NewUser {
                username: "auditrice".into(),
                display_name: "Ana".into(),
                role: Role::Auditor,
                password: Secret::new("first password!"),
            },
        )
        .expect("add");
    let ana = vault.sign_in("auditrice", &Secret::new("first password!")).expect("sign in");
    vault.change_password(&ana, &Secret::new("first password!"), &Secret::new("second password!")).expect("change");
    assert_eq!(
        vault.sign_in("auditrice", &Secret::new("first password!")).expect_err("old password").code(),
        ErrorCode::InvalidCredentials
    );
    let ana = vault.sign_in("auditrice", &Secret::new("second password!")).expect("new password");
    // She forgets it; an administrator resets it, which gives her a new signing key.
    vault.reset_password(&admin, "auditrice", &Secret::new("third password!!")).expect("reset");
    drop(ana);
    let ana = vault.sign_in("auditrice", &Secret::new("third password!!")).expect("after reset");
    let report = vault.verify_audit(&ana).expect("auditors verify");
    assert!(report.is_intact(), "events signed with the old and the new key both verify: {report:?}");
    assert_eq!(
        vault.reset_password(&admin, "ghost", &Secret::new("ghost password!")).expect_err("unknown").code(),
        ErrorCode::UnknownUser
    );
}

#[test]
fn rotating_the_key_survives_an_interruption_at_every_step() {
    // Complete rotation.
    let fixture = Fixture::new();
    let mut vault = fixture.create();
    let id = vault.vault_id().to_owned();
    let old = fixture.key(&id);
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    assert_eq!(
        vault.rekey(&admin, &Secret::new("wrong recovery phrase")).expect_err("wrong").code(),
        ErrorCode::WrongPassphrase
    );
    vault.rekey(&admin, &Secret::new(RECOVERY)).expect("rekey");
    drop(admin);
    vault.lock();
    let new = fixture.key(&id);
    assert_ne!(old, new, "the keyring holds the new key");
    assert!(fixture.keystore.load(&KeySlot::pending(&id)).expect("load").is_none(), "no pending key is left");
    Vault::open(&fixture.vault_dir(), Unlock::KeyStore, &fixture.env).expect("keyring").lock();
    Vault::open(&fixture.vault_dir(), Unlock::Passphrase(Secret::new(RECOVERY)), &fixture.env)
        .expect("passphrase")
        .lock();
    let recovery = std::fs::read_to_string(fixture.vault_dir().join("recovery.json")).expect("read");
    assert!(!recovery.contains("pending"), "the recovery file is settled: {recovery}");

    for stop_after_database in [false, true] {
        let fixture = Fixture::new();
        let vault = fixture.create();
        let id = vault.vault_id().to_owned();
        let new_key = vault_rekey_until(&vault, stop_after_database);
        drop(vault); // the process dies here
        for unlock in [Unlock::KeyStore, Unlock::Passphrase(Secret::new(RECOVERY))] {
            let reopened =
                Vault::open(&fixture.vault_dir(), unlock, &fixture.env).expect("opens after an interrupted rotation");
            let admin = reopened.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
            assert!(reopened.verify_audit(&admin).expect("verify").is_intact());
            drop(admin);
            reopened.lock();
        }
        let settled = fixture.key(&id);
        assert_eq!(settled == new_key, stop_after_database, "the keyring ends on the key the database has");
        assert!(!std::fs::read_to_string(fixture.vault_dir().join("recovery.json")).expect("read").contains("pending"));
    }
}

/// Runs the rotation's steps, stopping before the last (and before the database step if asked).
fn vault_rekey_until(vault: &Vault, through_database: bool) -> greffier_core::VaultKey {
    let new_key = greffier_core::vault::testing::rekey_prepare(vault, &Secret::new(RECOVERY));
    if through_database {
        greffier_core::vault::testing::rekey_database(vault, &new_key);
    }
    new_key
}

#[test]
fn the_idle_lock_is_a_vault_setting_only_administrators_change() {
    let fixture = Fixture::new();
    let mut vault = fixture.create();
    assert_eq!(vault.idle_lock_minutes().expect("read"), greffier_core::vault::DEFAULT_IDLE_LOCK_MINUTES);
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    vault.set_idle_lock_minutes(&admin, 5).expect("set");
    assert_eq!(vault.idle_lock_minutes().expect("read"), 5);
    vault.set_idle_lock_minutes(&admin, 100_000).expect("set");
    assert_eq!(vault.idle_lock_minutes().expect("read"), 1440, "capped at a day");
    vault
        .add_user(
            &admin,
            NewUser {
                username: "ana".into(),
                display_name: String::new(),
                role: Role::Auditor,
                password: Secret::new("ana's password!"),
            },
        )
        .expect("add");
    let ana = vault.sign_in("ana", &Secret::new("ana's password!")).expect("ana");
    assert_eq!(
        vault.set_idle_lock_minutes(&ana, 0).expect_err("auditors change nothing").code(),
        ErrorCode::PermissionDenied
    );
}

#[test]
fn self_check_tells_an_os_keyring_from_memory() {
    let check = greffier_core::self_check(&greffier_core::MemoryKeyStore::new());
    assert!(check.encryption_ok(), "{check:?}");
    assert!(!check.os_keyring_ok(), "an in-memory store is not an OS keyring");
    let none = greffier_core::self_check(&greffier_core::NoKeyStore { reason: "no D-Bus".into() });
    assert!(none.keystore_round_trip.is_err());
}
