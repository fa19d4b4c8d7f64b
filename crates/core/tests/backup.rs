//! Backups and restores on real files: a restore verifies everything on a copy before it
//! replaces anything, and every bad backup has its own error.

mod common;

use common::*;
use greffier_core::{
    backup, Credentials, ErrorCode, KeySlot, KeyStore, NewUser, Progress, Role, Secret, Unlock, UserMessage, Vault,
};

fn admin_credentials(password: &Secret) -> Credentials<'_> {
    Credentials { username: ADMIN, password }
}

fn no_progress() -> impl FnMut(Progress) -> bool {
    |_| true
}

fn users(vault: &Vault) -> Vec<String> {
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    vault.list_users(&admin).expect("list").into_iter().map(|u| u.username).collect()
}

fn add(vault: &mut Vault, name: &str) {
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    vault
        .add_user(
            &admin,
            NewUser {
                username: name.into(),
                display_name: String::new(),
                role: Role::Archivist,
                password: Secret::new("a password long enough"),
            },
        )
        .expect("add");
}

fn backup_of(fixture: &Fixture, vault: &Vault, name: &str) -> std::path::PathBuf {
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    let path = fixture.dir.path().join(name);
    let mut steps = 0;
    let report = vault
        .backup(&admin, &path, &mut |p: Progress| {
            steps += 1;
            assert!(p.done <= p.total);
            true
        })
        .expect("backup");
    assert!(steps >= 2, "progress is reported");
    assert_eq!(report.path, path);
    path
}

#[test]
fn backup_then_restore_brings_the_vault_back() {
    let fixture = Fixture::new();
    let mut vault = fixture.create();
    add(&mut vault, "before");
    let file = backup_of(&fixture, &vault, "sauvegarde été.greffier");
    let header = backup::read_header(&file).expect("header");
    assert_eq!(header.vault_id, vault.vault_id());
    let bytes = std::fs::read(&file).expect("read");
    assert!(!bytes.windows(22).any(|w| w == b"Ville de Saint-Exemple"), "the backup is encrypted");
    add(&mut vault, "after");
    assert_eq!(users(&vault), ["admin", "after", "before"]);
    vault.lock();

    let password = Secret::new(ADMIN_PASSWORD);
    let (restored, report) = backup::restore(
        &file,
        &fixture.vault_dir(),
        Unlock::KeyStore,
        None,
        admin_credentials(&password),
        &fixture.env,
        &mut no_progress(),
    )
    .expect("restore");
    assert_eq!(users(&restored), ["admin", "before"], "the vault is as it was at the backup");
    assert!(report.previous_saved_as.as_ref().is_some_and(|p| p.exists()), "the replaced vault is kept aside");
    assert!(!report.recovery_file_from_backup);
    let admin = restored.sign_in(ADMIN, &password).expect("sign in");
    assert!(restored.verify_audit(&admin).expect("verify").is_intact());
    let actions: Vec<_> = restored.recent_audit(&admin, 10).expect("audit").into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"vault.restore".to_owned()), "the restore is audited: {actions:?}");
}

#[test]
fn a_backup_refuses_to_overwrite_and_needs_the_permission() {
    let fixture = Fixture::new();
    let mut vault = fixture.create();
    let file = backup_of(&fixture, &vault, "one.greffier");
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    assert_eq!(
        vault.backup(&admin, &file, &mut no_progress()).expect_err("exists").code(),
        ErrorCode::BackupDestinationExists
    );
    let cancelled =
        vault.backup(&admin, &fixture.dir.path().join("two.greffier"), &mut |_| false).expect_err("cancelled");
    assert_eq!(cancelled.code(), ErrorCode::Cancelled);
    let leftovers: Vec<_> =
        std::fs::read_dir(fixture.dir.path()).expect("dir").map(|e| e.expect("e").file_name()).collect();
    assert_eq!(leftovers.len(), 2, "a cancelled backup leaves no file behind: {leftovers:?}");
    add(&mut vault, "clerk");
    let clerk = vault.sign_in("clerk", &Secret::new("a password long enough")).expect("clerk");
    assert_eq!(
        vault
            .backup(&clerk, &fixture.dir.path().join("three.greffier"), &mut no_progress())
            .expect_err("denied")
            .code(),
        ErrorCode::PermissionDenied
    );
}

