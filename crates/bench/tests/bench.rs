//! The generator's output read back as a stranger would, and the peers run on it.
#![allow(clippy::unwrap_used)]

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use greffier_bench::{
    fts5_import, generate, latency, peak_rss_kib, query_mix, sqlite3_import_counted, BenchError, QueryKind,
    FILES_COLUMNS, PERSONS_COLUMNS,
};

const FILES: usize = 2_000;
const SEED: u64 = 20_240_611;

/// The leaf classes of the sample plan, as a caller would pass them.
fn sample_classes() -> Vec<String> {
    let plan = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/data/sample-plan.csv");
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').flexible(true).from_path(plan).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).filter(|r| &r[0] == "classe").collect();
    let parents: HashSet<&str> = rows.iter().map(|r| &r[2]).collect();
    let leaves: Vec<String> = rows.iter().map(|r| r[1].to_string()).filter(|c| !parents.contains(c.as_str())).collect();
    assert!(leaves.len() > 50, "the sample plan has dozens of leaf classes, found {}", leaves.len());
    leaves
}

fn read(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| headers.iter().map(String::from).zip(r.unwrap().iter().map(String::from)).collect())
        .collect()
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("{text:?} is not a date: {e}"))
}

fn words(text: &str) -> usize {
    text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
}

fn luhn(digits: &str) -> bool {
    let digits: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 =
        digits.iter().rev().enumerate().map(|(i, &d)| if i % 2 == 1 { (d * 2) / 10 + (d * 2) % 10 } else { d }).sum();
    sum.is_multiple_of(10)
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_does_not() {
    let classes = sample_classes();
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let a = generate(dirs[0].path(), FILES, SEED, &classes).unwrap();
    let b = generate(dirs[1].path(), FILES, SEED, &classes).unwrap();
    let c = generate(dirs[2].path(), FILES, SEED + 1, &classes).unwrap();
    for (x, y) in [(&a.files_csv, &b.files_csv), (&a.persons_csv, &b.persons_csv)] {
        assert!(fs::read(x).unwrap() == fs::read(y).unwrap(), "{} differs between two runs of one seed", x.display());
    }
    assert_eq!((a.files, a.persons, a.links, a.bytes), (b.files, b.persons, b.links, b.bytes));
    assert_ne!(fs::read(&a.files_csv).unwrap(), fs::read(&c.files_csv).unwrap(), "another seed, other files");
    assert_ne!(fs::read(&a.persons_csv).unwrap(), fs::read(&c.persons_csv).unwrap(), "another seed, other persons");
}

#[test]
fn the_files_are_well_formed_and_plausible() {
    let classes = sample_classes();
    let dir = tempfile::tempdir().unwrap();
    let report = generate(dir.path(), FILES, SEED, &classes).unwrap();
    let size = fs::metadata(&report.files_csv).unwrap().len() + fs::metadata(&report.persons_csv).unwrap().len();
    assert_eq!(report.bytes, size);

    let mut reader = csv::Reader::from_path(&report.files_csv).unwrap();
    assert!(reader.headers().unwrap().iter().eq(FILES_COLUMNS));
    let files = read(&report.files_csv);
    assert_eq!(files.len(), FILES);
    assert_eq!(report.files, FILES);

    let known: HashSet<&str> = classes.iter().map(String::as_str).collect();
    let mut references = HashSet::new();
    let mut per_class: HashMap<&str, usize> = HashMap::new();
    let (mut no_project, mut open, mut contract, mut activity, mut no_notes, mut french) = (0, 0, 0, 0, 0, 0);
    for f in &files {
        let reference = &f["reference"];
        assert!(references.insert(reference.clone()), "{reference} appears twice");
        let opened = date(&f["opened"]);
        assert!(reference.starts_with(&format!("D-{}-", &f["opened"][..4])), "{reference} carries its year");
        assert!(date("1996-01-01") <= opened && opened <= date("2026-10-31"), "{opened}");
        assert!(known.contains(f["class"].as_str()), "{} is not a leaf class", f["class"]);
        *per_class.entry(&f["class"]).or_default() += 1;
        match f["project"].as_str() {
            "" => no_project += 1,
            p => assert!(p.len() == 6 && p.starts_with("PRJ-") && (1..=12).contains(&p[4..].parse::<u32>().unwrap())),
        }
        assert!((3..=12).contains(&words(&f["title"])), "title of {} words: {}", words(&f["title"]), f["title"]);
        let description = words(&f["description"]);
        assert!((10..=40).contains(&description), "description of {description} words: {}", f["description"]);
        assert!((1..=4).contains(&f["keywords"].split(';').count()), "{}", f["keywords"]);
        let closed = f["closed"].as_str();
        if closed.is_empty() {
            open += 1;
            assert_eq!(f["status"], "active", "a file without a closing date is active");
        } else {
            assert!(date(closed) >= opened, "{reference} closed before it opened");
            assert!(["semi_active", "inactive"].contains(&f["status"].as_str()), "{}", f["status"]);
        }
        for column in ["contract_ended", "last_activity"] {
            if !f[column].is_empty() {
                assert!(date(&f[column]) >= opened, "{reference}: {column} before opened");
                if !closed.is_empty() {
                    assert!(date(&f[column]) <= date(closed), "{reference}: {column} after closed");
                }
            }
        }
        contract += usize::from(!f["contract_ended"].is_empty());
        activity += usize::from(!f["last_activity"].is_empty());
        no_notes += usize::from(f["notes"].is_empty());
        assert!(!f["holder"].is_empty());
        match f["medium"].as_str() {
            "paper" => assert!(f["location"].starts_with("Étagère "), "{}", f["location"]),
            "digital" => assert_eq!(f["location"], format!(r"\\serveur\dossiers\{}\{reference}", &f["opened"][..4])),
            "hybrid" => assert!(f["location"].starts_with("Étagère ") && f["location"].ends_with(reference.as_str())),
            other => panic!("medium {other}"),
        }
        let sensitivities = ["public", "internal", "confidential", "personal", "highly_sensitive"];
        assert!(sensitivities.contains(&f["sensitivity"].as_str()), "{}", f["sensitivity"]);
        let text = format!("{} {}", f["title"], f["description"]).to_lowercase();
        french += usize::from([" de ", " la ", " le ", " du ", "dossier"].iter().any(|w| text.contains(w)));
    }
    let share = |n: usize| n as f64 / FILES as f64;
    assert!((0.5..0.7).contains(&share(no_project)), "about 60% without a project: {}", share(no_project));
    assert!((0.18..0.32).contains(&share(open)), "about 25% still open: {}", share(open));
    assert!((0.06..0.14).contains(&share(contract)), "about 10% with an end of contract: {}", share(contract));
    assert!((0.24..0.36).contains(&share(activity)), "about 30% with a last activity: {}", share(activity));
    assert!((0.64..0.76).contains(&share(no_notes)), "about 70% without notes: {}", share(no_notes));
    assert!((0.55..0.8).contains(&share(french)), "about two thirds in French: {}", share(french));
    let most = per_class.values().max().unwrap();
    assert!(*most > 5 * FILES / classes.len(), "one class is far more used than the average: {most}");

    let mut reader = csv::Reader::from_path(&report.persons_csv).unwrap();
    assert!(reader.headers().unwrap().iter().eq(PERSONS_COLUMNS));
    let links = read(&report.persons_csv);
    assert_eq!(links.len(), report.links);
    assert!((0.45..0.75).contains(&share(links.len())), "about 0.6 links a file: {}", share(links.len()));
    let dated: HashMap<&str, NaiveDate> = files.iter().map(|f| (f["reference"].as_str(), date(&f["opened"]))).collect();
    let mut identities: HashMap<&str, [&str; 5]> = HashMap::new();
    let mut pairs = HashSet::new();
    for link in &links {
        let opened = dated.get(link["file"].as_str()).unwrap_or_else(|| panic!("{} is no file", link["file"]));
        assert!(pairs.insert((&link["file"], &link["person"])), "a person is linked once to a file");
        let identity = [
            link["last_name"].as_str(),
            &link["first_name"],
            &link["birth_date"],
            &link["identifier_type"],
            &link["identifier"],
        ];
        let first = *identities.entry(&link["person"]).or_insert(identity);
        assert_eq!(first, identity, "{} is the same person on every row", link["person"]);
        let born = date(&link["birth_date"]);
        assert!(date("1930-01-01") <= born && born <= date("2010-12-31"), "{born}");
        let id = link["identifier"].as_str();
        let digits = id.chars().filter(char::is_ascii_digit).count();
        match link["identifier_type"].as_str() {
            "sin" => {
                assert!(id.len() == 11 && digits == 9 && &id[3..4] == " " && &id[7..8] == " ", "{id}");
                assert!(luhn(id), "{id} fails the Luhn check");
            }
            "health_insurance" => {
                assert!(id.len() == 14 && id[..4].chars().all(|c| c.is_ascii_uppercase()) && digits == 8, "{id}");
                assert_eq!(&id[5..7], &link["birth_date"][2..4], "{id} carries the year of birth");
            }
            "driver_licence" => assert!(id.len() == 13 && id.as_bytes()[0].is_ascii_uppercase() && digits == 12),
            "client_number" | "employee_number" => assert!(!id.is_empty()),
            other => panic!("identifier type {other}"),
        }
        let categories: Vec<&str> = link["categories"].split(';').collect();
        assert!((1..=4).contains(&categories.len()), "{}", link["categories"]);
        assert!(categories.iter().all(|c| [
            "sin",
            "health_insurance_number",
            "driver_licence",
            "date_of_birth",
            "contact",
            "financial",
            "health",
            "family",
            "employment",
            "education",
            "judicial"
        ]
        .contains(c)));
        assert!(!link["purpose"].is_empty());
        match link["consent"].as_str() {
            "" => assert!(link["consent_date"].is_empty() && link["consent_source"].is_empty()),
            "yes" | "no" => {
                assert!(!link["consent_source"].is_empty());
                if !link["consent_date"].is_empty() {
                    assert!(date(&link["consent_date"]) >= *opened);
                }
            }
            other => panic!("consent {other}"),
        }
    }
    assert_eq!(identities.len(), report.persons);
    let repeated = identities.keys().filter(|p| links.iter().filter(|l| l["person"] == **p).count() > 1).count();
    assert!(repeated > identities.len() / 5, "many persons appear in several files: {repeated}");
}

#[test]
fn fts5_finds_every_query_of_the_mix_keyed_or_not() {
    let dir = tempfile::tempdir().unwrap();
    let report = generate(&dir.path().join("data"), FILES, SEED, &sample_classes()).unwrap();
    let mix = query_mix();
    assert!(mix.len() >= 24);
    for kind in [QueryKind::Word, QueryKind::Phrase, QueryKind::Prefix, QueryKind::Accented, QueryKind::Field] {
        assert!(mix.iter().any(|q| q.kind == kind), "the mix has {kind:?} queries");
    }

    let (_, plain) = fts5_import(&report.files_csv, &dir.path().join("plain"), None).unwrap();
    assert_eq!(plain.rows(), FILES as u64);
    let mut heaviest_selective = 0;
    let mut lightest_heavy = u64::MAX;
    for query in &mix {
        let hits = plain.hits(&query.fts5).unwrap_or_else(|e| panic!("{}: {e}", query.fts5));
        assert!(hits > 0, "{} ({}) finds nothing", query.label, query.fts5);
        let top = plain.query(&query.fts5, 20).unwrap();
        assert_eq!(top.len() as u64, hits.min(20), "{}", query.label);
        if query.kind == QueryKind::Heavy {
            lightest_heavy = lightest_heavy.min(hits);
        } else if query.label.starts_with("rare") {
            heaviest_selective = heaviest_selective.max(hits);
        }
    }
    assert!(lightest_heavy > 10 * heaviest_selective, "heavy {lightest_heavy} vs rare {heaviest_selective}");
    assert_eq!(plain.query("québec", 20).unwrap(), plain.query("quebec", 20).unwrap(), "accents are folded");

    let key = [7u8; 32];
    let (_, keyed) = fts5_import(&report.files_csv, &dir.path().join("keyed"), Some(&key)).unwrap();
    assert_eq!(keyed.query("inspection", 20).unwrap(), plain.query("inspection", 20).unwrap());
    let path = keyed.path().to_path_buf();
    keyed.remove().unwrap();
    assert!(!path.exists());
    // The plain database's header is SQLite's; a keyed one's would be noise.
    let header = fs::read(plain.path()).unwrap();
    assert!(header.starts_with(b"SQLite format 3"));
    plain.remove().unwrap();
}

#[test]
fn a_keyed_fts5_database_is_unreadable_without_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let report = generate(&dir.path().join("data"), 50, SEED, &sample_classes()).unwrap();
    let (_, keyed) = fts5_import(&report.files_csv, dir.path(), Some(&[9u8; 32])).unwrap();
    let path = keyed.path().to_path_buf();
    drop(keyed);
    let bytes = fs::read(&path).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3"), "SQLCipher encrypts the header too");
}

