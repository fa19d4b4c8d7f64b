//! The seeded synthetic register: `files.csv` (one file of the register a row) and `persons.csv`
//! (one link between a file and a person a row), written as they are drawn, so that a million
//! files take no more memory than ten. The same `(files, seed, class_codes)` gives the same bytes.

mod identity;
mod queries;
mod text;
mod vocab;

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;

pub use queries::{query_mix, BenchQuery, QueryKind};

use crate::error::{io_error, BenchError};
use identity::{identity, CATEGORIES};
use text::{Context, Lang, Skew, Zipf};
use vocab::{Area, AREAS, HOLDERS, HR_AREA, KEYWORDS_EN, KEYWORDS_FR, NOTES_EN, NOTES_FR, PURPOSES};

/// The columns of `files.csv`, in order.
pub const FILES_COLUMNS: [&str; 16] = [
    "reference",
    "class",
    "project",
    "title",
    "description",
    "keywords",
    "opened",
    "closed",
    "contract_ended",
    "last_activity",
    "holder",
    "location",
    "medium",
    "sensitivity",
    "status",
    "notes",
];

/// The columns of `persons.csv`, in order.
pub const PERSONS_COLUMNS: [&str; 12] = [
    "file",
    "person",
    "last_name",
    "first_name",
    "birth_date",
    "identifier_type",
    "identifier",
    "categories",
    "purpose",
    "consent",
    "consent_date",
    "consent_source",
];

/// What [`generate`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GenerateReport {
    /// Rows of `files.csv`.
    pub files: usize,
    /// Distinct persons named in `persons.csv`.
    pub persons: usize,
    /// Rows of `persons.csv`.
    pub links: usize,
    pub files_csv: PathBuf,
    pub persons_csv: PathBuf,
    /// Size of the two files together.
    pub bytes: u64,
}

/// Writes `files.csv` and `persons.csv` into `out_dir` (made if missing): `files` files of the
/// register, classed in `class_codes` (the leaf classes of a plan, some much more used than
/// others), and their links to a pool of about `files / 3` persons.
pub fn generate(out_dir: &Path, files: usize, seed: u64, class_codes: &[String]) -> Result<GenerateReport, BenchError> {
    if class_codes.is_empty() {
        return Err(BenchError::NoClasses);
    }
    fs::create_dir_all(out_dir).map_err(io_error(out_dir))?;
    let files_csv = out_dir.join("files.csv");
    let persons_csv = out_dir.join("persons.csv");
    let mut files_out = CsvOut::create(&files_csv)?;
    let mut persons_out = CsvOut::create(&persons_csv)?;
    files_out.write(&FILES_COLUMNS)?;
    persons_out.write(&PERSONS_COLUMNS)?;

    let mut rng = StdRng::seed_from_u64(seed);
    let generator = Generator::new(class_codes, seed, files, &mut rng);
    let mut row = FileRow::default();
    let mut persons_seen = vec![0u64; generator.pool.div_ceil(64)];
    let mut links = 0;
    for seq in 1..=files {
        generator.file(&mut rng, seq, &mut row);
        files_out.write(&row.fields())?;
        for person in &row.persons {
            persons_out.write(&person.fields(&row.reference))?;
            persons_seen[person.index / 64] |= 1 << (person.index % 64);
            links += 1;
        }
    }
    let bytes = files_out.finish()? + persons_out.finish()?;
    Ok(GenerateReport {
        files,
        persons: persons_seen.iter().map(|w| w.count_ones() as usize).sum(),
        links,
        files_csv,
        persons_csv,
        bytes,
    })
}

/// The first day a file may be opened, and the last day of any date of the register.
const START: NaiveDate = day(1996, 1, 1);
const END: NaiveDate = day(2026, 10, 31);

const fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("a valid date"),
    }
}

/// The date `days` after the start of the common era. Every date drawn here lies between 1930
/// and 2027, far within chrono's range, so the fallback is never taken.
fn date_of(days: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(days).unwrap_or(START)
}

fn push_date(out: &mut String, date: NaiveDate) {
    let _ = write!(out, "{:04}-{:02}-{:02}", date.year(), date.month(), date.day());
}

/// Which area of `AREAS` a class belongs to: its top-level number in the sample plan (`100` to
/// `600`); a code of another plan is spread over the areas by a hash of its text.
fn area_of(code: &str) -> usize {
    match code.as_bytes().first() {
        Some(&digit @ b'1'..=b'6') => usize::from(digit - b'1'),
        _ => {
            // FNV-1a: stable across runs and platforms, unlike the standard library's hasher.
            let hash =
                code.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
            (hash % AREAS.len() as u64) as usize
        }
    }
}