#[test]
fn bad_backups_are_refused_and_the_vault_is_untouched() {
    let fixture = Fixture::new();
    let vault = fixture.create();
    let file = backup_of(&fixture, &vault, "good.greffier");
    vault.lock();
    let good = std::fs::read(&file).expect("read");
    let password = Secret::new(ADMIN_PASSWORD);
    let attempt = |bytes: &[u8], unlock: Unlock, password: &Secret| {
        let path = fixture.dir.path().join("attempt.greffier");
        std::fs::write(&path, bytes).expect("write");
        let before = snapshot(&fixture.vault_dir());
        let error = backup::restore(
            &path,
            &fixture.vault_dir(),
            unlock,
            None,
            Credentials { username: ADMIN, password },
            &fixture.env,
            &mut no_progress(),
        )
        .err()
        .expect("must be refused");
        assert_eq!(snapshot(&fixture.vault_dir()), before, "a refused restore changes nothing ({error})");
        error.code()
    };
    let mut flipped = good.clone();
    let last = flipped.len() - 10;
    flipped[last] ^= 1;
    assert_eq!(attempt(&flipped, Unlock::KeyStore, &password), ErrorCode::BackupCorrupted);
    assert_eq!(attempt(&good[..good.len() - 4096], Unlock::KeyStore, &password), ErrorCode::BackupTruncated);
    assert_eq!(attempt(b"just some text", Unlock::KeyStore, &password), ErrorCode::NotABackup);
    assert_eq!(
        attempt(&good, Unlock::Passphrase(Secret::new("not the recovery phrase")), &password),
        ErrorCode::WrongPassphrase
    );
    assert_eq!(attempt(&good, Unlock::KeyStore, &Secret::new("not the password")), ErrorCode::InvalidCredentials);

    // A backup of another vault.
    let other = Fixture {
        keystore: fixture.keystore.clone(),
        env: fixture.env.clone(),
        dir: tempfile::tempdir().expect("dir"),
    };
    let other_vault = other.create();
    let other_file = backup_of(&other, &other_vault, "other.greffier");
    assert_eq!(
        attempt(&std::fs::read(other_file).expect("read"), Unlock::KeyStore, &password),
        ErrorCode::BackupOfAnotherVault
    );
}

#[test]
fn restore_on_a_new_machine_with_the_passphrase_only() {
    let fixture = Fixture::new();
    let vault = fixture.create();
    let id = vault.vault_id().to_owned();
    let file = backup_of(&fixture, &vault, "offsite.greffier");
    vault.lock();
    // Another machine: an empty key store and an empty folder.
    let elsewhere = Fixture::new();
    let password = Secret::new(ADMIN_PASSWORD);
    let keyring_error = backup::restore(
        &file,
        &elsewhere.vault_dir(),
        Unlock::KeyStore,
        None,
        admin_credentials(&password),
        &elsewhere.env,
        &mut no_progress(),
    )
    .err()
    .expect("no key here");
    assert_eq!(keyring_error.code(), ErrorCode::KeyringEntryMissing);
    let (restored, report) = backup::restore(
        &file,
        &elsewhere.vault_dir(),
        Unlock::Passphrase(Secret::new(RECOVERY)),
        None,
        admin_credentials(&password),
        &elsewhere.env,
        &mut no_progress(),
    )
    .expect("restore with the passphrase");
    assert!(report.recovery_file_from_backup);
    assert_eq!(restored.vault_id(), id);
    restored.lock();
    Vault::open(&elsewhere.vault_dir(), Unlock::Passphrase(Secret::new(RECOVERY)), &elsewhere.env)
        .expect("opens with the passphrase")
        .lock();
    Vault::open(&elsewhere.vault_dir(), Unlock::KeyStore, &elsewhere.env)
        .expect("and the keyring now has the key")
        .lock();
}

