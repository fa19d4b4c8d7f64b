//! What auditors sign: the due list read from the files' stored due dates, legal holds,
//! disposition batches (proposed by one user, decided by another, executed), the residual
//! records of destroyed files, and the destruction certificate's data.
//!
//! A destruction really destroys: the file's rows, the persons only it needed, its index
//! documents (merged away, old segment files removed), the details of its audit events (the
//! chain keeps its commitments), with `secure_delete` on and the log checkpointed and truncated.
//! The destroyed identifiers also go to the destruction ledger ([`crate::ledger`]), outside the
//! backups, which every open replays on a vault restored from before the destruction.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use rusqlite::{named_params, params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::{
    access::Permission,
    audit::{self, AuditAction, NewEvent},
    clock::stamp,
    ledger::{self, LedgerEntry},
    project::Explanation,
    register::{birth_date_of, date_col, due_dates, next_change, parse_col, RegisterError},
    retention::{CopyKind, Disposition, Period, TriggerEvent},
    search::checkpoint_truncate,
    users::Session,
    vault::{signer, Vault},
    Error, ErrorCode, FileDates, Lang, UserMessage,
};

// ----- holds -----

/// Why a hold was placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldKind {
    Litigation,
    AccessRequest,
    Audit,
    Investigation,
    Other,
}

impl HoldKind {
    pub const ALL: [HoldKind; 5] =
        [HoldKind::Litigation, HoldKind::AccessRequest, HoldKind::Audit, HoldKind::Investigation, HoldKind::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            HoldKind::Litigation => "litigation",
            HoldKind::AccessRequest => "access_request",
            HoldKind::Audit => "audit",
            HoldKind::Investigation => "investigation",
            HoldKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<HoldKind> {
        HoldKind::ALL.into_iter().find(|k| k.as_str() == text.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            HoldKind::Litigation => lang.pick("litige", "litigation"),
            HoldKind::AccessRequest => lang.pick("demande d'accès", "access request"),
            HoldKind::Audit => lang.pick("vérification", "audit"),
            HoldKind::Investigation => lang.pick("enquête", "investigation"),
            HoldKind::Other => lang.pick("autre", "other"),
        }
    }
}

/// What a hold is placed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum HoldTarget {
    /// One file, by reference.
    File(String),
    /// Every file about a person, by the person's id.
    Person(i64),
    /// Every file of a class and of the classes under it, by code.
    Class(String),
    /// Every file of a project, by code.
    Project(String),
}

impl HoldTarget {
    fn type_str(&self) -> &'static str {
        match self {
            HoldTarget::File(_) => "file",
            HoldTarget::Person(_) => "person",
            HoldTarget::Class(_) => "class",
            HoldTarget::Project(_) => "project",
        }
    }
}

/// A legal hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hold {
    pub id: i64,
    pub number: String,
    pub kind: HoldKind,
    pub reason: String,
    /// `file`, `person`, `class` or `project`.
    pub target_type: String,
    /// The reference or code held, or `person #id`.
    pub target: String,
    pub placed_by: String,
    pub placed_at: String,
    pub released_by: Option<String>,
    pub released_at: Option<String>,
    pub release_reason: Option<String>,
    pub request_ref: Option<String>,
}

const HOLD_COLUMNS: &str = "id, number, kind, reason, target_type, target_label, placed_by, placed_at, released_by, \
     released_at, release_reason, request_ref";

fn hold_row(row: &Row<'_>) -> rusqlite::Result<Hold> {
    let kind: String = row.get(2)?;
    Ok(Hold {
        id: row.get(0)?,
        number: row.get(1)?,
        kind: HoldKind::parse(&kind).unwrap_or(HoldKind::Other),
        reason: row.get(3)?,
        target_type: row.get(4)?,
        target: row.get(5)?,
        placed_by: row.get(6)?,
        placed_at: row.get(7)?,
        released_by: row.get(8)?,
        released_at: row.get(9)?,
        release_reason: row.get(10)?,
        request_ref: row.get(11)?,
    })
}

/// The holds in force on a file: on it, on a person it is about, on its class or a class above,
/// on its project.
const FILE_HOLDS_SQL: &str = "WITH RECURSIVE ancestors(id) AS (
        SELECT class_id FROM files WHERE id = ?1
        UNION SELECT c.parent_id FROM plan_classes c JOIN ancestors a ON c.id = a.id WHERE c.parent_id IS NOT NULL)
    SELECT h.number, h.reason FROM holds h
    WHERE h.released_at IS NULL AND (
        (h.target_type = 'file' AND h.target_id = ?1)
        OR (h.target_type = 'project' AND h.target_id = (SELECT project_id FROM files WHERE id = ?1))
        OR (h.target_type = 'person' AND h.target_id IN (SELECT person_id FROM file_persons WHERE file_id = ?1))
        OR (h.target_type = 'class' AND h.target_id IN (SELECT id FROM ancestors)))
    ORDER BY h.id";

/// The first hold in force on a file, as (number, reason).
pub(crate) fn hold_on_file(conn: &Connection, file_id: i64) -> rusqlite::Result<Option<(String, String)>> {
    conn.prepare_cached(FILE_HOLDS_SQL)?.query_row([file_id], |row| Ok((row.get(0)?, row.get(1)?))).optional()
}

/// Refuses to change a held file, naming the hold.
pub(crate) fn refuse_if_held(conn: &Connection, file_id: i64, reference: &str) -> Result<(), Error> {
    match hold_on_file(conn, file_id)? {
        Some((hold, reason)) => {
            Err(DispositionError::FileHeld { reference: reference.to_owned(), hold, reason }.into())
        }
        None => Ok(()),
    }
}

// ----- the due list -----

/// What falls due: destruction (D), transfer to archives (C), or sorting (T).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    Destruction,
    Transfer,
    Review,
}

impl DueKind {
    fn code(self) -> &'static str {
        match self {
            DueKind::Destruction => "D",
            DueKind::Transfer => "C",
            DueKind::Review => "T",
        }
    }

    pub fn parse(text: &str) -> Option<DueKind> {
        match text.trim() {
            "destruction" | "D" | "d" => Some(DueKind::Destruction),
            "transfer" | "C" | "c" => Some(DueKind::Transfer),
            "review" | "T" | "t" => Some(DueKind::Review),
            _ => None,
        }
    }
}

/// The due list's heading as its PDF shows it. Its files follow, one at a time, from
/// [`Vault::for_each_due_file`]: the PDF is typeset as they come, never the whole list in memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DueReport {
    pub lang: Lang,
    pub organisation: String,
    pub until: String,
    pub project: Option<String>,
    /// The class asked for (its subclasses are in the list too).
    pub class: Option<String>,
    pub kind: Option<DueKind>,
    /// Who made it: their display name and user name.
    pub generated_by: String,
    pub total: u64,
}

/// Which part of the due list to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DueQuery {
    /// Files whose final disposition date is on or before this date.
    pub until: NaiveDate,
    pub project: Option<String>,
    pub kind: Option<DueKind>,
    /// A class of the plan: the files of that class and of every class under it.
    #[serde(default)]
    pub class: Option<String>,
}

/// A file of the due list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DueFile {
    pub id: i64,
    pub reference: String,
    pub title: String,
    pub class: String,
    pub project: Option<String>,
    pub rule: String,
    pub rule_version: i64,
    pub closed_on: Option<String>,
    /// The final disposition date.
    pub due_on: String,
    /// D, C or T.
    pub disposition: String,
    /// The first hold in force on it, if any.
    pub held_by: Option<String>,
    /// The open batch it is in, if any.
    pub batch: Option<String>,
    /// The event that started the clock (the rule version's, as the file's explanation says).
    pub trigger: TriggerEvent,
    /// The date the clock started from, as the file's explanation computes it.
    pub trigger_date: Option<String>,
}

/// A page of the due list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DuePage {
    pub total: u64,
    pub offset: u64,
    pub files: Vec<DueFile>,
}

const DUE_SELECT: &str = "SELECT f.id, f.reference, f.title, c.code, p.code, r.number, f.rule_version, f.closed_on,
        f.semi_active_until, f.disposition, v.trigger_event, v.trigger_detail, f.opened_on, f.contract_ended_on,
        f.last_activity_on, f.other_dates
    FROM files f
    JOIN plan_classes c ON c.id = f.class_id
    JOIN retention_rules r ON r.id = f.rule_id
    LEFT JOIN retention_rule_versions v ON v.rule_id = f.rule_id AND v.version = f.rule_version
    LEFT JOIN projects p ON p.id = f.project_id";

/// The due list's filter, with named parameters (`:until`, `:project`, `:kind`, `:class`). A
/// class takes its whole branch: the class and, through `parent_id`, every class under it —
/// the same walk as a hold on a class (`FILE_HOLDS_SQL`), which holds the files of the classes
/// under it, taken from the other end.
/// The due list's condition, with only the filters a query sets: a filter left in as
/// `(:project IS NULL OR …)` is evaluated on every one of the hundreds of thousands of rows a
/// count walks (the count of 429,521 files due at 1M took 22.5 ms with all of them, 13.2 ms
/// without).
fn due_where(args: &DueArgs) -> String {
    let mut sql = String::from(
        "WHERE f.status NOT IN ('destroyed', 'transferred')
          AND f.semi_active_until IS NOT NULL AND f.semi_active_until <= :until",
    );
    if args.project.is_some() {
        sql.push_str(" AND f.project_id = (SELECT id FROM projects WHERE code = :project)");
    }
    if args.kind.is_some() {
        sql.push_str(" AND f.disposition = :kind");
    }
    if args.class.is_some() {
        sql.push_str(
            " AND f.class_id IN (
              WITH RECURSIVE branch(id) AS (
                  SELECT id FROM plan_classes WHERE code = :class
                  UNION SELECT sub.id FROM plan_classes sub JOIN branch b ON sub.parent_id = b.id)
              SELECT id FROM branch)",
        );
    }
    sql
}

/// The due list in order of final date, without its page's bounds.
fn due_list_sql(args: &DueArgs) -> String {
    format!("{DUE_SELECT} {} ORDER BY f.semi_active_until, f.id", due_where(args))
}

fn due_count_sql(args: &DueArgs) -> String {
    format!("SELECT count(*) FROM files f {}", due_where(args))
}

/// A `DueQuery`'s values as [`due_where`] binds them.
struct DueArgs {
    until: String,
    project: Option<String>,
    kind: Option<&'static str>,
    class: Option<String>,
}

impl DueArgs {
    /// The values the condition names.
    fn named(&self) -> Vec<(&'static str, &dyn rusqlite::ToSql)> {
        let mut named: Vec<(&'static str, &dyn rusqlite::ToSql)> = vec![(":until", &self.until)];
        if let Some(project) = &self.project {
            named.push((":project", project));
        }
        if let Some(kind) = &self.kind {
            named.push((":kind", kind));
        }
        if let Some(class) = &self.class {
            named.push((":class", class));
        }
        named
    }
}

/// How many files fall due in a period, by final disposition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DueCounts {
    pub destruction: u64,
    pub transfer: u64,
    pub review: u64,
}

impl DueCounts {
    fn add(&mut self, disposition: &str, count: u64) {
        match disposition {
            "D" => self.destruction += count,
            "C" => self.transfer += count,
            _ => self.review += count,
        }
    }
}

/// One month of the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DueMonth {
    /// `YYYY-MM`.
    pub month: String,
    #[serde(flatten)]
    pub counts: DueCounts,
}

/// What falls due month by month from a month on, with what is already overdue before it and
/// the files still waiting for their event (no date yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DueCalendar {
    pub from: NaiveDate,
    pub overdue: DueCounts,
    pub months: Vec<DueMonth>,
    pub waiting: u64,
}

/// What recomputing the due dates did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecomputeReport {
    /// Files looked at.
    pub files: u64,
    /// Files whose rule version or due dates changed.
    pub changed: u64,
    /// Of those, files whose final disposition year changed (the index's due facet follows).
    pub reindexed: u64,
}

/// The columns of the due list's CSV and XLSX exports.
pub const DUE_COLUMNS: [&str; 13] = [
    "reference",
    "title",
    "class",
    "project",
    "rule",
    "rule_version",
    "closed_on",
    "due_on",
    "disposition",
    "hold",
    "batch",
    "trigger",
    "trigger_date",
];

/// The due list's export: its columns, and their widths in an XLSX sheet.
const DUE_LAYOUT: crate::register_export::Layout = crate::register_export::Layout {
    sheet: "Échéances",
    columns: &DUE_COLUMNS,
    widths: &[16.0, 60.0, 12.0, 12.0, 8.0, 6.0, 11.0, 11.0, 6.0, 12.0, 14.0, 28.0, 11.0],
};

/// A row of `DUE_SELECT`. A rule that starts at a birth date needs the file's persons: its
/// `trigger_date` is filled by [`Marks::mark`].
fn due_row(row: &Row<'_>) -> rusqlite::Result<DueFile> {
    let (code, detail): (String, String) = (row.get(10)?, row.get(11)?);
    let trigger = TriggerEvent::from_columns(&code, &detail).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(10, rusqlite::types::Type::Text, format!("trigger {code}").into())
    })?;
    let dates = FileDates {
        opened_on: parse_col(row.get(12)?),
        closed_on: parse_col(row.get(7)?),
        contract_ended_on: parse_col(row.get(13)?),
        last_activity_on: parse_col(row.get(14)?),
        other: serde_json::from_str(&row.get::<_, String>(15)?).unwrap_or_default(),
    };
    let trigger_date = date_col(trigger_date_of(&trigger, &dates, None));
    Ok(DueFile {
        id: row.get(0)?,
        reference: row.get(1)?,
        title: row.get(2)?,
        class: row.get(3)?,
        project: row.get(4)?,
        rule: row.get(5)?,
        rule_version: row.get(6)?,
        closed_on: row.get(7)?,
        due_on: row.get(8)?,
        disposition: row.get(9)?,
        held_by: None,
        batch: None,
        trigger,
        trigger_date,
    })
}

