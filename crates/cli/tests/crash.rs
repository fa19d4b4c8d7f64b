//! Committed data survives a crash at any instant: `greffier user add` processes are killed with
//! SIGKILL at spread-out moments (during Argon2, the open, the write, the commit), then the vault
//! must open, pass `vault check` (integrity, page HMACs, audit chain), and hold every user whose
//! command reported success.

use std::{
    path::Path,
    process::{Command, Stdio},
};

const PASSWORD: &str = "admin password 1";
const RECOVERY: &str = "the recovery passphrase";

fn greffier(vault: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_greffier"));
    command
        .arg("--vault")
        .arg(vault)
        .args(["--lang", "en", "--user", "admin"])
        .args(args)
        .env("GREFFIER_KEYRING", "none")
        .env("GREFFIER_PASSWORD", PASSWORD)
        .env("GREFFIER_RECOVERY", RECOVERY)
        .env("GREFFIER_NEW_PASSWORD", "a password long enough")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

#[test]
fn killing_writers_at_any_moment_never_loses_a_commit_or_corrupts_the_vault() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = dir.path().join("vault");
    let init = greffier(&vault, &["init", "--organisation", "Crash test"]).output().expect("init");
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));

    // How long one complete `user add` takes here (the faster of two, warm), to spread the kills
    // over its whole life.
    let mut span = std::time::Duration::MAX;
    for probe in ["probe1", "probe2"] {
        let started = std::time::Instant::now();
        let run = greffier(&vault, &["user", "add", probe, "--role", "clerk"]).output().expect("probe");
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        span = span.min(started.elapsed());
    }

    let mut committed = vec!["admin".to_owned(), "probe1".to_owned(), "probe2".to_owned()];
    let mut killed = 0;
    for round in 0..24u32 {
        let name = format!("user{round:02}");
        let mut child = greffier(&vault, &["user", "add", &name, "--role", "clerk"]).spawn().expect("spawn");
        // Kill moments from 0 % to 115 % of a run, in a fixed order, so every phase is hit.
        let at = span.mul_f64(f64::from((round * 7) % 24) / 20.0);
        std::thread::sleep(at);
        let finished = child.try_wait().expect("try_wait");
        if finished.is_none() {
            let _ = child.kill();
            killed += 1;
        }
        let output = child.wait_with_output().expect("wait");
        if output.status.success() {
            committed.push(name);
        }
    }
    assert!(killed >= 6, "most runs must be killed mid-way for the test to mean something ({killed})");

    let check = greffier(&vault, &["--json", "vault", "check"]).output().expect("check");
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "the vault must be sound after the crashes:\n{report}\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let list = greffier(&vault, &["--json", "user", "list"]).output().expect("list");
    let users: serde_json::Value = serde_json::from_slice(&list.stdout).expect("json");
    let names: Vec<&str> = users.as_array().expect("array").iter().filter_map(|u| u["username"].as_str()).collect();
    for name in &committed {
        assert!(names.contains(&name.as_str()), "{name} was reported committed but is missing: {names:?}");
    }
}
