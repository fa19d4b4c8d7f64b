//! Bulk import of files and persons from CSV or XLSX, as the plan's import: the whole input is
//! checked first and every bad row reported with its row and column, and nothing is imported
//! unless all of it can be. CSV is streamed twice (check, then write), so a million rows do not
//! sit in memory; UTF-8 or Windows-1252, comma, semicolon or tab.
//!
//! The write is one register transaction: a crash or a cancel leaves the register as it was.
//! The index is fed from that transaction (it reads its own uncommitted rows) while tantivy's
//! threads index, and commits once the register has.

use std::{
    collections::{hash_map::DefaultHasher, HashMap},
    fs::File,
    hash::{Hash, Hasher},
    io::{BufReader, Read},
    path::Path,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::{
    audit::{self, AuditAction, NewEvent},
    clock::stamp,
    plan_table::{normalise, parse_date},
    project::Sensitivity,
    register::{
        due_dates, next_change, normalize_identifier, over_length, parse_category, Calendar, Consent, FileDates,
        FileStatus, IdentifierKind, Medium, RegisterError, TextField,
    },
    users::Session,
    CellIssue, CellProblem, Error, Lang, Permission, UserMessage, Vault,
};

const MAX_LISTED: usize = 50;

/// The columns of a files sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum FileColumn {
    Reference,
    Class,
    Rule,
    Project,
    Title,
    Description,
    Keywords,
    Opened,
    Closed,
    ContractEnded,
    LastActivity,
    Holder,
    Location,
    Medium,
    Sensitivity,
    Status,
    Notes,
    /// Computed columns of an export: read back and ignored.
    RuleVersion,
    ActiveUntil,
    FinalDate,
    Disposition,
}

impl FileColumn {
    fn from_header(header: &str) -> Option<FileColumn> {
        use FileColumn::*;
        Some(match normalise(header).trim_matches('_') {
            "reference" | "ref" | "no_dossier" | "numero_dossier" | "numero" | "cote" => Reference,
            "class" | "classe" | "class_code" | "code_classe" | "code_de_classification" => Class,
            "rule" | "regle" | "numero_regle" => Rule,
            "project" | "projet" => Project,
            "title" | "titre" => Title,
            "description" => Description,
            "keywords" | "mots_cles" | "mot_cles" => Keywords,
            "opened" | "opened_on" | "ouverture" | "ouvert" | "ouvert_le" | "date_ouverture" | "date_d_ouverture" => {
                Opened
            }
            "closed" | "closed_on" | "fermeture" | "ferme" | "ferme_le" | "date_fermeture" | "date_de_fermeture" => {
                Closed
            }
            "contract_ended" | "contract_end" | "fin_contrat" | "fin_du_contrat" | "fin_emploi" => ContractEnded,
            "last_activity" | "derniere_activite" => LastActivity,
            "holder" | "detenteur" | "unite" | "unite_detentrice" => Holder,
            "location" | "localisation" | "emplacement" => Location,
            "medium" | "support" => Medium,
            "sensitivity" | "sensibilite" => Sensitivity,
            "status" | "statut" => Status,
            "notes" | "remarques" | "note" => Notes,
            // Computed columns of an export: read back and ignored.
            "rule_version" | "version_regle" => RuleVersion,
            "active_until" | "fin_periode_active" => ActiveUntil,
            "final_disposition_date" | "date_disposition_finale" => FinalDate,
            "disposition" => Disposition,
            _ => return None,
        })
    }
}

/// The columns of a persons sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum PersonColumn {
    File,
    Person,
    LastName,
    FirstName,
    BirthDate,
    IdentifierType,
    Identifier,
    Categories,
    Purpose,
    Consent,
    ConsentDate,
    ConsentSource,
}

impl PersonColumn {
    fn from_header(header: &str) -> Option<PersonColumn> {
        use PersonColumn::*;
        Some(match normalise(header).trim_matches('_') {
            "file" | "dossier" | "reference" | "reference_dossier" => File,
            "person" | "personne" | "person_key" | "cle_personne" => Person,
            "last_name" | "nom" | "nom_de_famille" => LastName,
            "first_name" | "prenom" => FirstName,
            "birth_date" | "date_of_birth" | "date_naissance" | "date_de_naissance" => BirthDate,
            "identifier_type" | "type_identifiant" | "type_d_identifiant" => IdentifierType,
            "identifier" | "identifiant" => Identifier,
            "categories" | "categories_de_renseignements" => Categories,
            "purpose" | "finalite" => Purpose,
            "consent" | "consentement" => Consent,
            "consent_date" | "date_consentement" | "date_du_consentement" => ConsentDate,
            "consent_source" | "source_consentement" | "source_du_consentement" => ConsentSource,
            _ => return None,
        })
    }
}

// ----- reading rows -----

/// A row parsed: its number as a spreadsheet shows it, what it holds, and its problems.
struct Parsed<T> {
    row: usize,
    value: T,
    problems: Problems,
}

/// A sheet's rows read, decoded and parsed on a thread of their own, in batches, while the
/// import's own thread checks or writes the ones before. That thread is the one the whole import
/// waits on: reading and decoding a CSV was about an eighth of it (a profile at 100,000 files),
/// and turning cells into a row (trimming, dates, codes, lengths) about a sixth at a million
/// files, while the other core had time to spare (160 % of CPU). Blank rows are skipped there.
type Parsing<T> = Batches<Parsed<T>>;

impl<T: Send + 'static> Parsing<T> {
    /// Parses the rows after `sheet`'s header with `parse`, given the sheet's `columns`.
    fn start<C, P>(sheet: Sheet, columns: HashMap<C, usize>, parse: P) -> Result<Parsing<T>, Error>
    where
        C: Copy + Eq + Hash + Send + 'static,
        P: Fn(&Cells<'_, C>, usize, &mut Problems) -> T + Send + 'static,
    {
        let Sheet { header, mut rows, reach } = sheet;
        let (send, batches) = std::sync::mpsc::sync_channel(BATCHES_AHEAD);
        let thread = std::thread::Builder::new()
            .name("greffier-rows".into())
            .spawn(move || loop {
                let mut batch = Vec::with_capacity(BATCH_ROWS);
                let ended = loop {
                    match rows.next_row() {
                        Ok(Some((row, cells))) => {
                            if let Rows::Csv { reader, .. } = &rows {
                                reach.read.store(reader.position().byte(), Ordering::Relaxed);
                            }
                            if cells.iter().all(|c| c.trim().is_empty()) {
                                continue;
                            }
                            let mut problems = Problems::default();
                            let cells = Cells { cells: &cells, columns: &columns, header: &header };
                            let value = parse(&cells, row, &mut problems);
                            batch.push(Parsed { row, value, problems });
                            if batch.len() == BATCH_ROWS {
                                break Ok(false);
                            }
                        }
                        Ok(None) => break Ok(true),
                        Err(error) => break Err(error),
                    }
                };
                // A send fails once the import has stopped reading: nothing more to do.
                let last = !matches!(ended, Ok(false));
                let sent = match ended {
                    Ok(_) => send.send(Ok(batch)),
                    Err(error) => send.send(Err(error)),
                };
                if last || sent.is_err() {
                    return;
                }
            })
            .map_err(unreadable)?;
        Ok(Batches::new(batches, thread))
    }
}

