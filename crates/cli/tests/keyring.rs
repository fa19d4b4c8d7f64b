//! `greffier` against a real Secret Service: a private D-Bus session with gnome-keyring, started
//! by the test and stopped at its end. Needs the packages `dbus` and `gnome-keyring` (and
//! `libsecret-tools` for `secret-tool`), which `make test` installs.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

const PASSWORD: &str = "admin password 1";
const RECOVERY: &str = "the recovery passphrase";

struct SecretService(greffier_testkit::SecretService);

impl SecretService {
    fn start() -> SecretService {
        SecretService(greffier_testkit::SecretService::start())
    }

    fn command(&self, program: &str) -> Command {
        self.0.command(program)
    }

    fn greffier(&self, vault: &Path, args: &[&str], recovery: bool) -> (i32, String, String) {
        let mut command = self.command(env!("CARGO_BIN_EXE_greffier"));
        command.arg("--vault").arg(vault).arg("--lang").arg("en").args(args).env("GREFFIER_PASSWORD", PASSWORD);
        if recovery {
            command.env("GREFFIER_RECOVERY", RECOVERY);
        }
        let out = command.output().expect("greffier");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

#[test]
fn the_vault_key_lives_in_the_real_secret_service() {
    let service = SecretService::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let vault: PathBuf = dir.path().join("vault");

    let (code, out, err) =
        service.greffier(&vault, &["--user", "admin", "--json", "init", "--organisation", "CIUSSS de test"], true);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!err.contains("no OS keyring"), "the keyring must answer here: {err}");
    let created: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(created["keyringSaved"], true);
    let vault_id = created["vaultId"].as_str().expect("id").to_owned();

    // No passphrase: the key comes from the keyring.
    let (code, out, err) = service.greffier(&vault, &["--json", "vault", "info"], false);
    assert_eq!(code, 0, "{out}{err}");
    let info: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(info["vault"]["keySource"], "key_store");
    assert_eq!(info["selfCheck"]["keystore"]["osStore"], true);
    assert!(
        info["selfCheck"]["keystoreRoundTrip"].get("Ok").is_some(),
        "the OS store keeps a key across processes: {}",
        info["selfCheck"]
    );

    // The entry is really in gnome-keyring.
    let lookup = service
        .command("secret-tool")
        .args(["lookup", "service", "greffier", "username", &format!("vault-{vault_id}")])
        .output()
        .expect("secret-tool");
    assert_eq!(String::from_utf8_lossy(&lookup.stdout).trim().len(), 64, "a 32-byte key in hex");

    // Remove the entry: without the passphrase the vault no longer opens, with it, it does and
    // the entry comes back.
    let clear = service
        .command("secret-tool")
        .args(["clear", "service", "greffier", "username", &format!("vault-{vault_id}")])
        .status()
        .expect("secret-tool");
    assert!(clear.success());
    let (code, _, err) = service.greffier(&vault, &["vault", "info"], false);
    assert_eq!(code, 1);
    assert!(err.contains("[keyring_entry_missing]") && err.contains("recovery passphrase"), "{err}");
    let (code, out, err) = service.greffier(&vault, &["--user", "admin", "--json", "vault", "check"], true);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = service.greffier(&vault, &["--json", "vault", "info"], false);
    assert_eq!(code, 0, "the recovery passphrase put the key back in the keyring: {out}{err}");

    // A rotation updates the keyring entry.
    let (code, out, err) = service.greffier(&vault, &["--user", "admin", "vault", "rekey"], true);
    assert_eq!(code, 0, "{out}{err}");
    let after = service
        .command("secret-tool")
        .args(["lookup", "service", "greffier", "username", &format!("vault-{vault_id}")])
        .output()
        .expect("secret-tool");
    assert_ne!(after.stdout, lookup.stdout, "the keyring holds the new key");
    let (code, out, err) = service.greffier(&vault, &["--user", "admin", "audit", "verify"], false);
    assert_eq!(code, 0, "{out}{err}");
}