/// Everything drawn once per run: the classes' ranks and the probabilities that follow from them.
struct Generator<'a> {
    seed: u64,
    /// Class codes from the most used to the least, with their area.
    classes: Vec<(&'a str, usize)>,
    class_draw: Zipf,
    skew: Skew,
    /// Number of distinct persons files may link to.
    pool: usize,
    /// Probability that a file of the HR area, or of another, has an end-of-contract date.
    contract_ended: (f64, f64),
    /// Probability that a file of a personal area, or of another, links to at least one person.
    linked: (f64, f64),
}

/// Share of files with an end-of-contract date, and the part of them in the HR area.
const CONTRACT_ENDED: f64 = 0.10;
const CONTRACT_ENDED_IN_HR: f64 = 0.7;
/// Person links per file on average, and how many times more a file of a personal area has.
const LINKS_PER_FILE: f64 = 0.6;
const PERSONAL_FACTOR: f64 = 2.5;
/// How many persons a file with links names: 1, 2 or 3, in these proportions.
const LINK_COUNTS: [u32; 3] = [70, 22, 8];

impl<'a> Generator<'a> {
    fn new(class_codes: &'a [String], seed: u64, files: usize, rng: &mut StdRng) -> Generator<'a> {
        let mut classes: Vec<(&str, usize)> = class_codes.iter().map(|c| (c.as_str(), area_of(c))).collect();
        // Which classes are the common ones is part of what the seed decides.
        classes.shuffle(rng);
        let class_draw = Zipf::new(classes.len(), 1.0);
        let share = |pred: &dyn Fn(usize) -> bool| {
            class_draw.share(classes.iter().enumerate().filter(|(_, (_, area))| pred(*area)).map(|(i, _)| i))
        };

        // Solve for per-area probabilities that keep the overall rates whatever the skew gave.
        let hr = share(&|area| area == HR_AREA);
        let contract_ended = if hr <= 0.0 {
            (0.0, CONTRACT_ENDED)
        } else if hr >= 1.0 {
            (CONTRACT_ENDED, 0.0)
        } else {
            let in_hr = (CONTRACT_ENDED * CONTRACT_ENDED_IN_HR / hr).min(0.9);
            (in_hr, ((CONTRACT_ENDED - in_hr * hr) / (1.0 - hr)).clamp(0.0, 1.0))
        };
        let personal = share(&|area| AREAS[area].personal);
        let other_mean = LINKS_PER_FILE / (1.0 + (PERSONAL_FACTOR - 1.0) * personal);
        let per_linked_file = LINK_COUNTS.iter().enumerate().map(|(i, &w)| (i + 1) as f64 * f64::from(w)).sum::<f64>()
            / f64::from(LINK_COUNTS.iter().sum::<u32>());
        let linked =
            ((other_mean * PERSONAL_FACTOR / per_linked_file).min(0.95), (other_mean / per_linked_file).min(0.95));

        Generator { seed, classes, class_draw, skew: Skew::new(), pool: (files / 3).max(1), contract_ended, linked }
    }

    /// Draws file number `seq` (from 1) into `row`.
    fn file(&self, rng: &mut StdRng, seq: usize, row: &mut FileRow) {
        row.clear();
        let (class, area_index) = self.classes[self.class_draw.sample(rng)];
        let area = &AREAS[area_index];
        let lang = if rng.gen_bool(0.65) { Lang::Fr } else { Lang::En };

        let start = START.num_days_from_ce();
        let end = END.num_days_from_ce();
        let opened = rng.gen_range(start..=end);
        let opened_date = date_of(opened);
        let year = opened_date.year();
        let _ = write!(row.reference, "D-{year}-{seq:06}");
        row.class.push_str(class);
        if rng.gen_bool(0.4) {
            let _ = write!(row.project, "PRJ-{:02}", self.skew.pick(rng, &PROJECTS));
        }

        // Persons come first: the title names the first of them.
        let linked = if area.personal { self.linked.0 } else { self.linked.1 };
        if rng.gen_bool(linked) {
            let count = match rng.gen_range(0..LINK_COUNTS.iter().sum::<u32>()) {
                n if n < LINK_COUNTS[0] => 1,
                n if n < LINK_COUNTS[0] + LINK_COUNTS[1] => 2,
                _ => 3,
            }
            .min(self.pool);
            while row.persons.len() < count {
                let index = rng.gen_range(0..self.pool);
                if row.persons.iter().all(|p| p.index != index) {
                    let link = self.link(rng, index, area, opened);
                    row.persons.push(link);
                }
            }
        }

        let ctx = Context {
            lang,
            year,
            opened,
            person: row.persons.first().map(|p| (p.identity.first_name, p.identity.last_name, p.identity.female)),
        };
        text::title(area, &ctx, rng, &self.skew, &mut row.title);
        text::description(area, &ctx, rng, &self.skew, &mut row.description, &mut row.scratch);
        self.keywords(rng, area, lang, &mut row.keywords);

        push_date(&mut row.opened, opened_date);
        let closed = rng.gen_bool(0.75).then(|| {
            // Most files close within a few years; the square skews the draw towards short spans.
            let span = (rng.gen::<f64>().powi(2) * 3650.0) as i32;
            (opened + span).min(end)
        });
        if let Some(closed) = closed {
            push_date(&mut row.closed, date_of(closed));
        }
        let last = closed.unwrap_or(end);
        let contract_ended = if area_index == HR_AREA { self.contract_ended.0 } else { self.contract_ended.1 };
        if rng.gen_bool(contract_ended) {
            push_date(&mut row.contract_ended, date_of(rng.gen_range(opened..=last)));
        }
        if rng.gen_bool(0.3) {
            push_date(&mut row.last_activity, date_of(rng.gen_range(opened..=last)));
        }

        row.holder = if rng.gen_bool(0.85) {
            HOLDERS[area.holders[rng.gen_range(0..area.holders.len())]]
        } else {
            HOLDERS[rng.gen_range(0..HOLDERS.len())]
        };
        // Paper gives way to digital over the years.
        let (paper, hybrid) = match year {
            ..2005 => (70, 15),
            2005..2015 => (40, 25),
            _ => (15, 20),
        };
        let medium = rng.gen_range(0..100);
        row.medium = if medium < paper {
            "paper"
        } else if medium < paper + hybrid {
            "hybrid"
        } else {
            "digital"
        };
        if row.medium != "digital" {
            let _ = write!(row.location, "Étagère {}, boîte {}", rng.gen_range(1..=80), rng.gen_range(1..=999));
        }
        if row.medium == "hybrid" {
            row.location.push_str(" et ");
        }
        if row.medium != "paper" {
            let _ = write!(row.location, r"\\serveur\dossiers\{year}\{}", row.reference);
        }
        row.sensitivity = SENSITIVITIES[weighted(rng, &area.sensitivity)];
        row.status = match closed {
            None => "active",
            // Closed in the last five years: mostly still kept at hand (semi-active).
            Some(closed) if closed > end - 5 * 365 => ["semi_active", "inactive"][usize::from(rng.gen_bool(0.2))],
            Some(_) => ["inactive", "semi_active"][usize::from(rng.gen_bool(0.2))],
        };
        if rng.gen_bool(0.3) {
            let notes = if lang == Lang::Fr { NOTES_FR } else { NOTES_EN };
            text::render(notes[rng.gen_range(0..notes.len())], &ctx, rng, &self.skew, &mut row.notes);
        }
    }

    /// One to four distinct keywords, most from the file's area, separated by `;`.
    fn keywords(&self, rng: &mut StdRng, area: &Area, lang: Lang, out: &mut String) {
        let (own, general) = match lang {
            Lang::Fr => (area.keywords_fr, KEYWORDS_FR),
            Lang::En => (area.keywords_en, KEYWORDS_EN),
        };
        let count = rng.gen_range(1..=4);
        let mut chosen: Vec<&str> = Vec::with_capacity(count);
        // Bounded, so that a short list cannot keep the loop turning.
        for _ in 0..16 {
            let list = if rng.gen_bool(0.7) { own } else { general };
            let keyword = *self.skew.pick(rng, list);
            if !chosen.contains(&keyword) {
                chosen.push(keyword);
            }
            if chosen.len() == count {
                break;
            }
        }
        for (i, keyword) in chosen.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(keyword);
        }
    }