/// Items a thread of its own sends in batches, at most [`BATCHES_AHEAD`] batches ahead of the
/// import's own thread.
struct Batches<T> {
    batches: Option<std::sync::mpsc::Receiver<Result<Vec<T>, Error>>>,
    current: std::vec::IntoIter<T>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl<T> Batches<T> {
    fn new(batches: std::sync::mpsc::Receiver<Result<Vec<T>, Error>>, thread: std::thread::JoinHandle<()>) -> Self {
        Batches { batches: Some(batches), current: Vec::new().into_iter(), thread: Some(thread) }
    }

    fn next(&mut self) -> Result<Option<T>, Error> {
        loop {
            if let Some(parsed) = self.current.next() {
                return Ok(Some(parsed));
            }
            let Some(batches) = &self.batches else { return Ok(None) };
            match batches.recv() {
                Ok(batch) => self.current = batch?.into_iter(),
                // The thread ended after its last batch.
                Err(_) => {
                    self.batches = None;
                    return Ok(None);
                }
            }
        }
    }
}

impl<T> Drop for Batches<T> {
    fn drop(&mut self) {
        // The thread stops at its next send once nobody receives (the parsing thread drops its
        // rows as it ends, and an XLSX sheet's reading thread then stops the same way).
        drop(self.batches.take());
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::warn!("a thread reading an imported sheet panicked");
            }
        }
    }
}

/// Rows of a sheet, streamed from a CSV file or from an XLSX workbook's first sheet.
enum Rows {
    Csv {
        reader: csv::Reader<crate::spreadsheet::QuoteChecked<Box<dyn Read + Send>>>,
        windows_1252: bool,
        number: usize,
    },
    /// An XLSX sheet read on a thread of its own (see [`Background`]).
    Background(Background),
}

/// A row: its number as a spreadsheet shows it, and its cells.
type Row = (usize, Vec<String>);

/// An XLSX sheet's rows read on a thread of their own, in batches (calamine's cell reader calls
/// back with each row); [`Parsing`] takes them from there.
type Background = Batches<Row>;

/// How far the reading of a sheet has gone, for a progress bar: bytes of a CSV file, or rows of
/// an XLSX sheet, of `extent` (0 while not known, or when the sheet does not say). The reading
/// thread is at most a few batches ahead of the rows checked or written.
#[derive(Clone, Default)]
struct Reach {
    read: Arc<AtomicU64>,
    extent: Arc<AtomicU64>,
}

impl Reach {
    fn fraction(&self) -> Option<f64> {
        let extent = self.extent.load(Ordering::Relaxed);
        (extent > 0).then(|| (self.read.load(Ordering::Relaxed) as f64 / extent as f64).min(1.0))
    }
}

/// Rows per batch, and batches read ahead: about a megabyte of rows at most.
const BATCH_ROWS: usize = 512;
const BATCHES_AHEAD: usize = 4;

impl Batches<Row> {
    /// Rows of an XLSX workbook's first sheet with cells, streamed (see
    /// [`crate::spreadsheet::stream_xlsx_rows`]).
    fn start_xlsx(path: &Path, reach: Reach) -> Result<Background, Error> {
        let path = path.to_owned();
        let (send, batches) = std::sync::mpsc::sync_channel::<Result<Vec<Row>, Error>>(BATCHES_AHEAD);
        let thread = std::thread::Builder::new()
            .name("greffier-xlsx".into())
            .spawn(move || {
                let mut batch = Vec::with_capacity(BATCH_ROWS);
                let mut last_row = |rows: u64| reach.extent.store(rows, Ordering::Relaxed);
                let streamed = crate::spreadsheet::stream_xlsx_rows(&path, &mut last_row, &mut |number, cells| {
                    reach.read.store(number as u64, Ordering::Relaxed);
                    batch.push((number, cells));
                    if batch.len() < BATCH_ROWS {
                        return true;
                    }
                    // A send fails once the import has stopped reading: nothing more to do.
                    send.send(Ok(std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS)))).is_ok()
                });
                let _ = match streamed {
                    Ok(()) => send.send(Ok(batch)),
                    Err(error) => send.send(Err(plan_sheet_error(error))),
                };
            })
            .map_err(unreadable)?;
        Ok(Batches::new(batches, thread))
    }
}

struct Sheet {
    header: Vec<String>,
    rows: Rows,
    reach: Reach,
}

/// A sheet reader's error in the register's words: its detail alone, the message around it
/// being the register's.
fn plan_sheet_error(error: crate::plan::PlanError) -> Error {
    match error {
        crate::plan::PlanError::SheetUnreadable { detail } => unreadable(detail),
        other => unreadable(other),
    }
}

fn unreadable(detail: impl std::fmt::Display) -> Error {
    RegisterError::SheetUnreadable { detail: detail.to_string() }.into()
}

/// Whether a file is valid UTF-8 all through (read in chunks, so big files are not held).
fn is_utf8(path: &Path) -> Result<bool, Error> {
    let mut file = BufReader::new(File::open(path).map_err(unreadable)?);
    let mut buffer = vec![0u8; 1 << 20];
    let mut carry = Vec::new();
    loop {
        let n = file.read(&mut buffer).map_err(unreadable)?;
        if n == 0 {
            return Ok(carry.is_empty());
        }
        carry.extend_from_slice(&buffer[..n]);
        match std::str::from_utf8(&carry) {
            Ok(_) => carry.clear(),
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                carry.drain(..valid);
            }
            Err(_) => return Ok(false),
        }
    }
}

