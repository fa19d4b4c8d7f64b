//! Reports rendered and read back with `pdftotext -layout` (poppler-utils): every fact and every
//! file of a certificate is there, accents included, in French and in English; 10,000 files fit;
//! a template or data error comes back as an error that says where, not a panic; the child
//! process works end to end, through files and through pipes, and is stopped past its time limit.
//! (`streamed.rs` checks long lists typeset in chunks.)

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use chrono::NaiveDate;
use greffier_report::{render, Attachment, ListChild, ListReport, ReportError, Template};
use serde_json::{json, Value};

const HASH: &str = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
}

/// A certificate of `files` files: the first has a confidential title and the second an
/// accented one, as an archivist's would.
fn certificate(lang: &str, files: usize) -> Value {
    let list: Vec<Value> = (0..files)
        .map(|i| match i {
            0 => json!({ "reference": "D-2020-0000", "class": "500-10-05", "title": null,
                         "openedOn": "2010-01-04", "closedOn": "2015-06-30", "rule": "5010", "ruleVersion": 1 }),
            1 => json!({ "reference": "D-2020-0001", "class": "100-30-10",
                         "title": "Évaluation du présent à l'été, Québec", "openedOn": null, "closedOn": null,
                         "rule": "1080", "ruleVersion": 2 }),
            _ => json!({ "reference": format!("D-2020-{i:04}"), "class": "500-40-15",
                         "title": format!("Revue de presse numéro {i} du service des communications de la ville"),
                         "openedOn": "2012-01-02", "closedOn": "2015-06-30", "rule": "5120", "ruleVersion": 1 }),
        })
        .collect();
    json!({
        "lang": lang, "organisation": "Ville de Québec", "certificateNumber": "CD-2026-0007",
        "batch": "LOT-2026-0012", "method": "Déchiquetage / effacement sécurisé",
        "proposedBy": "archiviste", "proposedAt": "2026-11-20",
        // As the vault records it (RFC 3339, UTC), and as a caller may format it.
        "approvedBy": "approbatrice", "approvedAt": "2026-11-21T09:00:00.000Z",
        "executedBy": "exécutante", "executedAt": "2026-11-24 10:15",
        "rules": [ { "number": "5120", "version": 1, "files": files.saturating_sub(2) },
                   { "number": "1080", "version": 2, "files": 1 } ],
        "counts": { "files": files, "persons": 27 },
        "chainHead": { "seq": 98765, "hash": HASH },
        "backupPolicy": "Les sauvegardes antérieures contiennent encore ces dossiers, chiffrés.",
        "files": list,
    })
}

