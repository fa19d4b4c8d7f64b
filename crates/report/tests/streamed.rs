//! Long lists typeset a chunk at a time and stitched into one PDF: read back with poppler's
//! `pdftotext` and `pdfinfo` (and `qpdf --check` where installed), every row comes back once and
//! in order, the pages are numbered without a gap and only the last is short, the attachment is
//! intact; in a child process, fed row by row, memory does not grow with the list.

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use chrono::NaiveDate;
use greffier_report::{attachment, Attachment, ListChild, ListReport, ReportError, Template};
use serde_json::{json, Value};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
}

/// A certificate's header: everything but its files.
fn certificate_header(lang: &str, files: usize) -> Value {
    json!({
        "lang": lang, "kind": "destruction", "organisation": "Ville de Québec", "certificateNumber": "CD-2026-0007",
        "batch": "LOT-2026-0012", "method": "Déchiquetage", "proposedBy": "archiviste", "proposedAt": "2026-11-20",
        "approvedBy": "approbatrice", "approvedAt": "2026-11-21T09:00:00.000Z", "executedBy": "exécutante",
        "executedAt": "2026-11-24 10:15", "rules": [{ "number": "5120", "version": 1, "files": files }],
        "counts": { "files": files, "persons": 3 }, "chainHead": { "seq": 42, "hash": "ab12" },
        "backupPolicy": "Les sauvegardes antérieures contiennent encore ces dossiers, chiffrés.",
    })
}

/// The `i`th file of a certificate; every seventh has a title long enough to take two lines,
/// so pages do not all hold the same number of rows.
fn certificate_file(i: usize) -> Value {
    let title = if i % 7 == 3 {
        format!("Revue de presse numéro {i} du service des communications, avec les coupures des quotidiens régionaux et nationaux de l'année")
    } else {
        format!("Revue de presse numéro {i}")
    };
    json!({ "reference": reference(i), "class": "500-40-15", "title": title, "openedOn": "2012-01-02",
            "closedOn": "2015-06-30", "rule": "5120", "ruleVersion": 1 })
}

fn reference(i: usize) -> String {
    format!("D-{i:06}")
}

/// The certificate's CSV, as the vault would attach it.
fn certificate_csv(files: usize) -> String {
    let mut csv = String::from("certificate,CD-2026-0007\nbatch,LOT-2026-0012\norganisation,Ville de Québec\n\n");
    csv.push_str("reference,class,title,opened_on,closed_on,rule,rule_version\n");
    for i in 0..files {
        csv.push_str(&format!("{},500-40-15,Revue de presse numéro {i},2012-01-02,2015-06-30,5120,1\n", reference(i)));
    }
    csv
}

/// What a PDF reads back as, and checks that hold of any list report: it passes `pdfinfo`
/// (and `qpdf --check` when installed); its pages are numbered 1, 2, 3… without a gap; the
/// list ends with its count and the number of pages; `references` come back each once, in
/// order; and every page of the list but its last is full (rows carried over at each join).
fn check_list(pdf: &Path, rows: usize, end_line: &dyn Fn(usize, usize) -> String) -> Vec<String> {
    let info = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo (poppler-utils)");
    assert!(info.status.success(), "pdfinfo refuses the PDF: {}", String::from_utf8_lossy(&info.stderr));
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    let pages: usize = info
        .lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"));
    if let Ok(qpdf) = Command::new("qpdf").arg("--check").arg(pdf).output() {
        assert!(
            qpdf.status.success(),
            "qpdf --check: {}{}",
            String::from_utf8_lossy(&qpdf.stdout),
            String::from_utf8_lossy(&qpdf.stderr)
        );
    }
    let out = Command::new("pdftotext").arg("-layout").arg(pdf).arg("-").output().expect("pdftotext");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut page_texts: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if page_texts.last().is_some_and(|last| last.trim().is_empty()) {
        page_texts.pop();
    }
    assert_eq!(page_texts.len(), pages, "pdftotext and pdfinfo agree on the pages");
    for (i, page) in page_texts.iter().enumerate() {
        let footer = page.lines().rev().find(|line| !line.trim().is_empty()).unwrap_or_default().trim();
        assert_eq!(footer, format!("page {}", i + 1), "page {} is numbered in sequence", i + 1);
    }
    let last = page_texts.last().expect("a page");
    let expected_end = end_line(rows, pages);
    assert!(
        last.split_whitespace().collect::<Vec<_>>().join(" ").contains(&expected_end),
        "the last page ends the list with “{expected_end}”:\n{last}"
    );

    // Each reference once, in order; and the rows per page.
    let mut per_page = vec![0usize; pages];
    let mut next = 0;
    for (p, page) in page_texts.iter().enumerate() {
        for word in page.split_whitespace().filter(|w| w.starts_with("D-") && w.len() == 8) {
            assert_eq!(word, reference(next), "page {}: the rows come back in order", p + 1);
            next += 1;
            per_page[p] += 1;
        }
    }
    assert_eq!(next, rows, "every row comes back, once");
    // The list's pages but its first (under the cover's title) and its last hold about as many
    // rows as each other: a join that left a page short would show here.
    let listed: Vec<usize> = per_page.iter().copied().filter(|&n| n > 0).collect();
    if listed.len() > 3 {
        let middle = &listed[1..listed.len() - 1];
        let most = *middle.iter().max().unwrap_or(&0);
        let fewest = *middle.iter().min().unwrap_or(&0);
        assert!(fewest + 8 >= most, "no short page inside the list: rows per page {listed:?}");
    }
    page_texts
}