fn decode(bytes: &[u8], windows_1252: bool) -> String {
    if windows_1252 {
        encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

fn open_sheet(path: &Path) -> Result<Sheet, Error> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
    let reach = Reach::default();
    if extension == "xlsx" {
        return with_header(Rows::Background(Background::start_xlsx(path, reach.clone())?), reach);
    }
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    reach.extent.store(size, Ordering::Relaxed);
    let windows_1252 = !is_utf8(path)?;
    // The separator, from the first line.
    let mut head = vec![0u8; 64 * 1024];
    let n = File::open(path).and_then(|mut f| f.read(&mut head)).map_err(unreadable)?;
    head.truncate(n);
    let separator = crate::spreadsheet::sniff_separator(&decode(&head, windows_1252));
    let mut file = BufReader::with_capacity(1 << 20, File::open(path).map_err(unreadable)?);
    if head.starts_with(b"\xEF\xBB\xBF") {
        let mut bom = [0u8; 3];
        file.read_exact(&mut bom).map_err(unreadable)?;
    }
    let reader = csv::ReaderBuilder::new().delimiter(separator).has_headers(false).flexible(true).from_reader(
        crate::spreadsheet::QuoteChecked {
            inner: Box::new(file) as Box<dyn Read + Send>,
            check: crate::spreadsheet::QuoteCheck::new(separator),
        },
    );
    with_header(Rows::Csv { reader, windows_1252, number: 0 }, reach)
}

/// A sheet whose header is the first row of `rows` that is not blank; the rows after it are read
/// and parsed on a thread of their own (see [`Parsing`]).
fn with_header(mut rows: Rows, reach: Reach) -> Result<Sheet, Error> {
    loop {
        match rows.next_row()? {
            Some((_, cells)) if cells.iter().all(|c| c.trim().is_empty()) => continue,
            Some((_, cells)) => {
                let header = cells.iter().map(|c| c.trim().to_owned()).collect();
                return Ok(Sheet { header, rows, reach });
            }
            None => return Err(RegisterError::SheetEmpty.into()),
        }
    }
}

impl Rows {
    /// The next row: its number as a spreadsheet shows it, and its cells.
    fn next_row(&mut self) -> Result<Option<(usize, Vec<String>)>, Error> {
        match self {
            Rows::Csv { reader, windows_1252, number } => {
                let mut record = csv::ByteRecord::new();
                match reader.read_byte_record(&mut record) {
                    Ok(false) => match reader.get_ref().check.unclosed() {
                        Some(line) => Err(RegisterError::QuoteUnclosed { line }.into()),
                        None => Ok(None),
                    },
                    Ok(true) => {
                        *number += 1;
                        let line = record.position().map_or(*number, |p| p.line() as usize);
                        Ok(Some((line, record.iter().map(|cell| decode(cell, *windows_1252)).collect())))
                    }
                    Err(e) => Err(unreadable(match e.position() {
                        Some(position) => format!("line {}: {e}", position.line()),
                        None => e.to_string(),
                    })),
                }
            }
            Rows::Background(background) => background.next(),
        }
    }
}

fn hash(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.trim().to_lowercase().hash(&mut hasher);
    hasher.finish()
}

#[derive(Default)]
struct Problems {
    list: Vec<CellProblem>,
    total: usize,
}

impl Problems {
    /// Takes in a row's problems (the list keeps its first [`MAX_LISTED`]).
    fn absorb(&mut self, other: Problems) {
        self.total += other.total;
        let room = MAX_LISTED.saturating_sub(self.list.len());
        self.list.extend(other.list.into_iter().take(room));
    }

    fn add(&mut self, row: usize, column: Option<&str>, issue: CellIssue) {
        self.total += 1;
        if self.list.len() < MAX_LISTED {
            self.list.push(CellProblem { sheet: None, row, column: column.map(str::to_owned), issue });
        }
    }
}

fn invalid(en: impl Into<String>, fr: impl Into<String>) -> CellIssue {
    CellIssue::Invalid { detail_en: en.into(), detail_fr: fr.into() }
}

/// The columns a sheet has, by kind; problems for unknown or repeated ones.
fn map_columns<C: Copy + Eq + Hash>(
    header: &[String],
    from_header: fn(&str) -> Option<C>,
    problems: &mut Problems,
    header_row: usize,
) -> HashMap<C, usize> {
    let mut columns = HashMap::new();
    for (index, name) in header.iter().enumerate() {
        if name.trim().is_empty() {
            continue;
        }
        match from_header(name) {
            Some(column) => {
                if let Some(first) = columns.insert(column, index) {
                    problems.add(header_row, Some(name), CellIssue::RepeatedColumn { first: header[first].clone() });
                }
            }
            None => problems.add(
                header_row,
                Some(name),
                invalid(
                    "not a column of the register's format; rename it (see the README) or delete it",
                    "ce n'est pas une colonne du format du registre ; renommez-la (voir le README) ou supprimez-la",
                ),
            ),
        }
    }
    columns
}

/// One checked row of a files sheet.
struct FileRow {
    reference: String,
    class: String,
    rule: Option<String>,
    project: Option<String>,
    title: String,
    description: String,
    keywords: String,
    dates: FileDates,
    holder: String,
    location: String,
    medium: Medium,
    sensitivity: Option<Sensitivity>,
    status: Option<FileStatus>,
    notes: String,
}

/// The header of `column` in a sheet, as its user wrote it ("" when the sheet lacks it).
fn column_name<'a, C: Eq + Hash>(header: &'a [String], columns: &HashMap<C, usize>, column: C) -> &'a str {
    columns.get(&column).and_then(|i| header.get(*i)).map_or("", String::as_str)
}

struct Cells<'a, C> {
    cells: &'a [String],
    columns: &'a HashMap<C, usize>,
    header: &'a [String],
}

impl<C: Copy + Eq + Hash> Cells<'_, C> {
    fn get(&self, column: C) -> &str {
        self.columns.get(&column).and_then(|i| self.cells.get(*i)).map_or("", |c| c.trim())
    }
    fn name(&self, column: C) -> &str {
        column_name(self.header, self.columns, column)
    }
    /// The cell's text, with a problem when it is longer than `field` holds.
    fn text(&self, column: C, field: TextField, row: usize, problems: &mut Problems) -> &str {
        let value = self.get(column);
        if let Some(length) = over_length(value, field.max()) {
            problems.add(
                row,
                Some(self.name(column)),
                invalid(
                    format!(
                        "{length} characters, where the field “{}” holds at most {}",
                        field.name(Lang::En),
                        field.max()
                    ),
                    format!(
                        "{length} caractères, et le champ « {} » en contient au plus {}",
                        field.name(Lang::Fr),
                        field.max()
                    ),
                ),
            );
        }
        value
    }
    fn date(&self, column: C, row: usize, problems: &mut Problems) -> Option<NaiveDate> {
        let value = self.get(column);
        if value.is_empty() {
            return None;
        }
        let date = parse_date(value);
        if date.is_none() {
            problems.add(row, Some(self.name(column)), CellIssue::InvalidDate { value: value.to_owned() });
        }
        date
    }
}

