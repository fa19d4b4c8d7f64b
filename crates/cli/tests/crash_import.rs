//! A bulk import killed at any moment leaves the register whole: `greffier files import`
//! processes are killed with SIGKILL at seeded random moments over 100 cycles (while the key is
//! derived, while the sheet is checked, while rows are written, while the index is fed, between
//! the register's commit and the index's). After each kill the vault opens, `integrity_check` is
//! ok, the register holds every acknowledged batch and no part of any other, and once caught up
//! the index holds exactly the register's files.

use std::{
    path::Path,
    process::{Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use greffier_core::{FileFilter, KdfProfile, NoKeyStore, Secret, SystemClock, Unlock, Vault, VaultEnv};
use rand::{Rng, SeedableRng};

const PASSWORD: &str = "admin password 1";
const RECOVERY: &str = "the recovery passphrase";
const ROWS: usize = 400;
const CYCLES: u32 = 100;

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
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn batch(dir: &Path, n: u32) -> std::path::PathBuf {
    let classes = ["100-20-10", "100-20-05", "300-20-05", "100-10-10"];
    let mut text = String::from("reference,class,title,description,opened,closed\n");
    for row in 0..ROWS {
        text.push_str(&format!(
            "B{n:03}-{row:04},{},Dossier {row} du lot {n} à Québec,\"Description du dossier {row}, lot {n}\",2015-01-01,2016-06-30\n",
            classes[row % classes.len()]
        ));
    }
    let path = dir.join(format!("lot-{n:03}.csv"));
    std::fs::write(&path, text).expect("write batch");
    path
}

fn open(vault: &Path) -> Vault {
    let env = VaultEnv {
        keystore: Arc::new(NoKeyStore { reason: "test".into() }),
        clock: Arc::new(SystemClock),
        kdf: KdfProfile::STANDARD,
    };
    Vault::open(vault, Unlock::Passphrase(Secret::new(RECOVERY)), &env).expect("the vault opens after a kill")
}

#[test]
fn an_import_killed_at_any_moment_is_all_or_nothing_and_the_index_catches_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault_dir = dir.path().join("vault");
    let init = greffier(&vault_dir, &["init", "--organisation", "Crash", "--sample-plan"]).output().expect("init");
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));

    let mut rng = rand::rngs::StdRng::seed_from_u64(0x6772_6566);
    let mut acknowledged = Vec::new();
    let mut killed = 0;
    let mut killed_late = 0;
    let mut span = Duration::ZERO;
    for n in 0..CYCLES {
        // How long a whole import takes now, to spread the kills over its life: measured again
        // every ten cycles, as the load of the tests running beside this one comes and goes (a
        // span measured under load and imports run alone later left most of them unkilled).
        if n % 10 == 0 {
            let probe = 900 + n / 10;
            let started = Instant::now();
            let whole =
                greffier(&vault_dir, &["files", "import"]).arg(batch(dir.path(), probe)).output().expect("probe");
            assert!(whole.status.success(), "{}", String::from_utf8_lossy(&whole.stderr));
            span = started.elapsed();
            acknowledged.push(probe);
        }
        let path = batch(dir.path(), n);
        let mut child = greffier(&vault_dir, &["files", "import"]).arg(&path).spawn().expect("spawn");
        let at = span.mul_f64(rng.gen_range(0.0..1.1));
        std::thread::sleep(at);
        if child.try_wait().expect("try_wait").is_none() {
            let _ = child.kill();
            killed += 1;
            if at > span / 2 {
                killed_late += 1;
            }
        }
        let output = child.wait_with_output().expect("wait");
        if output.status.success() {
            acknowledged.push(n);
        }

        let vault = open(&vault_dir);
        let admin = vault.sign_in("admin", &Secret::new(PASSWORD)).expect("sign in");
        let report = vault.check(&admin).expect("check");
        assert_eq!(report.integrity, ["ok"], "cycle {n}");
        let total = vault.file_count(&admin).expect("count") as usize;
        assert_eq!(total % ROWS, 0, "cycle {n}: a half-imported batch ({total} files)");
        for m in &acknowledged {
            let reference = format!("B{m:03}-{:04}", ROWS - 1);
            vault.file(&admin, &reference).unwrap_or_else(|e| panic!("cycle {n}: acknowledged batch {m} lost: {e}"));
        }
        // The first search catches the index up; then it holds exactly the register's files.
        let page = vault.search_files(&admin, &FileFilter::default(), 0, 1, false).expect("search");
        assert_eq!(page.total, total, "cycle {n}");
        let index = vault.check_index(&admin).expect("index check");
        assert!(index.is_consistent(), "cycle {n}: {index:?}");
    }
    assert!(killed >= 40, "most runs must be killed for the test to mean something ({killed})");
    assert!(killed_late >= 10, "kills must reach the writing phases ({killed_late})");
}