/// The date a file's clock started from, as its explanation computes it. `due_dates` decides
/// (the last activity falls back to the closing date, a fixed date is the rule's own), so it is
/// asked rather than its rules repeated here; the periods do not change the start.
fn trigger_date_of(trigger: &TriggerEvent, dates: &FileDates, birth: Option<NaiveDate>) -> Option<NaiveDate> {
    let explanation = Explanation {
        class: String::new(),
        project: None,
        sensitivity: None,
        copy: CopyKind::Principal,
        active: Period::Years(0),
        semi_active: Period::Years(0),
        disposition: Disposition::Destroy,
        trigger: trigger.clone(),
        chain: Vec::new(),
    };
    due_dates(&explanation, dates, birth).trigger_date
}

/// Whether any hold is in force or any batch open: when none is, the due list need not look
/// each file up (most vaults, most of the time).
struct Marks {
    holds: bool,
    batches: bool,
}

impl Marks {
    fn load(conn: &Connection) -> rusqlite::Result<Marks> {
        Ok(Marks {
            holds: conn.query_row("SELECT EXISTS (SELECT 1 FROM holds WHERE released_at IS NULL)", [], |row| row.get(0))?,
            batches: conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM disposition_batches WHERE state IN ('proposed', 'approved', 'incomplete'))",
                [],
                |row| row.get(0),
            )?,
        })
    }

    fn mark(&self, conn: &Connection, file: &mut DueFile) -> rusqlite::Result<()> {
        if file.trigger == TriggerEvent::BirthDate {
            let birth = birth_date_of(conn, file.id)?;
            file.trigger_date = date_col(trigger_date_of(&file.trigger, &FileDates::default(), birth));
        }
        if self.holds {
            file.held_by = hold_on_file(conn, file.id)?.map(|(number, _)| number);
        }
        if self.batches {
            file.batch = open_batch_of(conn, file.id)?;
        }
        Ok(())
    }
}

fn open_batch_of(conn: &Connection, file_id: i64) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT b.number FROM batch_files bf JOIN disposition_batches b ON b.id = bf.batch_id
         WHERE bf.file_id = ?1 AND bf.decision <> 'rejected' AND b.state IN ('proposed', 'approved', 'incomplete')",
    )?
    .query_row([file_id], |row| row.get(0))
    .optional()
}

// ----- batches -----

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchKind {
    Destruction,
    Transfer,
    /// Files due for destruction that hold personal information, anonymised and kept instead
    /// (crates/core/src/anonymise.rs).
    Anonymisation,
}

impl BatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BatchKind::Destruction => "destruction",
            BatchKind::Transfer => "transfer",
            BatchKind::Anonymisation => "anonymisation",
        }
    }

    pub fn parse(text: &str) -> Option<BatchKind> {
        match text.trim() {
            "destruction" | "destroy" => Some(BatchKind::Destruction),
            "transfer" => Some(BatchKind::Transfer),
            "anonymisation" | "anonymization" | "anonymise" | "anonymize" => Some(BatchKind::Anonymisation),
            _ => None,
        }
    }

    /// The final disposition of the files such a batch takes.
    fn disposition(self) -> &'static str {
        match self {
            BatchKind::Destruction | BatchKind::Anonymisation => "D",
            BatchKind::Transfer => "C",
        }
    }

    /// Whether an execution removes information for good (and so has a certificate, a ledger
    /// entry, an index merge and a checkpoint).
    pub fn erases(self) -> bool {
        matches!(self, BatchKind::Destruction | BatchKind::Anonymisation)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchState {
    Proposed,
    Approved,
    Rejected,
    /// Executed, but the index merge or the checkpoint has not completed: run it again.
    Incomplete,
    Executed,
}

impl BatchState {
    pub fn as_str(self) -> &'static str {
        match self {
            BatchState::Proposed => "proposed",
            BatchState::Approved => "approved",
            BatchState::Rejected => "rejected",
            BatchState::Incomplete => "incomplete",
            BatchState::Executed => "executed",
        }
    }

    fn parse(text: &str) -> BatchState {
        match text {
            "approved" => BatchState::Approved,
            "rejected" => BatchState::Rejected,
            "incomplete" => BatchState::Incomplete,
            "executed" => BatchState::Executed,
            _ => BatchState::Proposed,
        }
    }
}

/// A disposition batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Batch {
    pub id: i64,
    pub number: String,
    pub kind: BatchKind,
    pub state: BatchState,
    pub note: String,
    pub proposed_by: String,
    pub proposed_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_reason: Option<String>,
    pub executed_by: Option<String>,
    pub executed_at: Option<String>,
    pub method: Option<String>,
    pub chain_seq: Option<u64>,
    pub chain_hash: Option<String>,
    pub certificate_number: Option<String>,
    pub files: u64,
    pub approved_files: u64,
}

const BATCH_COLUMNS: &str = "b.id, b.number, b.kind, b.state, b.note, b.proposed_by, b.proposed_at, b.decided_by,
    b.decided_at, b.decision_reason, b.executed_by, b.executed_at, b.method, b.chain_seq, b.chain_hash,
    b.certificate_number, b.proposed_by_id,
    (SELECT count(*) FROM batch_files WHERE batch_id = b.id),
    (SELECT count(*) FROM batch_files WHERE batch_id = b.id AND decision = 'approved')";

struct BatchRow {
    batch: Batch,
    proposed_by_id: i64,
}

fn batch_row(row: &Row<'_>) -> rusqlite::Result<BatchRow> {
    let kind: String = row.get(2)?;
    let state: String = row.get(3)?;
    Ok(BatchRow {
        batch: Batch {
            id: row.get(0)?,
            number: row.get(1)?,
            kind: BatchKind::parse(&kind).unwrap_or(BatchKind::Destruction),
            state: BatchState::parse(&state),
            note: row.get(4)?,
            proposed_by: row.get(5)?,
            proposed_at: row.get(6)?,
            decided_by: row.get(7)?,
            decided_at: row.get(8)?,
            decision_reason: row.get(9)?,
            executed_by: row.get(10)?,
            executed_at: row.get(11)?,
            method: row.get(12)?,
            chain_seq: row.get(13)?,
            chain_hash: row.get(14)?,
            certificate_number: row.get(15)?,
            files: row.get(17)?,
            approved_files: row.get(18)?,
        },
        proposed_by_id: row.get(16)?,
    })
}

fn load_batch(conn: &Connection, number: &str) -> Result<BatchRow, Error> {
    conn.query_row(
        &format!("SELECT {BATCH_COLUMNS} FROM disposition_batches b WHERE b.number = ?1"),
        [number.trim()],
        batch_row,
    )
    .optional()?
    .ok_or_else(|| DispositionError::UnknownBatch { number: number.trim().to_owned() }.into())
}

/// How a file of a batch was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileDecision {
    Pending,
    Approved,
    Rejected,
}

impl FileDecision {
    fn parse(text: &str) -> FileDecision {
        match text {
            "approved" => FileDecision::Approved,
            "rejected" => FileDecision::Rejected,
            _ => FileDecision::Pending,
        }
    }
}

/// Why a file of a batch should not go ahead as proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum BatchFlag {
    /// A hold was placed on it since.
    Held { hold: String, reason: String },
    /// Its due date moved past today (a rule, a calendar or its dates changed).
    NoLongerDue { due_on: Option<String> },
    /// It left the register (destroyed or transferred by another batch).
    Gone,
}

impl BatchFlag {
    /// Why the file should not go ahead, as a clause of a sentence.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            BatchFlag::Held { hold, reason } => {
                lang.pick(format!("mise en suspens {hold} ({reason})"), format!("hold {hold} ({reason})"))
            }
            BatchFlag::NoLongerDue { due_on: Some(due) } => {
                lang.pick(format!("il n'est plus échu (échéance au {due})"), format!("it is no longer due ({due})"))
            }
            BatchFlag::NoLongerDue { due_on: None } => lang
                .pick("il n'est plus échu (aucune date de disposition)", "it is no longer due (no disposition date)")
                .to_owned(),
            BatchFlag::Gone => lang.pick("il a quitté le registre", "it left the register").to_owned(),
        }
    }
}

/// A file of a batch, with what changed since it was proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchFile {
    pub file_id: i64,
    pub reference: String,
    pub title: Option<String>,
    pub class: Option<String>,
    pub due_on: Option<String>,
    pub decision: FileDecision,
    pub flags: Vec<BatchFlag>,
}

/// The residual record of a destroyed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DestroyedFile {
    pub id: i64,
    pub reference: String,
    pub class: String,
    /// `None` when the rule says the documents are confidential.
    pub title: Option<String>,
    pub opened_on: Option<String>,
    pub closed_on: Option<String>,
    pub rule: String,
    pub rule_version: i64,
    pub batch: String,
    pub proposed_by: String,
    pub approved_by: String,
    pub executed_by: String,
    pub destroyed_at: String,
}

/// The step after a destruction's transaction that did not complete (the batch stays
/// `incomplete` until it does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinishStep {
    IndexMerge,
    Checkpoint,
}

impl FinishStep {
    fn describe(self, lang: Lang) -> &'static str {
        match self {
            FinishStep::IndexMerge => lang.pick("la fusion de l'index de recherche", "the merge of the search index"),
            FinishStep::Checkpoint => {
                lang.pick("le point de contrôle du journal du coffre", "the checkpoint of the vault's log")
            }
        }
    }
}

/// What an execution did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionReport {
    pub batch: Batch,
    pub files: u64,
    pub persons: u64,
    /// Approved files left out because they were no longer due, or no longer had the batch's
    /// disposition, when the batch was executed (their decision became `rejected`).
    pub left_out: Vec<String>,
    /// Where the time went, in milliseconds: the transaction that deletes the rows, the index
    /// (catch-up, merges, garbage collection, its log), the vault's checkpoint.
    pub timings_ms: ExecutionTimings,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionTimings {
    pub rows: f64,
    pub index: f64,
    pub checkpoint: f64,
}

/// Where the execution of a batch is, in the order its steps run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExecutionPhase {
    /// The approved files checked again (holds, due date, disposition).
    Checking,
    /// The files destroyed, anonymised or transferred, in one transaction.
    Files,
    /// The search index catching up and merging away the destroyed files' documents.
    Index,
    /// The vault's log checkpointed and truncated (destructions and anonymisations).
    Checkpoint,
}

/// What an execution reports as it goes: its phase and, for the phases that count files, how
/// many are done of how many (`total` 0: the phase has no count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionProgress {
    pub phase: ExecutionPhase,
    pub done: u64,
    pub total: u64,
}

/// How many files go by between two progress reports of the files phase.
const PROGRESS_STEP: u64 = 250;

// ----- the certificate -----

/// A rule applied by a batch, with its file count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateRule {
    pub number: String,
    pub version: i64,
    pub files: u64,
}

/// A file a certificate lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateFile {
    pub reference: String,
    pub class: String,
    pub title: Option<String>,
    pub opened_on: Option<String>,
    pub closed_on: Option<String>,
    pub rule: String,
    pub rule_version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateCounts {
    pub files: u64,
    pub persons: u64,
}

/// The data of a destruction certificate, what the PDF and the CSV show, but its files: those
/// come one at a time from [`Vault::for_each_certificate_file`] (a batch may hold a million).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Certificate {
    pub lang: Lang,
    /// Destruction, or anonymisation (a transfer has slips, not a certificate).
    pub kind: BatchKind,
    pub organisation: String,
    pub certificate_number: String,
    pub batch: String,
    pub method: String,
    pub proposed_by: String,
    pub proposed_at: String,
    pub approved_by: String,
    pub approved_at: String,
    pub executed_by: String,
    pub executed_at: String,
    pub rules: Vec<CertificateRule>,
    pub counts: CertificateCounts,
    pub chain_head: audit::ChainHead,
    pub backup_policy: String,
}

/// The backup policy every certificate states.
pub fn backup_policy(lang: Lang, kind: BatchKind) -> &'static str {
    match kind {
        BatchKind::Anonymisation => lang.pick(
            "Les sauvegardes du coffre faites avant l'anonymisation contiennent encore les renseignements personnels \
             de ces dossiers, chiffrés. Le registre de destruction, tenu hors des sauvegardes et en ajout seulement, \
             est rejoué à l'ouverture de toute sauvegarde restaurée : ces dossiers sont anonymisés de nouveau avant \
             toute utilisation du coffre. Les sauvegardes suivent leur propre calendrier de conservation et sont \
             détruites à son échéance.",
            "Backups of the vault made before the anonymisation still hold these files' personal information, \
             encrypted. The destruction ledger, kept outside the backups and append-only, is replayed when any \
             restored backup is opened: these files are anonymised again before the vault can be used. Backups \
             follow their own retention period and are destroyed when it ends.",
        ),
        _ => lang.pick(
            "Les sauvegardes du coffre faites avant la destruction contiennent encore ces dossiers, chiffrés. \
             Le registre de destruction, tenu hors des sauvegardes et en ajout seulement, est rejoué à l'ouverture \
             de toute sauvegarde restaurée : les dossiers détruits le sont de nouveau avant toute utilisation du coffre. \
             Les sauvegardes suivent leur propre calendrier de conservation et sont détruites à son échéance.",
            "Backups of the vault made before the destruction still hold these files, encrypted. The destruction \
             ledger, kept outside the backups and append-only, is replayed when any restored backup is opened: the \
             destroyed files are destroyed again before the vault can be used. Backups follow their own retention \
             period and are destroyed when it ends.",
        ),
    }
}

/// A file on a transfer slip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlipFile {
    pub reference: String,
    pub class: String,
    pub title: String,
    pub medium: String,
    pub opened_on: Option<String>,
    pub closed_on: Option<String>,
}

/// A transfer slip: one box of an executed transfer batch, with what Quebec's regulation on the
/// transfer of archives asks of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferSlip {
    pub lang: Lang,
    pub organisation: String,
    /// `LOT-2026-0003-01`: the batch and the box's rank.
    pub slip_number: String,
    pub batch: String,
    /// The box: the files' location as the register holds it.
    pub box_label: String,
    /// The units that held the files (their holders).
    pub originating_unit: String,
    pub quantity: u64,
    pub media: Vec<String>,
    /// The dates of the oldest and newest documents (openings and closings).
    pub oldest: Option<String>,
    pub newest: Option<String>,
    /// The period during which access is restricted, in words.
    pub access_restriction: String,
    pub transferred_by: String,
    pub transferred_at: String,
    pub files: Vec<SlipFile>,
}