fn read_file_row(cells: &Cells<'_, FileColumn>, row: usize, problems: &mut Problems) -> FileRow {
    use FileColumn as F;
    let reference = cells.get(F::Reference).to_owned();
    if reference.is_empty() {
        problems.add(row, Some(cells.name(F::Reference)), CellIssue::Missing);
    } else if reference.chars().count() > 64 {
        problems.add(
            row,
            Some(cells.name(F::Reference)),
            invalid("longer than 64 characters", "plus de 64 caractères"),
        );
    }
    let class = cells.get(F::Class).to_owned();
    if class.is_empty() {
        problems.add(row, Some(cells.name(F::Class)), CellIssue::Missing);
    }
    let title = cells.text(F::Title, TextField::Title, row, problems).to_owned();
    if title.is_empty() {
        problems.add(row, Some(cells.name(F::Title)), CellIssue::Missing);
    }
    let dates = FileDates {
        opened_on: cells.date(F::Opened, row, problems),
        closed_on: cells.date(F::Closed, row, problems),
        contract_ended_on: cells.date(F::ContractEnded, row, problems),
        last_activity_on: cells.date(F::LastActivity, row, problems),
        other: Default::default(),
    };
    if let (Some(opened), Some(closed)) = (dates.opened_on, dates.closed_on) {
        if closed < opened {
            problems.add(
                row,
                Some(cells.name(F::Closed)),
                invalid(
                    format!("closed ({closed}) before opened ({opened})"),
                    format!("fermé ({closed}) avant l'ouverture ({opened})"),
                ),
            );
        }
    }
    let medium = match cells.get(F::Medium) {
        "" => Medium::Paper,
        value => Medium::parse(value).unwrap_or_else(|| {
            problems.add(
                row,
                Some(cells.name(F::Medium)),
                invalid(
                    format!("“{value}” is not paper, digital or hybrid"),
                    format!("« {value} » n'est ni papier, ni numérique, ni hybride"),
                ),
            );
            Medium::Paper
        }),
    };
    let sensitivity = match cells.get(F::Sensitivity) {
        "" => None,
        value => {
            let parsed = Sensitivity::parse(value);
            if parsed.is_none() {
                problems.add(
                    row,
                    Some(cells.name(F::Sensitivity)),
                    invalid(
                        format!("“{value}” is not a sensitivity level (public, internal, confidential, personal, highly_sensitive)"),
                        format!("« {value} » n'est pas un niveau de sensibilité (public, interne, confidentiel, personnel, très sensible)"),
                    ),
                );
            }
            parsed
        }
    };
    let status = match cells.get(F::Status) {
        "" => None,
        value => match FileStatus::parse(value) {
            Some(FileStatus::Destroyed | FileStatus::Transferred | FileStatus::OnHold) | None => {
                problems.add(
                    row,
                    Some(cells.name(F::Status)),
                    invalid(
                        format!(
                            "“{value}” is not a status a file can be imported with (active, semi_active, inactive)"
                        ),
                        format!("« {value} » n'est pas un statut d'import (actif, semi-actif, inactif)"),
                    ),
                );
                None
            }
            status => status,
        },
    };
    let opt = |value: &str| Some(value.to_owned()).filter(|v| !v.is_empty());
    FileRow {
        reference,
        class,
        rule: opt(cells.get(F::Rule)),
        project: opt(cells.get(F::Project)),
        title,
        description: cells.text(F::Description, TextField::Description, row, problems).to_owned(),
        keywords: cells
            .text(F::Keywords, TextField::Keywords, row, problems)
            .split([';', ','])
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
        dates,
        holder: cells.text(F::Holder, TextField::Holder, row, problems).to_owned(),
        location: cells.text(F::Location, TextField::Location, row, problems).to_owned(),
        medium,
        sensitivity,
        status,
        notes: cells.text(F::Notes, TextField::Notes, row, problems).to_owned(),
    }
}

/// A files row and the key of its reference (see [`hash`]), on the parsing thread: both passes
/// look the reference up by it.
fn parse_file_row(cells: &Cells<'_, FileColumn>, row: usize, problems: &mut Problems) -> (FileRow, u64) {
    let file = read_file_row(cells, row, problems);
    let key = hash(&file.reference);
    (file, key)
}

/// One checked row of a persons sheet.
struct PersonRow {
    file: String,
    key: String,
    last_name: String,
    first_name: String,
    birth_date: Option<NaiveDate>,
    identifier: Option<(IdentifierKind, String)>,
    categories: Vec<&'static str>,
    purpose: String,
    consent: Consent,
    consent_date: Option<NaiveDate>,
    consent_source: String,
}

fn read_person_row(cells: &Cells<'_, PersonColumn>, row: usize, problems: &mut Problems) -> PersonRow {
    use PersonColumn as P;
    let file = cells.get(P::File).to_owned();
    if file.is_empty() {
        problems.add(row, Some(cells.name(P::File)), CellIssue::Missing);
    }
    let last_name = cells.text(P::LastName, TextField::LastName, row, problems).to_owned();
    if last_name.is_empty() {
        problems.add(row, Some(cells.name(P::LastName)), CellIssue::Missing);
    }
    let identifier = match (
        cells.get(P::IdentifierType),
        cells.text(P::Identifier, TextField::Identifier, row, problems),
    ) {
        (_, "") => None,
        (kind, value) => match IdentifierKind::parse(if kind.is_empty() { "other" } else { kind }) {
            // As when a person is typed in: an identifier has a letter or a digit (`---` is none).
            Some(_) if normalize_identifier(value).is_empty() => {
                problems.add(
                    row,
                    Some(cells.name(P::Identifier)),
                    invalid(
                        format!("“{value}” is not an identifier: it has no letter or digit"),
                        format!("« {value} » n'est pas un identifiant : il n'a ni lettre ni chiffre"),
                    ),
                );
                None
            }
            Some(kind) => Some((kind, value.to_owned())),
            None => {
                problems.add(
                    row,
                    Some(cells.name(P::IdentifierType)),
                    invalid(
                        format!("“{kind}” is not a kind of identifier (sin, health_insurance, driver_licence, client_number, employee_number, other)"),
                        format!("« {kind} » n'est pas un type d'identifiant (nas, ramq, permis, numero_client, matricule, autre)"),
                    ),
                );
                None
            }
        },
    };
    let mut categories = Vec::new();
    for value in cells.get(P::Categories).split([';', ',']).map(str::trim).filter(|v| !v.is_empty()) {
        match parse_category(value) {
            Some(code) if !categories.contains(&code) => categories.push(code),
            Some(_) => {}
            None => problems.add(
                row,
                Some(cells.name(P::Categories)),
                invalid(
                    format!("“{value}” is not a category of personal information"),
                    format!("« {value} » n'est pas une catégorie de renseignements personnels"),
                ),
            ),
        }
    }
    let consent = Consent::parse(cells.get(P::Consent)).unwrap_or_else(|| {
        problems.add(
            row,
            Some(cells.name(P::Consent)),
            invalid("write yes, no, withdrawn or not_required", "écrivez oui, non, retiré ou non requis"),
        );
        Consent::Unknown
    });
    let key = match cells.text(P::Person, TextField::PersonKey, row, problems) {
        "" => format!(
            "{}|{}|{}",
            last_name.to_lowercase(),
            cells.get(P::FirstName).to_lowercase(),
            cells.get(P::BirthDate)
        ),
        key => key.to_owned(),
    };
    PersonRow {
        file,
        key,
        last_name,
        first_name: cells.text(P::FirstName, TextField::FirstName, row, problems).to_owned(),
        birth_date: cells.date(P::BirthDate, row, problems),
        identifier,
        categories,
        purpose: cells.text(P::Purpose, TextField::Purpose, row, problems).to_owned(),
        consent,
        consent_date: cells.date(P::ConsentDate, row, problems),
        consent_source: cells.text(P::ConsentSource, TextField::ConsentSource, row, problems).to_owned(),
    }
}

