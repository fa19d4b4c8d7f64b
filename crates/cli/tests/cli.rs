//! The `greffier` binary on real vault files: every command, and every bad input with its own
//! message, exit code, and no file changed. The OS keyring is kept out (GREFFIER_KEYRING=none);
//! `keyring.rs` runs against a real Secret Service.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::{Command, Output},
};

const PASSWORD: &str = "admin password 1";
const RECOVERY: &str = "the recovery passphrase";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn greffier(vault: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_greffier"));
    command
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GREFFIER_KEYRING", "none")
        .env("GREFFIER_PASSWORD", PASSWORD)
        .env("GREFFIER_RECOVERY", RECOVERY);
    for (key, value) in env {
        if value.is_empty() {
            command.env_remove(key);
        } else {
            command.env(key, value);
        }
    }
    let Output { status, stdout, stderr } = command.output().expect("run greffier");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn ok(vault: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let run = greffier(vault, args, env);
    assert_eq!(run.code, 0, "greffier {args:?} failed:\n{}\n{}", run.stdout, run.stderr);
    run.stdout
}

/// Runs a command that must fail with `code` (the stable error code printed in brackets) and
/// leave every file in the vault folder as it was.
fn refused(vault: &Path, args: &[&str], env: &[(&str, &str)], code: &str) -> String {
    let before = snapshot(vault);
    let run = greffier(vault, args, env);
    assert_eq!(run.code, 1, "greffier {args:?} should fail:\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains(&format!("[{code}]")), "expected [{code}] from {args:?}, got:\n{}", run.stderr);
    assert_eq!(snapshot(vault), before, "greffier {args:?} must not change any file");
    run.stderr
}

/// Runs a command that must fail with `code` after the user signed in: the sign-in (and a refusal)
/// are audited, so the vault file does change.
fn fails(vault: &Path, args: &[&str], env: &[(&str, &str)], code: &str) -> String {
    let run = greffier(vault, args, env);
    assert_eq!(run.code, 1, "greffier {args:?} should fail:\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains(&format!("[{code}]")), "expected [{code}] from {args:?}, got:\n{}", run.stderr);
    run.stderr
}

fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    use sha2::Digest;
    let mut files = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.path().is_file() {
                let bytes = std::fs::read(entry.path()).expect("read");
                files
                    .insert(entry.file_name().to_string_lossy().into_owned(), hex::encode(sha2::Sha256::digest(bytes)));
            }
        }
    }
    files
}

/// A key holder's own connection to the vault file, keyed with the key the recovery passphrase
/// unwraps: what someone editing the file by hand would use.
fn raw_connection(vault: &Path) -> rusqlite::Connection {
    let env = greffier_core::VaultEnv {
        keystore: std::sync::Arc::new(greffier_core::NoKeyStore { reason: "test".into() }),
        clock: std::sync::Arc::new(greffier_core::SystemClock),
        kdf: greffier_core::KdfProfile::STANDARD,
    };
    let unlock = greffier_core::Unlock::Passphrase(greffier_core::Secret::new(RECOVERY));
    let opened = greffier_core::Vault::open(vault, unlock, &env).expect("open");
    let key = greffier_core::vault::testing::key(&opened);
    opened.lock();
    let raw = rusqlite::Connection::open(vault.join("vault.db")).expect("raw");
    raw.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.to_hex().as_str())).expect("key");
    raw
}

fn new_vault() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = dir.path().join("coffre été");
    ok(&vault, &["--user", "admin", "init", "--organisation", "Ville de Québec", "--display-name", "Hélène Côté"], &[]);
    (dir, vault)
}

#[test]
fn init_info_and_check() {
    let (_dir, vault) = new_vault();
    let db = std::fs::read(vault.join("vault.db")).expect("vault.db");
    assert!(!db.starts_with(b"SQLite format 3"));
    let info = ok(&vault, &["--lang", "en", "vault", "info"], &[]);
    assert!(info.contains("Ville de Québec") && info.contains("SQLCipher") && info.contains("4."), "{info}");
    let json: serde_json::Value = serde_json::from_str(&ok(&vault, &["--json", "vault", "info"], &[])).expect("json");
    assert_eq!(json["pragmas"]["secureDelete"], "1");
    assert_eq!(json["pragmas"]["journalMode"], "wal");
    assert_eq!(json["selfCheck"]["secureDelete"], true);
    assert_eq!(json["vault"]["keySource"], "recovery_passphrase");
    let check = ok(&vault, &["--user", "admin", "--lang", "fr", "vault", "check"], &[]);
    assert!(check.contains("Chaîne d'audit intacte"), "{check}");
    // No keyring and no passphrase: a clear message, in both languages.
    let en = refused(&vault, &["--lang", "en", "vault", "info"], &[("GREFFIER_RECOVERY", "")], "keyring_unavailable");
    assert!(en.contains("GREFFIER_RECOVERY"), "{en}");
    let fr = refused(&vault, &["--lang", "fr", "vault", "info"], &[("GREFFIER_RECOVERY", "")], "keyring_unavailable");
    assert!(fr.contains("phrase de récupération"), "{fr}");
}

