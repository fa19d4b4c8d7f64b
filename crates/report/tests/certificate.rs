//! Certificates rendered and read back with `pdftotext` (poppler-utils): every fact and every
//! file is there, accents included, in French and in English; 10,000 files fit; a template or
//! data error comes back as an error, not a panic; the child process works end to end.

use std::{path::Path, process::Command};

use chrono::NaiveDate;
use greffier_report::{render, ReportError, Template};
use serde_json::{json, Value};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
}

fn certificate(lang: &str, files: usize) -> Value {
    let list: Vec<Value> = (0..files)
        .map(|i| match i {
            0 => json!({ "reference": "D-2020-0000", "class": "500-10-05", "title": null,
                         "openedOn": "2010-01-04", "closedOn": "2015-06-30", "rule": "5010", "ruleVersion": 1 }),
            1 => json!({ "reference": "D-2020-0001", "class": "100-30-10",
                         "title": "Évaluation du présent à l'été, Québec", "openedOn": null, "closedOn": "2015-06-30",
                         "rule": "1080", "ruleVersion": 2 }),
            _ => json!({ "reference": format!("D-2020-{i:04}"), "class": "500-40-15",
                         "title": format!("Revue de presse numéro {i} du service des communications de la ville"),
                         "openedOn": "2012-01-02", "closedOn": "2015-06-30", "rule": "5120", "ruleVersion": 1 }),
        })
        .collect();
    json!({
        "lang": lang, "organisation": "Ville de Saint-Exemple", "certificateNumber": "CD-2026-0007",
        "batch": "LOT-2026-0012", "method": "Effacement sécurisé",
        "proposedBy": "marie", "proposedAt": "2026-11-20T14:03:11.000Z",
        "approvedBy": "jeanne", "approvedAt": "2026-11-21T09:00:00.000Z",
        "executedBy": "marie", "executedAt": "2026-11-24T10:15:00.000Z",
        "rules": [ { "number": "5120", "version": 1, "files": files } ],
        "counts": { "files": files, "persons": 2 },
        "chainHead": { "seq": 1234, "hash": "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12" },
        "backupPolicy": "Les sauvegardes antérieures contiennent encore ces dossiers.",
        "files": list,
    })
}