fn certificate_end(rows: usize, pages: usize) -> String {
    format!("Fin de la liste : {} dossiers. Le certificat compte {} pages.", french_count(rows), french_count(pages))
}

/// 12 000, as the template writes it (pdftotext gives the narrow space back as a space).
fn french_count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// Many small chunks in this process: the joins, the numbering and the attachment.
#[test]
fn a_list_typeset_in_small_chunks_reads_as_one() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("certificate.pdf");
    let rows = 400;
    let file = std::fs::File::create(&path).expect("create");
    let mut report = ListReport::new(Template::Certificate, &certificate_header("fr", rows), today(), file)
        .expect("start")
        .with_chunk_rows(90);
    for i in 0..rows {
        report.push(&certificate_file(i)).expect("row");
    }
    let csv = certificate_csv(rows);
    let mut attached = report.attachment(&Attachment::certificate_csv(true)).expect("attachment");
    attached.write_all(csv.as_bytes()).expect("csv");
    attached.finish().expect("attachment ends");
    let (summary, _) = report.finish().expect("finish");
    assert_eq!(summary.rows, rows as u64);

    let pages = check_list(&path, rows, &certificate_end);
    assert_eq!(pages.len(), summary.pages);
    assert!(pages[0].contains("Certificat de destruction") && pages[0].contains("exécutante"), "{}", pages[0]);
    for page in &pages[2..] {
        assert!(page.contains("CD-2026-0007") && page.contains("Référence"), "running and column headers: {page}");
    }
    let pdf = std::fs::read(&path).expect("pdf");
    let read = attachment(&pdf, "certificate.csv", "certificate.pdf").expect("readable");
    assert_eq!(read.as_deref(), Some(csv.as_bytes()), "the CSV comes back byte for byte");
}

#[test]
fn the_due_list_is_streamed_too() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("due.pdf");
    let rows = 300;
    let header = json!({ "lang": "en", "organisation": "Ville", "until": "2026-11-24", "project": null,
        "kind": "destruction", "generatedBy": "Marie (marie)", "total": rows });
    let mut report =
        ListReport::new(Template::DueList, &header, today(), std::fs::File::create(&path).expect("create"))
            .expect("start")
            .with_chunk_rows(70);
    for i in 0..rows {
        report
            .push(&json!({ "id": i, "reference": reference(i), "title": format!("Dossier {i}"), "class": "100",
                "project": null, "rule": "1", "ruleVersion": 1, "closedOn": null, "dueOn": "2026-01-31",
                "disposition": "D", "heldBy": null, "batch": null }))
            .expect("row");
    }
    report.finish().expect("finish");
    let pages = check_list(&path, rows, &|rows, pages| format!("End of the list: {rows} files on {pages} pages."));
    assert!(pages[0].contains("Due list") && pages[0].contains("Marie (marie)"), "{}", pages[0]);
    assert!(pages[1].contains("Ville — Due list") && pages[1].contains("Reference"), "{}", pages[1]);
}

/// A list with no rows still makes a PDF: the cover and an empty list.
#[test]
fn an_empty_list_is_a_cover_and_its_end() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("empty.pdf");
    let report = ListReport::new(
        Template::Certificate,
        &certificate_header("fr", 0),
        today(),
        std::fs::File::create(&path).expect("create"),
    )
    .expect("start");
    report.finish().expect("finish");
    check_list(&path, 0, &|_, pages| format!("Fin de la liste : 0 dossier. Le certificat compte {pages} pages."));
}