#[test]
fn init_refuses_bad_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = dir.path().join("v");
    refused(
        &vault,
        &["--user", "admin", "init", "--organisation", "X"],
        &[("GREFFIER_PASSWORD", "short")],
        "password_too_short",
    );
    refused(
        &vault,
        &["--user", "admin", "init", "--organisation", "X"],
        &[("GREFFIER_RECOVERY", "short phrase")],
        "passphrase_too_short",
    );
    refused(&vault, &["--user", "two words", "init", "--organisation", "X"], &[], "username_invalid");
    let missing_user = greffier(&vault, &["init", "--organisation", "X"], &[]);
    assert!(missing_user.code == 1 && missing_user.stderr.contains("--user"), "{}", missing_user.stderr);
    assert!(!vault.join("vault.db").exists());
    ok(&vault, &["--user", "admin", "init", "--organisation", "X"], &[]);
    refused(&vault, &["--user", "admin", "init", "--organisation", "X"], &[], "vault_already_exists");
}

#[test]
fn every_bad_vault_gets_its_own_message_and_stays_untouched() {
    let (dir, vault) = new_vault();
    refused(&vault, &["vault", "info"], &[("GREFFIER_RECOVERY", "not the right passphrase")], "wrong_passphrase");
    let original = std::fs::read(vault.join("vault.db")).expect("read");

    std::fs::write(vault.join("vault.db"), &original[..original.len() / 2 + 7]).expect("truncate");
    let message = refused(&vault, &["--lang", "en", "vault", "info"], &[], "vault_truncated");
    assert!(message.contains("truncated") && message.contains("restore"), "{message}");

    let mut damaged = original.clone();
    for byte in &mut damaged[16..200] {
        *byte ^= 0x5a;
    }
    std::fs::write(vault.join("vault.db"), &damaged).expect("corrupt");
    let message = refused(&vault, &["--lang", "fr", "vault", "info"], &[], "vault_corrupted");
    assert!(message.contains("endommagé"), "{message}");

    std::fs::remove_file(vault.join("vault.db")).expect("rm");
    let plain = rusqlite_plain(&vault.join("vault.db"));
    assert!(plain);
    refused(&vault, &["vault", "info"], &[], "not_a_vault");

    std::fs::write(vault.join("vault.db"), &original).expect("put back");
    ok(&vault, &["vault", "info"], &[]);

    let elsewhere = dir.path().join("nothing here");
    refused(&elsewhere, &["vault", "info"], &[], "vault_not_found");
}

/// Writes a plain (unencrypted) SQLite file with the sqlite3 header, as another tool would.
fn rusqlite_plain(path: &Path) -> bool {
    // The header of a plain SQLite database, page size 4096, followed by zeroed pages.
    let mut bytes = vec![0u8; 8192];
    bytes[..16].copy_from_slice(b"SQLite format 3\0");
    std::fs::write(path, bytes).is_ok()
}

#[test]
fn a_vault_from_a_newer_greffier_is_refused() {
    let (_dir, vault) = new_vault();
    {
        let raw = raw_connection(&vault);
        raw.execute("INSERT INTO schema_migrations VALUES (42, '0042_future', 'x', 'later')", []).expect("insert");
        raw.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").expect("checkpoint");
    }
    let message = refused(&vault, &["--lang", "en", "vault", "info"], &[], "newer_schema");
    assert!(message.contains("schema 42"), "{message}");
}