fn pdftotext(pdf: &[u8], dir: &Path) -> String {
    let path = dir.join("certificate.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn a_certificate_reads_back_in_french_and_in_english() {
    let dir = tempfile::tempdir().expect("dir");
    for (lang, title, confidential) in [
        ("fr", "Certificat de destruction", "[titre confidentiel]"),
        ("en", "Certificate of destruction", "[confidential title]"),
    ] {
        let pdf = render(Template::Certificate, &certificate(lang, 40), today()).expect("render");
        assert!(pdf.starts_with(b"%PDF"));
        let text = pdftotext(&pdf, dir.path());
        for expected in [
            title,
            "Ville de Saint-Exemple",
            "CD-2026-0007",
            "LOT-2026-0012",
            "Effacement sécurisé",
            "jeanne",
            "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12",
            "Évaluation du présent à l'été",
            confidential,
            "2026-11-24 10:15 UTC",
        ] {
            assert!(text.contains(expected), "{lang}: “{expected}” missing from:\n{text}");
        }
        for i in 0..40 {
            assert!(text.contains(&format!("D-2020-{i:04}")), "{lang}: file {i} missing");
        }
    }
}

#[test]
fn ten_thousand_files_all_come_back() {
    let dir = tempfile::tempdir().expect("dir");
    let started = std::time::Instant::now();
    let pdf = render(Template::Certificate, &certificate("fr", 10_000), today()).expect("render");
    eprintln!("10,000 files: {:?}, {} KiB", started.elapsed(), pdf.len() / 1024);
    let text = pdftotext(&pdf, dir.path());
    let words: std::collections::HashSet<&str> = text.split_whitespace().collect();
    let found = (0..10_000).filter(|i| words.contains(format!("D-2020-{i:04}").as_str())).count();
    assert_eq!(found, 10_000);
    // The column header repeats on the list's pages.
    assert!(text.matches("Référence").count() > 50, "the header repeats on every page of the list");
}

#[test]
fn missing_data_is_an_error_that_names_the_line() {
    let mut data = certificate("en", 2);
    data.as_object_mut().expect("object").remove("batch");
    let err = render(Template::Certificate, &data, today()).expect_err("a missing field");
    match &err {
        ReportError::Template { line, message, .. } => {
            assert!(*line > 0, "{err}");
            assert!(message.contains("batch"), "{err}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn the_child_process_renders_from_a_file() {
    let dir = tempfile::tempdir().expect("dir");
    let input = dir.path().join("data.json");
    std::fs::write(&input, serde_json::to_vec(&certificate("en", 3)).expect("json")).expect("write");
    let output = dir.path().join("out.pdf");
    // Keep a copy to look at: `GREFFIER_KEEP_PDF=/tmp/c.pdf cargo test -p greffier-report`.
    if let Some(keep) = std::env::var_os("GREFFIER_KEEP_PDF") {
        let pdf = render(Template::Certificate, &certificate("fr", 120), today()).expect("render");
        std::fs::write(keep, pdf).expect("keep");
    }
    let run = Command::new(env!("CARGO_BIN_EXE_greffier-report"))
        .args(["--template", "certificate", "--today", "2026-11-24", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .output()
        .expect("child");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let text = pdftotext(&std::fs::read(&output).expect("pdf"), dir.path());
    assert!(text.contains("D-2020-0002"));
    // Through pipes, as the desktop does.
    let piped = greffier_report::render_in_child(
        Path::new(env!("CARGO_BIN_EXE_greffier-report")),
        &[],
        Template::Certificate,
        &certificate("fr", 5),
        today(),
    )
    .expect("piped");
    assert!(pdftotext(&piped, dir.path()).contains("D-2020-0004"));
    let bad = Command::new(env!("CARGO_BIN_EXE_greffier-report")).args(["--template", "nope"]).output().expect("child");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("greffier-report:"));
}

#[test]
fn transfer_slips_read_back_one_per_box() {
    let dir = tempfile::tempdir().expect("dir");
    let slip = |n: u32, label: &str, files: &[&str]| {
        json!({
            "lang": "fr", "organisation": "Ville de Saint-Exemple", "slipNumber": format!("LOT-2026-0003-{n:02}"),
            "batch": "LOT-2026-0003", "boxLabel": label, "originatingUnit": "Direction générale",
            "quantity": files.len(), "media": ["papier"], "oldest": "2010-01-04", "newest": "2015-06-30",
            "accessRestriction": "Restreint jusqu'au 2115-06-30 : renseignements personnels",
            "transferredBy": "marie", "transferredAt": "2026-11-24T10:15:00.000Z",
            "files": files.iter().map(|r| json!({ "reference": r, "class": "100-30-10", "title": "Rapport annuel de l'été",
                "medium": "papier", "openedOn": "2010-01-04", "closedOn": "2015-06-30" })).collect::<Vec<_>>(),
        })
    };
    let data =
        json!({ "lang": "fr", "slips": [slip(1, "Boîte 12", &["RA-1", "RA-2"]), slip(2, "Boîte 13", &["RA-3"])] });
    let pdf = render(Template::TransferSlips, &data, today()).expect("render");
    let text = pdftotext(&pdf, dir.path());
    for expected in [
        "Bordereau de versement",
        "LOT-2026-0003-01",
        "LOT-2026-0003-02",
        "Boîte 12",
        "Boîte 13",
        "Unité administrative d'origine",
        "Direction générale",
        "Restreint jusqu'au 2115-06-30",
        "RA-1",
        "RA-3",
        "Rapport annuel de l'été",
    ] {
        assert!(text.contains(expected), "“{expected}” missing:\n{text}");
    }
    assert_eq!(text.matches("Bordereau de versement").count(), 2, "one slip per box");
}
