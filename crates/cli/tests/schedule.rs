//! The retention schedule printed as PDF (`greffier plan export --format pdf`) from the real BAnQ
//! schedule, read back with `pdftotext`: every series is there with the fields the Archives Act
//! regulation asks for, each copy's disposition as many times as the file has it, and the
//! classification plan attached; in French and in English.

use std::{
    path::Path,
    process::{Command, Output},
};

const PASSWORD: &str = "admin password 1";
const RECOVERY: &str = "the recovery passphrase";
/// The real BAnQ schedule the core's tests import (see crates/core/tests/data/README.md).
const BANQ: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/data/retention-schedule-banq.xml");

fn ok(vault: &Path, args: &[&str]) -> String {
    let Output { status, stdout, stderr } = Command::new(env!("CARGO_BIN_EXE_greffier"))
        .arg("--vault")
        .arg(vault)
        .args(["--user", "admin"])
        .args(args)
        .env("GREFFIER_KEYRING", "none")
        .env("GREFFIER_PASSWORD", PASSWORD)
        .env("GREFFIER_RECOVERY", RECOVERY)
        .output()
        .expect("run greffier");
    assert!(
        status.success(),
        "greffier {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&stdout),
        String::from_utf8_lossy(&stderr)
    );
    String::from_utf8_lossy(&stdout).into_owned()
}

/// The PDF's text in content order (`pdftotext -raw`), every run of white space made one space,
/// so a cell's text wrapped over lines reads as written.
fn pdf_text(path: &Path) -> String {
    let pdf = std::fs::read(path).expect("the PDF");
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let out = Command::new("pdftotext").arg("-raw").arg(path).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of every `<tag>…</tag>` of the XML file, in order.
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(open.as_str()).skip(1).filter_map(|rest| rest.split_once(close.as_str()).map(|(text, _)| text)).collect()
}

#[test]
fn the_real_schedule_prints_every_series_and_the_plan_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = dir.path().join("coffre été");
    ok(&vault, &["init", "--organisation", "Ville de Québec", "--display-name", "Hélène Côté"]);
    ok(&vault, &["plan", "import", BANQ]);
    let xml = std::fs::read_to_string(BANQ).expect("the real schedule");
    // Rule numbers are the ROW's NUMREGLE; each DELAI_ROW repeats its rule's, so keep the first
    // of each run.
    let mut numbers: Vec<&str> = elements(&xml, "NUMREGLE");
    numbers.dedup();
    assert_eq!(numbers.len(), 192, "the file's rules");
    let dispositions = elements(&xml, "ID_REF_DISPOSITION");
    assert_eq!(dispositions.len(), 405, "the file's copies");
    let count = |code: &str| dispositions.iter().filter(|d| d.trim() == code).count();

    let fr_pdf = dir.path().join("calendrier été.pdf");
    let out = ok(&vault, &["--lang", "fr", "plan", "export", "--format", "pdf", fr_pdf.to_str().expect("utf-8")]);
    assert!(out.contains("Plan exporté"), "{out}");
    let fr = pdf_text(&fr_pdf);
    for expected in [
        "VILLE DE QUÉBEC",
        "Calendrier de conservation",
        "Organisme public : Ville de Québec",
        "Séries : 192",
        "Produit par : Hélène Côté (admin)",
        // Rule 0002 as the file states it, every field the regulation asks for.
        "Série 0002 — Mission et mandat",
        "version 1, en vigueur le",
        "Description des documents : Documents relatifs à la mission, aux orientations et aux mandats de BAnQ.",
        "Types de documents : Correspondance; Étude; Rapport; Plan",
        "Unité détentrice de l'exemplaire principal : Présidence et direction générale et direction du Bureau de la présidence",
        "Classes du plan : A120 Mission et mandat",
        "Événement déclencheur : fermeture du dossier",
        "Documents essentiels / confidentiels : oui / non",
        "principal papier, numérique tant que le document sert (999) 5 ans conserver ou verser aux archives (C)",
        "secondaire papier, numérique tant que le document sert (999) 0 an détruire (D)",
        // Numbered remarks one per line, the file's indentation folded (rule 0011).
        "Remarques sur les délais : R1 : Jusqu’à la sanction ou la fermeture du dossier plus 1 an. R2 : Jusqu’à la sanction ou la fermeture du dossier.",
        // The plan, attached, with the rules of each class.
        "Annexe — Plan de classification",
        "A120 Mission et mandat règle 0002",
        "A310 Conseil d’administration – dossier administratif du conseil règles 0005, 0006",
    ] {
        assert!(fr.contains(expected), "“{expected}” missing from the French schedule");
    }
    for number in &numbers {
        assert!(fr.contains(&format!("Série {number} — ")), "series {number} missing");
    }
    for (code, label) in
        [("C", "conserver ou verser aux archives (C)"), ("D", "détruire (D)"), ("T", "trier ou échantillonner (T)")]
    {
        assert_eq!(fr.matches(label).count(), count(code), "copies with disposition {code}");
    }
    assert!(fr.matches("jusqu'à un événement (888)").count() > 0, "the 888 code in words");

    let en_pdf = dir.path().join("schedule.pdf");
    ok(&vault, &["--lang", "en", "plan", "export", "--format", "pdf", en_pdf.to_str().expect("utf-8")]);
    let en = pdf_text(&en_pdf);
    for expected in [
        "Retention schedule",
        "Public body: Ville de Québec",
        "Series 0002 — Mission et mandat",
        "Unit holding the principal copy: Présidence et direction générale",
        "principal paper, digital while in use (999) 5 years keep permanently or transfer to archives (C)",
        "Appendix — Classification plan",
        "A120 Mission et mandat rule 0002",
    ] {
        assert!(en.contains(expected), "“{expected}” missing from the English schedule");
    }
    assert_eq!(en.matches("destroy (D)").count(), count("D"));
}
