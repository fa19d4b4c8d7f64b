//! `greffier` against a real Secret Service: a private D-Bus session with gnome-keyring, started
//! by the test and stopped at its end. Needs the packages `dbus` and `gnome-keyring` (and
//! `libsecret-tools` for `secret-tool`), which `make test` installs.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

const PASSWORD: &str = "admin password 1";
const RECOVERY: &str = "the recovery passphrase";

/// A D-Bus session bus with an unlocked gnome-keyring on it, private to this test.
struct SecretService {
    bus: Child,
    address: String,
    home: tempfile::TempDir,
}

impl SecretService {
    fn start() -> SecretService {
        let home = tempfile::tempdir().expect("tempdir");
        for dir in ["data", "runtime", "config"] {
            std::fs::create_dir_all(home.path().join(dir)).expect("mkdir");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(home.path().join("runtime"), std::fs::Permissions::from_mode(0o700))
                .expect("chmod");
        }
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon must be installed (package dbus); `make test` installs it");
        let mut address = String::new();
        {
            use std::io::BufRead;
            let stdout = bus.stdout.take().expect("stdout");
            std::io::BufReader::new(stdout).read_line(&mut address).expect("bus address");
        }
        let service = SecretService { bus, address: address.trim().to_owned(), home };
        let mut keyring = service
            .command("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon must be installed (package gnome-keyring)");
        {
            use std::io::Write;
            keyring.stdin.take().expect("stdin").write_all(b"test keyring password\n").expect("unlock");
        }
        keyring.wait().expect("gnome-keyring-daemon");
        service.wait_for_secrets();
        service
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        let dir = |name: &str| self.home.path().join(name).display().to_string();
        vec![
            ("DBUS_SESSION_BUS_ADDRESS", self.address.clone()),
            ("XDG_DATA_HOME", dir("data")),
            ("XDG_RUNTIME_DIR", dir("runtime")),
            ("XDG_CONFIG_HOME", dir("config")),
            ("HOME", self.home.path().display().to_string()),
        ]
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
        for (key, value) in self.env() {
            command.env(key, value);
        }
        command
    }

    /// Polls the bus until the Secret Service answers (readiness, not a delay).
    fn wait_for_secrets(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let reply = self
                .command("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .output()
                .expect("dbus-send");
            if String::from_utf8_lossy(&reply.stdout).contains("boolean true") {
                return;
            }
            assert!(Instant::now() < deadline, "the Secret Service did not come up on the private bus");
            std::thread::yield_now();
        }
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

impl Drop for SecretService {
    fn drop(&mut self) {
        // gnome-keyring-daemon leaves when its bus goes away.
        let _ = self.bus.kill();
        let _ = self.bus.wait();
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