#[test]
fn users_roles_and_passwords() {
    let (_dir, vault) = new_vault();
    let admin = ["--user", "admin"];
    ok(
        &vault,
        &[&admin[..], &["user", "add", "marie", "--role", "archivist", "--display-name", "Marie Tremblay"]].concat(),
        &[("GREFFIER_NEW_PASSWORD", "marie password 1")],
    );
    fails(
        &vault,
        &[&admin[..], &["user", "add", "MARIE", "--role", "clerk"]].concat(),
        &[("GREFFIER_NEW_PASSWORD", "another password")],
        "username_taken",
    );
    fails(
        &vault,
        &[&admin[..], &["user", "add", "bob", "--role", "clerk"]].concat(),
        &[("GREFFIER_NEW_PASSWORD", "short")],
        "password_too_short",
    );
    let bad_role = greffier(
        &vault,
        &[&admin[..], &["user", "add", "bob", "--role", "superuser"]].concat(),
        &[("GREFFIER_NEW_PASSWORD", "a long password")],
    );
    assert_eq!(bad_role.code, 2, "an unknown role is a usage error: {}", bad_role.stderr);

    let list: serde_json::Value =
        serde_json::from_str(&ok(&vault, &[&admin[..], &["--json", "user", "list"]].concat(), &[])).expect("json");
    let names: Vec<_> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|u| (u["username"].as_str().unwrap_or("").to_owned(), u["role"].as_str().unwrap_or("").to_owned()))
        .collect();
    assert_eq!(names, [("admin".into(), "administrator".into()), ("marie".into(), "archivist".into())]);

    let marie = [("GREFFIER_PASSWORD", "marie password 1")];
    let denied = fails(&vault, &["--user", "marie", "--lang", "en", "user", "list"], &marie, "permission_denied");
    assert!(denied.contains("view_users"), "{denied}");
    fails(
        &vault,
        &["--user", "marie", "user", "list"],
        &[("GREFFIER_PASSWORD", "wrong password!")],
        "invalid_credentials",
    );

    ok(
        &vault,
        &["--user", "marie", "user", "passwd"],
        &[("GREFFIER_PASSWORD", "marie password 1"), ("GREFFIER_NEW_PASSWORD", "marie password 2")],
    );
    fails(&vault, &["--user", "marie", "audit", "verify"], &marie, "invalid_credentials");
    ok(
        &vault,
        &[&admin[..], &["user", "reset-password", "marie"]].concat(),
        &[("GREFFIER_NEW_PASSWORD", "marie password 3")],
    );
    ok(&vault, &[&admin[..], &["user", "deactivate", "marie"]].concat(), &[]);
    fails(
        &vault,
        &["--user", "marie", "user", "list"],
        &[("GREFFIER_PASSWORD", "marie password 3")],
        "account_disabled",
    );
    ok(&vault, &[&admin[..], &["user", "reactivate", "marie"]].concat(), &[]);
    fails(&vault, &[&admin[..], &["user", "deactivate", "admin"]].concat(), &[], "last_administrator");

    // The password can come from standard input.
    let mut child = Command::new(env!("CARGO_BIN_EXE_greffier"))
        .args(["--vault"])
        .arg(&vault)
        .args(["--user", "admin", "--password-stdin", "user", "list"])
        .env("GREFFIER_KEYRING", "none")
        .env("GREFFIER_RECOVERY", RECOVERY)
        .env_remove("GREFFIER_PASSWORD")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    use std::io::Write;
    child.stdin.take().expect("stdin").write_all(format!("{PASSWORD}\n").as_bytes()).expect("write");
    let output = child.wait_with_output().expect("wait");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    let verify = ok(&vault, &[&admin[..], &["--lang", "en", "audit", "verify"]].concat(), &[]);
    assert!(verify.contains("Audit chain intact"), "{verify}");
}

#[test]
fn backup_restore_rekey_and_passphrase() {
    let (dir, vault) = new_vault();
    let admin = ["--user", "admin"];
    let file = dir.path().join("sauvegarde d'été.greffier");
    let file_arg = file.to_str().expect("utf-8");
    let out = ok(&vault, &[&admin[..], &["--json", "vault", "backup", file_arg]].concat(), &[]);
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(report["sha256"].as_str().is_some_and(|s| s.len() == 64));
    fails(&vault, &[&admin[..], &["vault", "backup", file_arg]].concat(), &[], "backup_destination_exists");

    ok(
        &vault,
        &[&admin[..], &["user", "add", "later", "--role", "clerk"]].concat(),
        &[("GREFFIER_NEW_PASSWORD", "a password long enough")],
    );
    fails(
        &vault,
        &[&admin[..], &["vault", "rekey"]].concat(),
        &[("GREFFIER_RECOVERY", "wrong recovery phrase")],
        "wrong_passphrase",
    );
    ok(&vault, &[&admin[..], &["vault", "rekey"]].concat(), &[]);
    ok(
        &vault,
        &[&admin[..], &["vault", "change-passphrase"]].concat(),
        &[("GREFFIER_NEW_RECOVERY", "a brand new recovery passphrase")],
    );
    refused(&vault, &["vault", "info"], &[], "wrong_passphrase");
    let new_recovery = [("GREFFIER_RECOVERY", "a brand new recovery passphrase")];
    ok(&vault, &["vault", "info"], &new_recovery);

    // Bad backups first: each refused, nothing changed.
    let bytes = std::fs::read(&file).expect("read");
    let broken = dir.path().join("broken.greffier");
    let broken_arg = broken.to_str().expect("utf-8");
    std::fs::write(&broken, &bytes[..bytes.len() - 100]).expect("write");
    refused(&vault, &[&admin[..], &["vault", "restore", broken_arg]].concat(), &[], "backup_truncated");
    let mut flipped = bytes.clone();
    let at = bytes.len() - 2000;
    flipped[at] ^= 0x01;
    std::fs::write(&broken, &flipped).expect("write");
    refused(&vault, &[&admin[..], &["vault", "restore", broken_arg]].concat(), &[], "backup_corrupted");
    std::fs::write(&broken, b"hello").expect("write");
    refused(&vault, &[&admin[..], &["vault", "restore", broken_arg]].concat(), &[], "not_a_backup");
    // The backup predates the rotation: the current passphrase unwraps only the new key.
    refused(&vault, &[&admin[..], &["vault", "restore", file_arg]].concat(), &new_recovery, "wrong_passphrase");

    // With the passphrase of the backup's day it restores; with no keyring to hold the current
    // key, the recovery file comes from the backup, and the command says so.
    let restored = ok(&vault, &[&admin[..], &["--lang", "en", "vault", "restore", file_arg]].concat(), &[]);
    assert!(
        restored.contains("Vault restored") && restored.contains("in force when the backup was made"),
        "{restored}"
    );
    let users = ok(&vault, &[&admin[..], &["user", "list"]].concat(), &[]);
    assert!(!users.contains("later"), "the user added after the backup is gone: {users}");
    let verify = ok(&vault, &[&admin[..], &["--lang", "en", "audit", "verify"]].concat(), &[]);
    assert!(verify.contains("intact"), "{verify}");
    let names: Vec<String> = std::fs::read_dir(&vault)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().any(|n| n.starts_with("vault.db.pre-restore-") && !n.ends_with(".json")),
        "the replaced vault is kept aside: {names:?}"
    );
    assert!(
        names.iter().any(|n| n.ends_with(".recovery.json")),
        "with its recovery file, so it still opens: {names:?}"
    );
}