    /// The link between the file being drawn and person number `index`.
    fn link(&self, rng: &mut StdRng, index: usize, area: &Area, opened: i32) -> PersonLink {
        let identity = identity(self.seed, index, &self.skew);
        // The identifier's own category, if any, then others up to one to four.
        let count = rng.gen_range(1..=4);
        let mut categories = 0u16;
        if let Some(category) = identity.identifier_type.category() {
            categories |= 1 << category;
        }
        while (categories.count_ones() as usize) < count {
            categories |= 1 << rng.gen_range(0..CATEGORIES.len());
        }
        let mut category_list = String::new();
        for (_, name) in CATEGORIES.iter().enumerate().filter(|(i, _)| categories & (1 << i) != 0) {
            if !category_list.is_empty() {
                category_list.push(';');
            }
            category_list.push_str(name);
        }
        let purpose =
            if rng.gen_bool(0.75) { PURPOSES[area.purpose] } else { PURPOSES[rng.gen_range(0..PURPOSES.len())] };
        let consent = match rng.gen_range(0..100) {
            0..50 => "yes",
            50..65 => "no",
            _ => "",
        };
        let mut consent_date = String::new();
        let mut consent_source = "";
        if !consent.is_empty() {
            if rng.gen_bool(0.85) {
                push_date(&mut consent_date, date_of((opened + rng.gen_range(0..=180)).min(END.num_days_from_ce())));
            }
            consent_source = ["formulaire papier", "portail en ligne", "verbal"][rng.gen_range(0..3)];
        }
        PersonLink { index, identity, categories: category_list, purpose, consent, consent_date, consent_source }
    }
}

