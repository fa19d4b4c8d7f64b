//! The destruction calendar from the command line, as an archivist and an approver use it:
//! files due, a hold that blocks, a batch proposed by one user and approved by another, executed,
//! its certificate exported as PDF (read back with `pdftotext`) and CSV, and `audit verify
//! --certificate` that accepts it and refuses an altered copy.

use std::{
    path::Path,
    process::{Command, Output},
};

const PASSWORD: &str = "admin password 1";
const ARCHIVIST_PASSWORD: &str = "archivist password 1";
const RECOVERY: &str = "the recovery passphrase";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn greffier(vault: &Path, user: &str, args: &[&str]) -> Run {
    let password = if user == "admin" { PASSWORD } else { ARCHIVIST_PASSWORD };
    let Output { status, stdout, stderr } = Command::new(env!("CARGO_BIN_EXE_greffier"))
        .arg("--vault")
        .arg(vault)
        .args(["--lang", "fr", "--user", user])
        .args(args)
        .env("GREFFIER_KEYRING", "none")
        .env("GREFFIER_PASSWORD", password)
        .env("GREFFIER_NEW_PASSWORD", ARCHIVIST_PASSWORD)
        .env("GREFFIER_RECOVERY", RECOVERY)
        .output()
        .expect("run greffier");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn ok(vault: &Path, user: &str, args: &[&str]) -> String {
    let run = greffier(vault, user, args);
    assert_eq!(run.code, 0, "greffier {args:?} failed:\n{}\n{}", run.stdout, run.stderr);
    run.stdout
}

fn refused(vault: &Path, user: &str, args: &[&str], code: &str) -> String {
    let run = greffier(vault, user, args);
    assert_eq!(run.code, 1, "greffier {args:?} should fail:\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains(&format!("[{code}]")), "expected [{code}] from {args:?}:\n{}", run.stderr);
    run.stderr
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn propose_approve_execute_and_verify_the_certificate_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = dir.path().join("coffre");
    ok(&vault, "admin", &["init", "--organisation", "Ville de Lévis", "--sample-plan"]);
    ok(&vault, "admin", &["user", "add", "marie", "--role", "archivist"]);
    let sheet = dir.path().join("dossiers été.csv");
    std::fs::write(
        &sheet,
        "référence,classe,titre,ouvert,fermé\n\
         RP-1,500-40-15,Revue de presse de l'été,2012-01-02,2015-06-30\n\
         RP-2,500-40-15,Revue de presse d'automne,2012-01-02,2015-06-30\n\
         RP-3,500-40-15,Revue de presse récente,2024-01-02,2025-06-30\n",
    )
    .expect("sheet");
    ok(&vault, "admin", &["files", "import", &sheet.to_string_lossy()]);

    // The due list, as a page and as a streamed CSV.
    let due = json(&ok(&vault, "admin", &["--json", "due", "--until", "2026-11-23"]));
    assert_eq!(due["total"], 2, "{due}");
    let export = dir.path().join("échéances.csv");
    ok(&vault, "admin", &["due", "--until", "23/11/2026", "--export", &export.to_string_lossy()]);
    let csv = std::fs::read_to_string(&export).expect("export");
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.contains("RP-1") && !csv.contains("RP-3"), "{csv}");
    refused(&vault, "admin", &["due", "--until", "2026-13-45"], "invalid_argument");
    // A class takes the classes under it: 500-40 holds 500-40-15; its sibling 500-10 has none.
    // Each file says which event started its clock and when.
    let by_class = json(&ok(&vault, "admin", &["--json", "due", "--until", "2026-11-23", "--class", "500-40"]));
    assert_eq!(by_class["total"], 2, "{by_class}");
    assert_eq!(by_class["files"][0]["trigger"]["event"], "file_closed", "{by_class}");
    assert_eq!(by_class["files"][0]["triggerDate"], "2015-06-30", "{by_class}");
    let sibling = json(&ok(&vault, "admin", &["--json", "due", "--until", "2026-11-23", "--class", "500-10"]));
    assert_eq!(sibling["total"], 0, "{sibling}");
    let class_csv = dir.path().join("classe.csv");
    ok(&vault, "admin", &["due", "--until", "2026-11-23", "--class", "500", "--export", &class_csv.to_string_lossy()]);
    let class_csv = std::fs::read_to_string(&class_csv).expect("export");
    assert_eq!(class_csv.lines().count(), 3, "the same two files as the page: {class_csv}");
    assert!(class_csv.lines().next().is_some_and(|h| h.ends_with(",trigger,trigger_date")), "{class_csv}");
    assert!(class_csv.contains(",fermeture du dossier,2015-06-30"), "named in the CLI's language: {class_csv}");
    refused(&vault, "admin", &["due", "--class", "999-99"], "unknown_class");
    // And as an Excel workbook, streamed, every cell text, read back as a spreadsheet program would.
    let names = || -> std::collections::BTreeSet<String> {
        std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    };
    let before = names();
    let workbook = dir.path().join("échéances.xlsx");
    ok(&vault, "admin", &["due", "--until", "2026-11-23", "--export", &workbook.to_string_lossy()]);
    {
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> = calamine::open_workbook(&workbook).expect("an Excel workbook");
        let sheet = book.worksheet_range("Échéances").expect("the due list's sheet");
        let rows: Vec<Vec<String>> =
            sheet.rows().map(|row| row.iter().map(|cell| cell.to_string()).collect()).collect();
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[0][0], "reference");
        let csv_rows: Vec<&str> = csv.lines().skip(1).collect();
        for (row, line) in rows[1..].iter().zip(csv_rows) {
            assert!(line.starts_with(&format!("{},", row[0])), "same order as the CSV: {row:?} / {line}");
        }
        assert!(rows.iter().any(|row| row[0] == "RP-1"), "{rows:?}");
    }
    let added: Vec<String> = names().difference(&before).cloned().collect();
    assert_eq!(added, ["échéances.xlsx"], "the streaming's temporary file is removed");
    // And as a PDF to read and sign, read back with pdftotext.
    let due_pdf = dir.path().join("échéances.pdf");
    ok(&vault, "admin", &["due", "--until", "2026-11-23", "--export", &due_pdf.to_string_lossy()]);
    let text = Command::new("pdftotext").arg("-layout").arg(&due_pdf).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    for expected in [
        "Liste des échéances",
        "VILLE DE LÉVIS",
        "2026-11-23",
        "RP-1",
        "RP-2",
        "Destruction",
        "Fin de la liste : 2 dossiers",
    ] {
        assert!(text.contains(expected), "“{expected}” missing from the due list's PDF:\n{text}");
    }
    assert!(!text.contains("RP-3"), "RP-3 is not due yet:\n{text}");
    let stderr =
        refused(&vault, "admin", &["due", "--export", &dir.path().join("x.odt").to_string_lossy()], "invalid_argument");
    assert!(stderr.contains(".xlsx"), "{stderr}");

    // A hold blocks the proposal, naming itself; released with a reason.
    let hold = json(&ok(&vault, "admin", &["--json", "hold", "add", "--file", "RP-2", "--reason", "Litige 2026-4"]));
    let number = hold["number"].as_str().expect("number").to_owned();
    let stderr = refused(&vault, "marie", &["disposition", "propose", "RP-1", "RP-2"], "file_held");
    assert!(stderr.contains(&number), "{stderr}");
    refused(&vault, "admin", &["hold", "release", &number, "--reason", " "], "reason_missing");
    ok(&vault, "admin", &["hold", "release", &number, "--reason", "Litige réglé"]);

    // Proposing from the due list keeps to the class asked for.
    refused(&vault, "marie", &["disposition", "propose", "--due", "--class", "500-10"], "batch_empty");
    // Proposed by marie: she cannot approve it; the administrator does.
    let batch = json(&ok(&vault, "marie", &["--json", "disposition", "propose", "--due"]));
    let batch_number = batch["number"].as_str().expect("batch").to_owned();
    assert_eq!(batch["files"], 2);
    refused(&vault, "marie", &["disposition", "approve", &batch_number], "separation_of_duties");
    ok(&vault, "admin", &["disposition", "approve", &batch_number, "--reason", "Conforme"]);
    let executed =
        json(&ok(&vault, "marie", &["--json", "disposition", "execute", &batch_number, "--method", "Déchiquetage"]));
    assert_eq!(executed["batch"]["state"], "executed", "{executed}");
    refused(&vault, "admin", &["files", "show", "RP-1"], "unknown_file");
    let residual = ok(&vault, "admin", &["destroyed", "RP-"]);
    assert!(residual.contains("RP-1") && residual.contains("RP-2"), "{residual}");

    // The certificate: PDF read back, CSV verified, an altered CSV refused (exit code 3).
    let pdf = dir.path().join("certificat.pdf");
    ok(&vault, "admin", &["certificate", "export", &batch_number, &pdf.to_string_lossy()]);
    let text = Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    for expected in
        ["Certificat de destruction", "Ville de Lévis", batch_number.as_str(), "RP-1", "RP-2", "Déchiquetage", "marie"]
    {
        assert!(text.contains(expected), "“{expected}” missing from the PDF:\n{text}");
    }
    let certificate_csv = dir.path().join("certificat.csv");
    ok(&vault, "admin", &["certificate", "export", &batch_number, &certificate_csv.to_string_lossy()]);
    let verified = ok(&vault, "admin", &["audit", "verify", "--certificate", &certificate_csv.to_string_lossy()]);
    assert!(verified.contains("vérifié"), "{verified}");
    // The PDF carries the same data: an auditor given only the PDF verifies it.
    let verified = ok(&vault, "admin", &["audit", "verify", "--certificate", &pdf.to_string_lossy()]);
    assert!(verified.contains("vérifié"), "{verified}");
    let attached = greffier_report::attachment(&std::fs::read(&pdf).expect("pdf"), "certificate.csv", "certificat.pdf")
        .expect("readable");
    assert_eq!(attached, Some(std::fs::read(&certificate_csv).expect("csv")), "the PDF carries the CSV export");
    assert!(!dir.path().join("certificat.pdf.part").exists(), "the PDF written as it goes is put in place");
    // As JSON, its files listed (streamed) after its fields.
    let certificate_json = dir.path().join("certificat.json");
    ok(&vault, "admin", &["certificate", "export", &batch_number, &certificate_json.to_string_lossy()]);
    let exported: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&certificate_json).expect("json")).expect("valid JSON");
    let references: Vec<&str> =
        exported["files"].as_array().expect("files").iter().filter_map(|f| f["reference"].as_str()).collect();
    assert_eq!(references, ["RP-1", "RP-2"], "{exported}");
    assert_eq!(
        (exported["counts"]["files"].as_u64(), exported["batch"].as_str()),
        (Some(2), Some(batch_number.as_str()))
    );
    let stderr =
        refused(&vault, "admin", &["audit", "verify", "--certificate", &due_pdf.to_string_lossy()], "invalid_argument");
    assert!(stderr.contains("CSV"), "a PDF that is no certificate is refused, saying what to give: {stderr}");
    let altered = dir.path().join("modifié.csv");
    let original = std::fs::read_to_string(&certificate_csv).expect("csv");
    std::fs::write(&altered, original.replace("RP-2,", "RP-9,")).expect("write");
    let run = greffier(&vault, "admin", &["audit", "verify", "--certificate", &altered.to_string_lossy()]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("RP-9"), "{}", run.stdout);
    refused(&vault, "admin", &["certificate", "export", &batch_number, "certificat.txt"], "invalid_argument");

    // A transfer to archives, and its slip per box.
    let sheet = dir.path().join("versement.csv");
    std::fs::write(
        &sheet,
        "référence,classe,titre,ouvert,fermé,emplacement,détenteur\n\
         RA-1,100-30-10,Rapport annuel 2014,2014-01-01,2015-03-31,Boîte 12,Direction générale\n\
         RA-2,100-30-10,Rapport annuel 2015,2015-01-01,2016-03-31,Boîte 12,Direction générale\n",
    )
    .expect("sheet");
    ok(&vault, "admin", &["files", "import", &sheet.to_string_lossy()]);
    let transfer =
        json(&ok(&vault, "marie", &["--json", "disposition", "propose", "--kind", "transfer", "RA-1", "RA-2"]));
    let transfer = transfer["number"].as_str().expect("number").to_owned();
    ok(&vault, "admin", &["disposition", "approve", &transfer]);
    ok(&vault, "marie", &["disposition", "execute", &transfer]);
    let slips = dir.path().join("bordereaux.pdf");
    ok(&vault, "marie", &["disposition", "slips", &transfer, &slips.to_string_lossy()]);
    let text = Command::new("pdftotext").arg("-layout").arg(&slips).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    for expected in [
        "Bordereau de versement",
        "Boîte 12",
        "Direction générale",
        "RA-1",
        "RA-2",
        "2014-01-01",
        "2016-03-31",
        "Aucune restriction",
    ] {
        assert!(text.contains(expected), "“{expected}” missing from the slip:\n{text}");
    }
    refused(&vault, "admin", &["disposition", "slips", &batch_number, "x.pdf"], "batch_state");
}