#[test]
fn tampering_is_reported_with_exit_code_3() {
    let (_dir, vault) = new_vault();
    ok(
        &vault,
        &["--user", "admin", "user", "add", "paul", "--role", "auditor"],
        &[("GREFFIER_NEW_PASSWORD", "paul password 1")],
    );
    let raw = raw_connection(&vault);
    raw.execute_batch("DROP TRIGGER audit_events_append_only_update;").expect("drop trigger");
    raw.execute("UPDATE audit_events SET actor = 'someone else' WHERE seq = 3", []).expect("tamper");
    drop(raw);
    let run = greffier(
        &vault,
        &["--user", "paul", "--lang", "en", "audit", "verify"],
        &[("GREFFIER_PASSWORD", "paul password 1")],
    );
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("BROKEN at event #3"), "{}", run.stdout);
    let run = greffier(&vault, &["--user", "admin", "vault", "check"], &[]);
    assert_eq!(run.code, 3, "vault check reports the broken chain too");
}

#[test]
fn audit_export_writes_a_csv_file() {
    let (dir, vault) = new_vault();
    let file = dir.path().join("audit é.csv");
    let out = ok(
        &vault,
        &["--user", "admin", "--lang", "en", "audit", "export", "--csv", file.to_str().expect("utf-8")],
        &[],
    );
    assert!(out.contains("events exported"), "{out}");
    let mut reader = csv::Reader::from_path(&file).expect("csv");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(&rows[0][3], "vault.create");
    assert!(rows.iter().any(|r| &r[3] == "auth.sign_in"));
    let auditor_denied =
        greffier(&vault, &["--user", "admin", "audit", "export", "--csv", "/nonexistent-dir/x.csv"], &[]);
    assert_eq!(auditor_denied.code, 1);
}

/// The real BAnQ schedule the core's tests import (see crates/core/tests/data/README.md).
const BANQ: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/data/retention-schedule-banq.xml");

