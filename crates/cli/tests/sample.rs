//! `greffier init --sample-plan`: the new vault starts with the sample plan and its rules,
//! imported by the new administrator. The OS keyring is kept out (GREFFIER_KEYRING=none).

use std::process::{Command, Output};

const PASSWORD: &str = "admin password 1";
const RECOVERY: &str = "the recovery passphrase";

fn greffier(vault: &std::path::Path, args: &[&str]) -> String {
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
    let Output { status, stdout, stderr } = command.output().expect("run greffier");
    let (stdout, stderr) = (String::from_utf8_lossy(&stdout), String::from_utf8_lossy(&stderr));
    assert!(status.success(), "greffier {args:?} failed:\n{stdout}\n{stderr}");
    stdout.into_owned()
}

#[test]
fn init_with_the_sample_plan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = dir.path().join("coffre");
    let out = greffier(
        &vault,
        &["--user", "admin", "--lang", "en", "init", "--organisation", "Ville de Québec", "--sample-plan"],
    );
    let line = out.lines().find(|l| l.starts_with("Sample plan imported: ")).unwrap_or_else(|| panic!("{out}"));
    let classes: usize = line["Sample plan imported: ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(classes >= 60, "{line}");
    assert!(line.contains(" retention rules (") && line.ends_with(" copies)."), "{line}");

    let list: serde_json::Value =
        serde_json::from_str(&greffier(&vault, &["--user", "admin", "--json", "plan", "list"])).expect("json");
    let list = list.as_array().expect("an array of classes");
    assert_eq!(list.len(), classes, "the classes init counted are in the plan");
    let employees = list.iter().find(|c| c["code"] == "300-10").expect("300-10");
    assert_eq!(
        (&employees["titleFr"], &employees["titleEn"], &employees["rules"]),
        (&serde_json::json!("Dossiers d'employés"), &serde_json::json!("Employee files"), &serde_json::json!(["3010"]))
    );
}