/// Drops what the import queued in the index unless the import got to its commit.
struct IndexGuard<'a> {
    slot: std::cell::RefMut<'a, Option<crate::search::SearchIndex>>,
    armed: bool,
}

impl Drop for IndexGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            if let Some(index) = self.slot.as_mut() {
                index.rollback();
            }
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterImportReport {
    pub files: u64,
    pub persons_created: u64,
    pub persons_reused: u64,
    pub links: u64,
    pub purposes: u64,
    pub indexed: u64,
}

/// Where an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportPhase {
    Checking,
    Writing,
    /// The files persons rows name, and the persons, once written (files without persons are
    /// indexed as they are written). Not reported when there are none.
    Indexing,
    /// The register's transaction and the index's commit: the last seconds, no longer cancelled.
    Saving,
}

/// How far an import has gone, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    pub phase: ImportPhase,
    /// Rows checked or written, or documents indexed, so far in this phase.
    pub rows: u64,
    /// Work done of `total` in this phase: bytes of the sheets read while checking (an XLSX
    /// sheet's rows weighed by its file's size), rows while writing, documents while indexing.
    /// `total` is 0 while not known: an XLSX sheet that does not declare its size.
    pub done: u64,
    pub total: u64,
}

impl ImportProgress {
    fn new(phase: ImportPhase, rows: u64, done: u64, total: u64) -> ImportProgress {
        ImportProgress { phase, rows, done, total }
    }
}

/// The calendars of an import's rows, resolved once for each class, rule, project and
/// sensitivity a row gives: a million rows have a few hundred of them, and resolving one clones
/// the class's rules, the rule's basis and the explanation with its chain.
#[derive(Default)]
struct Resolutions {
    /// By a hash of what the row gives; the rows' own values tell apart two that share one.
    by_hash: HashMap<u64, Vec<Resolution>>,
}

struct Resolution {
    class: String,
    rule: Option<String>,
    project: Option<String>,
    given: Option<Sensitivity>,
    sensitivity: Sensitivity,
    resolved: crate::register::Resolved,
}

impl Resolutions {
    /// The sensitivity a new file of `file`'s row takes (its own, or else its project's), and
    /// its calendar.
    fn get(
        &mut self,
        calendar: &mut Calendar,
        conn: &rusqlite::Connection,
        file: &FileRow,
    ) -> Result<(Sensitivity, &crate::register::Resolved), Error> {
        let (class, rule, project) = (file.class.as_str(), file.rule.as_deref(), file.project.as_deref());
        let mut hasher = DefaultHasher::new();
        (class, rule, project, file.sensitivity).hash(&mut hasher);
        let bucket = self.by_hash.entry(hasher.finish()).or_default();
        let found = bucket.iter().position(|r| {
            r.class == class
                && r.rule.as_deref() == rule
                && r.project.as_deref() == project
                && r.given == file.sensitivity
        });
        let at = match found {
            Some(at) => at,
            None => {
                let project_level = match project {
                    Some(code) => Some(calendar.project_level(conn, code)?),
                    None => None,
                };
                let sensitivity = file.sensitivity.or(project_level).unwrap_or(Sensitivity::Internal);
                let resolved = calendar.resolve(conn, class, rule, project, sensitivity, None, true)?;
                bucket.push(Resolution {
                    class: class.to_owned(),
                    rule: rule.map(str::to_owned),
                    project: project.map(str::to_owned),
                    given: file.sensitivity,
                    sensitivity,
                    resolved,
                });
                bucket.len() - 1
            }
        };
        let resolution = &bucket[at];
        Ok((resolution.sensitivity, &resolution.resolved))
    }
}

/// The checking's progress over both sheets, each weighed by its file's size.
struct CheckReach {
    /// Bytes of both sheets' files.
    all: u64,
    /// Bytes of the sheets already checked whole.
    before: u64,
}

impl CheckReach {
    fn at(&self, phase_rows: u64, size: u64, sheet: &Reach) -> ImportProgress {
        match sheet.fraction() {
            Some(fraction) => ImportProgress::new(
                ImportPhase::Checking,
                phase_rows,
                self.before + (size as f64 * fraction) as u64,
                self.all,
            ),
            None => ImportProgress::new(ImportPhase::Checking, phase_rows, 0, 0),
        }
    }
}

fn file_size(path: Option<&Path>) -> u64 {
    path.and_then(|p| std::fs::metadata(p).ok()).map_or(0, |m| m.len())
}

/// Rows between two progress reports.
const PROGRESS_ROWS: u64 = 10_000;