/// A file of a box being gathered into a slip: its holder, the file, its sensitivity.
type BoxEntry = (String, SlipFile, String);

/// What checking a certificate against the vault found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateCheck {
    pub certificate_number: String,
    pub batch: String,
    pub files: u64,
    /// Everything that does not match; empty when the certificate is true.
    pub problems: Vec<String>,
}

impl CertificateCheck {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What the archivist decides for a file whose final disposition is review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum ReviewDecision {
    Destroy,
    KeepPermanently,
    /// Keep it until (at least) this date, then review it again.
    Extend {
        until: NaiveDate,
    },
    /// Apply another rule of its class.
    ReassignRule {
        rule: String,
    },
}

// ----- errors -----

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DispositionError {
    #[error("File {reference} is under legal hold {hold} ({reason}): it cannot be changed, destroyed or transferred until the hold is released.")]
    FileHeld { reference: String, hold: String, reason: String },
    #[error("There is no hold {number}. `greffier hold list` shows them.")]
    UnknownHold { number: String },
    #[error("Hold {number} was already released.")]
    HoldReleased { number: String },
    #[error("Give a reason: a hold is placed and released with one.")]
    ReasonMissing,
    #[error("There is no person #{id}. `greffier person find` gives their number.")]
    UnknownPerson { id: i64 },
    #[error("There is no disposition batch {number}. `greffier disposition list` shows them.")]
    UnknownBatch { number: String },
    #[error("Batch {number} is {state}: this needs a batch that is {expected}.")]
    BatchState { number: String, state: &'static str, expected: &'static str },
    #[error("You proposed batch {number}: another user must approve or reject it (separation of duties).")]
    SameUser { number: String },
    #[error("A batch needs at least one file.")]
    BatchEmpty,
    #[error(
        "File {reference} is not due: its final disposition date is {due}. Only files due by today can go in a batch."
    )]
    NotDue { reference: String, due: String },
    #[error(
        "File {reference} has no final disposition date yet (its event has not happened): it cannot go in a batch."
    )]
    NoDueDate { reference: String },
    #[error("File {reference}'s final disposition is {disposition}, not {expected}: it cannot go in a {kind} batch.")]
    WrongDisposition { reference: String, disposition: String, expected: &'static str, kind: &'static str },
    #[error("File {reference} is already in batch {batch}.")]
    AlreadyInBatch { reference: String, batch: String },
    #[error("File {reference} is not in batch {batch}.")]
    NotInBatch { reference: String, batch: String },
    #[error("File {reference} of batch {batch} cannot be approved: {}. Reject it, or release the hold, then decide again.", .flag.describe(Lang::En))]
    FlaggedFile { reference: String, batch: String, flag: BatchFlag },
    #[error("Batch {number} was executed, but {} did not complete: no certificate is issued yet. Close other Greffier windows and commands, free disk space if it is full, then run `greffier disposition execute {number}` again.", .step.describe(Lang::En))]
    Incomplete { number: String, step: FinishStep },
    #[error("Batch {number} has no certificate: only an executed destruction or anonymisation batch has one.")]
    NoCertificate { number: String },
    #[error("The destruction ledger {path} is damaged at line {line} ({detail}). Do not use this vault: restore the ledger from its copy or report the incident.")]
    LedgerDamaged { path: String, line: usize, detail: String },
    #[error(
        "The certificate file could not be read: {detail}. Give the CSV file `greffier certificate export` wrote."
    )]
    CertificateUnreadable { detail: String },
    #[error("File {reference}'s final disposition is {disposition}, not review (T): there is nothing to decide.")]
    NotInReview { reference: String, disposition: String },
    #[error("File {reference} is already kept until {due}: extend it to a date after that, not {until}.")]
    ExtendNotLater { reference: String, due: String, until: String },
    #[error("File {reference} holds no personal information (no person is linked to it): there is nothing to anonymise. Destroy it, or keep it by a review decision.")]
    NoPersonalInformation { reference: String },
}

impl UserMessage for DispositionError {
    fn code(&self) -> ErrorCode {
        use DispositionError::*;
        match self {
            FileHeld { .. } => ErrorCode::FileHeld,
            UnknownHold { .. } => ErrorCode::UnknownHold,
            HoldReleased { .. } => ErrorCode::HoldReleased,
            ReasonMissing => ErrorCode::ReasonMissing,
            UnknownPerson { .. } => ErrorCode::UnknownPerson,
            UnknownBatch { .. } => ErrorCode::UnknownBatch,
            BatchState { .. } => ErrorCode::BatchState,
            SameUser { .. } => ErrorCode::SeparationOfDuties,
            BatchEmpty => ErrorCode::BatchEmpty,
            NotDue { .. } | NoDueDate { .. } => ErrorCode::FileNotDue,
            WrongDisposition { .. } => ErrorCode::WrongDisposition,
            AlreadyInBatch { .. } => ErrorCode::FileInBatch,
            NotInBatch { .. } => ErrorCode::FileNotInBatch,
            FlaggedFile { .. } => ErrorCode::FileFlagged,
            Incomplete { .. } => ErrorCode::BatchIncomplete,
            NoCertificate { .. } => ErrorCode::NoCertificate,
            LedgerDamaged { .. } => ErrorCode::LedgerDamaged,
            CertificateUnreadable { .. } => ErrorCode::CertificateUnreadable,
            NotInReview { .. } => ErrorCode::NotInReview,
            ExtendNotLater { .. } => ErrorCode::InvalidArgument,
            NoPersonalInformation { .. } => ErrorCode::NoPersonalInformation,
        }
    }

    fn french(&self) -> String {
        use DispositionError::*;
        match self {
            FileHeld { reference, hold, reason } => format!("Le dossier {reference} est sous la mise en suspens {hold} ({reason}) : il ne peut être modifié, détruit ni versé avant la levée de la suspension."),
            UnknownHold { number } => format!("Il n'y a pas de mise en suspens {number}. `greffier hold list` les affiche."),
            HoldReleased { number } => format!("La mise en suspens {number} est déjà levée."),
            ReasonMissing => "Donnez un motif : une mise en suspens se place et se lève avec un motif.".into(),
            UnknownPerson { id } => format!("Il n'y a pas de personne n° {id}. `greffier person find` donne son numéro."),
            UnknownBatch { number } => format!("Il n'y a pas de lot de disposition {number}. `greffier disposition list` les affiche."),
            BatchState { number, state, expected } => format!("Le lot {number} est à l'état « {state} » : il faut un lot à l'état « {expected} »."),
            SameUser { number } => format!("Vous avez proposé le lot {number} : un autre utilisateur doit l'approuver ou le rejeter (séparation des tâches)."),
            BatchEmpty => "Un lot doit compter au moins un dossier.".into(),
            NotDue { reference, due } => format!("Le dossier {reference} n'est pas échu : sa date de disposition finale est le {due}. Seuls les dossiers échus à ce jour peuvent entrer dans un lot."),
            NoDueDate { reference } => format!("Le dossier {reference} n'a pas encore de date de disposition finale (son événement n'est pas survenu) : il ne peut entrer dans un lot."),
            WrongDisposition { reference, disposition, expected, kind } => format!("La disposition finale du dossier {reference} est {disposition}, non {expected} : il ne peut entrer dans un lot de type « {kind} »."),
            AlreadyInBatch { reference, batch } => format!("Le dossier {reference} est déjà dans le lot {batch}."),
            NotInBatch { reference, batch } => format!("Le dossier {reference} n'est pas dans le lot {batch}."),
            FlaggedFile { reference, batch, flag } => format!("Le dossier {reference} du lot {batch} ne peut être approuvé : {}. Rejetez-le, ou levez la suspension, puis décidez de nouveau.", flag.describe(Lang::Fr)),
            Incomplete { number, step } => format!("Le lot {number} a été exécuté, mais {} n'a pas abouti : aucun certificat n'est encore délivré. Fermez les autres fenêtres et commandes Greffier, libérez de l'espace disque s'il est plein, puis relancez `greffier disposition execute {number}`.", step.describe(Lang::Fr)),
            NoCertificate { number } => format!("Le lot {number} n'a pas de certificat : seul un lot de destruction ou d'anonymisation exécuté en a un."),
            LedgerDamaged { path, line, detail } => format!("Le registre de destruction {path} est endommagé à la ligne {line} ({detail}). N'utilisez pas ce coffre : restaurez le registre depuis sa copie ou signalez l'incident."),
            CertificateUnreadable { detail } => format!("Le fichier du certificat n'a pu être lu : {detail}. Donnez le fichier CSV écrit par `greffier certificate export`."),
            NotInReview { reference, disposition } => format!("La disposition finale du dossier {reference} est {disposition}, non le tri (T) : il n'y a rien à décider."),
            ExtendNotLater { reference, due, until } => format!("Le dossier {reference} est déjà conservé jusqu'au {due} : prolongez-le à une date postérieure, non au {until}."),
            NoPersonalInformation { reference } => format!("Le dossier {reference} ne contient aucun renseignement personnel (aucune personne n'y est liée) : il n'y a rien à anonymiser. Détruisez-le, ou conservez-le par une décision de tri."),
        }
    }
}

fn require_reason(reason: &str) -> Result<String, Error> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(DispositionError::ReasonMissing.into());
    }
    Ok(reason.to_owned())
}

/// The next number of a series for the year: `H-2026-0001`.
fn next_number(conn: &Connection, table: &str, column: &str, prefix: &str, year: i32) -> rusqlite::Result<String> {
    let stem = format!("{prefix}-{year}-");
    let count: i64 =
        conn.query_row(&format!("SELECT count(*) FROM {table} WHERE {column} LIKE ?1 || '%'"), [&stem], |row| {
            row.get(0)
        })?;
    Ok(format!("{stem}{:04}", count + 1))
}

fn file_id_of(conn: &Connection, reference: &str) -> Result<(i64, String), Error> {
    conn.query_row("SELECT id, reference FROM files WHERE reference = ?1", [reference.trim()], |row| {
        Ok((row.get(0)?, row.get(1)?))
    })
    .optional()?
    .ok_or_else(|| RegisterError::UnknownFile { reference: reference.trim().to_owned() }.into())
}

impl Vault {
    fn today(&self) -> NaiveDate {
        self.env.clock.now().with_timezone(&chrono::Local).date_naive()
    }

    // ----- holds -----