#[test]
fn restoring_an_old_backup_after_a_rotation_keeps_the_current_key() {
    let fixture = Fixture::new();
    let mut vault = fixture.create();
    let id = vault.vault_id().to_owned();
    let file = backup_of(&fixture, &vault, "before-rotation.greffier");
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    vault.rekey(&admin, &Secret::new(RECOVERY)).expect("rekey");
    drop(admin);
    vault.lock();
    let current = fixture.key(&id);
    // The keyring holds only the new key; the passphrase unwraps the backup's.
    let password = Secret::new(ADMIN_PASSWORD);
    let (restored, report) = backup::restore(
        &file,
        &fixture.vault_dir(),
        Unlock::Passphrase(Secret::new(RECOVERY)),
        None,
        admin_credentials(&password),
        &fixture.env,
        &mut no_progress(),
    )
    .expect("restore");
    assert!(!report.recovery_file_from_backup);
    restored.lock();
    assert_eq!(fixture.keystore.load(&KeySlot::current(&id)).expect("load"), Some(current));
    Vault::open(&fixture.vault_dir(), Unlock::KeyStore, &fixture.env).expect("opens with the current key").lock();
    Vault::open(&fixture.vault_dir(), Unlock::Passphrase(Secret::new(RECOVERY)), &fixture.env)
        .expect("and the passphrase")
        .lock();
}

#[test]
fn only_an_administrator_of_the_backup_may_restore_it() {
    let fixture = Fixture::new();
    let mut vault = fixture.create();
    add(&mut vault, "archiviste");
    let file = backup_of(&fixture, &vault, "b.greffier");
    vault.lock();
    let password = Secret::new("a password long enough");
    let error = backup::restore(
        &file,
        &fixture.vault_dir(),
        Unlock::KeyStore,
        None,
        Credentials { username: "archiviste", password: &password },
        &fixture.env,
        &mut no_progress(),
    )
    .err()
    .expect("denied");
    assert_eq!(error.code(), ErrorCode::PermissionDenied, "{}", error.message(greffier_core::Lang::En));
}

#[test]
fn the_desktop_restores_over_the_open_vault_and_gets_it_back_on_failure() {
    let fixture = Fixture::new();
    let mut vault = fixture.create();
    let id = vault.vault_id().to_owned();
    let file = backup_of(&fixture, &vault, "desk.greffier");
    add(&mut vault, "later");
    // The keyring entry is gone: the open vault's own key is all there is.
    fixture.keystore.remove(&KeySlot::current(&id)).expect("remove");
    let locked = vault.into_locked();
    let password = Secret::new(ADMIN_PASSWORD);
    let wrong = Secret::new("not the password");
    let error = backup::restore(
        &file,
        &fixture.vault_dir(),
        Unlock::KeyStore,
        Some(&locked),
        admin_credentials(&wrong),
        &fixture.env,
        &mut no_progress(),
    )
    .err()
    .expect("wrong credentials");
    assert_eq!(error.code(), ErrorCode::InvalidCredentials);
    let vault = locked.reopen().expect("the vault comes back after a refused restore");
    assert_eq!(users(&vault), ["admin", "later"]);
    let locked = vault.into_locked();
    let (restored, report) = backup::restore(
        &file,
        &fixture.vault_dir(),
        Unlock::KeyStore,
        Some(&locked),
        admin_credentials(&password),
        &fixture.env,
        &mut no_progress(),
    )
    .expect("restore with the open vault's key");
    assert!(!report.recovery_file_from_backup);
    assert_eq!(users(&restored), ["admin"]);
}