impl Vault {
    /// Imports files (and, when given, the persons they are about) from CSV or XLSX. Checked
    /// whole first; nothing is imported unless every row is sound. `progress` hears how far each
    /// phase has gone, and may return `false` to cancel (nothing is then imported). Audited.
    pub fn import_register(
        &mut self,
        session: &Session,
        files: Option<&Path>,
        persons: Option<&Path>,
        progress: &mut dyn FnMut(ImportProgress) -> bool,
    ) -> Result<RegisterImportReport, Error> {
        self.require(session, Permission::ManageRegister)?;
        // The index must be up to date before the import's transaction starts (see module doc).
        self.with_index(|index, conn| index.catch_up(conn).map(|_| ()))?;
        let mut calendar = Calendar::load(&self.conn)?;
        let mut problems = Problems { list: Vec::new(), total: 0 };

        // ----- pass 1: check everything -----
        // In one read transaction: each row's look-up in the register would otherwise take and
        // release the database's read lock (two `fcntl` calls and the log's shared memory), a
        // third of this thread's time while it checks a million rows.
        let reading = self.conn.unchecked_transaction()?;
        let sizes = (file_size(files), file_size(persons));
        let mut reach = CheckReach { all: sizes.0 + sizes.1, before: 0 };
        if !progress(ImportProgress::new(ImportPhase::Checking, 0, 0, reach.all)) {
            return Err(crate::BackupError::Cancelled.into());
        }
        let mut references: HashMap<u64, usize> = HashMap::new();
        let mut checked = 0u64;
        if let Some(path) = files {
            let sheet = open_sheet(path)?;
            let columns = map_columns(&sheet.header, FileColumn::from_header, &mut problems, 1);
            for (column, name) in
                [(FileColumn::Reference, "reference"), (FileColumn::Class, "class"), (FileColumn::Title, "title")]
            {
                if !columns.contains_key(&column) {
                    problems.add(
                        1,
                        Some(name),
                        invalid(format!("the column “{name}” is missing"), format!("la colonne « {name} » manque")),
                    );
                }
            }
            let mut exists = self.conn.prepare("SELECT 1 FROM files WHERE reference = ?1")?;
            let mut resolvable: std::collections::HashSet<(String, Option<String>, Option<String>, Sensitivity)> =
                std::collections::HashSet::new();
            let (header, sheet_reach) = (sheet.header.clone(), sheet.reach.clone());
            let name = |column| column_name(&header, &columns, column);
            let mut rows = Parsing::start(sheet, columns.clone(), parse_file_row)?;
            while let Some(Parsed { row, value: (file, key), problems: found }) = rows.next()? {
                problems.absorb(found);
                if !file.reference.is_empty() {
                    if let Some(first) = references.insert(key, row) {
                        problems.add(
                            row,
                            Some(name(FileColumn::Reference)),
                            invalid(
                                format!(
                                    "the reference {} is already on row {first}; give each file its own",
                                    file.reference
                                ),
                                format!(
                                    "la référence {} est déjà à la ligne {first} ; donnez à chaque dossier la sienne",
                                    file.reference
                                ),
                            ),
                        );
                    } else if exists.exists([&file.reference])? {
                        problems.add(
                            row,
                            Some(name(FileColumn::Reference)),
                            invalid(
                                format!("the register already has a file {}", file.reference),
                                format!("le registre a déjà un dossier {}", file.reference),
                            ),
                        );
                    }
                }
                // A combination already found sound is not resolved again: a million rows have a
                // few hundred of them, and resolving clones the class's rules and the explanation.
                let combination =
                    (file.class, file.rule, file.project, file.sensitivity.unwrap_or(Sensitivity::Internal));
                if !combination.0.is_empty() && !resolvable.contains(&combination) {
                    let (class, rule, project, sensitivity) = &combination;
                    if !calendar.class_exists(class) {
                        problems.add(
                            row,
                            Some(name(FileColumn::Class)),
                            invalid(
                                format!("the plan has no class {class}; correct the code or add the class to the plan first"),
                                format!("le plan n'a pas de classe {class} ; corrigez le code ou ajoutez d'abord la classe au plan"),
                            ),
                        );
                    } else if let Err(error) = calendar.resolve(
                        &self.conn,
                        class,
                        rule.as_deref(),
                        project.as_deref(),
                        *sensitivity,
                        None,
                        true,
                    ) {
                        let column = match &error {
                            Error::Project(crate::ProjectError::UnknownProject { .. }) => FileColumn::Project,
                            Error::Project(crate::ProjectError::RuleNotForClass { .. }) => FileColumn::Rule,
                            _ => FileColumn::Class,
                        };
                        problems.add(
                            row,
                            Some(name(column)),
                            invalid(error.localized(crate::Lang::En), error.localized(crate::Lang::Fr)),
                        );
                    } else {
                        resolvable.insert(combination);
                    }
                }
                checked += 1;
                if checked.is_multiple_of(PROGRESS_ROWS) && !progress(reach.at(checked, sizes.0, &sheet_reach)) {
                    return Err(crate::BackupError::Cancelled.into());
                }
            }
            reach.before = sizes.0;
        }
        let mut identities: HashMap<String, (u64, usize)> = HashMap::new();
        // The import's files that persons rows name: indexed once, after their persons.
        let mut with_persons: std::collections::HashSet<u64> = std::collections::HashSet::new();
        if let Some(path) = persons {
            let sheet = open_sheet(path)?;
            let columns = map_columns(&sheet.header, PersonColumn::from_header, &mut problems, 1);
            for (column, name) in [(PersonColumn::File, "file"), (PersonColumn::LastName, "last_name")] {
                if !columns.contains_key(&column) {
                    problems.add(
                        1,
                        Some(name),
                        invalid(format!("the column “{name}” is missing"), format!("la colonne « {name} » manque")),
                    );
                }
            }
            // A file of the register a person row names: its id, status, and whether it was
            // anonymised (it takes no person again).
            let mut existing = self.conn.prepare(
                "SELECT f.id, f.status, EXISTS (SELECT 1 FROM anonymised_files a WHERE a.file_id = f.id)
                 FROM files f WHERE f.reference = ?1",
            )?;
            let (header, sheet_reach) = (sheet.header.clone(), sheet.reach.clone());
            let name = |column| column_name(&header, &columns, column);
            let mut rows = Parsing::start(sheet, columns.clone(), |cells, row, problems| {
                let person = read_person_row(cells, row, problems);
                let file_hash = hash(&person.file);
                let identity = hash(&format!("{}|{}|{:?}", person.last_name, person.first_name, person.birth_date));
                let key = person.key.to_lowercase();
                (person, file_hash, identity, key)
            })?;
            while let Some(Parsed { row, value: (person, file_hash, identity, key), problems: found }) = rows.next()? {
                problems.absorb(found);
                if references.contains_key(&file_hash) {
                    with_persons.insert(file_hash);
                } else if !person.file.is_empty() {
                    let found: Option<(i64, String, bool)> =
                        existing.query_row([&person.file], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()?;
                    let file = &person.file;
                    let refused = match found {
                        None => Some(invalid(
                            format!("there is no file {file} in the register or in the import"),
                            format!("il n'y a pas de dossier {file} dans le registre ni dans l'import"),
                        )),
                        Some((_, _, true)) => Some(invalid(
                            format!("the file {file} was anonymised: no person can be attached to it again"),
                            format!("le dossier {file} a été anonymisé : on ne peut plus y lier de personne"),
                        )),
                        Some((_, status, _)) if status == FileStatus::Transferred.as_str() => Some(invalid(
                            format!("the file {file} was transferred to the archives: it can no longer change"),
                            format!("le dossier {file} a été versé aux archives : il ne peut plus être modifié"),
                        )),
                        Some((id, _, _)) => match crate::disposition::refuse_if_held(&self.conn, id, file) {
                            Ok(()) => None,
                            Err(held) => Some(invalid(held.message(Lang::En), held.message(Lang::Fr))),
                        },
                    };
                    if let Some(issue) = refused {
                        problems.add(row, Some(name(PersonColumn::File)), issue);
                    }
                }
                match identities.get(&key) {
                    Some((known, first)) if *known != identity => problems.add(
                        row,
                        Some(name(PersonColumn::Person)),
                        invalid(
                            format!("the person {} has another name or birth date on row {first}", person.key),
                            format!(
                                "la personne {} a un autre nom ou une autre date de naissance à la ligne {first}",
                                person.key
                            ),
                        ),
                    ),
                    Some(_) => {}
                    None => {
                        identities.insert(key, (identity, row));
                    }
                }
                checked += 1;
                if checked.is_multiple_of(PROGRESS_ROWS) && !progress(reach.at(checked, sizes.1, &sheet_reach)) {
                    return Err(crate::BackupError::Cancelled.into());
                }
            }
        }
        if !progress(ImportProgress::new(ImportPhase::Checking, checked, reach.all, reach.all)) {
            return Err(crate::BackupError::Cancelled.into());
        }
        if problems.total > 0 {
            problems.list.sort_by_key(|p| p.row);
            return Err(RegisterError::SheetInvalid { problems: problems.list, total: problems.total }.into());
        }
        if references.is_empty() && identities.is_empty() {
            return Err(RegisterError::SheetEmpty.into());
        }
        drop(references);
        drop(identities);
        reading.commit()?;

        // ----- pass 2: write, in one transaction -----
        let mut report = RegisterImportReport::default();
        let now = stamp(self.env.clock.now());
        let tx = self.conn.unchecked_transaction()?;
        let seq = next_change(&tx)?;
        let mut done = 0u64;
        // Every row checked is written (blank ones are skipped in both passes).
        let writing = |done: u64| ImportProgress::new(ImportPhase::Writing, done, done, checked);
        if !progress(writing(0)) {
            return Err(crate::BackupError::Cancelled.into());
        }
        // The index is fed as rows are written: tantivy's threads index while this one writes.
        // Any failure of the index only leaves it behind; it catches up after the commit.
        let mut slot = IndexGuard { slot: self.search.borrow_mut(), armed: true };
        let mut indexing = slot.slot.is_some();
        // One indexing thread beside this one, or two when a persons sheet leaves files to
        // index after the rows are written (see `search::WRITER`).
        if let Some(index) = slot.slot.as_mut() {
            if let Err(error) = index.set_up_for_import(persons.is_some()) {
                tracing::warn!("the search index's writer could not be set up for the import: {error}");
            }
        }
        // The merges the import sets off read small index files lazily, through the bounded
        // chunk cache, until the commit (a million files with their persons peaked 30-50 MiB
        // lower).
        let bulk_reads = slot.slot.as_ref().map(crate::search::SearchIndex::read_lazily_in_bulk);
        let paths = crate::search::class_paths(&tx)?;
        let mut fed = 0u64;
        let mut first_new_id = i64::MAX;
        if let Some(path) = files {
            let sheet = open_sheet(path)?;
            let columns = map_columns(&sheet.header, FileColumn::from_header, &mut Problems::default(), 1);
            let mut rows = Parsing::start(sheet, columns, parse_file_row)?;
            let mut insert = tx.prepare(
                "INSERT INTO files (reference, class_id, rule_id, rule_version, project_id, title, description,
                    keywords, opened_on, closed_on, contract_ended_on, last_activity_on, holder, location, medium,
                    sensitivity, status, notes, active_until, semi_active_until, disposition, change_seq,
                    created_at, updated_at, id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                    ?21, ?22, ?23, ?23, ?24)",
            )?;
            // Ids are never reused: a destroyed file's id stays its residual record's.
            let mut next_id = crate::register::next_file_id(&tx)?;
            first_new_id = next_id;
            let date = |d: Option<NaiveDate>| d.map(crate::register::iso_date);
            let index = if indexing { slot.slot.as_ref() } else { None };
            let feeding = std::thread::scope(|scope| -> Result<Option<Result<u64, crate::SearchError>>, Error> {
                // What stopped the feeding, if it did: the rows are written all the same.
                let mut stopped = None;
                let mut feeder = match index.map(|index| crate::search::Feeder::start(scope, index)) {
                    Some(Ok(feeder)) => Some(feeder),
                    Some(Err(error)) => {
                        stopped = Some(error);
                        None
                    }
                    None => None,
                };
                let mut resolutions = Resolutions::default();
                while let Some(Parsed { value: (file, key), .. }) = rows.next()? {
                    let (sensitivity, resolved) = resolutions.get(&mut calendar, &tx, &file)?;
                    let due = due_dates(&resolved.explanation, &file.dates, None);
                    let status = file.status.unwrap_or(if file.dates.closed_on.is_some() {
                        FileStatus::SemiActive
                    } else {
                        FileStatus::Active
                    });
                    let final_date = date(due.semi_active_until);
                    insert.execute(params![
                        file.reference,
                        resolved.class_id,
                        resolved.rule_id,
                        resolved.rule_version,
                        resolved.project_id,
                        file.title,
                        file.description,
                        file.keywords,
                        date(file.dates.opened_on),
                        date(file.dates.closed_on),
                        date(file.dates.contract_ended_on),
                        date(file.dates.last_activity_on),
                        file.holder,
                        file.location,
                        file.medium.as_str(),
                        sensitivity.as_str(),
                        status.as_str(),
                        file.notes,
                        date(due.active_until),
                        final_date,
                        due.disposition.code().to_string(),
                        seq,
                        now,
                        next_id,
                    ])?;
                    next_id += 1;
                    // A file persons rows name is indexed with its persons, once they are written.
                    if feeder.is_some() && !with_persons.contains(&key) {
                        let doc = crate::search::FileDoc {
                            id: tx.last_insert_rowid(),
                            class_path: paths.get(&resolved.class_id).cloned().unwrap_or_default(),
                            class_code: resolved.class_code.clone(),
                            project: file.project,
                            reference: file.reference,
                            title: file.title,
                            description: file.description,
                            keywords: file.keywords,
                            notes: file.notes,
                            holder: file.holder,
                            location: file.location,
                            status: status.as_str().to_owned(),
                            sensitivity: sensitivity.as_str().to_owned(),
                            final_on: final_date,
                            persons: String::new(),
                        };
                        if !feeder.as_mut().is_some_and(|feeder| feeder.send(doc)) {
                            // The feeding thread is gone: `finish` says why.
                            if let Some(feeder) = feeder.take() {
                                stopped = Some(feeder.finish().err().unwrap_or_else(|| crate::SearchError::Index {
                                    detail: "the thread feeding the index stopped".into(),
                                }));
                            }
                        }
                    }
                    report.files += 1;
                    done += 1;
                    if done.is_multiple_of(PROGRESS_ROWS) && !progress(writing(done)) {
                        return Err(crate::BackupError::Cancelled.into());
                    }
                }
                Ok(match stopped {
                    Some(error) => Some(Err(error)),
                    None => feeder.map(crate::search::Feeder::finish),
                })
            })?;
            match feeding {
                Some(Ok(n)) => fed += n,
                Some(Err(error)) => {
                    tracing::warn!("the import is not indexed yet: {error}");
                    indexing = false;
                }
                None => indexing = false,
            }
        }
        let mut touched_by_persons: std::collections::HashSet<i64> = std::collections::HashSet::new();
        if let Some(path) = persons {
            let sheet = open_sheet(path)?;
            let columns = map_columns(&sheet.header, PersonColumn::from_header, &mut Problems::default(), 1);
            let mut rows = Parsing::start(sheet, columns, |cells, row, problems| {
                let person = read_person_row(cells, row, problems);
                let key = person.key.to_lowercase();
                (person, key)
            })?;
            let mut person_ids: HashMap<String, i64> = HashMap::new();
            touched_by_persons.clear();
            let mut find_person = tx.prepare("SELECT id FROM persons WHERE external_key = ?1")?;
            let mut insert_person = tx.prepare(
                "INSERT INTO persons (external_key, last_name, first_name, birth_date, change_seq, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id",
            )?;
            let mut insert_identifier = tx.prepare(
                "INSERT OR IGNORE INTO person_identifiers (person_id, kind, value, normalized) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut file_id = tx.prepare("SELECT id FROM files WHERE reference = ?1")?;
            let mut link =
                tx.prepare("INSERT OR IGNORE INTO file_persons (file_id, person_id, categories) VALUES (?1, ?2, ?3)")?;
            let mut link_categories =
                tx.prepare("SELECT categories FROM file_persons WHERE file_id = ?1 AND person_id = ?2")?;
            let mut set_categories =
                tx.prepare("UPDATE file_persons SET categories = ?3 WHERE file_id = ?1 AND person_id = ?2")?;
            let mut purpose = tx.prepare(
                "INSERT INTO file_person_purposes (file_id, person_id, purpose, consent, consent_date, consent_source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut touch_file = tx.prepare("UPDATE files SET change_seq = ?2 WHERE id = ?1 AND change_seq <> ?2")?;
            while let Some(Parsed { value: (p, key), .. }) = rows.next()? {
                let person_id = match person_ids.get(&key) {
                    Some(id) => *id,
                    None => {
                        let id = match find_person.query_row([&p.key], |r| r.get::<_, i64>(0)).optional()? {
                            Some(id) => {
                                report.persons_reused += 1;
                                id
                            }
                            None => {
                                report.persons_created += 1;
                                insert_person.query_row(
                                    params![
                                        p.key,
                                        p.last_name,
                                        p.first_name,
                                        p.birth_date.map(|d| d.to_string()),
                                        seq,
                                        now
                                    ],
                                    |r| r.get(0),
                                )?
                            }
                        };
                        person_ids.insert(key, id);
                        id
                    }
                };
                if let Some((kind, value)) = &p.identifier {
                    insert_identifier.execute(params![person_id, kind.as_str(), value, normalize_identifier(value)])?;
                }
                let file: i64 = file_id.query_row([&p.file], |r| r.get(0))?;
                let categories = p.categories.join(";");
                if link.execute(params![file, person_id, categories])? == 0 {
                    let current: String = link_categories.query_row(params![file, person_id], |r| r.get(0))?;
                    let mut merged: Vec<&str> = current.split(';').filter(|c| !c.is_empty()).collect();
                    for category in &p.categories {
                        if !merged.contains(category) {
                            merged.push(category);
                        }
                    }
                    set_categories.execute(params![file, person_id, merged.join(";")])?;
                } else {
                    report.links += 1;
                }
                if !p.purpose.is_empty() {
                    purpose.execute(params![
                        file,
                        person_id,
                        p.purpose,
                        p.consent.as_str(),
                        p.consent_date.map(|d| d.to_string()),
                        p.consent_source
                    ])?;
                    report.purposes += 1;
                }
                // A file this import wrote already has its change.
                if file < first_new_id {
                    touch_file.execute(params![file, seq])?;
                }
                touched_by_persons.insert(file);
                done += 1;
                if done.is_multiple_of(PROGRESS_ROWS) && !progress(writing(done)) {
                    return Err(crate::BackupError::Cancelled.into());
                }
            }
        }
        if !progress(writing(done)) {
            return Err(crate::BackupError::Cancelled.into());
        }
        audit::append(
            &tx,
            &crate::vault::signer(session),
            NewEvent::new(AuditAction::RegisterImport, "register", &self.vault_id).details(serde_json::json!({
                "files": report.files, "personsCreated": report.persons_created,
                "personsReused": report.persons_reused, "links": report.links, "purposes": report.purposes,
            })),
            self.env.clock.now(),
        )?;
        // The files that gained persons, and the persons, read back from the transaction.
        let mut small_cache = None;
        if indexing {
            if let Some(index) = slot.slot.as_mut() {
                small_cache = Some(crate::vault::SmallCache::new(&self.conn)?);
                let mut touched: Vec<i64> = touched_by_persons.into_iter().collect();
                touched.sort_unstable();
                // The documents left: the files persons rows name, and the persons written.
                let persons_changed: i64 =
                    tx.query_row("SELECT count(*) FROM persons WHERE change_seq > ?1", [seq - 1], |r| r.get(0))?;
                let total = touched.len() as u64 + u64::try_from(persons_changed).unwrap_or(0);
                let mut cancelled = false;
                let mut indexed = |n: usize| {
                    if total == 0 {
                        return true;
                    }
                    let n = n as u64;
                    cancelled = !progress(ImportProgress::new(ImportPhase::Indexing, n, n, total));
                    !cancelled
                };
                let fed_here = if indexed(0) {
                    index.feed_files(&tx, &touched, first_new_id, &mut indexed).and_then(|files| {
                        let persons = index.feed_persons_since(&tx, seq - 1, &mut |n| indexed(files + n))?;
                        Ok(files + persons)
                    })
                } else {
                    Ok(0)
                };
                let finished = match &fed_here {
                    Ok(n) if !cancelled && total > 0 => {
                        progress(ImportProgress::new(ImportPhase::Indexing, *n as u64, total, total))
                    }
                    _ => true,
                };
                if cancelled || !finished {
                    return Err(crate::BackupError::Cancelled.into());
                }
                match fed_here {
                    Ok(n) => fed += n as u64,
                    Err(error) => {
                        tracing::warn!("the import is not indexed yet: {error}");
                        indexing = false;
                    }
                }
            }
        }
        if !indexing {
            if let Some(index) = slot.slot.as_mut() {
                index.rollback();
            }
        }
        // The last chance to cancel: past it, the commits.
        if !progress(ImportProgress::new(ImportPhase::Saving, done, 0, 0)) {
            return Err(crate::BackupError::Cancelled.into());
        }
        // Before the index's commit, which reloads the searcher: searches read small files whole.
        drop(bulk_reads);
        tx.commit()?;
        if indexing {
            if let Some(index) = slot.slot.as_mut() {
                match index.commit(seq) {
                    Ok(()) => report.indexed = fed,
                    Err(error) => tracing::warn!("the import's index commit failed; it will be replayed: {error}"),
                }
            }
        }
        drop(small_cache);
        slot.armed = false;
        drop(slot);
        if !indexing {
            self.sync_index();
        }
        Ok(report)
    }
}