const PROJECTS: [u32; 12] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const SENSITIVITIES: [&str; 5] = ["public", "internal", "confidential", "personal", "highly_sensitive"];

/// An index of `weights` drawn in proportion to them.
fn weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
    let mut x = rng.gen_range(0..weights.iter().sum::<u32>());
    for (i, &w) in weights.iter().enumerate() {
        if x < w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// One row of `files.csv` and its links, with buffers reused from row to row.
#[derive(Default)]
struct FileRow {
    reference: String,
    class: String,
    project: String,
    title: String,
    description: String,
    keywords: String,
    opened: String,
    closed: String,
    contract_ended: String,
    last_activity: String,
    holder: &'static str,
    location: String,
    medium: &'static str,
    sensitivity: &'static str,
    status: &'static str,
    notes: String,
    persons: Vec<PersonLink>,
    scratch: String,
}

impl FileRow {
    fn clear(&mut self) {
        for field in [
            &mut self.reference,
            &mut self.class,
            &mut self.project,
            &mut self.title,
            &mut self.description,
            &mut self.keywords,
            &mut self.opened,
            &mut self.closed,
            &mut self.contract_ended,
            &mut self.last_activity,
            &mut self.location,
            &mut self.notes,
        ] {
            field.clear();
        }
        self.persons.clear();
    }

    /// The row in the order of `FILES_COLUMNS`.
    fn fields(&self) -> [&str; 16] {
        [
            &self.reference,
            &self.class,
            &self.project,
            &self.title,
            &self.description,
            &self.keywords,
            &self.opened,
            &self.closed,
            &self.contract_ended,
            &self.last_activity,
            self.holder,
            &self.location,
            self.medium,
            self.sensitivity,
            self.status,
            &self.notes,
        ]
    }
}

struct PersonLink {
    index: usize,
    identity: identity::Identity,
    categories: String,
    purpose: &'static str,
    consent: &'static str,
    consent_date: String,
    consent_source: &'static str,
}

impl PersonLink {
    /// The row in the order of `PERSONS_COLUMNS`.
    fn fields<'a>(&'a self, file: &'a str) -> [&'a str; 12] {
        let id = &self.identity;
        [
            file,
            &id.key,
            id.last_name,
            id.first_name,
            &id.birth_date,
            id.identifier_type.as_str(),
            &id.identifier,
            &self.categories,
            self.purpose,
            self.consent,
            &self.consent_date,
            self.consent_source,
        ]
    }
}

/// A CSV file being written, with the path its errors name.
struct CsvOut {
    path: PathBuf,
    writer: csv::Writer<BufWriter<File>>,
}

impl CsvOut {
    fn create(path: &Path) -> Result<CsvOut, BenchError> {
        let file = File::create(path).map_err(io_error(path))?;
        // The csv writer's own buffer is small; a larger one halves the write calls of a big run.
        let writer = csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 20, file));
        Ok(CsvOut { path: path.to_path_buf(), writer })
    }

    fn write(&mut self, record: &[&str]) -> Result<(), BenchError> {
        self.writer.write_record(record).map_err(|source| BenchError::Csv { path: self.path.clone(), source })
    }

    /// Flushes the file and returns its size.
    fn finish(mut self) -> Result<u64, BenchError> {
        self.writer.flush().map_err(io_error(&self.path))?;
        let inner =
            self.writer.into_inner().map_err(|e| BenchError::Io { path: self.path.clone(), source: e.into_error() })?;
        let file =
            inner.into_inner().map_err(|e| BenchError::Io { path: self.path.clone(), source: e.into_error() })?;
        Ok(file.metadata().map_err(io_error(&self.path))?.len())
    }
}