#[test]
fn a_row_that_is_no_object_is_refused() {
    let mut report =
        ListReport::new(Template::Certificate, &certificate_header("fr", 1), today(), Vec::new()).expect("start");
    let err = report.push(&json!([1, 2])).expect_err("not an object");
    assert!(matches!(err, ReportError::Data { .. }), "{err:?}");
    let err = ListReport::new(Template::Schedule, &json!({}), today(), Vec::new()).err().expect("not a list");
    assert!(matches!(err, ReportError::Usage { .. }), "{err:?}");
}

/// The largest memory (in KiB) a child process used to render `rows` rows of a certificate fed
/// row by row, measured by `/usr/bin/time`; checks the PDF and its attachment on the way.
fn render_in_child(dir: &Path, rows: usize) -> (u64, PathBuf) {
    let path = dir.join(format!("certificate-{rows}.pdf"));
    let peak = dir.join(format!("peak-{rows}.txt"));
    let peak_arg = peak.display().to_string();
    let started = Instant::now();
    let mut child = ListChild::start(
        Path::new("/usr/bin/time"),
        &["-f", "%M", "-o", &peak_arg, env!("CARGO_BIN_EXE_greffier-report")],
        Template::Certificate,
        &certificate_header("fr", rows),
        today(),
        &path,
    )
    .expect("child");
    for i in 0..rows {
        child.push(&certificate_file(i)).expect("row");
    }
    let csv = certificate_csv(rows);
    child.attachment(&Attachment::certificate_csv(true)).expect("attachment").write_all(csv.as_bytes()).expect("csv");
    assert_eq!(child.finish().expect("rendered"), rows as u64);
    let kib: u64 = std::fs::read_to_string(&peak)
        .expect("time's report")
        .lines()
        .last()
        .and_then(|line| line.trim().parse().ok())
        .expect("a peak in KiB");
    eprintln!("{rows} rows in a child: {:.1?}, peak {} MiB", started.elapsed(), kib / 1024);

    let pdf = std::fs::read(&path).expect("pdf");
    let read = attachment(&pdf, "certificate.csv", "certificate.pdf").expect("readable");
    assert!(read.as_deref() == Some(csv.as_bytes()), "the CSV attached is the one sent");
    assert!(!dir.join(format!("certificate-{rows}.pdf.part")).exists(), "the partial file is renamed");
    (kib, path)
}

/// 12,000 rows through the child, as the desktop sends them: all there, in order, numbered; and
/// the child's peak memory is about that of 3,000 rows (a list held whole would take four times
/// the typesetting memory).
#[test]
fn twelve_thousand_rows_stream_through_a_child_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("dir");
    let (small, _) = render_in_child(dir.path(), 3_000);
    let (large, path) = render_in_child(dir.path(), 12_000);
    check_list(&path, 12_000, &certificate_end);
    assert!(
        large < small + small / 4,
        "the peak memory grows with the list: {} MiB for 3,000 rows, {} MiB for 12,000",
        small / 1024,
        large / 1024
    );
}

/// A parent that gives up half-way (its rows' source failed) leaves no file behind.
#[test]
fn an_abandoned_child_leaves_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("abandoned.pdf");
    let mut child = ListChild::start(
        Path::new(env!("CARGO_BIN_EXE_greffier-report")),
        &[],
        Template::Certificate,
        &certificate_header("fr", 10),
        today(),
        &path,
    )
    .expect("child");
    child.push(&certificate_file(0)).expect("row");
    drop(child);
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert!(left.is_empty(), "nothing is left: {left:?}");
}

/// A bad row, or data cut short, comes back as the child's own message naming the line.
#[test]
fn the_child_names_the_line_of_bad_data() {
    let dir = tempfile::tempdir().expect("dir");
    let program = env!("CARGO_BIN_EXE_greffier-report");
    let header = serde_json::to_string(&certificate_header("fr", 2)).expect("json");
    let row = serde_json::to_string(&certificate_file(0)).expect("json");
    for (input, expected) in [
        (format!("{header}\n{row}\n[1]\n\n"), "line 3"),
        (format!("{header}\n{row}\n"), "ended before the empty line"),
        (String::new(), "the data is empty"),
        (format!("{header}\n\n{{\"name\": \"x.csv\"}}\nabc"), "mimeType"),
    ] {
        let data = dir.path().join("data.jsonl");
        std::fs::write(&data, &input).expect("write");
        let out = dir.path().join("out.pdf");
        let run = Command::new(program)
            .args(["--template", "certificate", "--today", "2026-11-24", "--input"])
            .arg(&data)
            .arg("--output")
            .arg(&out)
            .output()
            .expect("child");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success() && stderr.contains(expected), "{input:?}: {stderr}");
    }
}