#[test]
fn sqlite3_imports_every_row_and_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let report = generate(&dir.path().join("data"), FILES, SEED, &sample_classes()).unwrap();
    let work = dir.path().join("work");
    let (elapsed, rows) = sqlite3_import_counted(&report.files_csv, &work).unwrap();
    assert_eq!(rows, FILES as u64, "the header row names the columns, every other row is a file");
    assert!(elapsed > Duration::ZERO);
    assert!(!work.join("peer.db").exists(), "the peer's database is deleted");
}

#[test]
fn a_malformed_csv_is_refused_by_both_peers() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("files.csv");
    fs::write(&csv, "reference,class\nD-1,100\n").unwrap();
    assert!(matches!(fts5_import(&csv, dir.path(), None), Err(BenchError::NotFilesCsv { .. })));
    let quoted = dir.path().join("it's.csv");
    fs::write(&quoted, "a\n1\n").unwrap();
    assert!(matches!(sqlite3_import_counted(&quoted, dir.path()), Err(BenchError::UnquotablePath { .. })));
}

#[test]
fn no_classes_no_register() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(generate(dir.path(), 10, 1, &[]), Err(BenchError::NoClasses)));
}

#[test]
fn a_plan_with_other_codes_still_gets_every_area() {
    let dir = tempfile::tempdir().unwrap();
    let classes: Vec<String> = ["A.1", "B.2", "C.3", "Z"].iter().map(|c| c.to_string()).collect();
    let report = generate(dir.path(), 300, 3, &classes).unwrap();
    let files = read(&report.files_csv);
    assert!(files.iter().all(|f| classes.contains(&f["class"])));
    let none = generate(&PathBuf::from(dir.path()).join("one"), 0, 3, &classes).unwrap();
    assert_eq!((none.files, none.links, none.persons), (0, 0, 0));
}

#[test]
fn latency_takes_nearest_ranks() {
    let mut samples: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
    assert_eq!(latency(&mut samples), (Duration::from_millis(50), Duration::from_millis(95)));
    let mut one = [Duration::from_millis(3)];
    assert_eq!(latency(&mut one), (Duration::from_millis(3), Duration::from_millis(3)));
    assert_eq!(latency(&mut []), (Duration::ZERO, Duration::ZERO));
    assert!(peak_rss_kib().is_some_and(|kib| kib > 0), "Linux reports VmHWM");
}