#[test]
fn plan_import_list_export_and_rule_show() {
    let (dir, vault) = new_vault();
    let admin = ["--user", "admin"];
    // Another format is refused before the vault is even opened.
    let ods = dir.path().join("calendrier.ods");
    std::fs::write(&ods, "NUMREGLE;TITRESER\n0002;Mission et mandat\n").expect("write");
    let message = refused(
        &vault,
        &[&admin[..], &["--lang", "en", "plan", "import", ods.to_str().expect("utf-8")]].concat(),
        &[],
        "unsupported_format",
    );
    assert!(message.contains(".xml (the Quebec exchange format), .csv or .xlsx, and “.ods”"), "{message}");
    let usage = greffier(&vault, &["plan", "export", "--format", "ods", "out.ods"], &[]);
    assert_eq!(usage.code, 2, "an unknown export format is a usage error: {}", usage.stderr);

    // A broken copy of the real file is refused whole, with the rule and the field named.
    let original = std::fs::read_to_string(BANQ).expect("the real schedule");
    let start = original.find("<NUMREGLE>0150</NUMREGLE>").expect("rule 0150");
    let at = start + original[start..].find("<ID_REF_DISPOSITION>D<").expect("disposition");
    let broken =
        format!("{}<ID_REF_DISPOSITION>X<{}", &original[..at], &original[at + "<ID_REF_DISPOSITION>D<".len()..]);
    let broken_file = dir.path().join("calendrier abîmé.xml");
    std::fs::write(&broken_file, broken).expect("write");
    let message = fails(
        &vault,
        &[&admin[..], &["--lang", "fr", "plan", "import", broken_file.to_str().expect("utf-8")]].concat(),
        &[],
        "schedule_invalid_value",
    );
    assert!(message.contains("règle 0150, exemplaire 2") && message.contains("ID_REF_DISPOSITION"), "{message}");

    let out = ok(&vault, &[&admin[..], &["--lang", "en", "plan", "import", BANQ]].concat(), &[]);
    assert!(out.contains("192 rules imported (192 new") && out.contains("405 copies"), "{out}");

    let list: serde_json::Value =
        serde_json::from_str(&ok(&vault, &[&admin[..], &["--json", "plan", "list"]].concat(), &[])).expect("json");
    let classes = list.as_array().expect("array");
    assert_eq!(classes.len(), 192, "one class per CODECLASS code, nothing from the broken file");
    let a120 = classes.iter().find(|c| c["code"] == "A120").expect("A120");
    assert_eq!(
        (&a120["titleFr"], &a120["rules"]),
        (&serde_json::json!("Mission et mandat"), &serde_json::json!(["0002"]))
    );
    let text = ok(&vault, &[&admin[..], &["--lang", "fr", "plan", "list"]].concat(), &[]);
    assert!(text.lines().any(|l| l.starts_with("A310") && l.contains("[règles 0005, 0006]")), "{text}");

    let show = ok(&vault, &[&admin[..], &["--lang", "en", "rule", "show", "0002"]].concat(), &[]);
    for needle in [
        "Rule 0002 — Mission et mandat",
        "Version 1",
        "[current]",
        "principal (P)",
        "while in use (999)",
        "5 years",
        "keep permanently or transfer to archives (C)",
        "secondary (S)",
        "0 years",
        "destroy (D)",
    ] {
        assert!(show.contains(needle), "{needle:?} missing from:\n{show}");
    }
    let show = ok(&vault, &[&admin[..], &["--lang", "fr", "rule", "show", "0004"]].concat(), &[]);
    assert!(show.contains("trier ou échantillonner (T)  [R1 : Verser les organigrammes.]"), "{show}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&vault, &[&admin[..], &["--json", "rule", "show", "0035"]].concat(), &[]))
            .expect("json");
    let copies = &json["versions"][0]["content"]["copies"];
    assert_eq!(copies.as_array().map(Vec::len), Some(3));
    assert_eq!(copies[0]["active"], serde_json::json!({"unit": "until_event"}));
    assert_eq!(copies[0]["semiActive"], serde_json::json!({"unit": "years", "count": 75}));
    assert_eq!(copies[0]["disposition"], "sort");
    fails(&vault, &[&admin[..], &["rule", "show", "9999"]].concat(), &[], "unknown_rule");

    let export = dir.path().join("calendrier exporté.xml");
    let out = ok(
        &vault,
        &[&admin[..], &["--lang", "en", "plan", "export", "--format", "xml", export.to_str().expect("utf-8")]].concat(),
        &[],
    );
    assert!(out.contains("Plan exported"), "{out}");
    let written = std::fs::read_to_string(&export).expect("exported file");
    assert!(written.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ROWSET>"));
    assert_eq!(written.matches("<ROW>").count(), 192);
    assert_eq!(written.matches("<DELAI_ROW>").count(), 405);
}

#[test]
fn plan_import_and_export_as_csv_and_xlsx() {
    let (dir, vault) = new_vault();
    let admin = ["--user", "admin"];
    let path = |name: &str| dir.path().join(name).to_str().expect("utf-8").to_owned();
    // As French Excel saves it: Windows-1252, semicolons, CRLF, day-first dates.
    let text = "Type;Code;Parent;Titre FR;Règle;Classes;Titre de la série;Entrée en vigueur;Exemplaire;Période active;Période semi-active;Disposition\r\n\
                classe;300;;Ressources humaines;;;;;;;;\r\n\
                classe;300-10;300;Dossiers d'employés;;;;;;;;\r\n\
                règle;;;;3010;300-10;Dossiers d'employés;01/01/2027;P;999;75 ans;C\r\n";
    let cp1252 = |text: &str| -> Vec<u8> {
        text.chars()
            .map(|c| match c {
                'è' => 0xe8,
                'é' => 0xe9,
                c => c as u8,
            })
            .collect()
    };
    std::fs::write(path("plan rh.csv"), cp1252(text)).expect("write");

    // A broken copy first: every problem by row and column, nothing imported.
    let broken = text.replace(";999;75 ans;C", ";999;soixante;X").replace(";300;Dossiers", ";900;Dossiers");
    std::fs::write(path("abîmé.csv"), cp1252(&broken)).expect("write");
    let message = fails(
        &vault,
        &[&admin[..], &["--lang", "en", "plan", "import", &path("abîmé.csv")]].concat(),
        &[],
        "plan_file_invalid",
    );
    for needle in [
        "The file has 3 problems; nothing was imported",
        "row 3, column “Parent”: the parent 900",
        "row 4, column “Période semi-active”: “soixante” is not a period",
        "row 4, column “Disposition”: “X” is not a disposition",
    ] {
        assert!(message.contains(needle), "{needle:?} missing from:\n{message}");
    }
    let empty: serde_json::Value =
        serde_json::from_str(&ok(&vault, &[&admin[..], &["--json", "plan", "list"]].concat(), &[])).expect("json");
    assert_eq!(empty.as_array().map(Vec::len), Some(0), "nothing of the broken file was imported");

    let out = ok(&vault, &[&admin[..], &["--lang", "fr", "plan", "import", &path("plan rh.csv")]].concat(), &[]);
    assert!(out.contains("2 classes lues (2 nouvelles") && out.contains("1 règles importées (1 nouvelles"), "{out}");
    let list = ok(&vault, &[&admin[..], &["--lang", "fr", "plan", "list"]].concat(), &[]);
    assert!(list.contains("  300-10  Dossiers d'employés  [règles 3010]"), "{list}");

    for format in ["csv", "xlsx"] {
        let file = path(&format!("export.{format}"));
        let out =
            ok(&vault, &[&admin[..], &["--lang", "en", "plan", "export", "--format", format, &file]].concat(), &[]);
        assert!(out.contains("Plan exported"), "{out}");
        let (_other_dir, other) = new_vault();
        let out = ok(&other, &[&admin[..], &["--lang", "en", "plan", "import", &file]].concat(), &[]);
        assert!(out.contains("2 classes read (2 new") && out.contains("1 rules imported (1 new"), "{format}: {out}");
        let show = ok(&other, &[&admin[..], &["--lang", "en", "rule", "show", "3010"]].concat(), &[]);
        assert!(show.contains("effective 2027-01-01") && show.contains("75 years"), "{format}: {show}");
    }
    let csv = std::fs::read(path("export.csv")).expect("csv");
    assert!(csv.starts_with("\u{feff}Kind;Code;Parent;Title FR".as_bytes()), "UTF-8 with a BOM, semicolons");
}

#[test]
fn projects_calendars_and_rule_explain() {
    let (dir, vault) = new_vault();
    let admin = ["--user", "admin"];
    let plan = dir.path().join("plan.csv");
    std::fs::write(
        &plan,
        "Kind,Code,Parent,Title FR,Rule,Classes,Series title,Trigger,Copy,Active period,Semi-active period,Disposition\n\
         class,300,,Ressources humaines,,,,,,,,\n\
         class,300-10,300,Dossiers d'employés,,,,,,,,\n\
         rule,,,,3010,300-10,Dossiers d'employés,contract_ended,P,999,75,C\n",
    )
    .expect("write");
    ok(&vault, &[&admin[..], &["plan", "import", plan.to_str().expect("utf-8")]].concat(), &[]);
    let out = ok(
        &vault,
        &[
            &admin[..],
            &[
                "--lang",
                "en",
                "project",
                "add",
                "MANDAT-7",
                "--name",
                "Mandat Lévis",
                "--owner",
                "admin",
                "--sensitivity",
                "personal",
            ],
        ]
        .concat(),
        &[],
    );
    assert!(out.contains("Project added: MANDAT-7"), "{out}");
    fails(
        &vault,
        &[&admin[..], &["project", "add", "X", "--name", "X", "--owner", "admin", "--sensitivity", "secret"]].concat(),
        &[],
        "sensitivity_invalid",
    );
    let out = ok(
        &vault,
        &[
            &admin[..],
            &[
                "--lang",
                "en",
                "project",
                "override",
                "MANDAT-7",
                "--class",
                "300-10",
                "--sensitivity",
                "personal",
                "--active",
                "2 years",
                "--disposition",
                "D",
                "--reason",
                "Remise au client",
            ],
        ]
        .concat(),
        &[],
    );
    assert!(out.contains("Override added: #1"), "{out}");
    let message = fails(
        &vault,
        &[&admin[..], &["--lang", "en", "project", "override", "MANDAT-7", "--class", "300-10", "--reason", "x"]]
            .concat(),
        &[],
        "override_invalid",
    );
    assert!(message.contains("something to replace"), "{message}");

    let list = ok(&vault, &[&admin[..], &["--lang", "fr", "project", "list"]].concat(), &[]);
    assert!(
        list.contains("MANDAT-7") && list.contains("renseignements personnels") && list.contains("1 dérogation(s)"),
        "{list}"
    );
    let calendar = ok(&vault, &[&admin[..], &["--lang", "en", "project", "calendar", "MANDAT-7"]].concat(), &[]);
    assert!(
        calendar.contains("#1 class 300-10, level personal: active 2 years · destroy (D)")
            && calendar.contains("reason: Remise au client"),
        "{calendar}"
    );

    let explain = ok(
        &vault,
        &[&admin[..], &["--lang", "en", "rule", "explain", "--class", "300-10", "--project", "MANDAT-7"]].concat(),
        &[],
    );
    for needle in ["Active period          2 years", "Semi-active period     75 years", "destroy (D)", "end of the contract or employment", "1. rule 3010, version 1", "decides: semi-active period", "2. project MANDAT-7's calendar, override #1 (class 300-10 and level personal): Remise au client — decides: active period, disposition"] {
        assert!(explain.contains(needle), "{needle:?} missing from:\n{explain}");
    }
    let json: serde_json::Value = serde_json::from_str(&ok(
        &vault,
        &[
            &admin[..],
            &["--json", "rule", "explain", "--class", "300-10", "--sensitivity", "public", "--project", "MANDAT-7"],
        ]
        .concat(),
        &[],
    ))
    .expect("json");
    assert_eq!(json["active"], serde_json::json!({"unit": "while_in_use"}), "another level: the rule");
    assert_eq!(json["chain"].as_array().map(Vec::len), Some(1));
    let fr = ok(&vault, &[&admin[..], &["--lang", "fr", "rule", "explain", "--class", "300-10"]].concat(), &[]);
    assert!(fr.contains("Période active") && fr.contains("tant que le document sert (999)"), "{fr}");
    ok(&vault, &[&admin[..], &["project", "withdraw", "MANDAT-7", "1"]].concat(), &[]);
    fails(&vault, &[&admin[..], &["project", "withdraw", "MANDAT-7", "1"]].concat(), &[], "unknown_override");
}

#[test]
fn plan_move_and_project_edit_close_reopen() {
    let (dir, vault) = new_vault();
    let admin = ["--user", "admin"];
    let run = |args: &[&str]| ok(&vault, &[&admin[..], args].concat(), &[]);
    let plan = dir.path().join("plan.csv");
    std::fs::write(
        &plan,
        "Kind,Code,Parent,Title FR,Rule,Classes,Series title,Trigger,Copy,Active period,Semi-active period,Disposition\n\
         class,100,,Administration,,,,,,,,\n\
         class,100-20,100,Comités,,,,,,,,\n\
         class,100-20-05,100-20,Procès-verbaux,,,,,,,,\n\
         class,200,,Finances,,,,,,,,\n\
         rule,,,,1025,100-20-05,Procès-verbaux,,P,5,0,C\n",
    )
    .expect("write");
    run(&["plan", "import", plan.to_str().expect("utf-8")]);
    run(&["files", "add", "F-1", "--class", "100-20-05", "--title", "Procès-verbaux du comité"]);

    // Moving a branch: --parent or --top is required (a usage error, exit code 2).
    let usage = greffier(&vault, &[&admin[..], &["plan", "move", "100-20", "--to", "200-40"]].concat(), &[]);
    assert_eq!(usage.code, 2, "{}", usage.stderr);
    let out = run(&["--lang", "en", "plan", "move", "100-20", "--to", "200-40", "--parent", "200"]);
    assert!(out.contains("Class moved: 100-20 → 200-40 (1 file(s) in the branch)."), "{out}");
    assert!(out.contains("100-20-05  →  200-40-05"), "{out}");
    let search: serde_json::Value = serde_json::from_str(&run(&["--json", "search", "class:200-40-05"])).expect("json");
    assert_eq!(search["total"], 1, "the file is found under its class's new code: {search}");
    let message = fails(
        &vault,
        &[&admin[..], &["--lang", "en", "plan", "move", "200-40", "--to", "200-40", "--parent", "200"]].concat(),
        &[],
        "class_move_unchanged",
    );
    assert!(message.contains("changes nothing"), "{message}");
    let moved: serde_json::Value =
        serde_json::from_str(&run(&["--json", "plan", "move", "200-40", "--to", "P40", "--top"])).expect("json");
    assert_eq!(
        moved,
        serde_json::json!({"classes": [{"from": "200-40", "to": "P40"}, {"from": "200-40-05", "to": "P40-05"}], "files": 1})
    );

    // Projects: edit, close (no new file), reopen.
    run(&["project", "add", "MANDAT-7", "--name", "Mandat Lévis", "--owner", "admin", "--sensitivity", "personal"]);
    let usage = greffier(&vault, &[&admin[..], &["project", "edit", "MANDAT-7"]].concat(), &[]);
    assert_eq!(usage.code, 2, "an edit names something to change: {}", usage.stderr);
    let edited: serde_json::Value = serde_json::from_str(&run(&[
        "--json",
        "project",
        "edit",
        "MANDAT-7",
        "--name",
        "Mandat Lévis-Est",
        "--sensitivity",
        "confidentiel",
    ]))
    .expect("json");
    assert_eq!(edited["project"]["name"], "Mandat Lévis-Est");
    assert_eq!(edited["project"]["sensitivity"], "confidential");
    assert_eq!(edited["project"]["owner"], "admin", "what is not named stays");
    assert_eq!(edited["filesRecomputed"], 0);
    fails(&vault, &[&admin[..], &["project", "edit", "MANDAT-7", "--owner", "nobody"]].concat(), &[], "unknown_user");

    let out = run(&["--lang", "en", "project", "close", "MANDAT-7"]);
    assert!(out.contains("Project closed: MANDAT-7"), "{out}");
    let list = run(&["--lang", "en", "project", "list"]);
    assert!(list.contains("MANDAT-7") && list.contains("(closed)"), "{list}");
    let message = fails(
        &vault,
        &[
            &admin[..],
            &["--lang", "en", "files", "add", "F-2", "--class", "P40-05", "--title", "PV", "--project", "MANDAT-7"],
        ]
        .concat(),
        &[],
        "project_closed",
    );
    assert!(message.contains("MANDAT-7 is closed"), "{message}");
    let out = run(&["--lang", "fr", "project", "reopen", "MANDAT-7"]);
    assert!(out.contains("Projet rouvert : MANDAT-7"), "{out}");
    run(&["files", "add", "F-2", "--class", "P40-05", "--title", "PV", "--project", "MANDAT-7"]);
    run(&["files", "add", "F-3", "--class", "P40-05", "--title", "Annexes des procès-verbaux"]);
    // Sorted by a column rather than by relevance, either way.
    let refs = |args: &[&str]| -> Vec<String> {
        let page: serde_json::Value =
            serde_json::from_str(&run(&[&["--json", "search", "verbaux"], args].concat())).expect("json");
        page["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| h["row"]["reference"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(refs(&["--sort", "titre"]), ["F-3", "F-1"]);
    assert_eq!(refs(&["--sort", "reference"]), ["F-1", "F-3"]);
    assert_eq!(refs(&["--sort", "reference", "--desc"]), ["F-3", "F-1"]);
    let bad = greffier(&vault, &[&admin[..], &["--lang", "en", "search", "verbaux", "--sort", "colour"]].concat(), &[]);
    assert_eq!(bad.code, 1, "{}", bad.stderr);
    assert!(bad.stderr.contains("is no column to sort by"), "{}", bad.stderr);
    // An export in the same order.
    let sheet = dir.path().join("trié par titre.csv");
    run(&["files", "export", "--filter", "verbaux", "--sort", "titre", sheet.to_str().expect("utf-8")]);
    let text = std::fs::read_to_string(&sheet).expect("export");
    let rows: Vec<&str> = text.lines().skip(1).map(|line| line.split(',').next().unwrap_or("")).collect();
    assert_eq!(rows, ["F-3", "F-1"], "{text}");
}

#[test]
fn persons_are_attached_edited_and_detached_one_at_a_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = dir.path().join("coffre");
    ok(&vault, &["--user", "admin", "init", "--organisation", "Ville de Lévis", "--sample-plan"], &[]);
    let admin = ["--user", "admin"];
    let run = |args: &[&str]| ok(&vault, &[&admin[..], args].concat(), &[]);
    // Class 600-20-10 (rule 6040): 18 + 10 years from the person's birth.
    run(&["files", "add", "E-1", "--class", "600-20-10", "--title", "Expertise pédiatrique"]);

    let out = run(&[
        "--lang",
        "en",
        "person",
        "attach",
        "E-1",
        "--last-name",
        "Tremblay",
        "--first-name",
        "Émilie",
        "--birth-date",
        "2010-05-01",
        "--identifier",
        "nas=046 454 286",
        "--category",
        "santé",
        "--purpose",
        "Expertise",
        "--consent",
        "oui",
    ]);
    assert!(out.contains("Person: Émilie Tremblay [health]"), "{out}");
    assert!(out.contains("sin ••• ••• 286"), "the identifier printed masked: {out}");
    assert!(!out.contains("046 454 286") && !out.contains("454 286"), "never in clear: {out}");
    assert!(out.contains("2038-05-01"), "the due date counts from birth: {out}");
    let found: serde_json::Value =
        serde_json::from_str(&run(&["--json", "search", "personne:tremblay"])).expect("json");
    assert_eq!(found["total"], 1, "{found}");
    let persons: serde_json::Value =
        serde_json::from_str(&run(&["--json", "person", "find", "tremblay"])).expect("json");
    let id = persons[0]["id"].as_i64().expect("id");

    let edited: serde_json::Value =
        serde_json::from_str(&run(&["--json", "person", "edit", &id.to_string(), "--birth-date", "2012-05-01"]))
            .expect("json");
    assert_eq!(edited["birthDate"], "2012-05-01");
    assert_eq!(edited["lastName"], "Tremblay", "what is not named stays");
    assert_eq!(edited["identifiers"][0]["masked"], "••• ••• 286", "identifiers kept unless given");
    let file: serde_json::Value = serde_json::from_str(&run(&["--json", "files", "show", "E-1"])).expect("json");
    assert_eq!(file["due"]["semiActiveUntil"], "2040-05-01");

    let usage = greffier(&vault, &[&admin[..], &["person", "edit", &id.to_string()]].concat(), &[]);
    assert_eq!(usage.code, 2, "an edit names something to change: {}", usage.stderr);
    let both = greffier(
        &vault,
        &[&admin[..], &["person", "attach", "E-1", "--person", "1", "--last-name", "X"]].concat(),
        &[],
    );
    assert_eq!(both.code, 2, "an existing person or a new one, not both: {}", both.stderr);
    fails(
        &vault,
        &[&admin[..], &["person", "attach", "E-1", "--person", &id.to_string()]].concat(),
        &[],
        "person_already_linked",
    );
    fails(
        &vault,
        &[&admin[..], &["person", "detach", "E-1", &id.to_string(), "--reason", " "]].concat(),
        &[],
        "reason_missing",
    );

    let detached: serde_json::Value = serde_json::from_str(&run(&[
        "--json",
        "person",
        "detach",
        "E-1",
        &id.to_string(),
        "--reason",
        "Saisie en double",
    ]))
    .expect("json");
    assert_eq!(detached["file"]["persons"], serde_json::json!([]));
    assert_eq!(detached["personErased"], true, "{detached}");
    let gone: serde_json::Value = serde_json::from_str(&run(&["--json", "person", "find", "tremblay"])).expect("json");
    assert_eq!(gone, serde_json::json!([]), "no file needs the person: erased");
    let audit = raw_connection(&vault)
        .query_row("SELECT count(*) FROM audit_events WHERE action LIKE 'person.%'", [], |row| row.get::<_, i64>(0))
        .expect("audit");
    assert_eq!(audit, 4, "create, link, edit, unlink");
}