    /// Places a legal hold. Audited.
    pub fn place_hold(
        &mut self,
        session: &Session,
        target: HoldTarget,
        kind: HoldKind,
        reason: &str,
        request_ref: Option<&str>,
    ) -> Result<Hold, Error> {
        self.require(session, Permission::ManageHolds)?;
        let reason = require_reason(reason)?;
        let (target_id, label): (i64, String) = match &target {
            HoldTarget::File(reference) => file_id_of(&self.conn, reference)?,
            HoldTarget::Person(id) => {
                let exists: bool =
                    self.conn
                        .query_row("SELECT EXISTS (SELECT 1 FROM persons WHERE id = ?1)", [id], |row| row.get(0))?;
                if !exists {
                    return Err(DispositionError::UnknownPerson { id: *id }.into());
                }
                (*id, format!("person #{id}"))
            }
            HoldTarget::Class(code) => self
                .conn
                .query_row("SELECT id, code FROM plan_classes WHERE code = ?1", [code.trim()], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .optional()?
                .ok_or_else(|| crate::PlanError::UnknownClass { code: code.trim().to_owned() })?,
            HoldTarget::Project(code) => {
                let (id, project) = crate::project::load(&self.conn, code)?;
                (id, project.code)
            }
        };
        let now = self.env.clock.now();
        let tx = self.conn.unchecked_transaction()?;
        let number = next_number(&tx, "holds", "number", "H", self.today().year())?;
        let id: i64 = tx.query_row(
            "INSERT INTO holds (number, kind, reason, target_type, target_id, target_label, placed_by, placed_at, request_ref)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
            params![number, kind.as_str(), reason, target.type_str(), target_id, label, session.user.username, stamp(now), request_ref],
            |row| row.get(0),
        )?;
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::HoldPlace, "hold", &number).details(serde_json::json!({
                "kind": kind.as_str(), "reason": reason, "target": target.type_str(), "on": label, "request": request_ref,
            })),
            now,
        )?;
        tx.commit()?;
        self.hold_by_id(id)
    }

    /// Releases a hold, with a reason. The files stay held while another hold is in force. Audited.
    pub fn release_hold(&mut self, session: &Session, number: &str, reason: &str) -> Result<Hold, Error> {
        self.require(session, Permission::ManageHolds)?;
        let reason = require_reason(reason)?;
        let hold = self.hold(session, number)?;
        if hold.released_at.is_some() {
            return Err(DispositionError::HoldReleased { number: hold.number }.into());
        }
        let now = self.env.clock.now();
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "UPDATE holds SET released_by = ?1, released_at = ?2, release_reason = ?3 WHERE id = ?4",
            params![session.user.username, stamp(now), reason, hold.id],
        )?;
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::HoldRelease, "hold", &hold.number)
                .details(serde_json::json!({ "reason": reason })),
            now,
        )?;
        tx.commit()?;
        self.hold_by_id(hold.id)
    }

    /// Releases every hold an access request placed (when the request is closed).
    pub fn release_request_holds(
        &mut self,
        session: &Session,
        request_ref: &str,
        reason: &str,
    ) -> Result<usize, Error> {
        self.require(session, Permission::ManageHolds)?;
        let numbers: Vec<String> = self
            .conn
            .prepare("SELECT number FROM holds WHERE request_ref = ?1 AND released_at IS NULL")?
            .query_map([request_ref], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for number in &numbers {
            self.release_hold(session, number, reason)?;
        }
        Ok(numbers.len())
    }

    pub fn hold(&self, session: &Session, number: &str) -> Result<Hold, Error> {
        self.require(session, Permission::ViewRegister)?;
        self.conn
            .query_row(&format!("SELECT {HOLD_COLUMNS} FROM holds WHERE number = ?1"), [number.trim()], hold_row)
            .optional()?
            .ok_or_else(|| DispositionError::UnknownHold { number: number.trim().to_owned() }.into())
    }

    fn hold_by_id(&self, id: i64) -> Result<Hold, Error> {
        Ok(self.conn.query_row(&format!("SELECT {HOLD_COLUMNS} FROM holds WHERE id = ?1"), [id], hold_row)?)
    }

    /// The holds, those in force first; released ones too when asked.
    pub fn holds(&self, session: &Session, include_released: bool) -> Result<Vec<Hold>, Error> {
        self.require(session, Permission::ViewRegister)?;
        let sql = format!(
            "SELECT {HOLD_COLUMNS} FROM holds {} ORDER BY released_at IS NOT NULL, id",
            if include_released { "" } else { "WHERE released_at IS NULL" }
        );
        let holds = self.conn.prepare(&sql)?.query_map([], hold_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(holds)
    }

    /// The holds in force on a file, whatever they are placed on.
    pub fn holds_on_file(&self, session: &Session, reference: &str) -> Result<Vec<Hold>, Error> {
        self.require(session, Permission::ViewRegister)?;
        let (id, _) = file_id_of(&self.conn, reference)?;
        let numbers: Vec<String> = self
            .conn
            .prepare_cached(FILE_HOLDS_SQL)?
            .query_map([id], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        numbers.iter().map(|n| self.hold(session, n)).collect()
    }

    // ----- the due list -----

    /// A page of the files due by a date, from their stored due dates, soonest first.
    pub fn due_files(&self, session: &Session, query: &DueQuery, offset: u64, limit: u64) -> Result<DuePage, Error> {
        self.require(session, Permission::ViewRegister)?;
        let total = self.due_count(session, query)?;
        let files = self.due_page(session, query, offset, limit)?;
        Ok(DuePage { total, offset, files })
    }

    /// A page of the due list without its count.
    pub fn due_page(
        &self,
        session: &Session,
        query: &DueQuery,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<DueFile>, Error> {
        self.require(session, Permission::ViewRegister)?;
        let args = self.due_args(query)?;
        let limit = limit.min(10_000);
        let mut named = args.named();
        named.push((":limit", &limit));
        named.push((":offset", &offset));
        let mut stmt = self.conn.prepare_cached(&format!("{} LIMIT :limit OFFSET :offset", due_list_sql(&args)))?;
        let mut files = stmt.query_map(named.as_slice(), due_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        let marks = Marks::load(&self.conn)?;
        for file in &mut files {
            marks.mark(&self.conn, file)?;
        }
        Ok(files)
    }

    /// How many files the due list holds.
    pub fn due_count(&self, session: &Session, query: &DueQuery) -> Result<u64, Error> {
        self.require(session, Permission::ViewRegister)?;
        let args = self.due_args(query)?;
        Ok(self.conn.prepare_cached(&due_count_sql(&args))?.query_row(args.named().as_slice(), |row| row.get(0))?)
    }

    /// Every file of the due list, one at a time, for an export that never holds the whole list.
    pub fn for_each_due_file(
        &self,
        session: &Session,
        query: &DueQuery,
        each: &mut dyn FnMut(&DueFile) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        self.require(session, Permission::ViewRegister)?;
        let args = self.due_args(query)?;
        let mut stmt = self.conn.prepare(&due_list_sql(&args))?;
        let mut rows = stmt.query(args.named().as_slice())?;
        let marks = Marks::load(&self.conn)?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let mut file = due_row(row)?;
            marks.mark(&self.conn, &mut file)?;
            each(&file)?;
            count += 1;
        }
        Ok(count)
    }

    /// The filter's values; an unknown class is refused rather than listing nothing.
    fn due_args(&self, query: &DueQuery) -> Result<DueArgs, Error> {
        let given = |text: &Option<String>| text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        let class = given(&query.class);
        if let Some(code) = &class {
            let known: bool =
                self.conn.query_row("SELECT EXISTS (SELECT 1 FROM plan_classes WHERE code = ?1)", [code], |row| {
                    row.get(0)
                })?;
            if !known {
                return Err(crate::PlanError::UnknownClass { code: code.clone() }.into());
            }
        }
        Ok(DueArgs {
            until: query.until.to_string(),
            project: given(&query.project),
            kind: query.kind.map(DueKind::code),
            class,
        })
    }

    /// The calendar: counts by month for `months` months from the first day of `from`'s month,
    /// all projects or one, read from the stored due dates.
    pub fn due_calendar(
        &self,
        session: &Session,
        from: NaiveDate,
        months: u32,
        project: Option<&str>,
    ) -> Result<DueCalendar, Error> {
        self.require(session, Permission::ViewRegister)?;
        let start = from.with_day(1).unwrap_or(from);
        let end = start.checked_add_months(chrono::Months::new(months.min(240))).unwrap_or(start);
        let open = "f.status NOT IN ('destroyed', 'transferred')
            AND (:project IS NULL OR f.project_id = (SELECT id FROM projects WHERE code = :project))";
        let mut overdue = DueCounts::default();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT f.disposition, count(*) FROM files f
             WHERE {open} AND f.semi_active_until IS NOT NULL AND f.semi_active_until < :start
             GROUP BY f.disposition"
        ))?;
        let mut rows = stmt.query(named_params! { ":start": start.to_string(), ":project": project })?;
        while let Some(row) = rows.next()? {
            overdue.add(&row.get::<_, String>(0)?, row.get(1)?);
        }
        let mut by_month: Vec<DueMonth> = (0..months.min(240))
            .filter_map(|i| start.checked_add_months(chrono::Months::new(i)))
            .map(|m| DueMonth { month: m.format("%Y-%m").to_string(), counts: DueCounts::default() })
            .collect();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT substr(f.semi_active_until, 1, 7), f.disposition, count(*) FROM files f
             WHERE {open} AND f.semi_active_until IS NOT NULL AND f.semi_active_until >= :start
               AND f.semi_active_until < :end
             GROUP BY 1, 2"
        ))?;
        let mut rows =
            stmt.query(named_params! { ":start": start.to_string(), ":end": end.to_string(), ":project": project })?;
        while let Some(row) = rows.next()? {
            let month: String = row.get(0)?;
            if let Some(slot) = by_month.iter_mut().find(|m| m.month == month) {
                slot.counts.add(&row.get::<_, String>(1)?, row.get(2)?);
            }
        }
        let waiting: u64 = self.conn.query_row(
            &format!("SELECT count(*) FROM files f WHERE {open} AND f.semi_active_until IS NULL"),
            named_params! { ":project": project },
            |row| row.get(0),
        )?;
        Ok(DueCalendar { from: start, overdue, months: by_month, waiting })
    }

    /// Applies the schedule as it stands now to every file still in the register (or only to the
    /// files of one rule): each takes the rule's current version and the calendar's current
    /// overrides, and its stored due dates are computed again. Files whose final disposition
    /// year changes are queued for the index. One transaction; `false` from `progress` (files
    /// done) cancels and changes nothing. Audited with the counts.
    pub fn recompute_due_dates(
        &mut self,
        session: &Session,
        rule: Option<&str>,
        progress: &mut dyn FnMut(u64) -> bool,
    ) -> Result<RecomputeReport, Error> {
        self.require(session, Permission::ManagePlan)?;
        let tx = self.conn.unchecked_transaction()?;
        let mut calendar = crate::register::Calendar::load(&tx)?;
        let seq = next_change(&tx)?;
        let mut report = RecomputeReport::default();
        {
            let mut read = tx.prepare(
                "SELECT f.id, c.code, r.number, p.code, f.sensitivity, f.exception, f.opened_on, f.closed_on,
                    f.contract_ended_on, f.last_activity_on, f.other_dates, f.active_until, f.semi_active_until,
                    f.disposition, f.rule_version
                 FROM files f
                 JOIN plan_classes c ON c.id = f.class_id
                 JOIN retention_rules r ON r.id = f.rule_id
                 LEFT JOIN projects p ON p.id = f.project_id
                 WHERE f.id > ?2 AND f.status NOT IN ('destroyed', 'transferred') AND (?1 IS NULL OR r.number = ?1)
                 ORDER BY f.id LIMIT 10000",
            )?;
            let mut write = tx.prepare(
                "UPDATE files SET rule_version = ?1, active_until = ?2, semi_active_until = ?3, disposition = ?4,
                    change_seq = CASE WHEN ?5 THEN ?6 ELSE change_seq END
                 WHERE id = ?7",
            )?;
            use crate::register::{birth_date_of, date_col, parse_col};
            // In chunks along the row ids: an update moves a row in the due-date index, and a
            // scan of that index would meet it again.
            let mut last = 0i64;
            loop {
                let mut rows = read.query(params![rule.map(str::trim), last])?;
                let mut seen = 0;
                while let Some(row) = rows.next()? {
                    seen += 1;
                    let id: i64 = row.get(0)?;
                    last = id;
                    let class: String = row.get(1)?;
                    let number: String = row.get(2)?;
                    let project: Option<String> = row.get(3)?;
                    let sensitivity =
                        crate::Sensitivity::parse(&row.get::<_, String>(4)?).unwrap_or(crate::Sensitivity::Internal);
                    let exception: Option<crate::FileException> =
                        row.get::<_, Option<String>>(5)?.and_then(|text| serde_json::from_str(&text).ok());
                    let dates = crate::FileDates {
                        opened_on: parse_col(row.get(6)?),
                        closed_on: parse_col(row.get(7)?),
                        contract_ended_on: parse_col(row.get(8)?),
                        last_activity_on: parse_col(row.get(9)?),
                        other: serde_json::from_str(&row.get::<_, String>(10)?).unwrap_or_default(),
                    };
                    let stored: (Option<String>, Option<String>, String, u32) =
                        (row.get(11)?, row.get(12)?, row.get(13)?, row.get(14)?);
                    let resolved = calendar.resolve(
                        &tx,
                        &class,
                        Some(&number),
                        project.as_deref(),
                        sensitivity,
                        exception.as_ref(),
                        false,
                    )?;
                    let birth = match resolved.explanation.trigger {
                        crate::TriggerEvent::BirthDate => birth_date_of(&tx, id)?,
                        _ => None,
                    };
                    let due = crate::register::due_dates(&resolved.explanation, &dates, birth);
                    let now = (
                        date_col(due.active_until),
                        date_col(due.semi_active_until),
                        due.disposition.code().to_string(),
                        resolved.rule_version,
                    );
                    report.files += 1;
                    if now != stored {
                        // The index holds the final date (its year as a facet, the date to sort by).
                        let reindex = now.1 != stored.1;
                        write.execute(params![now.3, now.0, now.1, now.2, reindex, seq, id])?;
                        report.changed += 1;
                        if reindex {
                            report.reindexed += 1;
                        }
                    }
                }
                if seen == 0 {
                    break;
                }
                if !progress(report.files) {
                    return Err(crate::BackupError::Cancelled.into());
                }
            }
        }
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::DueRecompute, "schedule", rule.unwrap_or("*")).details(serde_json::json!({
                "files": report.files, "changed": report.changed,
            })),
            self.env.clock.now(),
        )?;
        tx.commit()?;
        progress(report.files);
        self.sync_index();
        Ok(report)
    }

    /// The due list's heading for its PDF; the files follow from [`Vault::for_each_due_file`].
    pub fn due_report(&self, session: &Session, query: &DueQuery, lang: Lang) -> Result<DueReport, Error> {
        let total = self.due_count(session, query)?;
        Ok(DueReport {
            lang,
            organisation: self.organisation()?,
            until: query.until.to_string(),
            project: query.project.clone(),
            class: query.class.clone(),
            kind: query.kind,
            generated_by: format!("{} ({})", session.user.display_name, session.user.username),
            total,
        })
    }

    /// Writes the whole due list `query` selects, in its order, to `path` as CSV or XLSX, with
    /// the trigger events named in `lang`. Streamed a row at a time (an XLSX sheet in
    /// rust_xlsxwriter's constant-memory mode) into a temporary file beside `path`, which then
    /// takes its place: a failed or cancelled export leaves no half-written file, and an older
    /// file at `path` stays as it was. Every XLSX cell is text, so codes such as `0002` keep
    /// their zeros. Audited with the count and the filter.
    ///
    /// `progress` hears the files written of all at the start, every
    /// [`crate::PROGRESS_EVERY`] files and at the end; `false` from it cancels the export.
    pub fn export_due(
        &self,
        session: &Session,
        query: &DueQuery,
        lang: Lang,
        format: crate::RegisterFormat,
        path: &std::path::Path,
        progress: &mut dyn FnMut(u64, u64) -> bool,
    ) -> Result<u64, Error> {
        let total = self.due_count(session, query)?;
        if !progress(0, total) {
            return Err(crate::BackupError::Cancelled.into());
        }
        let mut done = 0u64;
        let count = crate::register_export::write_export(path, format, &DUE_LAYOUT, total, &mut |emit| {
            self.for_each_due_file(session, query, &mut |f| {
                emit(vec![
                    f.reference.clone(),
                    f.title.clone(),
                    f.class.clone(),
                    f.project.clone().unwrap_or_default(),
                    f.rule.clone(),
                    f.rule_version.to_string(),
                    f.closed_on.clone().unwrap_or_default(),
                    f.due_on.clone(),
                    f.disposition.clone(),
                    f.held_by.clone().unwrap_or_default(),
                    f.batch.clone().unwrap_or_default(),
                    f.trigger.label(lang).to_string(),
                    f.trigger_date.clone().unwrap_or_default(),
                ])?;
                done += 1;
                if done.is_multiple_of(crate::PROGRESS_EVERY) && !progress(done, total) {
                    return Err(crate::BackupError::Cancelled.into());
                }
                Ok(())
            })
        })?;
        progress(count, total);
        self.record(
            session,
            NewEvent::new(AuditAction::DueExport, "due", &self.vault_id).details(serde_json::json!({
                "files": count, "query": query,
            })),
        )?;
        Ok(count)
    }

    // ----- batches -----

    /// Proposes a batch of files for destruction or transfer. Each must be due by today, have
    /// the batch's disposition, be held by nothing and be in no other open batch. Audited.
    pub fn propose_batch(
        &mut self,
        session: &Session,
        kind: BatchKind,
        references: &[String],
        note: &str,
    ) -> Result<Batch, Error> {
        self.require(session, Permission::ProposeDisposition)?;
        if references.is_empty() {
            return Err(DispositionError::BatchEmpty.into());
        }
        let today = self.today().to_string();
        let now = self.env.clock.now();
        let tx = self.conn.unchecked_transaction()?;
        let number = next_number(&tx, "disposition_batches", "number", "LOT", self.today().year())?;
        let batch_id: i64 = tx.query_row(
            "INSERT INTO disposition_batches (number, kind, state, note, proposed_by_id, proposed_by, proposed_at)
             VALUES (?1, ?2, 'proposed', ?3, ?4, ?5, ?6) RETURNING id",
            params![number, kind.as_str(), note.trim(), session.user.id.0, session.user.username, stamp(now)],
            |row| row.get(0),
        )?;
        let mut seen = BTreeSet::new();
        {
            let mut load = tx.prepare(
                "SELECT id, reference, status, semi_active_until, disposition FROM files WHERE reference = ?1",
            )?;
            let mut insert =
                tx.prepare("INSERT INTO batch_files (batch_id, file_id, reference) VALUES (?1, ?2, ?3)")?;
            for reference in references {
                let found = load
                    .query_row([reference.trim()], |row| {
                        Ok((
                            row.get::<_, i64>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, String>(2)?,
                            row.get::<_, Option<String>>(3)?,
                            row.get::<_, String>(4)?,
                        ))
                    })
                    .optional()?;
                let Some((id, reference, status, due, disposition)) = found else {
                    return Err(RegisterError::UnknownFile { reference: reference.trim().to_owned() }.into());
                };
                if !seen.insert(id) {
                    continue;
                }
                if status == "destroyed" || status == "transferred" {
                    return Err(RegisterError::FileFinal {
                        reference,
                        status: if status == "destroyed" { "destroyed" } else { "transferred" },
                    }
                    .into());
                }
                if disposition != kind.disposition() {
                    return Err(DispositionError::WrongDisposition {
                        reference,
                        disposition,
                        expected: kind.disposition(),
                        kind: kind.as_str(),
                    }
                    .into());
                }
                match due {
                    None => return Err(DispositionError::NoDueDate { reference }.into()),
                    Some(due) if due > today => return Err(DispositionError::NotDue { reference, due }.into()),
                    Some(_) => {}
                }
                refuse_if_held(&tx, id, &reference)?;
                if kind == BatchKind::Anonymisation && !has_persons(&tx, id)? {
                    return Err(DispositionError::NoPersonalInformation { reference }.into());
                }
                if let Some(batch) = open_batch_of(&tx, id)? {
                    return Err(DispositionError::AlreadyInBatch { reference, batch }.into());
                }
                insert.execute(params![batch_id, id, reference])?;
            }
        }
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::DispositionPropose, "batch", &number).details(serde_json::json!({
                "kind": kind.as_str(), "files": seen.len(), "note": note.trim(),
            })),
            now,
        )?;
        tx.commit()?;
        if kind.erases() {
            self.gather_in_index(batch_id);
        }
        Ok(load_batch(&self.conn, &number)?.batch)
    }

    /// Readies the search index for a batch that will erase files: their documents and their
    /// persons' are gathered into a segment of their own while the segments that held them are
    /// merged in the background (see `SearchIndex::gather`), so that the execution rewrites
    /// that small segment only. The index is derived data: a failure here only makes the
    /// execution's merge longer.
    fn gather_in_index(&self, batch_id: i64) {
        let gathered = (|| -> Result<usize, Error> {
            let files: std::collections::HashSet<i64> = self
                .conn
                .prepare("SELECT file_id FROM batch_files WHERE batch_id = ?1")?
                .query_map([batch_id], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let persons: std::collections::HashSet<i64> = self
                .conn
                .prepare(
                    "SELECT DISTINCT fp.person_id FROM file_persons fp
                     JOIN batch_files b ON b.file_id = fp.file_id WHERE b.batch_id = ?1",
                )?
                .query_map([batch_id], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let purge = crate::search::Purge { files, persons };
            self.with_index(|index, conn| index.gather(conn, &purge))
        })();
        if let Err(error) = gathered {
            tracing::warn!("the search index could not gather the batch's documents: {error}");
        }
    }

    /// Waits for the background merges that proposing a destruction or an anonymisation started
    /// (see [`Vault::propose_batch`]); executing the batch waits for them anyway. For the
    /// benchmark, which times the proposal's work apart from the execution's.
    pub fn wait_for_index_merges(&self) -> Result<(), Error> {
        self.with_index(|index, _| {
            index.wait_for_merges();
            Ok(())
        })
    }

    /// Proposes a batch of every file of the due list (up to `limit`), leaving out the held ones
    /// and those already in a batch.
    pub fn propose_due(
        &mut self,
        session: &Session,
        kind: BatchKind,
        query: &DueQuery,
        limit: u64,
        note: &str,
    ) -> Result<Batch, Error> {
        let query = DueQuery {
            until: query.until.min(self.today()),
            kind: Some(match kind {
                BatchKind::Destruction | BatchKind::Anonymisation => DueKind::Destruction,
                BatchKind::Transfer => DueKind::Transfer,
            }),
            ..query.clone()
        };
        let mut candidates = Vec::new();
        self.for_each_due_file(session, &query, &mut |file| {
            if file.held_by.is_none() && file.batch.is_none() {
                candidates.push((file.id, file.reference.clone()));
            }
            Ok(())
        })?;
        let mut references = Vec::new();
        for (id, reference) in candidates {
            if (references.len() as u64) >= limit {
                break;
            }
            // Only the files that hold personal information can be anonymised.
            if kind != BatchKind::Anonymisation || has_persons(&self.conn, id)? {
                references.push(reference);
            }
        }
        self.propose_batch(session, kind, &references, note)
    }

    pub fn batch(&self, session: &Session, number: &str) -> Result<Batch, Error> {
        self.require(session, Permission::ViewRegister)?;
        Ok(load_batch(&self.conn, number)?.batch)
    }

    pub fn batches(&self, session: &Session) -> Result<Vec<Batch>, Error> {
        self.require(session, Permission::ViewRegister)?;
        let batches = self
            .conn
            .prepare(&format!("SELECT {BATCH_COLUMNS} FROM disposition_batches b ORDER BY b.id DESC"))?
            .query_map([], batch_row)?
            .map(|r| r.map(|b| b.batch))
            .collect::<rusqlite::Result<_>>()?;
        Ok(batches)
    }

    /// The files of a batch, each with what changed since it was proposed.
    pub fn batch_files(&self, session: &Session, number: &str) -> Result<Vec<BatchFile>, Error> {
        self.require(session, Permission::ViewRegister)?;
        let batch = load_batch(&self.conn, number)?.batch;
        batch_files(&self.conn, &batch, &self.today().to_string())
    }

    /// Approves every pending file of a batch. Refused to its proposer, and while a pending file
    /// is flagged (held, no longer due, gone). Audited.
    pub fn approve_batch(&mut self, session: &Session, number: &str, reason: &str) -> Result<Batch, Error> {
        let pending: Vec<String> = {
            let batch = self.decidable(session, number)?;
            batch_files(&self.conn, &batch, &self.today().to_string())?
                .into_iter()
                .filter(|f| f.decision == FileDecision::Pending)
                .map(|f| f.reference)
                .collect()
        };
        self.decide_files(session, number, &pending, FileDecision::Approved, reason)
    }

    /// Rejects a whole batch. Refused to its proposer. Audited.
    pub fn reject_batch(&mut self, session: &Session, number: &str, reason: &str) -> Result<Batch, Error> {
        let reason = require_reason(reason)?;
        let batch = self.decidable(session, number)?;
        let now = self.env.clock.now();
        let tx = self.conn.unchecked_transaction()?;
        tx.execute("UPDATE batch_files SET decision = 'rejected' WHERE batch_id = ?1", [batch.id])?;
        tx.execute(
            "UPDATE disposition_batches SET state = 'rejected', decided_by_id = ?1, decided_by = ?2, decided_at = ?3,
                decision_reason = ?4 WHERE id = ?5",
            params![session.user.id.0, session.user.username, stamp(now), reason, batch.id],
        )?;
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::DispositionReject, "batch", &batch.number)
                .details(serde_json::json!({ "reason": reason, "files": batch.files })),
            now,
        )?;
        tx.commit()?;
        Ok(load_batch(&self.conn, number)?.batch)
    }

    /// Decides files of a batch one by one. When none is left pending the batch is approved (if
    /// any file was) or rejected. Refused to the batch's proposer. Audited.
    pub fn decide_files(
        &mut self,
        session: &Session,
        number: &str,
        references: &[String],
        decision: FileDecision,
        reason: &str,
    ) -> Result<Batch, Error> {
        let batch = self.decidable(session, number)?;
        let reason = reason.trim().to_owned();
        if decision == FileDecision::Rejected && reason.is_empty() {
            return Err(DispositionError::ReasonMissing.into());
        }
        let today = self.today().to_string();
        let flagged: std::collections::HashMap<String, Vec<BatchFlag>> = batch_files(&self.conn, &batch, &today)?
            .into_iter()
            .map(|f| (f.reference.to_lowercase(), f.flags))
            .collect();
        let now = self.env.clock.now();
        let tx = self.conn.unchecked_transaction()?;
        let decision_text = match decision {
            FileDecision::Approved => "approved",
            FileDecision::Rejected => "rejected",
            FileDecision::Pending => "pending",
        };
        for reference in references {
            let Some(flags) = flagged.get(&reference.trim().to_lowercase()) else {
                return Err(DispositionError::NotInBatch {
                    reference: reference.trim().to_owned(),
                    batch: batch.number,
                }
                .into());
            };
            if decision == FileDecision::Approved {
                if let Some(flag) = flags.first() {
                    return Err(DispositionError::FlaggedFile {
                        reference: reference.trim().to_owned(),
                        batch: batch.number,
                        flag: flag.clone(),
                    }
                    .into());
                }
            }
            tx.execute(
                "UPDATE batch_files SET decision = ?1 WHERE batch_id = ?2 AND reference = ?3 COLLATE NOCASE",
                params![decision_text, batch.id, reference.trim()],
            )?;
        }
        let (pending, approved): (i64, i64) = tx.query_row(
            "SELECT count(*) FILTER (WHERE decision = 'pending'), count(*) FILTER (WHERE decision = 'approved')
             FROM batch_files WHERE batch_id = ?1",
            [batch.id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        if pending == 0 {
            tx.execute(
                "UPDATE disposition_batches SET state = ?1, decided_by_id = ?2, decided_by = ?3, decided_at = ?4,
                    decision_reason = ?5 WHERE id = ?6",
                params![
                    if approved > 0 { "approved" } else { "rejected" },
                    session.user.id.0,
                    session.user.username,
                    stamp(now),
                    reason,
                    batch.id
                ],
            )?;
        }
        let action = if decision == FileDecision::Rejected {
            AuditAction::DispositionReject
        } else {
            AuditAction::DispositionApprove
        };
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(action, "batch", &batch.number).details(serde_json::json!({
                "decision": decision_text, "files": references.len(), "reason": reason, "pending": pending,
            })),
            now,
        )?;
        tx.commit()?;
        Ok(load_batch(&self.conn, number)?.batch)
    }

    /// A proposed batch the session may decide.
    fn decidable(&self, session: &Session, number: &str) -> Result<Batch, Error> {
        self.require(session, Permission::ApproveDisposition)?;
        let row = load_batch(&self.conn, number)?;
        if row.batch.state != BatchState::Proposed {
            return Err(DispositionError::BatchState {
                number: row.batch.number,
                state: row.batch.state.as_str(),
                expected: "proposed",
            }
            .into());
        }
        if row.proposed_by_id == session.user.id.0 {
            return Err(DispositionError::SameUser { number: row.batch.number }.into());
        }
        Ok(row.batch)
    }

    /// Executes an approved batch (or finishes an incomplete one). A destruction deletes the
    /// approved files' rows, the persons no other file needs, their index documents and the
    /// details of their audit events, leaves a residual record of each file, writes the ledger,
    /// then merges the index and checkpoints both databases; a transfer marks the files
    /// transferred. Holds are checked again inside the transaction. Audited.
    pub fn execute_batch(&mut self, session: &Session, number: &str, method: &str) -> Result<ExecutionReport, Error> {
        self.execute_batch_with_progress(session, number, method, &mut |_| {})
    }

    /// [`Vault::execute_batch`], telling `progress` each phase as it starts and the files done
    /// as they go. There is no way to stop it half-way: a batch is executed whole or not at all
    /// (a failure after its transaction leaves it `incomplete`, and running it again finishes).
    pub fn execute_batch_with_progress(
        &mut self,
        session: &Session,
        number: &str,
        method: &str,
        progress: &mut dyn FnMut(ExecutionProgress),
    ) -> Result<ExecutionReport, Error> {
        self.require(session, Permission::ProposeDisposition)?;
        let row = load_batch(&self.conn, number)?;
        let batch = row.batch;
        let mut report =
            |phase: ExecutionPhase, done: u64, total: u64| progress(ExecutionProgress { phase, done, total });
        match batch.state {
            BatchState::Approved => {}
            BatchState::Incomplete => return self.finish_destruction(&batch.number, &mut report),
            state => {
                return Err(DispositionError::BatchState {
                    number: batch.number,
                    state: state.as_str(),
                    expected: "approved",
                }
                .into())
            }
        }
        let method = match method.trim() {
            "" => match batch.kind {
                BatchKind::Destruction => "secure deletion (SQLCipher secure_delete, index merged, log truncated)",
                BatchKind::Transfer => "transfer to archives",
                BatchKind::Anonymisation => crate::anonymise::METHOD,
            },
            m => m,
        }
        .to_owned();
        let approved_by = batch.decided_by.clone().unwrap_or_default();
        let now = self.env.clock.now();
        let started = std::time::Instant::now();
        let tx = self.conn.unchecked_transaction()?;
        let ids: Vec<(i64, String)> = tx
            .prepare("SELECT file_id, reference FROM batch_files WHERE batch_id = ?1 AND decision = 'approved' ORDER BY file_id")?
            .query_map([batch.id], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let approved = ids.len() as u64;
        report(ExecutionPhase::Checking, 0, approved);
        for (id, reference) in &ids {
            refuse_if_held(&tx, *id, reference)?;
        }
        // What changed since the approval (a reopened file, a new rule version applied) leaves
        // the file out rather than destroying or transferring what is not due.
        let today = self.today().to_string();
        let mut left_out = Vec::new();
        let mut file_ids = Vec::with_capacity(ids.len());
        {
            let mut check =
                tx.prepare_cached("SELECT semi_active_until, disposition, status FROM files WHERE id = ?1")?;
            let mut reject =
                tx.prepare_cached("UPDATE batch_files SET decision = 'rejected' WHERE batch_id = ?1 AND file_id = ?2")?;
            for (id, reference) in &ids {
                let state: Option<(Option<String>, String, String)> =
                    check.query_row([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?))).optional()?;
                let due = match &state {
                    Some((Some(due), disposition, status)) => {
                        due.as_str() <= today.as_str()
                            && disposition == kind_code(batch.kind)
                            && status != "destroyed"
                            && status != "transferred"
                    }
                    _ => false,
                };
                if due {
                    file_ids.push(*id);
                } else {
                    reject.execute(params![batch.id, id])?;
                    left_out.push(reference.clone());
                }
            }
        }
        report(ExecutionPhase::Checking, approved, approved);
        let total = file_ids.len() as u64;
        report(ExecutionPhase::Files, 0, total);
        let (files, persons) = match batch.kind {
            BatchKind::Destruction => {
                let who = Actors {
                    batch_id: batch.id,
                    proposed_by: &batch.proposed_by,
                    approved_by: &approved_by,
                    executed_by: &session.user.username,
                    at: &stamp(now),
                };
                destroy(&tx, &who, &file_ids, &[], &mut |done| report(ExecutionPhase::Files, done, total))?
            }
            BatchKind::Anonymisation => {
                let who = crate::anonymise::Anonymiser {
                    batch_id: batch.id,
                    batch: &batch.number,
                    proposed_by: &batch.proposed_by,
                    approved_by: &approved_by,
                    executed_by: &session.user.username,
                    at: &stamp(now),
                };
                let seq = next_change(&tx)?;
                let (files, persons) = crate::anonymise::anonymise(&tx, &who, &file_ids, seq)?;
                (files, erase_unneeded_persons(&tx, persons, seq)?)
            }
            BatchKind::Transfer => {
                let seq = next_change(&tx)?;
                let mut stmt = tx.prepare(
                    "UPDATE files SET status = 'transferred', change_seq = ?1, updated_at = ?2 WHERE id = ?3",
                )?;
                for (done, id) in (1..).zip(&file_ids) {
                    stmt.execute(params![seq, stamp(now), id])?;
                    if u64::is_multiple_of(done, PROGRESS_STEP) {
                        report(ExecutionPhase::Files, done, total);
                    }
                }
                (total, Vec::new())
            }
        };
        report(ExecutionPhase::Files, files, total);
        let certificate = match batch.kind {
            BatchKind::Destruction => {
                Some(next_number(&tx, "disposition_batches", "certificate_number", "CD", self.today().year())?)
            }
            BatchKind::Anonymisation => {
                Some(next_number(&tx, "disposition_batches", "certificate_number", "CA", self.today().year())?)
            }
            BatchKind::Transfer => None,
        };
        tx.execute(
            "UPDATE disposition_batches SET state = ?1, executed_by = ?2, executed_at = ?3, method = ?4,
                certificate_number = ?5 WHERE id = ?6",
            params![
                if batch.kind.erases() { "incomplete" } else { "executed" },
                session.user.username,
                stamp(now),
                method,
                certificate,
                batch.id
            ],
        )?;
        let seq = audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::DispositionExecute, "batch", &batch.number).details(serde_json::json!({
                "kind": batch.kind.as_str(), "files": files, "persons": persons.len(), "method": method,
                "certificate": certificate,
            })),
            now,
        )?;
        let head = audit::head(&tx)?;
        debug_assert_eq!(head.seq, seq);
        tx.execute(
            "UPDATE disposition_batches SET chain_seq = ?1, chain_hash = ?2 WHERE id = ?3",
            params![head.seq, head.hash, batch.id],
        )?;
        tx.commit()?;
        let rows_ms = started.elapsed().as_secs_f64() * 1000.0;
        if batch.kind == BatchKind::Transfer {
            report(ExecutionPhase::Index, 0, 0);
            self.sync_index();
            return Ok(ExecutionReport {
                batch: load_batch(&self.conn, number)?.batch,
                files,
                persons: 0,
                left_out,
                timings_ms: ExecutionTimings { rows: rows_ms, ..Default::default() },
            });
        }
        let entry = LedgerEntry {
            v: 1,
            kind: batch.kind.as_str().to_owned(),
            vault_id: self.vault_id.clone(),
            batch: batch.number.clone(),
            certificate: certificate.clone(),
            executed_at: stamp(now),
            proposed_by: batch.proposed_by.clone(),
            approved_by,
            executed_by: session.user.username.clone(),
            method,
            chain_seq: head.seq,
            chain_hash: head.hash.clone(),
            file_ids,
            person_ids: persons.clone(),
            prev: String::new(),
        };
        ledger::append(&self.paths.dir, entry)?;
        let mut done = self.finish_destruction(&batch.number, &mut report)?;
        done.files = files;
        done.persons = persons.len() as u64;
        done.left_out = left_out;
        done.timings_ms.rows = rows_ms;
        Ok(done)
    }

    /// The end of a destruction: the index merged and its old files removed, both logs
    /// checkpointed and truncated. Until it completes the batch stays incomplete.
    fn finish_destruction(
        &mut self,
        number: &str,
        report: &mut dyn FnMut(ExecutionPhase, u64, u64),
    ) -> Result<ExecutionReport, Error> {
        let batch = load_batch(&self.conn, number)?.batch;
        if !ledger::contains(&self.paths.dir, &batch.number)? {
            self.append_ledger_for(&batch)?;
        }
        report(ExecutionPhase::Index, 0, 0);
        let started = std::time::Instant::now();
        // What the batch erased, from its ledger entry: only the segments that held it are
        // rewritten (all those with deletions if the entry cannot be read).
        let purge = ledger::read(&self.paths.dir).ok().and_then(|entries| {
            entries.into_iter().find(|e| e.batch == batch.number).map(|entry| crate::search::Purge {
                files: entry.file_ids.into_iter().collect(),
                persons: entry.person_ids.into_iter().collect(),
            })
        });
        let index_done = self.with_index(|index, conn| {
            index.catch_up(conn)?;
            index.purge_deleted(purge.as_ref())
        });
        let index_ms = started.elapsed().as_secs_f64() * 1000.0;
        let index_done = match index_done {
            Ok(done) => done,
            Err(error) => {
                tracing::warn!("index purge of batch {number} failed: {error}");
                false
            }
        };
        if !index_done {
            return Err(DispositionError::Incomplete { number: batch.number, step: FinishStep::IndexMerge }.into());
        }
        report(ExecutionPhase::Checkpoint, 0, 0);
        let started = std::time::Instant::now();
        if !checkpoint_truncate(&self.conn)? {
            return Err(DispositionError::Incomplete { number: batch.number, step: FinishStep::Checkpoint }.into());
        }
        let checkpoint_ms = started.elapsed().as_secs_f64() * 1000.0;
        self.conn.execute("UPDATE disposition_batches SET state = 'executed' WHERE id = ?1", [batch.id])?;
        let _ = checkpoint_truncate(&self.conn);
        let batch = load_batch(&self.conn, number)?.batch;
        let files = batch.approved_files;
        Ok(ExecutionReport {
            batch,
            files,
            persons: 0,
            left_out: Vec::new(),
            timings_ms: ExecutionTimings { rows: 0.0, index: index_ms, checkpoint: checkpoint_ms },
        })
    }

    /// Writes the ledger entry of a batch executed before its entry could be written (a crash).
    fn append_ledger_for(&self, batch: &Batch) -> Result<(), Error> {
        let file_ids: Vec<i64> = self
            .conn
            .prepare(match batch.kind {
                BatchKind::Anonymisation => "SELECT file_id FROM anonymised_files WHERE batch_id = ?1 ORDER BY file_id",
                _ => "SELECT id FROM destroyed_files WHERE batch_id = ?1 ORDER BY id",
            })?
            .query_map([batch.id], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ledger::append(
            &self.paths.dir,
            LedgerEntry {
                v: 1,
                kind: batch.kind.as_str().to_owned(),
                vault_id: self.vault_id.clone(),
                batch: batch.number.clone(),
                certificate: batch.certificate_number.clone(),
                executed_at: batch.executed_at.clone().unwrap_or_default(),
                proposed_by: batch.proposed_by.clone(),
                approved_by: batch.decided_by.clone().unwrap_or_default(),
                executed_by: batch.executed_by.clone().unwrap_or_default(),
                method: batch.method.clone().unwrap_or_default(),
                chain_seq: batch.chain_seq.unwrap_or_default(),
                chain_hash: batch.chain_hash.clone().unwrap_or_default(),
                file_ids,
                // The persons were deleted with their last file; a replay finds them unlinked.
                person_ids: Vec::new(),
                prev: String::new(),
            },
        )
    }

    /// Brings the vault in line with the destruction ledger, at every open: a batch the ledger
    /// records but the database does not (a backup from before it was restored) is destroyed
    /// again, signed by the vault; a batch the database executed but the ledger lacks (a crash
    /// between the two) is added to the ledger.
    pub(crate) fn replay_ledger(&mut self) -> Result<usize, Error> {
        let entries = ledger::read(&self.paths.dir)?;
        let mut replayed = 0;
        let vault_id = self.vault_id.clone();
        for entry in entries.iter().filter(|e| e.vault_id == vault_id) {
            let state: Option<String> = self
                .conn
                .query_row("SELECT state FROM disposition_batches WHERE number = ?1", [&entry.batch], |row| row.get(0))
                .optional()?;
            if matches!(state.as_deref(), Some("incomplete" | "executed")) {
                continue;
            }
            let kind = BatchKind::parse(&entry.kind).unwrap_or(BatchKind::Destruction);
            let now = self.env.clock.now();
            let tx = self.conn.unchecked_transaction()?;
            let batch_id: i64 = match state {
                Some(_) => tx.query_row(
                    "UPDATE disposition_batches SET state = 'incomplete', executed_by = ?2, executed_at = ?3,
                        method = ?4, chain_seq = ?5, chain_hash = ?6, certificate_number = ?7
                     WHERE number = ?1 RETURNING id",
                    params![entry.batch, entry.executed_by, entry.executed_at, entry.method, entry.chain_seq, entry.chain_hash, entry.certificate],
                    |row| row.get(0),
                )?,
                None => tx.query_row(
                    "INSERT INTO disposition_batches (number, kind, state, proposed_by_id, proposed_by, proposed_at,
                        decided_by, decided_at, executed_by, executed_at, method, chain_seq, chain_hash, certificate_number)
                     VALUES (?1, ?10, 'incomplete', 0, ?2, ?3, ?4, ?3, ?5, ?3, ?6, ?7, ?8, ?9) RETURNING id",
                    params![entry.batch, entry.proposed_by, entry.executed_at, entry.approved_by, entry.executed_by, entry.method, entry.chain_seq, entry.chain_hash, entry.certificate, kind.as_str()],
                    |row| row.get(0),
                )?,
            };
            let files = match kind {
                BatchKind::Anonymisation => {
                    let who = crate::anonymise::Anonymiser {
                        batch_id,
                        batch: &entry.batch,
                        proposed_by: &entry.proposed_by,
                        approved_by: &entry.approved_by,
                        executed_by: &entry.executed_by,
                        at: &entry.executed_at,
                    };
                    let seq = next_change(&tx)?;
                    let (files, mut persons) = crate::anonymise::anonymise(&tx, &who, &entry.file_ids, seq)?;
                    persons.extend(entry.person_ids.iter().copied());
                    erase_unneeded_persons(&tx, persons, seq)?;
                    files
                }
                _ => {
                    let who = Actors {
                        batch_id,
                        proposed_by: &entry.proposed_by,
                        approved_by: &entry.approved_by,
                        executed_by: &entry.executed_by,
                        at: &entry.executed_at,
                    };
                    destroy(&tx, &who, &entry.file_ids, &entry.person_ids, &mut |_| {})?.0
                }
            };
            tx.commit()?;
            self.append_as_system(
                NewEvent::new(AuditAction::DispositionReplay, "batch", &entry.batch)
                    .details(serde_json::json!({ "files": files, "replayedAt": stamp(now) })),
            )?;
            self.finish_destruction(&entry.batch, &mut |_, _, _| {})?;
            replayed += 1;
        }
        // Batches executed here that the ledger does not list yet.
        let numbers: Vec<String> = self
            .conn
            .prepare("SELECT number FROM disposition_batches WHERE kind IN ('destruction', 'anonymisation') AND state IN ('incomplete', 'executed')")?
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for number in numbers {
            if !entries.iter().any(|e| e.batch == number) {
                let batch = load_batch(&self.conn, &number)?.batch;
                self.append_ledger_for(&batch)?;
            }
        }
        Ok(replayed)
    }

    // ----- residual records and certificates -----

    /// The residual records of destroyed files whose reference, class or title contains `text`
    /// (all of them when empty), newest first.
    pub fn destroyed_files(&self, session: &Session, text: &str, limit: u64) -> Result<Vec<DestroyedFile>, Error> {
        self.require(session, Permission::ViewRegister)?;
        let pattern = format!("%{}%", text.trim());
        let files = self
            .conn
            .prepare(
                "SELECT d.id, d.reference, d.class_code, d.title, d.opened_on, d.closed_on, d.rule_number,
                    d.rule_version, b.number, d.proposed_by, d.approved_by, d.executed_by, d.destroyed_at
                 FROM destroyed_files d JOIN disposition_batches b ON b.id = d.batch_id
                 WHERE d.reference LIKE ?1 OR d.class_code LIKE ?1 OR ifnull(d.title, '') LIKE ?1
                 ORDER BY d.destroyed_at DESC, d.reference LIMIT ?2",
            )?
            .query_map(params![pattern, limit], |row| {
                Ok(DestroyedFile {
                    id: row.get(0)?,
                    reference: row.get(1)?,
                    class: row.get(2)?,
                    title: row.get(3)?,
                    opened_on: row.get(4)?,
                    closed_on: row.get(5)?,
                    rule: row.get(6)?,
                    rule_version: row.get(7)?,
                    batch: row.get(8)?,
                    proposed_by: row.get(9)?,
                    approved_by: row.get(10)?,
                    executed_by: row.get(11)?,
                    destroyed_at: row.get(12)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(files)
    }

    /// The destruction certificate of an executed batch, but its files
    /// ([`Vault::for_each_certificate_file`]).
    pub fn certificate(&self, session: &Session, number: &str, lang: Lang) -> Result<Certificate, Error> {
        self.require(session, Permission::ViewRegister)?;
        let batch = load_batch(&self.conn, number)?.batch;
        let (Some(certificate_number), BatchState::Executed, true) =
            (batch.certificate_number.clone(), batch.state, batch.kind.erases())
        else {
            return Err(DispositionError::NoCertificate { number: batch.number }.into());
        };
        let rules = self
            .conn
            .prepare(&format!(
                "SELECT rule_number, rule_version, count(*) FROM {} WHERE batch_id = ?1
                 GROUP BY rule_number, rule_version ORDER BY rule_number, rule_version",
                certified_files(batch.kind)
            ))?
            .query_map([batch.id], |row| {
                Ok(CertificateRule { number: row.get(0)?, version: row.get(1)?, files: row.get(2)? })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let files = rules.iter().map(|rule| rule.files).sum();
        let persons = self.batch_persons(batch.id)?;
        Ok(Certificate {
            lang,
            kind: batch.kind,
            organisation: self.organisation()?,
            certificate_number,
            batch: batch.number,
            method: batch.method.unwrap_or_default(),
            proposed_by: batch.proposed_by,
            proposed_at: batch.proposed_at,
            approved_by: batch.decided_by.unwrap_or_default(),
            approved_at: batch.decided_at.unwrap_or_default(),
            executed_by: batch.executed_by.unwrap_or_default(),
            executed_at: batch.executed_at.unwrap_or_default(),
            rules,
            counts: CertificateCounts { files, persons },
            chain_head: audit::ChainHead {
                seq: batch.chain_seq.unwrap_or_default(),
                hash: batch.chain_hash.unwrap_or_default(),
            },
            backup_policy: backup_policy(lang, batch.kind).to_owned(),
        })
    }

    /// Every file a certificate lists, one at a time, in its order (by class, then reference),
    /// for an export that never holds the whole list; answers how many.
    pub fn for_each_certificate_file(
        &self,
        session: &Session,
        certificate: &Certificate,
        each: &mut dyn FnMut(&CertificateFile) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        self.require(session, Permission::ViewRegister)?;
        let batch = load_batch(&self.conn, &certificate.batch)?.batch;
        if batch.certificate_number.as_deref() != Some(certificate.certificate_number.as_str()) {
            return Err(DispositionError::NoCertificate { number: batch.number }.into());
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT reference, class_code, title, opened_on, closed_on, rule_number, rule_version
             FROM {} WHERE batch_id = ?1 ORDER BY class_code, reference",
            certified_files(batch.kind)
        ))?;
        let mut rows = stmt.query([batch.id])?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            each(&CertificateFile {
                reference: row.get(0)?,
                class: row.get(1)?,
                title: row.get(2)?,
                opened_on: row.get(3)?,
                closed_on: row.get(4)?,
                rule: row.get(5)?,
                rule_version: row.get(6)?,
            })?;
            count += 1;
        }
        Ok(count)
    }

    /// Writes a certificate as JSON, its files streamed under `files` (the certificate's fields
    /// first, as `Certificate` serializes them).
    pub fn write_certificate_json(
        &self,
        session: &Session,
        certificate: &Certificate,
        out: &mut dyn std::io::Write,
    ) -> Result<(), Error> {
        let io = |e: std::io::Error| -> Error { crate::IoError::new("write", "certificate.json", e).into() };
        let json = |e: serde_json::Error| -> Error { io(std::io::Error::other(e)) };
        let head = serde_json::to_string_pretty(certificate).map_err(json)?;
        // `{ …fields… }` without its closing brace, then the files.
        let head = head.trim_end().strip_suffix('}').unwrap_or(&head).trim_end();
        out.write_all(head.as_bytes()).map_err(io)?;
        out.write_all(b",\n  \"files\": [").map_err(io)?;
        let mut first = true;
        self.for_each_certificate_file(session, certificate, &mut |file| {
            out.write_all(if first { b"\n    " } else { b",\n    " }).map_err(io)?;
            first = false;
            serde_json::to_writer(&mut *out, file).map_err(json)
        })?;
        out.write_all(if first { b"]\n}\n" } else { b"\n  ]\n}\n" }).map_err(io)?;
        Ok(())
    }

    /// The transfer slips of an executed transfer batch: one per box (the files' location), the
    /// boxes and their files in the order of the classification plan.
    pub fn transfer_slips(&self, session: &Session, number: &str, lang: Lang) -> Result<Vec<TransferSlip>, Error> {
        self.require(session, Permission::ViewRegister)?;
        let batch = load_batch(&self.conn, number)?.batch;
        if batch.kind != BatchKind::Transfer || batch.state != BatchState::Executed {
            return Err(DispositionError::BatchState {
                number: batch.number,
                state: batch.state.as_str(),
                expected: "executed (transfer)",
            }
            .into());
        }
        let organisation = self.organisation()?;
        let mut stmt = self.conn.prepare(
            "SELECT f.location, f.holder, f.reference, c.code, f.title, f.medium, f.opened_on, f.closed_on,
                f.sensitivity
             FROM batch_files bf
             JOIN files f ON f.id = bf.file_id
             JOIN plan_classes c ON c.id = f.class_id
             WHERE bf.batch_id = ?1 AND bf.decision = 'approved' AND f.status = 'transferred'
             ORDER BY c.code, f.reference",
        )?;
        // Boxes in the order their first file comes in the plan.
        let mut boxes: Vec<(String, Vec<BoxEntry>)> = Vec::new();
        let mut rows = stmt.query([batch.id])?;
        while let Some(row) = rows.next()? {
            let location: String = row.get(0)?;
            let medium: String = row.get(5)?;
            let file = SlipFile {
                reference: row.get(2)?,
                class: row.get(3)?,
                title: row.get(4)?,
                medium: crate::Medium::parse(&medium).unwrap_or_default().label(lang).to_owned(),
                opened_on: row.get(6)?,
                closed_on: row.get(7)?,
            };
            let entry = (row.get::<_, String>(1)?, file, row.get::<_, String>(8)?);
            let label = location.trim().to_owned();
            match boxes.iter_mut().find(|(b, _)| *b == label) {
                Some((_, files)) => files.push(entry),
                None => boxes.push((label, vec![entry])),
            }
        }
        let slips = boxes
            .into_iter()
            .enumerate()
            .map(|(i, (label, entries))| {
                let mut holders: Vec<String> =
                    entries.iter().map(|(h, _, _)| h.trim().to_owned()).filter(|h| !h.is_empty()).collect();
                holders.sort();
                holders.dedup();
                let mut media: Vec<String> = entries.iter().map(|(_, f, _)| f.medium.clone()).collect();
                media.sort();
                media.dedup();
                let dates = entries.iter().flat_map(|(_, f, _)| [f.opened_on.clone(), f.closed_on.clone()]).flatten();
                let oldest = dates.clone().min();
                let newest = dates.max();
                let personal = entries.iter().any(|(_, _, s)| s == "personal" || s == "highly_sensitive");
                let confidential = entries.iter().any(|(_, _, s)| s == "confidential");
                let access_restriction = access_restriction(lang, personal, confidential, newest.as_deref());
                TransferSlip {
                    lang,
                    organisation: organisation.clone(),
                    slip_number: format!("{}-{:02}", batch.number, i + 1),
                    batch: batch.number.clone(),
                    box_label: if label.is_empty() { "—".into() } else { label },
                    originating_unit: if holders.is_empty() { "—".into() } else { holders.join("; ") },
                    quantity: entries.len() as u64,
                    media,
                    oldest,
                    newest,
                    access_restriction,
                    transferred_by: batch.executed_by.clone().unwrap_or_default(),
                    transferred_at: batch.executed_at.clone().unwrap_or_default(),
                    files: entries.into_iter().map(|(_, f, _)| f).collect(),
                }
            })
            .collect();
        Ok(slips)
    }

    /// Writes transfer slips as CSV: one row per file, with its slip's fields.
    pub fn write_transfer_slips_csv(&self, slips: &[TransferSlip], out: &mut dyn std::io::Write) -> Result<(), Error> {
        let failed = |e: csv::Error| -> Error {
            crate::IoError::new("write", "slips.csv", std::io::Error::other(e.to_string())).into()
        };
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record([
            "slip",
            "organisation",
            "originating_unit",
            "box",
            "quantity",
            "oldest",
            "newest",
            "access_restriction",
            "reference",
            "class",
            "title",
            "medium",
            "opened_on",
            "closed_on",
        ])
        .map_err(failed)?;
        for s in slips {
            for f in &s.files {
                csv.write_record([
                    s.slip_number.as_str(),
                    &s.organisation,
                    &s.originating_unit,
                    &s.box_label,
                    &s.quantity.to_string(),
                    s.oldest.as_deref().unwrap_or(""),
                    s.newest.as_deref().unwrap_or(""),
                    &s.access_restriction,
                    &f.reference,
                    &f.class,
                    &f.title,
                    &f.medium,
                    f.opened_on.as_deref().unwrap_or(""),
                    f.closed_on.as_deref().unwrap_or(""),
                ])
                .map_err(failed)?;
            }
        }
        csv.flush().map_err(|e| crate::IoError::new("write", "slips.csv", e))?;
        Ok(())
    }

    fn batch_persons(&self, batch_id: i64) -> Result<u64, Error> {
        let details: Option<u64> = self
            .conn
            .query_row(
                "SELECT e.seq FROM audit_events e JOIN disposition_batches b ON e.object_id = b.number
                 WHERE b.id = ?1 AND e.object_type = 'batch' AND e.action = 'disposition.execute' ORDER BY e.seq DESC LIMIT 1",
                [batch_id],
                |row| row.get(0),
            )
            .optional()?;
        let persons = match details {
            Some(seq) => audit::details(&self.conn, seq)?
                .and_then(|d| d.get("persons").and_then(|p| p.as_u64()))
                .unwrap_or_default(),
            None => 0,
        };
        Ok(persons)
    }

    /// Writes a certificate as CSV: a block of `field,value` lines, a blank line, then the files,
    /// streamed.
    pub fn write_certificate_csv(
        &self,
        session: &Session,
        certificate: &Certificate,
        out: &mut dyn std::io::Write,
    ) -> Result<(), Error> {
        let mut csv = csv::WriterBuilder::new().flexible(true).from_writer(out);
        let io = |e: csv::Error| -> Error {
            crate::IoError::new("write", "certificate.csv", std::io::Error::other(e.to_string())).into()
        };
        let c = certificate;
        let rows: [(&str, String); 14] = [
            ("certificate", c.certificate_number.clone()),
            ("kind", c.kind.as_str().to_owned()),
            ("organisation", c.organisation.clone()),
            ("batch", c.batch.clone()),
            ("method", c.method.clone()),
            ("proposed_by", c.proposed_by.clone()),
            ("proposed_at", c.proposed_at.clone()),
            ("approved_by", c.approved_by.clone()),
            ("approved_at", c.approved_at.clone()),
            ("executed_by", c.executed_by.clone()),
            ("executed_at", c.executed_at.clone()),
            ("files", c.counts.files.to_string()),
            ("persons", c.counts.persons.to_string()),
            ("chain_head", format!("{}:{}", c.chain_head.seq, c.chain_head.hash)),
        ];
        for (field, value) in rows {
            csv.write_record([field, value.as_str()]).map_err(io)?;
        }
        for rule in &c.rules {
            csv.write_record(["rule", &format!("{} v{}: {}", rule.number, rule.version, rule.files)]).map_err(io)?;
        }
        csv.write_record(["backup_policy", c.backup_policy.as_str()]).map_err(io)?;
        csv.write_record([""]).map_err(io)?;
        csv.write_record(["reference", "class", "title", "opened_on", "closed_on", "rule", "rule_version"])
            .map_err(io)?;
        self.for_each_certificate_file(session, certificate, &mut |f| {
            csv.write_record([
                f.reference.as_str(),
                &f.class,
                f.title.as_deref().unwrap_or(""),
                f.opened_on.as_deref().unwrap_or(""),
                f.closed_on.as_deref().unwrap_or(""),
                &f.rule,
                &f.rule_version.to_string(),
            ])
            .map_err(io)
        })?;
        csv.flush().map_err(|e| crate::IoError::new("write", "certificate.csv", e))?;
        Ok(())
    }

    /// Checks a certificate (its CSV) against the vault: the chain verifies, the event at the
    /// certificate's head is the execution of its batch and has its hash, and the batch's
    /// residual records are exactly the files it lists.
    pub fn verify_certificate(&self, session: &Session, csv_text: &str) -> Result<CertificateCheck, Error> {
        self.require(session, Permission::ViewAudit)?;
        let claimed = read_certificate_csv(csv_text)?;
        let mut problems = Vec::new();
        let report = self.verify_audit(session)?;
        if let Some(problem) = &report.problem {
            problems.push(format!("the audit chain does not verify: {problem:?}"));
        }
        let event: Option<(String, String, Vec<u8>)> = self
            .conn
            .query_row("SELECT action, object_id, hash FROM audit_events WHERE seq = ?1", [claimed.chain_seq], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .optional()?;
        match event {
            None => problems.push(format!("the audit chain has no event #{}", claimed.chain_seq)),
            Some((action, object, hash)) => {
                if hex::encode(hash) != claimed.chain_hash {
                    problems.push(format!("event #{} has another hash than the certificate's", claimed.chain_seq));
                }
                if action != AuditAction::DispositionExecute.as_str() || object != claimed.batch {
                    problems
                        .push(format!("event #{} is not the execution of batch {}", claimed.chain_seq, claimed.batch));
                }
            }
        }
        match load_batch(&self.conn, &claimed.batch) {
            Err(_) => problems.push(format!("the vault has no batch {}", claimed.batch)),
            Ok(row) => {
                if row.batch.certificate_number.as_deref() != Some(claimed.certificate.as_str()) {
                    problems.push(format!("batch {} has another certificate number", claimed.batch));
                }
                let recorded: BTreeSet<String> = self
                    .conn
                    .prepare(&format!("SELECT reference FROM {} WHERE batch_id = ?1", certified_files(row.batch.kind)))?
                    .query_map([row.batch.id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                let listed: BTreeSet<String> = claimed.references.iter().cloned().collect();
                let done = if row.batch.kind == BatchKind::Anonymisation { "anonymised" } else { "destroyed" };
                for missing in recorded.difference(&listed).take(10) {
                    problems.push(format!("file {missing} was {done} by the batch but is not on the certificate"));
                }
                for extra in listed.difference(&recorded).take(10) {
                    problems.push(format!("file {extra} is on the certificate but was not {done} by the batch"));
                }
                if claimed.files != claimed.references.len() as u64 {
                    problems.push(format!(
                        "the certificate counts {} files but lists {}",
                        claimed.files,
                        claimed.references.len()
                    ));
                }
            }
        }
        Ok(CertificateCheck {
            certificate_number: claimed.certificate,
            batch: claimed.batch,
            files: claimed.references.len() as u64,
            problems,
        })
    }
}

/// The period during which access to a box is restricted. Personal information: 100 years from
/// the newest document's date (Archives Act, s. 19; or 30 years after the person's death, which
/// the register does not know); confidential documents: restricted under the Access Act, for the
/// archivist to state; otherwise none.
fn access_restriction(lang: Lang, personal: bool, confidential: bool, newest: Option<&str>) -> String {
    let until = newest
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .and_then(|d| d.checked_add_months(chrono::Months::new(1200)));
    match (personal, confidential, until) {
        (true, _, Some(until)) => lang.pick(
            format!("Restreint jusqu'au {until} : renseignements personnels, 100 ans après le document le plus récent (Loi sur les archives, art. 19) ou 30 ans après le décès de la personne."),
            format!("Restricted until {until}: personal information, 100 years after the newest document (Archives Act, s. 19) or 30 years after the person's death."),
        ),
        (true, _, None) => lang.pick(
            "Restreint : renseignements personnels (100 ans après la date des documents, Loi sur les archives, art. 19).".to_owned(),
            "Restricted: personal information (100 years after the documents' date, Archives Act, s. 19).".to_owned(),
        ),
        (false, true, _) => lang.pick(
            "Restreint : documents confidentiels, selon la Loi sur l'accès (RLRQ, c. A-2.1) ; période à préciser par l'archiviste.".to_owned(),
            "Restricted: confidential documents, under the Access Act (CQLR, c. A-2.1); period for the archivist to state.".to_owned(),
        ),
        (false, false, _) => lang.pick("Aucune restriction.".to_owned(), "No restriction.".to_owned()),
    }
}

/// What a certificate's CSV claims.
struct ClaimedCertificate {
    certificate: String,
    batch: String,
    files: u64,
    chain_seq: u64,
    chain_hash: String,
    references: Vec<String>,
}

fn read_certificate_csv(text: &str) -> Result<ClaimedCertificate, Error> {
    let unreadable = |detail: String| -> Error { DispositionError::CertificateUnreadable { detail }.into() };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut claimed = ClaimedCertificate {
        certificate: String::new(),
        batch: String::new(),
        files: 0,
        chain_seq: 0,
        chain_hash: String::new(),
        references: Vec::new(),
    };
    let mut in_files = false;
    for record in reader.records() {
        let record = record.map_err(|e| unreadable(e.to_string()))?;
        let first = record.get(0).unwrap_or("");
        let value = record.get(1).unwrap_or("");
        if in_files {
            if !first.is_empty() {
                claimed.references.push(first.to_owned());
            }
            continue;
        }
        match first {
            "certificate" => claimed.certificate = value.to_owned(),
            "batch" => claimed.batch = value.to_owned(),
            "files" => claimed.files = value.parse().map_err(|_| unreadable(format!("files “{value}”")))?,
            "chain_head" => {
                let (seq, hash) = value.split_once(':').ok_or_else(|| unreadable(format!("chain_head “{value}”")))?;
                claimed.chain_seq = seq.parse().map_err(|_| unreadable(format!("chain_head “{value}”")))?;
                claimed.chain_hash = hash.to_owned();
            }
            "reference" => in_files = true,
            _ => {}
        }
    }
    if claimed.certificate.is_empty() || claimed.batch.is_empty() || claimed.chain_hash.is_empty() {
        return Err(unreadable("it lacks the certificate number, the batch or the chain head".into()));
    }
    Ok(claimed)
}

fn batch_files(conn: &Connection, batch: &Batch, today: &str) -> Result<Vec<BatchFile>, Error> {
    let mut stmt = conn.prepare(
        "SELECT bf.file_id, bf.reference, bf.decision, f.id, f.title, c.code, f.semi_active_until, f.status
         FROM batch_files bf
         LEFT JOIN files f ON f.id = bf.file_id
         LEFT JOIN plan_classes c ON c.id = f.class_id
         WHERE bf.batch_id = ?1 ORDER BY c.code, bf.reference",
    )?;
    let rows = stmt
        .query_map([batch.id], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<i64>>(3)?,
                row.get::<_, Option<String>>(4)?,
                row.get::<_, Option<String>>(5)?,
                row.get::<_, Option<String>>(6)?,
                row.get::<_, Option<String>>(7)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let open = matches!(batch.state, BatchState::Proposed | BatchState::Approved);
    let mut files = Vec::with_capacity(rows.len());
    for (file_id, reference, decision, present, title, class, due, status) in rows {
        let mut flags = Vec::new();
        if open {
            let gone = present.is_none() || matches!(status.as_deref(), Some("destroyed" | "transferred"));
            if gone {
                flags.push(BatchFlag::Gone);
            } else {
                if let Some((hold, reason)) = hold_on_file(conn, file_id)? {
                    flags.push(BatchFlag::Held { hold, reason });
                }
                if due.as_deref().is_none_or(|d| d > today) {
                    flags.push(BatchFlag::NoLongerDue { due_on: due.clone() });
                }
            }
        }
        files.push(BatchFile {
            file_id,
            reference,
            title,
            class,
            due_on: due,
            decision: FileDecision::parse(&decision),
            flags,
        });
    }
    Ok(files)
}

fn kind_code(kind: BatchKind) -> &'static str {
    kind.disposition()
}

/// Who a destruction's residual records name.
struct Actors<'a> {
    batch_id: i64,
    proposed_by: &'a str,
    approved_by: &'a str,
    executed_by: &'a str,
    at: &'a str,
}

/// Destroys files inside the caller's transaction: a residual record each, their persons'
/// links and purposes, the persons no other file needs (and the `also_persons` a ledger entry
/// names), tombstones for the index, the details of their audit events. Returns the number of
/// files destroyed and the ids of the persons deleted.
fn destroy(
    tx: &Connection,
    who: &Actors<'_>,
    file_ids: &[i64],
    also_persons: &[i64],
    progress: &mut dyn FnMut(u64),
) -> Result<(u64, Vec<i64>), Error> {
    let seq = next_change(tx)?;
    let mut read = tx.prepare(
        "SELECT f.reference, c.code, f.title, f.opened_on, f.closed_on, r.number, f.rule_version, v.confidential
         FROM files f
         JOIN plan_classes c ON c.id = f.class_id
         JOIN retention_rules r ON r.id = f.rule_id
         LEFT JOIN retention_rule_versions v ON v.rule_id = f.rule_id AND v.version = f.rule_version
         WHERE f.id = ?1",
    )?;
    let mut residual = tx.prepare(
        "INSERT OR REPLACE INTO destroyed_files (id, reference, class_code, title, opened_on, closed_on, rule_number,
            rule_version, batch_id, proposed_by, approved_by, executed_by, destroyed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    let mut persons_of = tx.prepare("SELECT person_id FROM file_persons WHERE file_id = ?1")?;
    let mut tombstone =
        tx.prepare("INSERT OR REPLACE INTO register_deletions (kind, id, change_seq) VALUES (?1, ?2, ?3)")?;
    let mut events = tx.prepare("SELECT seq FROM audit_events WHERE object_type = ?1 AND object_id = ?2")?;
    let mut persons: BTreeSet<i64> = also_persons.iter().copied().collect();
    let mut destroyed = 0u64;
    for &id in file_ids {
        let found = read
            .query_row([id], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, Option<String>>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, i64>(6)?,
                    row.get::<_, Option<bool>>(7)?,
                ))
            })
            .optional()?;
        let Some((reference, class, title, opened, closed, rule, version, confidential)) = found else {
            continue;
        };
        let title = if confidential == Some(true) { None } else { Some(title) };
        residual.execute(params![
            id,
            reference,
            class,
            title,
            opened,
            closed,
            rule,
            version,
            who.batch_id,
            who.proposed_by,
            who.approved_by,
            who.executed_by,
            who.at
        ])?;
        for person in persons_of.query_map([id], |row| row.get::<_, i64>(0))? {
            persons.insert(person?);
        }
        tx.execute("DELETE FROM file_person_purposes WHERE file_id = ?1", [id])?;
        tx.execute("DELETE FROM file_persons WHERE file_id = ?1", [id])?;
        tx.execute("DELETE FROM files WHERE id = ?1", [id])?;
        tombstone.execute(params!["file", id, seq])?;
        let seqs: Vec<u64> =
            events.query_map(params!["file", id.to_string()], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
        audit::erase_details(tx, &seqs)?;
        destroyed += 1;
        if destroyed.is_multiple_of(PROGRESS_STEP) {
            progress(destroyed);
        }
    }
    Ok((destroyed, erase_unneeded_persons(tx, persons, seq)?))
}

/// Erases the persons no file needs any more (their identifiers, a tombstone for the index, the
/// details of their audit events); returns those whose row was deleted.
pub(crate) fn erase_unneeded_persons(tx: &Connection, persons: BTreeSet<i64>, seq: i64) -> Result<Vec<i64>, Error> {
    let mut tombstone = tx
        .prepare_cached("INSERT OR REPLACE INTO register_deletions (kind, id, change_seq) VALUES ('person', ?1, ?2)")?;
    let mut events =
        tx.prepare_cached("SELECT seq FROM audit_events WHERE object_type = 'person' AND object_id = ?1")?;
    let mut deleted_persons = Vec::new();
    for person in persons {
        let still_needed: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM file_persons WHERE person_id = ?1)", [person], |row| {
                row.get(0)
            })?;
        if still_needed {
            continue;
        }
        let existed = tx.execute("DELETE FROM person_identifiers WHERE person_id = ?1", [person])? > 0;
        let deleted = tx.execute("DELETE FROM persons WHERE id = ?1", [person])? > 0;
        if existed || deleted {
            tombstone.execute(params![person, seq])?;
            let seqs: Vec<u64> =
                events.query_map([person.to_string()], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
            audit::erase_details(tx, &seqs)?;
        }
        if deleted {
            deleted_persons.push(person);
        }
    }
    Ok(deleted_persons)
}

/// The rows a certificate lists, as a table with the columns of `destroyed_files`: the residual
/// records of a destruction, or the anonymised files as they are now.
fn certified_files(kind: BatchKind) -> &'static str {
    match kind {
        BatchKind::Anonymisation => {
            "(SELECT a.file_id AS id, a.reference, c.code AS class_code, f.title, f.opened_on, f.closed_on,
                r.number AS rule_number, f.rule_version, a.batch_id
              FROM anonymised_files a
              JOIN files f ON f.id = a.file_id
              JOIN plan_classes c ON c.id = f.class_id
              JOIN retention_rules r ON r.id = f.rule_id)"
        }
        _ => "destroyed_files",
    }
}