/// The PDF's text as `pdftotext -layout` gives it (a non-breaking space comes back as a space).
fn pdftotext(pdf: &[u8], dir: &Path) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let path = dir.join("report.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Renders `data` and checks that each of `expected` can be read back.
fn check(template: Template, data: &Value, expected: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let pdf = render(template, data, today()).unwrap_or_else(|e| panic!("render: {e}"));
    let text = pdftotext(&pdf, dir.path());
    for expected in expected {
        assert!(text.contains(expected), "“{expected}” missing from:\n{text}");
    }
    text
}

#[test]
fn a_certificate_reads_back_in_french() {
    let text = check(
        Template::Certificate,
        &certificate("fr", 40),
        &[
            "Certificat de destruction",
            "Ville de Québec",
            "CD-2026-0007",
            "Lot de disposition : ",
            "LOT-2026-0012",
            "Déchiquetage / effacement sécurisé",
            "archiviste, 2026-11-20",
            "approbatrice, 2026-11-21 09:00 UTC",
            "exécutante, 2026-11-24 10:15",
            "Règle 5120, version 1 : 38 dossiers",
            "Règle 1080, version 2 : 1 dossier",
            "Personnes retirées : ",
            "27",
            "Dernier événement : no 98765",
            HASH,
            "Les sauvegardes antérieures contiennent encore ces dossiers, chiffrés.",
            "Évaluation du présent à l'été",
            "[titre confidentiel]",
            "page 1",
            "Fin de la liste : 40 dossiers. Le certificat compte 3 pages.",
        ],
    );
    for i in 0..40 {
        assert!(text.contains(&format!("D-2020-{i:04}")), "file {i} missing");
    }
    assert!(!text.contains("10:15 UTC"), "a time the caller formatted is printed as given");
}

#[test]
fn a_certificate_reads_back_in_english() {
    let text = check(
        Template::Certificate,
        &certificate("en", 40),
        &[
            "Certificate of destruction",
            "Ville de Québec",
            "CD-2026-0007",
            "Disposition batch: ",
            "Rule 1080, version 2: 1 file",
            HASH,
            "Évaluation du présent à l'été",
            "[confidential title]",
        ],
    );
    for i in 0..40 {
        assert!(text.contains(&format!("D-2020-{i:04}")), "file {i} missing");
    }
    assert!(!text.contains("Dossiers détruits"), "no French left in the English certificate");
}

/// The certificate's CSV travels inside the PDF, byte for byte, and a PDF without it answers
/// `None`; something that is no PDF is an error naming the file.
#[test]
fn the_certificate_carries_its_csv() {
    let csv = "certificate,CD-2026-0007\nbatch,LOT-2026-0003\n\nreference,class,title\nD-2020-0001,100,Été\n";
    let data = certificate("fr", 3);
    let mut report = ListReport::new(Template::Certificate, &data, today(), Vec::new()).expect("start");
    for file in data["files"].as_array().expect("files") {
        report.push(file).expect("row");
    }
    let mut attached = report.attachment(&Attachment::certificate_csv(true)).expect("attachment");
    std::io::Write::write_all(&mut attached, csv.as_bytes()).expect("csv");
    attached.finish().expect("ends");
    let (_, pdf) = report.finish().expect("pdf");
    let attached = greffier_report::attachment(&pdf, "certificate.csv", "c.pdf").expect("readable");
    assert_eq!(attached.as_deref(), Some(csv.as_bytes()));
    let plain = greffier_report::render(Template::Certificate, &certificate("fr", 3), today()).expect("pdf");
    assert_eq!(greffier_report::attachment(&plain, "certificate.csv", "c.pdf").expect("readable"), None);
    let err = greffier_report::attachment(b"not a pdf", "certificate.csv", "faux.pdf").expect_err("not a PDF");
    assert!(err.to_string().contains("faux.pdf"), "{err}");
}

#[test]
fn an_anonymisation_certificate_is_worded_for_it() {
    for (lang, expected, absent) in [
        ("fr", ["Certificat d'anonymisation", "Méthode d'anonymisation", "Dossiers anonymisés"], "détruits"),
        ("en", ["Certificate of anonymisation", "Method of anonymisation", "Files anonymised"], "destroyed"),
    ] {
        let mut data = certificate(lang, 3);
        data["kind"] = Value::from("anonymisation");
        let text = check(Template::Certificate, &data, &expected);
        assert!(!text.contains(absent), "{lang}: no word of a destruction is left: {text}");
    }
}

#[test]
fn ten_thousand_files_all_come_back() {
    let dir = tempfile::tempdir().expect("dir");
    let started = Instant::now();
    let data = certificate("fr", 10_000);
    let mut report = ListReport::new(Template::Certificate, &data, today(), Vec::new()).expect("start");
    for file in data["files"].as_array().expect("files") {
        report.push(file).expect("row");
    }
    let (_, pdf) = report.finish().expect("render");
    eprintln!("10,000 files: {:.2?}, {} KiB", started.elapsed(), pdf.len() / 1024);
    let text = pdftotext(&pdf, dir.path());
    let words: std::collections::HashSet<&str> = text.split_whitespace().collect();
    let missing: Vec<usize> = (0..10_000).filter(|i| !words.contains(format!("D-2020-{i:04}").as_str())).collect();
    assert!(missing.is_empty(), "{} files missing, the first {:?}", missing.len(), &missing[..missing.len().min(5)]);
    let pages = text.matches('\u{c}').count();
    assert!(
        text.matches("Référence").count() >= pages - 1,
        "the column header is on every page of the list ({pages} pages)"
    );
}

#[test]
fn the_same_data_on_the_same_day_gives_the_same_bytes() {
    let data = certificate("fr", 30);
    let first = render(Template::Certificate, &data, today()).expect("render");
    let second = render(Template::Certificate, &data, today()).expect("render");
    assert!(first == second, "a certificate printed twice is the same file");
}

#[test]
fn a_missing_field_is_an_error_that_names_it_and_its_line() {
    let mut data = certificate("en", 2);
    data.as_object_mut().expect("object").remove("batch");
    let err = render(Template::Certificate, &data, today()).expect_err("a missing field");
    let ReportError::Template { template, diagnostics } = &err else { panic!("unexpected {err:?}") };
    assert_eq!(*template, "certificate");
    let first = diagnostics.first().expect("a diagnostic");
    assert!(first.message.contains("batch"), "{err}");
    assert_eq!(first.file.as_deref(), Some("certificate.typ"), "{err}");
    assert!(first.line.is_some_and(|line| line > 1) && first.column.is_some(), "{err}");
    let message = err.to_string();
    assert!(message.contains("certificate.typ, line ") && message.contains("report it"), "{message}");
}

#[test]
fn data_of_the_wrong_shape_is_an_error_not_a_panic() {
    for (field, value) in [("files", json!("none")), ("counts", json!(3)), ("rules", json!([{ "number": 1 }]))] {
        let mut data = certificate("fr", 3);
        data[field] = value;
        let err = render(Template::Certificate, &data, today()).expect_err(field);
        assert!(matches!(err, ReportError::Template { .. }), "{field}: {err:?}");
    }
    let err = render(Template::Certificate, &json!([1, 2]), today()).expect_err("not an object");
    assert!(matches!(err, ReportError::Template { .. }), "{err:?}");
}

/// A list's data as the child reads it: the header, one row per line, an empty line.
fn json_lines(data: &Value) -> String {
    let mut header = data.clone();
    let files = header.as_object_mut().expect("object").remove("files").expect("files");
    let mut lines = format!("{header}\n");
    for file in files.as_array().expect("files") {
        lines.push_str(&format!("{file}\n"));
    }
    lines.push('\n');
    lines
}

#[test]
fn the_child_process_renders_from_a_file_to_a_file() {
    let dir = tempfile::tempdir().expect("dir");
    let input = dir.path().join("data.jsonl");
    std::fs::write(&input, json_lines(&certificate("en", 3))).expect("write");
    let output = dir.path().join("out.pdf");
    let run = Command::new(env!("CARGO_BIN_EXE_greffier-report"))
        .args(["--template", "certificate", "--today", "2026-11-24", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .output()
        .expect("child");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let text = pdftotext(&std::fs::read(&output).expect("pdf"), dir.path());
    assert!(text.contains("D-2020-0002") && text.contains(HASH), "{text}");
}

#[test]
fn the_child_process_explains_what_went_wrong() {
    let dir = tempfile::tempdir().expect("dir");
    let bad_json = dir.path().join("bad.json");
    std::fs::write(&bad_json, "{ not json").expect("write");
    let out = dir.path().join("out.pdf").display().to_string();
    let bad = bad_json.display().to_string();
    for (args, expected) in [
        (vec!["--template", "nope"], "unknown template “nope”"),
        (vec!["--template", "certificate", "--input"], "--input needs a value"),
        (vec!["--template", "certificate", "--input", "x", "--output", "y"], "missing --today"),
        (vec!["--template", "certificate", "--verbose", "1"], "unknown argument “--verbose”"),
        (vec!["--template", "certificate", "--input", "x", "--output", "y", "--today", "24/11/2026"], "not a date"),
        (
            vec![
                "--template",
                "certificate",
                "--input",
                "/nonexistent/d.json",
                "--output",
                &out,
                "--today",
                "2026-11-24",
            ],
            "Could not read /nonexistent/d.json",
        ),
        (
            vec!["--template", "certificate", "--input", &bad, "--output", &out, "--today", "2026-11-24"],
            "not valid at line 1",
        ),
        (vec!["--template", "schedule", "--input", &bad, "--output", &out, "--today", "2026-11-24"], "not valid JSON"),
    ] {
        let run = Command::new(env!("CARGO_BIN_EXE_greffier-report")).args(&args).output().expect("child");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "{args:?} succeeded");
        assert!(stderr.starts_with("greffier-report: ") && stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn the_parent_renders_in_a_child_through_pipes() {
    let dir = tempfile::tempdir().expect("dir");
    let program = Path::new(env!("CARGO_BIN_EXE_greffier-report"));
    let slips = transfer_slips();
    let pdf = greffier_report::render_in_child(program, &[], Template::TransferSlips, &slips, today()).expect("piped");
    assert!(pdftotext(&pdf, dir.path()).contains("LOT-2026-0003-02"));

    // A list goes row by row, and the PDF to the path given.
    let output = dir.path().join("certificate.pdf");
    let data = certificate("fr", 5);
    let mut child = ListChild::start(program, &[], Template::Certificate, &data, today(), &output).expect("child");
    for file in data["files"].as_array().expect("files") {
        child.push(file).expect("row");
    }
    assert_eq!(child.finish().expect("rendered"), 5);
    assert!(pdftotext(&std::fs::read(&output).expect("pdf"), dir.path()).contains("D-2020-0004"));
    let err = greffier_report::render_in_child(program, &[], Template::Certificate, &data, today())
        .expect_err("a list is streamed");
    assert!(matches!(err, ReportError::Usage { .. }), "{err:?}");

    // The child's own message comes back when it fails, and no file is left.
    let mut data = certificate("fr", 5);
    data.as_object_mut().expect("object").remove("organisation");
    let output = dir.path().join("broken.pdf");
    let mut child = ListChild::start(program, &[], Template::Certificate, &data, today(), &output).expect("child");
    let err = (0..5)
        .try_for_each(|i| child.push(&data["files"][i]))
        .and_then(|()| child.finish().map(|_| ()))
        .expect_err("a missing field");
    let ReportError::Child { stderr, .. } = &err else { panic!("unexpected {err:?}") };
    assert!(stderr.contains("organisation") && stderr.contains("certificate.typ, line "), "{err}");
    assert!(!output.exists() && !dir.path().join("broken.pdf.part").exists(), "nothing is left");
}

#[cfg(unix)]
#[test]
fn a_child_past_its_time_limit_is_stopped() {
    let started = Instant::now();
    let err = greffier_report::render_in_child_within(
        Path::new("sh"),
        &["-c", "sleep 30"],
        Template::TransferSlips,
        &transfer_slips(),
        today(),
        Duration::from_millis(300),
    )
    .expect_err("too slow");
    assert!(matches!(err, ReportError::TimedOut { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "stopped at the limit, not when the child ended");

    // A list's child that stops reading is stopped too: the rows' writes fail, the reason is
    // the time limit.
    let dir = tempfile::tempdir().expect("dir");
    let output = dir.path().join("slow.pdf");
    let started = Instant::now();
    let data = certificate("fr", 1);
    let mut child = ListChild::start_within(
        Path::new("sh"),
        // `exec`, so that killing the shell closes the pipe (a `sleep` of its own would keep it).
        &["-c", "exec sleep 30"],
        Template::Certificate,
        &data,
        today(),
        &output,
        Duration::from_millis(300),
    )
    .expect("child");
    let row = &data["files"][0];
    // More than a pipe holds, so the writes block until the child is stopped.
    let err =
        (0..20_000).try_for_each(|_| child.push(row)).and_then(|()| child.finish().map(|_| ())).expect_err("too slow");
    assert!(matches!(err, ReportError::TimedOut { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "stopped at the limit");
}

/// A list's limit is on time without progress: a child that keeps taking rows, however slowly
/// they come, runs past it (a list of a million rows takes about an hour).
#[test]
fn a_list_child_that_keeps_taking_rows_runs_past_its_limit() {
    let dir = tempfile::tempdir().expect("dir");
    let output = dir.path().join("slow-rows.pdf");
    let data = certificate("fr", 1);
    let limit = Duration::from_millis(600);
    let started = Instant::now();
    let mut child = ListChild::start_within(
        Path::new(env!("CARGO_BIN_EXE_greffier-report")),
        &[],
        Template::Certificate,
        &data,
        today(),
        &output,
        limit,
    )
    .expect("child");
    let row = &data["files"][0];
    let mut rows = 0;
    // A slow source of rows (one every 50 ms) for four times the limit.
    while started.elapsed() < limit * 4 {
        child.push(row).expect("the child is still taking rows");
        rows += 1;
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(child.finish().expect("rendered past the limit"), rows);
    assert!(started.elapsed() > limit * 4);
    assert!(std::fs::read(&output).expect("pdf").starts_with(b"%PDF"));
}

fn transfer_slips() -> Value {
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
    json!({ "lang": "fr", "slips": [slip(1, "Boîte 12", &["RA-1", "RA-2"]), slip(2, "Boîte 13", &["RA-3"])] })
}

#[test]
fn transfer_slips_read_back_one_per_box() {
    let data = transfer_slips();
    let text = check(
        Template::TransferSlips,
        &data,
        &[
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
        ],
    );
    assert_eq!(text.matches("Bordereau de versement").count(), 2, "one slip per box");
}
