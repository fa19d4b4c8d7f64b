//! A destruction killed at any moment is all or nothing: `greffier disposition execute` is
//! killed with SIGKILL at seeded random moments of its life (and, if those all fell on one side
//! of the commit on a loaded machine, at earlier or later ones until both outcomes were seen).
//! After each kill the vault opens (replaying or completing the destruction ledger),
//! `integrity_check` is ok, and either every file of the batch is still there and the batch is
//! still approved, or none is, each has its residual record and the ledger lists the batch.
//! Running `execute` again then finishes it, and its certificate verifies.

use std::{
    path::Path,
    process::{Command, Stdio},
    sync::Arc,
    time::Instant,
};

use greffier_core::{
    ledger, BatchKind, BatchState, ErrorCode, KdfProfile, Lang, NoKeyStore, Secret, SystemClock, Unlock, UserMessage,
    Vault, VaultEnv,
};
use rand::{Rng, SeedableRng};

const PASSWORD: &str = "admin password 1";
const ARCHIVIST_PASSWORD: &str = "archivist password 1";
const RECOVERY: &str = "the recovery passphrase";
const FILES: usize = 300;
const CYCLES: u32 = 16;

fn greffier(vault: &Path, user: &str, password: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_greffier"));
    command
        .arg("--vault")
        .arg(vault)
        .args(["--lang", "en", "--user", user])
        .args(args)
        .env("GREFFIER_KEYRING", "none")
        .env("GREFFIER_PASSWORD", password)
        .env("GREFFIER_RECOVERY", RECOVERY)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn open(vault: &Path) -> Vault {
    let env = VaultEnv {
        keystore: Arc::new(NoKeyStore { reason: "test".into() }),
        clock: Arc::new(SystemClock),
        kdf: KdfProfile::STANDARD,
    };
    Vault::open(vault, Unlock::Passphrase(Secret::new(RECOVERY)), &env).expect("the vault opens after a kill")
}

/// Files a batch of due files and has it proposed by the administrator and approved by the
/// archivist; returns the batch number.
fn approved_batch(vault_dir: &Path, n: u32) -> String {
    let mut vault = open(vault_dir);
    let admin = vault.sign_in("admin", &Secret::new(PASSWORD)).expect("admin");
    let archivist = vault.sign_in("archiviste", &Secret::new(ARCHIVIST_PASSWORD)).expect("archivist");
    // One import (one transaction, one index commit) rather than a file at a time.
    let mut text = String::from("reference,class,title,description,opened,closed\n");
    let references: Vec<String> = (0..FILES).map(|i| format!("C{n:03}-{i:04}")).collect();
    for (i, reference) in references.iter().enumerate() {
        text.push_str(&format!(
            "{reference},500-40-15,Dossier {i} du lot {n} à détruire,\"Texte du dossier {i}, lot {n}\",2012-01-02,2015-06-30\n"
        ));
    }
    let sheet = vault_dir.with_file_name(format!("lot-{n:03}.csv"));
    std::fs::write(&sheet, text).expect("write sheet");
    vault.import_register(&admin, Some(&sheet), None, &mut |_| true).expect("import");
    let batch = vault.propose_batch(&admin, BatchKind::Destruction, &references, "").expect("propose");
    vault.approve_batch(&archivist, &batch.number, "").expect("approve");
    batch.number
}

#[test]
fn a_destruction_killed_at_any_moment_is_all_or_nothing_and_finishes_when_run_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault_dir = dir.path().join("vault");
    let init = greffier(&vault_dir, "admin", PASSWORD, &["init", "--organisation", "Crash", "--sample-plan"])
        .output()
        .expect("init");
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let add = greffier(&vault_dir, "admin", PASSWORD, &["user", "add", "archiviste", "--role", "archivist"])
        .env("GREFFIER_NEW_PASSWORD", ARCHIVIST_PASSWORD)
        .output()
        .expect("user add");
    assert!(add.status.success(), "{}", String::from_utf8_lossy(&add.stderr));

    // How long a whole execution takes here, to spread the kills over its life.
    let probe = approved_batch(&vault_dir, 999);
    let started = Instant::now();
    let run = greffier(&vault_dir, "archiviste", ARCHIVIST_PASSWORD, &["disposition", "execute", &probe])
        .output()
        .expect("probe");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let span = started.elapsed();

    let mut rng = rand::rngs::StdRng::seed_from_u64(0x6465_7374);
    let (mut none_done, mut all_done) = (0, 0);
    // One cycle: a batch executed and killed after `fraction` of the probe's span, checked, then
    // finished. Answers whether the kill left the batch done.
    let cycle = |n: u32, fraction: f64| -> bool {
        let number = approved_batch(&vault_dir, n);
        let mut child = greffier(&vault_dir, "archiviste", ARCHIVIST_PASSWORD, &["disposition", "execute", &number])
            .spawn()
            .expect("spawn");
        std::thread::sleep(span.mul_f64(fraction));
        let _ = child.kill();
        let _ = child.wait();

        let vault = open(&vault_dir);
        let admin = vault.sign_in("admin", &Secret::new(PASSWORD)).expect("sign in");
        assert_eq!(vault.check(&admin).expect("check").integrity, ["ok"], "cycle {n}");
        let batch = vault.batch(&admin, &number).expect("batch");
        let present = (0..FILES).filter(|i| vault.file(&admin, &format!("C{n:03}-{i:04}")).is_ok()).count();
        let residual = vault.destroyed_files(&admin, &format!("C{n:03}-"), 10_000).expect("residual").len();
        let in_ledger = ledger::contains(&vault_dir, &number).expect("ledger");
        match batch.state {
            BatchState::Approved => {
                assert_eq!((present, residual, in_ledger), (FILES, 0, false), "cycle {n}: none of it");
            }
            BatchState::Incomplete | BatchState::Executed => {
                assert_eq!((present, residual, in_ledger), (0, FILES, true), "cycle {n}: all of it");
            }
            other => panic!("cycle {n}: batch {other:?}"),
        }
        let done = batch.state != BatchState::Approved;
        let finished = batch.state == BatchState::Executed;
        drop(vault);

        // Run again (unless the kill came after the end): it finishes, and its certificate verifies.
        if !finished {
            let again = greffier(&vault_dir, "archiviste", ARCHIVIST_PASSWORD, &["disposition", "execute", &number])
                .output()
                .expect("execute again");
            assert!(again.status.success(), "cycle {n}: {}", String::from_utf8_lossy(&again.stderr));
        }
        let vault = open(&vault_dir);
        let admin = vault.sign_in("admin", &Secret::new(PASSWORD)).expect("sign in");
        assert_eq!(vault.batch(&admin, &number).expect("batch").state, BatchState::Executed, "cycle {n}");
        let certificate = vault.certificate(&admin, &number, Lang::En).expect("certificate");
        assert_eq!(certificate.counts.files, FILES as u64);
        let mut csv = Vec::new();
        vault.write_certificate_csv(&admin, &certificate, &mut csv).expect("csv");
        let check = vault.verify_certificate(&admin, &String::from_utf8(csv).expect("utf-8")).expect("verify");
        assert!(check.is_valid(), "cycle {n}: {:?}", check.problems);
        let err = vault.file(&admin, &format!("C{n:03}-0000")).expect_err("destroyed");
        assert_eq!(err.code(), ErrorCode::UnknownFile);
        done
    };
    // Most kills land late, where the key is derived and the rows go.
    for n in 0..CYCLES {
        if cycle(n, rng.gen_range(0.4..1.05)) {
            all_done += 1;
        } else {
            none_done += 1;
        }
    }
    // On a loaded machine the probe's span says little of the next run's: if the seeded moments
    // all fell on one side of the commit, kill earlier or later until both outcomes were seen.
    let mut n = CYCLES;
    while (none_done < 2 || all_done < 2) && n < CYCLES + 12 {
        let fraction = if none_done < 2 { 0.05 } else { 1.5 + f64::from(n - CYCLES) * 0.5 };
        if cycle(n, fraction) {
            all_done += 1;
        } else {
            none_done += 1;
        }
        n += 1;
    }
    assert!(none_done >= 2 && all_done >= 2, "kills must land before and after the commit ({none_done}, {all_done})");
}