fn has_persons(conn: &Connection, file_id: i64) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM file_persons WHERE file_id = ?1)", [file_id], |row| row.get(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The due list and its count read the partial index of the files still in the register
    /// (`files_due_open`), the only index on the final dates since 0008.
    #[test]
    fn the_due_list_walks_the_partial_index_of_the_files_still_in_the_register() {
        let mut conn = Connection::open_in_memory().expect("database");
        crate::migrations::migrate(&mut conn, "now").expect("migrations");
        let plan = |sql: &str, args: &DueArgs| -> String {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect("explain");
            let steps = stmt.query_map(args.named().as_slice(), |row| row.get::<_, String>(3)).expect("plan");
            steps.map(|step| step.expect("step")).collect::<Vec<_>>().join("\n")
        };
        let every = DueArgs { until: "2026-12-31".into(), project: None, kind: None, class: None };
        // (With a project, the project's own index comes first.)
        let filtered = DueArgs { until: "2026-12-31".into(), project: None, kind: Some("D"), class: None };
        for args in [&every, &filtered] {
            let page = plan(&format!("{} LIMIT 50 OFFSET 0", due_list_sql(args)), args);
            assert!(page.starts_with("SEARCH f USING INDEX files_due_open (semi_active_until"), "{page}");
            let count = plan(&due_count_sql(args), args);
            assert!(count.contains("INDEX files_due_open (semi_active_until"), "{count}");
        }
        let indexes: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'files' AND sql LIKE '%semi_active_until%'")
            .expect("schema")
            .query_map([], |row| row.get(0))
            .expect("indexes")
            .map(|name| name.expect("name"))
            .collect();
        assert_eq!(indexes, ["files_due_open"], "one index on the final dates");
    }
}
