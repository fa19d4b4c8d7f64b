//! The file register: files ("dossiers"), paper or digital, with their computed due dates and
//! the rule that produced them; the persons files are about, with the categories of personal
//! information each file holds about each of them and the purposes and consents of collection.
//!
//! Every change is audited with the values before and after, and takes the next
//! `register_state.change_seq` so the search index follows (see [`crate::search`]). A person's
//! identifiers are shown masked; revealing them is audited.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Months, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::{
    audit::{self, AuditAction, NewEvent},
    clock::stamp,
    plan::{self, PlanError},
    project::{self, explain, Explanation, FileException, Project, ProjectError, Replacement, RuleBasis, Sensitivity},
    retention::{CopyKind, Disposition, Period, TriggerEvent},
    search::{self, DocKind, FacetCount, SearchRequest, Snippet},
    users::Session,
    vault::signer,
    Error, ErrorCode, Lang, Permission, UserMessage, Vault,
};

// ----- values -----

/// What a file is kept on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    #[default]
    Paper,
    Digital,
    Hybrid,
}

impl Medium {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Medium::Paper => lang.pick("papier", "paper"),
            Medium::Digital => lang.pick("numérique", "digital"),
            Medium::Hybrid => lang.pick("hybride", "hybrid"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Medium::Paper => "paper",
            Medium::Digital => "digital",
            Medium::Hybrid => "hybrid",
        }
    }
    /// English or French, any case, accents optional.
    pub fn parse(text: &str) -> Option<Medium> {
        match crate::plan_table::normalise(text).as_str() {
            "paper" | "papier" | "pa" => Some(Medium::Paper),
            "digital" | "numerique" | "electronique" | "dm" => Some(Medium::Digital),
            "hybrid" | "hybride" | "mixte" => Some(Medium::Hybrid),
            _ => None,
        }
    }
}

/// Where a file is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    #[default]
    Active,
    SemiActive,
    Inactive,
    OnHold,
    Destroyed,
    Transferred,
}

impl FileStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Active => "active",
            FileStatus::SemiActive => "semi_active",
            FileStatus::Inactive => "inactive",
            FileStatus::OnHold => "on_hold",
            FileStatus::Destroyed => "destroyed",
            FileStatus::Transferred => "transferred",
        }
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            FileStatus::Active => lang.pick("actif", "active"),
            FileStatus::SemiActive => lang.pick("semi-actif", "semi-active"),
            FileStatus::Inactive => lang.pick("inactif", "inactive"),
            FileStatus::OnHold => lang.pick("en suspens", "on hold"),
            FileStatus::Destroyed => lang.pick("détruit", "destroyed"),
            FileStatus::Transferred => lang.pick("versé aux archives", "transferred"),
        }
    }

    pub fn parse(text: &str) -> Option<FileStatus> {
        match crate::plan_table::normalise(text).as_str() {
            "active" | "actif" | "a" => Some(FileStatus::Active),
            "semi_active" | "semiactive" | "semi_actif" | "semiactif" | "sa" => Some(FileStatus::SemiActive),
            "inactive" | "inactif" | "i" => Some(FileStatus::Inactive),
            "on_hold" | "hold" | "suspendu" | "en_suspens" | "gel" => Some(FileStatus::OnHold),
            "destroyed" | "detruit" => Some(FileStatus::Destroyed),
            "transferred" | "transfere" | "verse" => Some(FileStatus::Transferred),
            _ => None,
        }
    }
}

/// The kinds of identifier a person may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    /// Social insurance number.
    Sin,
    /// Quebec health-insurance number (RAMQ).
    HealthInsurance,
    DriverLicence,
    ClientNumber,
    EmployeeNumber,
    Other,
}

impl IdentifierKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentifierKind::Sin => "sin",
            IdentifierKind::HealthInsurance => "health_insurance",
            IdentifierKind::DriverLicence => "driver_licence",
            IdentifierKind::ClientNumber => "client_number",
            IdentifierKind::EmployeeNumber => "employee_number",
            IdentifierKind::Other => "other",
        }
    }
    pub fn parse(text: &str) -> Option<IdentifierKind> {
        match crate::plan_table::normalise(text).as_str() {
            "sin" | "nas" => Some(IdentifierKind::Sin),
            "health_insurance" | "ramq" | "nam" | "assurance_maladie" => Some(IdentifierKind::HealthInsurance),
            "driver_licence" | "driver_license" | "permis" | "permis_de_conduire" => {
                Some(IdentifierKind::DriverLicence)
            }
            "client_number" | "numero_client" | "no_client" | "client" => Some(IdentifierKind::ClientNumber),
            "employee_number" | "matricule" | "numero_employe" | "employe" => Some(IdentifierKind::EmployeeNumber),
            "other" | "autre" => Some(IdentifierKind::Other),
            _ => None,
        }
    }
}

/// The categories of personal information a file may hold about a person.
pub const INFO_CATEGORIES: [&str; 11] = [
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
    "judicial",
];

/// Reads a category in English or French; `None` when unknown.
pub fn parse_category(text: &str) -> Option<&'static str> {
    let code = match crate::plan_table::normalise(text).as_str() {
        "sin" | "nas" => "sin",
        "health_insurance_number" | "health_insurance" | "nam" | "ramq" => "health_insurance_number",
        "driver_licence" | "driver_license" | "permis_de_conduire" | "permis" => "driver_licence",
        "date_of_birth" | "birth_date" | "date_de_naissance" | "date_naissance" => "date_of_birth",
        "contact" | "coordonnees" => "contact",
        "financial" | "financier" | "financiere" | "financieres" => "financial",
        "health" | "sante" => "health",
        "family" | "famille" | "familial" | "familiale" => "family",
        "employment" | "emploi" => "employment",
        "education" | "scolarite" | "formation" => "education",
        "judicial" | "judiciaire" | "judiciaires" => "judicial",
        _ => return None,
    };
    Some(code)
}

/// Whether consent was given for a purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    Given,
    Refused,
    Withdrawn,
    NotRequired,
    #[default]
    Unknown,
}

impl Consent {
    pub fn as_str(self) -> &'static str {
        match self {
            Consent::Given => "given",
            Consent::Refused => "refused",
            Consent::Withdrawn => "withdrawn",
            Consent::NotRequired => "not_required",
            Consent::Unknown => "unknown",
        }
    }
    pub fn parse(text: &str) -> Option<Consent> {
        match crate::plan_table::normalise(text).as_str() {
            "" | "unknown" | "inconnu" => Some(Consent::Unknown),
            "given" | "yes" | "oui" | "o" | "y" | "donne" => Some(Consent::Given),
            "refused" | "no" | "non" | "n" | "refuse" => Some(Consent::Refused),
            "withdrawn" | "retire" => Some(Consent::Withdrawn),
            "not_required" | "non_requis" | "sans_objet" => Some(Consent::NotRequired),
            _ => None,
        }
    }
}

/// An identifier without spaces, dashes or case: how it is found.
pub fn normalize_identifier(value: &str) -> String {
    value.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect()
}

/// An identifier as shown by default: all but its last three characters hidden.
pub fn mask_identifier(value: &str) -> String {
    let count = value.chars().filter(|c| c.is_alphanumeric()).count();
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                seen += 1;
                if seen + 3 > count {
                    c
                } else {
                    '•'
                }
            } else {
                c
            }
        })
        .collect()
}

// ----- due dates -----

/// The dates the events of a rule may start from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileDates {
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub contract_ended_on: Option<NaiveDate>,
    pub last_activity_on: Option<NaiveDate>,
    /// Other dates a rule's trigger may name ("file_date:hearing").
    #[serde(default)]
    pub other: BTreeMap<String, NaiveDate>,
}

/// What the calendar says of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DueDates {
    /// The date the clock starts from; `None` while the event has not happened.
    pub trigger_date: Option<NaiveDate>,
    /// The end of the active period.
    pub active_until: Option<NaiveDate>,
    /// The end of the semi-active period: the date of the final disposition.
    pub semi_active_until: Option<NaiveDate>,
    pub disposition: Disposition,
    /// Why there is no date: the event that has not happened, or the period that has no end yet.
    pub waiting_for: Option<Waiting>,
}

/// Why a file has no due date yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Waiting {
    /// The rule's event has not happened (the file is not closed, the contract has not ended…).
    Event { event: TriggerEvent },
    /// A period runs until an event (888) or while the document is in use (999).
    OpenPeriod { period: Period },
}

fn add_period(date: NaiveDate, period: Period) -> Option<NaiveDate> {
    match period {
        // Month ends stay month ends: 29 February plus one year is 28 February.
        Period::Years(n) => date.checked_add_months(Months::new(n.checked_mul(12)?)),
        Period::Months(n) => date.checked_add_months(Months::new(n)),
        Period::UntilEvent | Period::WhileInUse => None,
    }
}

/// Computes the due dates of a file from the explanation of its calendar. The clock starts at
/// the rule's event; a period that runs until an event or while in use ends at that event when
/// it is the active period (the event is the one the rule waits for) and leaves the file
/// without a date when it is the semi-active one.
pub fn due_dates(explanation: &Explanation, dates: &FileDates, birth_date: Option<NaiveDate>) -> DueDates {
    let trigger_date = match &explanation.trigger {
        TriggerEvent::FileClosed => dates.closed_on,
        TriggerEvent::ContractEnded => dates.contract_ended_on,
        TriggerEvent::LastActivity => dates.last_activity_on.or(dates.closed_on),
        TriggerEvent::BirthDate => birth_date,
        TriggerEvent::FileDate { field } => dates.other.get(field).copied(),
        TriggerEvent::FixedDate { date } => Some(*date),
    };
    let Some(start) = trigger_date else {
        return DueDates {
            trigger_date: None,
            active_until: None,
            semi_active_until: None,
            disposition: explanation.disposition,
            waiting_for: Some(Waiting::Event { event: explanation.trigger.clone() }),
        };
    };
    let active_until = match explanation.active {
        Period::UntilEvent | Period::WhileInUse => Some(start),
        period => add_period(start, period),
    };
    let semi_active_until = active_until.and_then(|end| add_period(end, explanation.semi_active));
    let waiting_for = match (active_until, semi_active_until) {
        (None, _) => Some(Waiting::OpenPeriod { period: explanation.active }),
        (Some(_), None) => Some(Waiting::OpenPeriod { period: explanation.semi_active }),
        _ => None,
    };
    DueDates { trigger_date, active_until, semi_active_until, disposition: explanation.disposition, waiting_for }
}

// ----- errors -----

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RegisterError {
    #[error("The reference “{reference}” is not valid: give 1 to 64 characters.")]
    ReferenceInvalid { reference: String },
    #[error("There is already a file {reference}. Choose another reference.")]
    ReferenceTaken { reference: String },
    #[error("There is no file {reference}. Check the reference with `greffier search`.")]
    UnknownFile { reference: String },
    #[error("The file {reference} needs a title.")]
    TitleMissing { reference: String },
    #[error("The class {class} is retired: files can no longer be filed in it. Choose an active class.")]
    ClassRetired { class: String },
    #[error("The file {reference} would close ({closed}) before it opened ({opened}). Correct the dates.")]
    ClosedBeforeOpened { reference: String, opened: NaiveDate, closed: NaiveDate },
    #[error("The file {reference} is already closed (on {closed}).")]
    AlreadyClosed { reference: String, closed: NaiveDate },
    #[error("The file {reference} is not closed.")]
    NotClosed { reference: String },
    #[error("The file {reference} is {status}: it can no longer be changed.")]
    FileFinal { reference: String, status: &'static str },
    #[error("There is no person #{id}.")]
    UnknownPerson { id: i64 },
    #[error("A person needs a last name.")]
    PersonNameMissing,
    #[error("{name} (person #{id}) is already linked to the file {reference}. Edit the person, or detach them first.")]
    PersonAlreadyLinked { reference: String, id: i64, name: String },
    #[error(
        "The file {reference} was anonymised: no person can be attached to it again. Register the new information in a file of its own."
    )]
    FileAnonymised { reference: String },
    #[error(
        "Person #{id} is not linked to the file {reference}. Check the file's persons with `greffier files show`."
    )]
    PersonNotLinked { reference: String, id: i64 },
    #[error("The key “{key}” already belongs to {name} (person #{id}). Attach that person (--person {id}) or choose another key.")]
    PersonKeyTaken { key: String, id: i64, name: String },
    #[error("An identifier of kind {} has no letter or digit. Give its value, or leave the identifier out.", kind.as_str())]
    IdentifierInvalid { kind: IdentifierKind },
    #[error("A purpose needs a text saying why the information was collected.")]
    PurposeMissing,
    #[error("Give a reason for detaching the person: it is kept in the audit trail.")]
    DetachReasonMissing,
    #[error("“{value}” is not a category of personal information. Use one of: {}.", INFO_CATEGORIES.join(", "))]
    UnknownCategory { value: String },
    #[error("The file has {total} problem{}; nothing was imported. Correct {} and import it again:{}", if *total == 1 { "" } else { "s" }, if *total == 1 { "it" } else { "them" }, list(problems, *total, Lang::En))]
    SheetInvalid { problems: Vec<crate::CellProblem>, total: usize },
    #[error(
        "The file cannot be read ({detail}). Nothing was imported; save it again as .csv (UTF-8 or Windows) or .xlsx."
    )]
    SheetUnreadable { detail: String },
    #[error("{}", crate::spreadsheet::quote_unclosed_message(*line, Lang::En))]
    QuoteUnclosed { line: u64 },
    #[error("The view holds {files} files, and an XLSX sheet holds at most {max}. Nothing was written; export it as CSV, or narrow the view (a class, a project, a status) and export each part.")]
    ExportTooLarge { files: u64, max: u64 },
    #[error("The file holds no file rows. Nothing was imported; check that it is the right file.")]
    SheetEmpty,
    #[error("The field “{}” has {length} characters, and holds at most {}. Shorten it; a longer text belongs in a document kept with the file.", field.name(Lang::En), field.max())]
    TextTooLong { field: TextField, length: usize },
}

/// The fields of files and persons whose length is bounded, in characters. A line (a title, a
/// name, a place) holds at most [`LINE_MAX`]; a text (a description, keywords, notes) at most
/// [`TEXT_MAX`], what a cell of an XLSX sheet holds, so that every file exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Title,
    Description,
    Keywords,
    Holder,
    Location,
    Notes,
    LastName,
    FirstName,
    PersonKey,
    Identifier,
    Purpose,
    ConsentSource,
}

/// The most characters of a line field (see [`TextField`]).
pub const LINE_MAX: usize = 1_000;
/// The most characters of a text field: an XLSX cell's limit (see [`TextField`]).
pub const TEXT_MAX: usize = 32_767;

impl TextField {
    pub fn max(self) -> usize {
        match self {
            TextField::Description | TextField::Keywords | TextField::Notes => TEXT_MAX,
            _ => LINE_MAX,
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        use TextField::*;
        let (en, fr) = match self {
            Title => ("title", "titre"),
            Description => ("description", "description"),
            Keywords => ("keywords", "mots-clés"),
            Holder => ("holder", "détenteur"),
            Location => ("location", "localisation"),
            Notes => ("notes", "notes"),
            LastName => ("last name", "nom de famille"),
            FirstName => ("first name", "prénom"),
            PersonKey => ("external key", "clé externe"),
            Identifier => ("identifier", "identifiant"),
            Purpose => ("purpose", "finalité"),
            ConsentSource => ("source of consent", "source du consentement"),
        };
        lang.pick(fr, en)
    }

    /// Refuses `value` if it is longer than the field holds.
    pub(crate) fn check(self, value: &str) -> Result<(), RegisterError> {
        match over_length(value, self.max()) {
            Some(length) => Err(RegisterError::TextTooLong { field: self, length }),
            None => Ok(()),
        }
    }
}

/// The length of `value` in characters when it has more than `max` (counted only then: a byte
/// count under `max` is a character count under it too).
pub(crate) fn over_length(value: &str, max: usize) -> Option<usize> {
    if value.len() <= max {
        return None;
    }
    Some(value.chars().count()).filter(|n| *n > max)
}

fn list(problems: &[crate::CellProblem], total: usize, lang: Lang) -> String {
    let mut out = String::new();
    for problem in problems {
        out.push_str("\n  - ");
        out.push_str(&problem.describe(lang));
    }
    if total > problems.len() {
        out.push_str(&lang.pick(
            format!("\n  … et {} autre(s)", total - problems.len()),
            format!("\n  … and {} more", total - problems.len()),
        ));
    }
    out
}

impl UserMessage for RegisterError {
    fn code(&self) -> ErrorCode {
        use RegisterError::*;
        match self {
            ReferenceInvalid { .. } => ErrorCode::FileReferenceInvalid,
            ReferenceTaken { .. } => ErrorCode::FileReferenceTaken,
            UnknownFile { .. } => ErrorCode::UnknownFile,
            TitleMissing { .. } => ErrorCode::FileTitleMissing,
            ClassRetired { .. } => ErrorCode::ClassRetired,
            ClosedBeforeOpened { .. } => ErrorCode::FileDatesInconsistent,
            AlreadyClosed { .. } => ErrorCode::FileAlreadyClosed,
            NotClosed { .. } => ErrorCode::FileNotClosed,
            FileFinal { .. } => ErrorCode::FileFinal,
            UnknownPerson { .. } => ErrorCode::UnknownPerson,
            PersonNameMissing => ErrorCode::PersonNameMissing,
            PersonAlreadyLinked { .. } => ErrorCode::PersonAlreadyLinked,
            FileAnonymised { .. } => ErrorCode::FileAnonymised,
            PersonNotLinked { .. } => ErrorCode::PersonNotLinked,
            PersonKeyTaken { .. } => ErrorCode::PersonKeyTaken,
            IdentifierInvalid { .. } => ErrorCode::IdentifierInvalid,
            PurposeMissing => ErrorCode::PurposeMissing,
            DetachReasonMissing => ErrorCode::ReasonMissing,
            UnknownCategory { .. } => ErrorCode::UnknownCategory,
            SheetInvalid { .. } => ErrorCode::RegisterFileInvalid,
            SheetUnreadable { .. } | QuoteUnclosed { .. } => ErrorCode::RegisterFileUnreadable,
            ExportTooLarge { .. } => ErrorCode::ExportTooLarge,
            SheetEmpty => ErrorCode::RegisterFileEmpty,
            TextTooLong { .. } => ErrorCode::TextTooLong,
        }
    }

    fn french(&self) -> String {
        use RegisterError::*;
        match self {
            ReferenceInvalid { reference } => {
                format!("La référence « {reference} » n'est pas valide : donnez de 1 à 64 caractères.")
            }
            ReferenceTaken { reference } => {
                format!("Il existe déjà un dossier {reference}. Choisissez une autre référence.")
            }
            UnknownFile { reference } => {
                format!("Il n'y a pas de dossier {reference}. Vérifiez la référence avec `greffier search`.")
            }
            TitleMissing { reference } => format!("Le dossier {reference} doit avoir un titre."),
            ClassRetired { class } => format!(
                "La classe {class} est retirée : on ne peut plus y classer de dossiers. Choisissez une classe active."
            ),
            ClosedBeforeOpened { reference, opened, closed } => format!(
                "Le dossier {reference} serait fermé ({closed}) avant d'être ouvert ({opened}). Corrigez les dates."
            ),
            AlreadyClosed { reference, closed } => format!("Le dossier {reference} est déjà fermé (le {closed})."),
            NotClosed { reference } => format!("Le dossier {reference} n'est pas fermé."),
            FileFinal { reference, status } => {
                format!("Le dossier {reference} est {status} : il ne peut plus être modifié.")
            }
            UnknownPerson { id } => format!("Il n'y a pas de personne n° {id}."),
            PersonNameMissing => "Une personne doit avoir un nom de famille.".into(),
            PersonAlreadyLinked { reference, id, name } => format!(
                "{name} (personne n° {id}) est déjà liée au dossier {reference}. Modifiez la personne, ou détachez-la d'abord."
            ),
            FileAnonymised { reference } => format!(
                "Le dossier {reference} a été anonymisé : on ne peut plus y lier de personne. Consignez la nouvelle information dans un dossier distinct."
            ),
            PersonNotLinked { reference, id } => format!(
                "La personne n° {id} n'est pas liée au dossier {reference}. Vérifiez les personnes du dossier avec `greffier files show`."
            ),
            PersonKeyTaken { key, id, name } => format!(
                "La clé « {key} » appartient déjà à {name} (personne n° {id}). Liez cette personne (--person {id}) ou choisissez une autre clé."
            ),
            IdentifierInvalid { kind } => format!(
                "Un identifiant de type {} n'a ni lettre ni chiffre. Donnez sa valeur, ou retirez l'identifiant.",
                kind.as_str()
            ),
            PurposeMissing => {
                "Une finalité doit dire pourquoi les renseignements ont été recueillis.".into()
            }
            DetachReasonMissing => {
                "Donnez le motif du retrait de la personne : il est conservé dans le journal d'audit.".into()
            }
            UnknownCategory { value } => format!(
                "« {value} » n'est pas une catégorie de renseignements personnels. Utilisez l'une de : {}.",
                INFO_CATEGORIES.join(", ")
            ),
            SheetInvalid { problems, total } => format!(
                "Le fichier a {total} problème{} ; rien n'a été importé. Corrigez-{} et importez-le de nouveau :{}",
                if *total == 1 { "" } else { "s" },
                if *total == 1 { "le" } else { "les" },
                list(problems, *total, Lang::Fr)
            ),
            SheetUnreadable { detail } => format!(
                "Le fichier est illisible ({detail}). Rien n'a été importé ; enregistrez-le de nouveau en .csv (UTF-8 ou Windows) ou .xlsx."
            ),
            QuoteUnclosed { line } => crate::spreadsheet::quote_unclosed_message(*line, Lang::Fr),
            ExportTooLarge { files, max } => format!("La vue compte {files} dossiers, et une feuille XLSX en contient au plus {max}. Rien n'a été écrit ; exportez-la en CSV, ou restreignez la vue (une classe, un projet, un statut) et exportez chaque partie."),
            SheetEmpty => {
                "Le fichier ne contient aucune ligne de dossier. Rien n'a été importé ; vérifiez que c'est le bon fichier."
                    .into()
            }
            TextTooLong { field, length } => format!(
                "Le champ « {} » compte {length} caractères, et en contient au plus {}. Raccourcissez-le ; un texte plus long a sa place dans un document conservé avec le dossier.",
                field.name(Lang::Fr),
                field.max()
            ),
        }
    }
}

// ----- the calendar of a file -----

/// What resolving a file's calendar needs, loaded once for many files (an import, a reindex).
pub(crate) struct Calendar {
    /// By lower-case code: id, stored code, active, rules.
    classes: HashMap<String, (i64, String, bool, Vec<String>)>,
    bases: HashMap<(i64, String), (i64, RuleBasis)>,
    projects: HashMap<String, (i64, Project)>,
    /// (class id, rule, project id, sensitivity) → explanation.
    explained: HashMap<(i64, String, Option<i64>, Sensitivity), Explanation>,
}

/// A file's class, rule and calendar, resolved.
pub(crate) struct Resolved {
    pub class_id: i64,
    pub class_code: String,
    pub rule_id: i64,
    pub rule_version: u32,
    pub project_id: Option<i64>,
    pub explanation: Explanation,
}

impl Calendar {
    pub(crate) fn load(conn: &Connection) -> Result<Calendar, Error> {
        let mut classes = HashMap::new();
        for class in plan::tree(conn)? {
            classes
                .insert(class.code.to_lowercase(), (class.id.0, class.code.clone(), class.active, class.rules.clone()));
        }
        Ok(Calendar { classes, bases: HashMap::new(), projects: HashMap::new(), explained: HashMap::new() })
    }

    /// The class's code as stored, when the plan has it.
    pub(crate) fn class_exists(&self, code: &str) -> bool {
        self.classes.contains_key(&code.trim().to_lowercase())
    }

    /// The sensitivity level a new file of a project takes, loaded once; refused when the
    /// project is closed (only new files ask: an import's rows).
    pub(crate) fn project_level(&mut self, conn: &Connection, code: &str) -> Result<Sensitivity, Error> {
        let lower = code.trim().to_lowercase();
        if !self.projects.contains_key(&lower) {
            self.projects.insert(lower.clone(), project::load(conn, code)?);
        }
        match self.projects.get(&lower) {
            Some((_, p)) if !p.active => Err(ProjectError::Closed { code: p.code.clone() }.into()),
            Some((_, p)) => Ok(p.sensitivity),
            None => Err(ProjectError::UnknownProject { code: code.trim().to_owned() }.into()),
        }
    }

    /// The rule, version and explanation for a file of `class`. `filing` is true when the file
    /// is being put into the class (created, imported, or moved there): a retired class takes
    /// no new file, but the files it has keep their calendar, are recomputed and can be edited.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn resolve(
        &mut self,
        conn: &Connection,
        class: &str,
        rule: Option<&str>,
        project: Option<&str>,
        sensitivity: Sensitivity,
        exception: Option<&FileException>,
        filing: bool,
    ) -> Result<Resolved, Error> {
        let key = class.trim().to_lowercase();
        let (class_id, stored_code, active, rules) =
            self.classes.get(&key).cloned().ok_or_else(|| PlanError::UnknownClass { code: class.trim().to_owned() })?;
        if !active && filing {
            return Err(RegisterError::ClassRetired { class: stored_code }.into());
        }
        let number = match rule.map(str::trim).filter(|r| !r.is_empty()) {
            Some(number) => rules.iter().find(|r| r.eq_ignore_ascii_case(number)).cloned().ok_or_else(|| {
                ProjectError::RuleNotForClass { number: number.to_owned(), class: stored_code.clone() }
            })?,
            None => match rules.as_slice() {
                [] => return Err(ProjectError::ClassHasNoRule { class: stored_code }.into()),
                [only] => only.clone(),
                several => {
                    return Err(
                        ProjectError::ClassHasSeveralRules { class: stored_code, rules: several.to_vec() }.into()
                    )
                }
            },
        };
        let basis_key = (class_id, number.to_lowercase());
        if !self.bases.contains_key(&basis_key) {
            let basis = project::basis_of_rule(conn, &number, None, CopyKind::Principal)?;
            let rule_id: i64 =
                conn.query_row("SELECT id FROM retention_rules WHERE number = ?1", [&basis.number], |row| row.get(0))?;
            self.bases.insert(basis_key.clone(), (rule_id, basis));
        }
        let (rule_id, basis) = self.bases.get(&basis_key).cloned().ok_or(PlanError::UnknownRule { number })?;
        let project = match project.map(str::trim).filter(|p| !p.is_empty()) {
            Some(code) => {
                let lower = code.to_lowercase();
                if !self.projects.contains_key(&lower) {
                    self.projects.insert(lower.clone(), project::load(conn, code)?);
                }
                self.projects.get(&lower).cloned()
            }
            None => None,
        };
        let project_id = project.as_ref().map(|(id, _)| *id);
        let explanation = if exception.is_some() {
            explain(&stored_code, &basis, project.as_ref().map(|(_, p)| p), Some(sensitivity), exception)
        } else {
            let cache_key = (class_id, basis.number.clone(), project_id, sensitivity);
            match self.explained.get(&cache_key) {
                Some(found) => found.clone(),
                None => {
                    let made = explain(&stored_code, &basis, project.as_ref().map(|(_, p)| p), Some(sensitivity), None);
                    self.explained.insert(cache_key, made.clone());
                    made
                }
            }
        };
        Ok(Resolved {
            class_id,
            class_code: stored_code,
            rule_id,
            rule_version: basis.version,
            project_id,
            explanation,
        })
    }
}

// ----- files -----

/// What a person types to create or edit a file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FileDraft {
    pub reference: String,
    pub class: String,
    /// The rule, when several apply to the class.
    pub rule: Option<String>,
    pub project: Option<String>,
    pub title: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub dates: FileDates,
    pub holder: String,
    pub location: String,
    pub medium: Medium,
    /// The project's level when `None` (and `internal` without a project).
    pub sensitivity: Option<Sensitivity>,
    pub notes: String,
    pub exception: Option<FileException>,
}

/// A person linked to a file, as the file shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FilePerson {
    pub person_id: i64,
    pub last_name: String,
    pub first_name: String,
    pub categories: Vec<String>,
    pub purposes: Vec<Purpose>,
}

/// Why information about a person was collected, and the consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Purpose {
    pub purpose: String,
    #[serde(default)]
    pub consent: Consent,
    #[serde(default)]
    pub consent_date: Option<NaiveDate>,
    #[serde(default)]
    pub consent_source: String,
}

/// A file of the register with its calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileRecord {
    pub id: i64,
    pub reference: String,
    pub class: String,
    pub class_title_fr: String,
    pub class_title_en: String,
    pub rule: String,
    pub rule_version: u32,
    pub project: Option<String>,
    pub title: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub dates: FileDates,
    pub holder: String,
    pub location: String,
    pub medium: Medium,
    pub sensitivity: Sensitivity,
    pub status: FileStatus,
    pub notes: String,
    pub exception: Option<FileException>,
    pub due: DueDates,
    /// Which rule applies and why.
    pub explanation: Explanation,
    pub persons: Vec<FilePerson>,
    pub created_at: String,
    pub updated_at: String,
}

/// A row of the register's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileRow {
    pub id: i64,
    pub reference: String,
    pub class: String,
    pub project: Option<String>,
    pub title: String,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub status: FileStatus,
    pub sensitivity: Sensitivity,
    pub disposition: Disposition,
    pub semi_active_until: Option<NaiveDate>,
}

pub(crate) fn date_col(value: Option<NaiveDate>) -> Option<String> {
    value.map(iso_date)
}

/// `YYYY-MM-DD`, as `NaiveDate`'s `Display` writes it, but written at once for the years of four
/// digits: `Display` goes through `Debug`, a character at a time (the six dates of each row took
/// 3.6 % of the import's own thread at a million rows).
pub(crate) fn iso_date(date: NaiveDate) -> String {
    let Ok(year @ 0..=9999) = u32::try_from(date.year()) else {
        return date.to_string();
    };
    let (month, day) = (date.month(), date.day());
    let digits = [year / 1000, year / 100 % 10, year / 10 % 10, year % 10, month / 10, month % 10, day / 10, day % 10];
    let mut text = [b'-'; 10];
    for (at, digit) in [0, 1, 2, 3, 5, 6, 8, 9].into_iter().zip(digits) {
        text[at] = b'0' + digit as u8;
    }
    String::from_utf8(text.to_vec()).unwrap_or_else(|_| date.to_string())
}

pub(crate) fn parse_col(value: Option<String>) -> Option<NaiveDate> {
    value.and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())
}

/// The id a new file takes: above every file's and every destroyed file's, so that an id is
/// never reused (SQLite would otherwise give the highest id again once its row is deleted, and a
/// residual record, a tombstone or a ledger line would then name two files).
pub(crate) fn next_file_id(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT max(ifnull((SELECT max(id) FROM files), 0), ifnull((SELECT max(id) FROM destroyed_files), 0),
            ifnull((SELECT max(id) FROM register_deletions WHERE kind = 'file'), 0)) + 1",
        [],
        |row| row.get(0),
    )
}

pub(crate) fn next_change(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "UPDATE register_state SET change_seq = change_seq + 1 WHERE id = 1 RETURNING change_seq",
        [],
        |row| row.get(0),
    )
}

/// Computes again the stored due dates of a project's files still in the register (not
/// destroyed or transferred), inside the caller's transaction: each file under the rule version
/// it has, with the project's calendar as it now stands and the file's own level and exception,
/// exactly as [`Vault::file`] shows it. A file whose final disposition year changes takes change
/// `seq`, so the index's `due` facet follows. Held files are computed too: a hold blocks
/// disposition, not the calendar. Returns the number of files whose dates changed.
pub(crate) fn recompute_project_files(conn: &Connection, project: &str, seq: i64) -> Result<u64, Error> {
    struct Row {
        id: i64,
        class: String,
        rule: String,
        version: u32,
        sensitivity: Sensitivity,
        exception: Option<FileException>,
        dates: FileDates,
        stored: (Option<String>, Option<String>, String),
    }
    let (project_id, project) = project::load(conn, project)?;
    // Read whole before writing: an update moves a row in the due-date index.
    let rows: Vec<Row> = conn
        .prepare(
            "SELECT f.id, c.code, r.number, f.rule_version, f.sensitivity, f.exception, f.opened_on, f.closed_on,
                f.contract_ended_on, f.last_activity_on, f.other_dates, f.active_until, f.semi_active_until,
                f.disposition
             FROM files f JOIN plan_classes c ON c.id = f.class_id JOIN retention_rules r ON r.id = f.rule_id
             WHERE f.project_id = ?1 AND f.status NOT IN ('destroyed', 'transferred') ORDER BY f.id",
        )?
        .query_map([project_id], |row| {
            let sensitivity: String = row.get(4)?;
            let exception: Option<String> = row.get(5)?;
            let other: String = row.get(10)?;
            Ok(Row {
                id: row.get(0)?,
                class: row.get(1)?,
                rule: row.get(2)?,
                version: row.get(3)?,
                sensitivity: Sensitivity::parse(&sensitivity).unwrap_or(Sensitivity::Internal),
                exception: exception.and_then(|e| serde_json::from_str(&e).ok()),
                dates: FileDates {
                    opened_on: parse_col(row.get(6)?),
                    closed_on: parse_col(row.get(7)?),
                    contract_ended_on: parse_col(row.get(8)?),
                    last_activity_on: parse_col(row.get(9)?),
                    other: serde_json::from_str(&other).unwrap_or_default(),
                },
                stored: (row.get(11)?, row.get(12)?, row.get(13)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut bases: HashMap<(String, u32), RuleBasis> = HashMap::new();
    let mut write = conn.prepare(
        "UPDATE files SET active_until = ?1, semi_active_until = ?2, disposition = ?3,
            change_seq = CASE WHEN ?4 THEN ?5 ELSE change_seq END
         WHERE id = ?6",
    )?;
    let mut changed = 0;
    for row in rows {
        let basis = match bases.entry((row.rule.clone(), row.version)) {
            std::collections::hash_map::Entry::Occupied(found) => found.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(project::basis_of_rule(conn, &row.rule, Some(row.version), CopyKind::Principal)?)
            }
        };
        let explanation = explain(&row.class, basis, Some(&project), Some(row.sensitivity), row.exception.as_ref());
        let birth = match explanation.trigger {
            TriggerEvent::BirthDate => birth_date_of(conn, row.id)?,
            _ => None,
        };
        let due = due_dates(&explanation, &row.dates, birth);
        let now = (date_col(due.active_until), date_col(due.semi_active_until), due.disposition.code().to_string());
        if now != row.stored {
            // The index holds the final date (its year as a facet, the date to sort by).
            let reindex = now.1 != row.stored.1;
            write.execute(params![now.0, now.1, now.2, reindex, seq, row.id])?;
            changed += 1;
        }
    }
    Ok(changed)
}

fn valid_reference(reference: &str) -> bool {
    let n = reference.chars().count();
    (1..=64).contains(&n) && !reference.chars().any(char::is_control)
}

/// The earliest birth date of the persons a file is about (for rules that start at birth).
pub(crate) fn birth_date_of(conn: &Connection, file_id: i64) -> rusqlite::Result<Option<NaiveDate>> {
    let value: Option<String> = conn.query_row(
        "SELECT min(p.birth_date) FROM file_persons fp JOIN persons p ON p.id = fp.person_id WHERE fp.file_id = ?1",
        [file_id],
        |row| row.get(0),
    )?;
    Ok(parse_col(value))
}

const FILE_COLUMNS: &str =
    "f.id, f.reference, c.code, c.title_fr, c.title_en, r.number, f.rule_version, p.code, f.title,
    f.description, f.keywords, f.opened_on, f.closed_on, f.contract_ended_on, f.last_activity_on, f.other_dates,
    f.holder, f.location, f.medium, f.sensitivity, f.status, f.notes, f.exception, f.created_at, f.updated_at";

const FILE_FROM: &str = "FROM files f JOIN plan_classes c ON c.id = f.class_id
    JOIN retention_rules r ON r.id = f.rule_id LEFT JOIN projects p ON p.id = f.project_id";

struct StoredFile {
    id: i64,
    reference: String,
    class: String,
    class_title_fr: String,
    class_title_en: String,
    rule: String,
    rule_version: u32,
    project: Option<String>,
    draft: FileDraft,
    sensitivity: Sensitivity,
    status: FileStatus,
    created_at: String,
    updated_at: String,
}

fn stored_file(row: &Row<'_>) -> rusqlite::Result<StoredFile> {
    let other: String = row.get(15)?;
    let keywords: String = row.get(10)?;
    let exception: Option<String> = row.get(22)?;
    let medium: String = row.get(18)?;
    let sensitivity: String = row.get(19)?;
    let status: String = row.get(20)?;
    let sensitivity = Sensitivity::parse(&sensitivity).unwrap_or(Sensitivity::Internal);
    let project: Option<String> = row.get(7)?;
    let reference: String = row.get(1)?;
    let class: String = row.get(2)?;
    let rule: String = row.get(5)?;
    Ok(StoredFile {
        id: row.get(0)?,
        reference: reference.clone(),
        class: class.clone(),
        class_title_fr: row.get(3)?,
        class_title_en: row.get(4)?,
        rule: rule.clone(),
        rule_version: row.get(6)?,
        project: project.clone(),
        draft: FileDraft {
            reference,
            class,
            rule: Some(rule),
            project,
            title: row.get(8)?,
            description: row.get(9)?,
            keywords: keywords.lines().map(str::to_owned).filter(|k| !k.is_empty()).collect(),
            dates: FileDates {
                opened_on: parse_col(row.get(11)?),
                closed_on: parse_col(row.get(12)?),
                contract_ended_on: parse_col(row.get(13)?),
                last_activity_on: parse_col(row.get(14)?),
                other: serde_json::from_str(&other).unwrap_or_default(),
            },
            holder: row.get(16)?,
            location: row.get(17)?,
            medium: Medium::parse(&medium).unwrap_or_default(),
            sensitivity: Some(sensitivity),
            notes: row.get(21)?,
            exception: exception.and_then(|e| serde_json::from_str(&e).ok()),
        },
        sensitivity,
        status: FileStatus::parse(&status).unwrap_or_default(),
        created_at: row.get(23)?,
        updated_at: row.get(24)?,
    })
}

fn load_file(conn: &Connection, reference: &str) -> Result<StoredFile, Error> {
    conn.query_row(
        &format!("SELECT {FILE_COLUMNS} {FILE_FROM} WHERE f.reference = ?1"),
        [reference.trim()],
        stored_file,
    )
    .optional()?
    .ok_or_else(|| RegisterError::UnknownFile { reference: reference.trim().to_owned() }.into())
}

fn file_persons(conn: &Connection, file_id: i64) -> rusqlite::Result<Vec<FilePerson>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.last_name, p.first_name, fp.categories FROM file_persons fp
         JOIN persons p ON p.id = fp.person_id WHERE fp.file_id = ?1 ORDER BY p.last_name, p.first_name",
    )?;
    let mut persons = stmt
        .query_map([file_id], |row| {
            let categories: String = row.get(3)?;
            Ok(FilePerson {
                person_id: row.get(0)?,
                last_name: row.get(1)?,
                first_name: row.get(2)?,
                categories: categories.split(';').filter(|c| !c.is_empty()).map(str::to_owned).collect(),
                purposes: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT person_id, purpose, consent, consent_date, consent_source FROM file_person_purposes
         WHERE file_id = ?1 ORDER BY id",
    )?;
    let purposes = stmt.query_map([file_id], |row| {
        let consent: String = row.get(2)?;
        Ok((
            row.get::<_, i64>(0)?,
            Purpose {
                purpose: row.get(1)?,
                consent: Consent::parse(&consent).unwrap_or_default(),
                consent_date: parse_col(row.get(3)?),
                consent_source: row.get(4)?,
            },
        ))
    })?;
    for purpose in purposes {
        let (person, purpose) = purpose?;
        if let Some(p) = persons.iter_mut().find(|p| p.person_id == person) {
            p.purposes.push(purpose);
        }
    }
    Ok(persons)
}

/// The values an audit event records before and after a change (no personal identifiers).
fn audit_view(draft: &FileDraft, status: FileStatus) -> serde_json::Value {
    serde_json::json!({
        "reference": draft.reference, "class": draft.class, "rule": draft.rule, "project": draft.project,
        "title": draft.title, "description": draft.description, "keywords": draft.keywords,
        "dates": draft.dates, "holder": draft.holder, "location": draft.location, "medium": draft.medium,
        "sensitivity": draft.sensitivity, "status": status, "notes": draft.notes, "exception": draft.exception,
    })
}

/// Which files a view of the register shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FileFilter {
    /// A full-text query (the search syntax); empty for every file.
    pub query: String,
    /// A class code: the class and the classes under it.
    pub class: Option<String>,
    pub project: Option<String>,
    pub status: Option<FileStatus>,
    pub sensitivity: Option<Sensitivity>,
    /// Files whose final disposition falls in this year (or `pending`).
    pub due: Option<String>,
    /// The order of the rows; `None` ranks by relevance.
    pub sort: Option<search::FileSort>,
}

impl FileFilter {
    /// The filter as a query of the index.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if !self.query.trim().is_empty() {
            parts.push(format!("({})", self.query.trim()));
        }
        let quote = |v: &str| format!("\"{}\"", v.replace('"', ""));
        if let Some(class) = self.class.as_deref().filter(|c| !c.trim().is_empty()) {
            parts.push(format!("class:{}", quote(class.trim())));
        }
        if let Some(project) = self.project.as_deref().filter(|c| !c.trim().is_empty()) {
            parts.push(format!("project:{}", quote(project.trim())));
        }
        if let Some(status) = self.status {
            parts.push(format!("status:{}", status.as_str()));
        }
        if let Some(sensitivity) = self.sensitivity {
            parts.push(format!("sensitivity:{}", sensitivity.as_str()));
        }
        if let Some(due) = self.due.as_deref().filter(|c| !c.trim().is_empty()) {
            parts.push(format!("due:{}", quote(due.trim())));
        }
        parts.join(" AND ")
    }
}

/// A page of search results, with their rows.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileSearchPage {
    pub total: usize,
    pub offset: usize,
    pub hits: Vec<FileHit>,
    pub facets: Vec<FacetCount>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileHit {
    pub row: FileRow,
    pub score: f32,
    pub snippet: Option<Snippet>,
}

pub(crate) fn file_row(row: &Row<'_>) -> rusqlite::Result<FileRow> {
    let status: String = row.get(7)?;
    let sensitivity: String = row.get(8)?;
    let disposition: String = row.get(9)?;
    Ok(FileRow {
        id: row.get(0)?,
        reference: row.get(1)?,
        class: row.get(2)?,
        project: row.get(3)?,
        title: row.get(4)?,
        opened_on: parse_col(row.get(5)?),
        closed_on: parse_col(row.get(6)?),
        status: FileStatus::parse(&status).unwrap_or_default(),
        sensitivity: Sensitivity::parse(&sensitivity).unwrap_or(Sensitivity::Internal),
        disposition: Disposition::from_code(&disposition).unwrap_or(Disposition::Destroy),
        semi_active_until: parse_col(row.get(10)?),
    })
}

pub(crate) const ROW_SQL: &str =
    "SELECT f.id, f.reference, c.code, p.code, f.title, f.opened_on, f.closed_on, f.status,
    f.sensitivity, f.disposition, f.semi_active_until, f.description
    FROM files f JOIN plan_classes c ON c.id = f.class_id LEFT JOIN projects p ON p.id = f.project_id
    WHERE f.id = ?1";

impl Vault {
    fn insert_or_update_file(
        &mut self,
        session: &Session,
        existing: Option<StoredFile>,
        draft: FileDraft,
        status: FileStatus,
        action: AuditAction,
    ) -> Result<FileRecord, Error> {
        self.require(session, Permission::ManageRegister)?;
        let reference = draft.reference.trim().to_owned();
        if !valid_reference(&reference) {
            return Err(RegisterError::ReferenceInvalid { reference }.into());
        }
        if draft.title.trim().is_empty() {
            return Err(RegisterError::TitleMissing { reference }.into());
        }
        for (field, value) in [
            (TextField::Title, draft.title.as_str()),
            (TextField::Description, &draft.description),
            (TextField::Holder, &draft.holder),
            (TextField::Location, &draft.location),
            (TextField::Notes, &draft.notes),
        ] {
            field.check(value.trim())?;
        }
        TextField::Keywords.check(&draft.keywords.join("\n"))?;
        if let (Some(opened), Some(closed)) = (draft.dates.opened_on, draft.dates.closed_on) {
            if closed < opened {
                return Err(RegisterError::ClosedBeforeOpened { reference, opened, closed }.into());
            }
        }
        if let Some(existing) = &existing {
            if matches!(existing.status, FileStatus::Destroyed | FileStatus::Transferred) {
                return Err(RegisterError::FileFinal { reference, status: existing.status.as_str() }.into());
            }
            crate::disposition::refuse_if_held(&self.conn, existing.id, &existing.reference)?;
        }
        let taken: Option<i64> = self
            .conn
            .query_row("SELECT id FROM files WHERE reference = ?1", [&reference], |row| row.get(0))
            .optional()?;
        if taken.is_some() && taken != existing.as_ref().map(|e| e.id) {
            return Err(RegisterError::ReferenceTaken { reference }.into());
        }
        let project = match draft.project.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(code) => Some(project::load(&self.conn, code)?.1),
            None => None,
        };
        // A closed project takes no new file; the files it has stay in it and can still change.
        if let Some(closed) = project.as_ref().filter(|p| !p.active) {
            let already_in = existing
                .as_ref()
                .and_then(|e| e.project.as_deref())
                .is_some_and(|current| current.eq_ignore_ascii_case(&closed.code));
            if !already_in {
                return Err(ProjectError::Closed { code: closed.code.clone() }.into());
            }
        }
        let project_sensitivity = project.as_ref().map(|p| p.sensitivity);
        let sensitivity = draft.sensitivity.or(project_sensitivity).unwrap_or(Sensitivity::Internal);
        let mut calendar = Calendar::load(&self.conn)?;
        // A file keeps its rule version unless it changes class or rule.
        let filing = existing.as_ref().is_none_or(|e| !e.class.eq_ignore_ascii_case(draft.class.trim()));
        let resolved = calendar.resolve(
            &self.conn,
            &draft.class,
            draft.rule.as_deref(),
            draft.project.as_deref(),
            sensitivity,
            draft.exception.as_ref(),
            filing,
        )?;
        let birth = match &existing {
            Some(e) => birth_date_of(&self.conn, e.id)?,
            None => None,
        };
        // Same class and rule: the version the file had stays until the archivist applies
        // another, and its dates are that version's.
        let rule_version = match &existing {
            Some(e)
                if e.class.eq_ignore_ascii_case(&resolved.class_code)
                    && e.rule.eq_ignore_ascii_case(&resolved.explanation_rule()) =>
            {
                e.rule_version
            }
            _ => resolved.rule_version,
        };
        let due = if rule_version == resolved.rule_version {
            due_dates(&resolved.explanation, &draft.dates, birth)
        } else {
            let basis = project::basis_of_rule(
                &self.conn,
                &resolved.explanation_rule(),
                Some(rule_version),
                CopyKind::Principal,
            )?;
            let explanation =
                explain(&resolved.class_code, &basis, project.as_ref(), Some(sensitivity), draft.exception.as_ref());
            due_dates(&explanation, &draft.dates, birth)
        };
        let now = stamp(self.env.clock.now());
        let other = serde_json::to_string(&draft.dates.other).unwrap_or_else(|_| "{}".into());
        let exception = draft.exception.as_ref().and_then(|e| serde_json::to_string(e).ok());
        let tx = self.conn.unchecked_transaction()?;
        let seq = next_change(&tx)?;
        let values = params![
            reference,
            resolved.class_id,
            resolved.rule_id,
            rule_version,
            resolved.project_id,
            draft.title.trim(),
            draft.description.trim(),
            draft.keywords.iter().map(|k| k.trim()).filter(|k| !k.is_empty()).collect::<Vec<_>>().join("\n"),
            date_col(draft.dates.opened_on),
            date_col(draft.dates.closed_on),
            date_col(draft.dates.contract_ended_on),
            date_col(draft.dates.last_activity_on),
            other,
            draft.holder.trim(),
            draft.location.trim(),
            draft.medium.as_str(),
            sensitivity.as_str(),
            status.as_str(),
            draft.notes.trim(),
            exception,
            date_col(due.active_until),
            date_col(due.semi_active_until),
            due.disposition.code().to_string(),
            seq,
            now,
        ];
        let id = match &existing {
            None => tx.query_row(
                "INSERT INTO files (reference, class_id, rule_id, rule_version, project_id, title, description,
                    keywords, opened_on, closed_on, contract_ended_on, last_activity_on, other_dates, holder, location,
                    medium, sensitivity, status, notes, exception, active_until, semi_active_until, disposition,
                    change_seq, created_at, updated_at, id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                    ?21, ?22, ?23, ?24, ?25, ?25, (SELECT max(ifnull((SELECT max(id) FROM files), 0),
                        ifnull((SELECT max(id) FROM destroyed_files), 0),
                        ifnull((SELECT max(id) FROM register_deletions WHERE kind = 'file'), 0)) + 1)) RETURNING id",
                values,
                |row| row.get::<_, i64>(0),
            )?,
            Some(e) => {
                tx.execute(
                    "UPDATE files SET reference = ?1, class_id = ?2, rule_id = ?3, rule_version = ?4, project_id = ?5,
                        title = ?6, description = ?7, keywords = ?8, opened_on = ?9, closed_on = ?10,
                        contract_ended_on = ?11, last_activity_on = ?12, other_dates = ?13, holder = ?14,
                        location = ?15, medium = ?16, sensitivity = ?17, status = ?18, notes = ?19, exception = ?20,
                        active_until = ?21, semi_active_until = ?22, disposition = ?23, change_seq = ?24,
                        updated_at = ?25
                     WHERE id = ?26",
                    params![
                        reference,
                        resolved.class_id,
                        resolved.rule_id,
                        rule_version,
                        resolved.project_id,
                        draft.title.trim(),
                        draft.description.trim(),
                        draft
                            .keywords
                            .iter()
                            .map(|k| k.trim())
                            .filter(|k| !k.is_empty())
                            .collect::<Vec<_>>()
                            .join("\n"),
                        date_col(draft.dates.opened_on),
                        date_col(draft.dates.closed_on),
                        date_col(draft.dates.contract_ended_on),
                        date_col(draft.dates.last_activity_on),
                        serde_json::to_string(&draft.dates.other).unwrap_or_else(|_| "{}".into()),
                        draft.holder.trim(),
                        draft.location.trim(),
                        draft.medium.as_str(),
                        sensitivity.as_str(),
                        status.as_str(),
                        draft.notes.trim(),
                        draft.exception.as_ref().and_then(|x| serde_json::to_string(x).ok()),
                        date_col(due.active_until),
                        date_col(due.semi_active_until),
                        due.disposition.code().to_string(),
                        seq,
                        now,
                        e.id
                    ],
                )?;
                e.id
            }
        };
        let mut after = draft.clone();
        after.reference = reference.clone();
        after.sensitivity = Some(sensitivity);
        after.class = resolved.class_code.clone();
        let details = match &existing {
            Some(e) => {
                serde_json::json!({ "before": audit_view(&e.draft, e.status), "after": audit_view(&after, status) })
            }
            None => serde_json::json!({ "after": audit_view(&after, status) }),
        };
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(action, "file", id.to_string()).details(details),
            self.env.clock.now(),
        )?;
        tx.commit()?;
        self.sync_index();
        self.file_by_id(id)
    }

    /// Files a new file. The class must be active and have a rule (the one named when it has
    /// several); the due dates follow from the calendar. Audited.
    pub fn create_file(&mut self, session: &Session, draft: FileDraft) -> Result<FileRecord, Error> {
        self.insert_or_update_file(session, None, draft, FileStatus::Active, AuditAction::FileCreate)
    }

    /// Edits a file, reclassifying it when its class changes (its due dates follow). Audited
    /// with the values before and after.
    pub fn update_file(&mut self, session: &Session, reference: &str, draft: FileDraft) -> Result<FileRecord, Error> {
        self.require(session, Permission::ManageRegister)?;
        let existing = load_file(&self.conn, reference)?;
        let status = existing.status;
        let action = if existing.class.eq_ignore_ascii_case(draft.class.trim()) {
            AuditAction::FileUpdate
        } else {
            AuditAction::FileReclassify
        };
        self.insert_or_update_file(session, Some(existing), draft, status, action)
    }

    /// Closes a file on a date: its clock starts when the rule counts from the closing.
    pub fn close_file(&mut self, session: &Session, reference: &str, on: NaiveDate) -> Result<FileRecord, Error> {
        self.require(session, Permission::ManageRegister)?;
        let existing = load_file(&self.conn, reference)?;
        if let Some(closed) = existing.draft.dates.closed_on {
            return Err(RegisterError::AlreadyClosed { reference: existing.reference, closed }.into());
        }
        let mut draft = existing.draft.clone();
        draft.dates.closed_on = Some(on);
        let status = if existing.status == FileStatus::Active { FileStatus::SemiActive } else { existing.status };
        self.insert_or_update_file(session, Some(existing), draft, status, AuditAction::FileClose)
    }

    /// Reopens a closed file: it has no due date until it is closed again.
    pub fn reopen_file(&mut self, session: &Session, reference: &str) -> Result<FileRecord, Error> {
        self.require(session, Permission::ManageRegister)?;
        let existing = load_file(&self.conn, reference)?;
        if existing.draft.dates.closed_on.is_none() {
            return Err(RegisterError::NotClosed { reference: existing.reference }.into());
        }
        let mut draft = existing.draft.clone();
        draft.dates.closed_on = None;
        self.insert_or_update_file(session, Some(existing), draft, FileStatus::Active, AuditAction::FileReopen)
    }

    /// Decides the fate of a file whose final disposition is review (sorting or sampling, "T"):
    /// destroy it, keep it permanently, extend it to a date (it comes back for review then), or
    /// reassign it to another rule of its class. Recorded as the file's own exception with the
    /// justification (or as its new rule); held files are refused. Audited.
    pub fn decide_review(
        &mut self,
        session: &Session,
        reference: &str,
        decision: crate::disposition::ReviewDecision,
        justification: &str,
    ) -> Result<FileRecord, Error> {
        use crate::disposition::{DispositionError, ReviewDecision};
        self.require(session, Permission::ManageRegister)?;
        let justification = justification.trim();
        if justification.is_empty() {
            return Err(DispositionError::ReasonMissing.into());
        }
        let existing = load_file(&self.conn, reference)?;
        let current = self.file_by_id(existing.id)?;
        if current.due.disposition != Disposition::Sort {
            return Err(DispositionError::NotInReview {
                reference: existing.reference,
                disposition: current.due.disposition.code().to_string(),
            }
            .into());
        }
        let mut draft = existing.draft.clone();
        draft.rule = Some(existing.rule.clone());
        let reason = |what: &str| format!("{what} — {justification}");
        let replace = |replacement: Replacement, what: &str| FileException { replacement, reason: reason(what) };
        match &decision {
            ReviewDecision::Destroy => {
                draft.exception = Some(replace(
                    Replacement { disposition: Some(Disposition::Destroy), ..Default::default() },
                    "review: destroy",
                ));
            }
            ReviewDecision::KeepPermanently => {
                draft.exception = Some(replace(
                    Replacement { disposition: Some(Disposition::Keep), ..Default::default() },
                    "review: keep permanently",
                ));
            }
            ReviewDecision::Extend { until } => {
                let (Some(active_end), Some(due)) = (current.due.active_until, current.due.semi_active_until) else {
                    return Err(DispositionError::NoDueDate { reference: existing.reference }.into());
                };
                if *until <= due {
                    return Err(DispositionError::ExtendNotLater {
                        reference: existing.reference,
                        due: due.to_string(),
                        until: until.to_string(),
                    }
                    .into());
                }
                // Whole months from the end of the active period: the new date is the first
                // month end on or after the one asked for.
                let mut months =
                    (until.year() - active_end.year()) * 12 + until.month() as i32 - active_end.month() as i32;
                while active_end
                    .checked_add_months(chrono::Months::new(months.max(0) as u32))
                    .is_some_and(|d| d < *until)
                {
                    months += 1;
                }
                draft.exception = Some(replace(
                    Replacement { semi_active: Some(Period::Months(months.max(0) as u32)), ..Default::default() },
                    &format!("review: extended to {until}"),
                ));
            }
            ReviewDecision::ReassignRule { rule } => {
                draft.rule = Some(rule.trim().to_owned());
                draft.exception = None;
            }
        }
        let status = existing.status;
        let record = self.insert_or_update_file(session, Some(existing), draft, status, AuditAction::ReviewDecision)?;
        Ok(record)
    }

    /// A file with its calendar explained and its persons.
    pub fn file(&self, session: &Session, reference: &str) -> Result<FileRecord, Error> {
        self.require(session, Permission::ViewRegister)?;
        let id = load_file(&self.conn, reference)?.id;
        self.file_by_id(id)
    }

    pub(crate) fn file_by_id(&self, id: i64) -> Result<FileRecord, Error> {
        let stored =
            self.conn.query_row(&format!("SELECT {FILE_COLUMNS} {FILE_FROM} WHERE f.id = ?1"), [id], stored_file)?;
        let basis = project::basis_of_rule(&self.conn, &stored.rule, Some(stored.rule_version), CopyKind::Principal)?;
        let project = match &stored.project {
            Some(code) => Some(project::load(&self.conn, code)?.1),
            None => None,
        };
        let explanation =
            explain(&stored.class, &basis, project.as_ref(), Some(stored.sensitivity), stored.draft.exception.as_ref());
        let birth = birth_date_of(&self.conn, id)?;
        let due = due_dates(&explanation, &stored.draft.dates, birth);
        let persons = file_persons(&self.conn, id)?;
        let d = stored.draft;
        Ok(FileRecord {
            id,
            reference: stored.reference,
            class: stored.class,
            class_title_fr: stored.class_title_fr,
            class_title_en: stored.class_title_en,
            rule: stored.rule,
            rule_version: stored.rule_version,
            project: stored.project,
            title: d.title,
            description: d.description,
            keywords: d.keywords,
            dates: d.dates,
            holder: d.holder,
            location: d.location,
            medium: d.medium,
            sensitivity: stored.sensitivity,
            status: stored.status,
            notes: d.notes,
            exception: d.exception,
            due,
            explanation,
            persons,
            created_at: stored.created_at,
            updated_at: stored.updated_at,
        })
    }

    /// How many files the register holds.
    pub fn file_count(&self, session: &Session) -> Result<u64, Error> {
        self.require(session, Permission::ViewRegister)?;
        Ok(self.conn.query_row("SELECT count(*) FROM files", [], |row| row.get::<_, i64>(0))? as u64)
    }

    // ----- search -----

    /// Opens the search index when it is not open yet, and brings it up to date. Failures are
    /// logged and left for the next call or `greffier search reindex`: the register is the truth.
    pub(crate) fn sync_index(&self) {
        if let Err(error) = self.with_index(|index, conn| index.catch_up(conn).map(|_| ())) {
            tracing::warn!("search index not brought up to date: {error}");
        }
    }

    pub(crate) fn with_index<T>(
        &self,
        work: impl FnOnce(&mut search::SearchIndex, &Connection) -> Result<T, search::SearchError>,
    ) -> Result<T, Error> {
        let mut slot = self.search.borrow_mut();
        if slot.is_none() {
            let mut index = search::SearchIndex::open(&self.paths.dir, &self.key, &self.conn)?;
            index.set_progress(self.search.progress());
            index.catch_up(&self.conn)?;
            *slot = Some(index);
        }
        match slot.as_mut() {
            Some(index) => {
                // A rebuild put a new index in the slot.
                index.set_progress(self.search.progress());
                Ok(work(index, &self.conn)?)
            }
            None => Err(search::SearchError::Index { detail: "not open".into() }.into()),
        }
    }

    /// Has `progress` told how far a long catch-up of the search index is, as documents done of
    /// all: the fill of an index made anew at the open (after an upgrade or a restore) takes tens
    /// of seconds at a million files, in whatever first uses the index. Only catch-ups of
    /// 10,000 documents or more tell; `progress` hears (0, all) first and (all, all) last,
    /// whether the catch-up went through or not.
    pub fn on_index_progress(&mut self, progress: impl Fn(u64, u64) + Send + Sync + 'static) {
        self.search.set_progress(std::sync::Arc::new(progress));
    }

    /// Searches the register: a ranked page of files with their rows and highlighted snippets,
    /// the total, and the facet counts over every hit. Audited only as a count (queries may
    /// hold personal information, which the audit trail must not copy).
    pub fn search_files(
        &self,
        session: &Session,
        filter: &FileFilter,
        offset: usize,
        limit: usize,
        facets: bool,
    ) -> Result<FileSearchPage, Error> {
        self.require(session, Permission::ViewRegister)?;
        let request = SearchRequest {
            query: filter.to_query(),
            kind: DocKind::File,
            offset,
            limit: limit.clamp(1, 500),
            facets,
            snippets: !filter.query.trim().is_empty(),
            sort: filter.sort,
        };
        let page = self.with_index(|index, conn| {
            index.catch_up(conn)?;
            index.search(&request)
        })?;
        let mut stmt = self.conn.prepare_cached(ROW_SQL)?;
        let mut hits = Vec::with_capacity(page.hits.len());
        for hit in &page.hits {
            let Some((row, description)) =
                stmt.query_row([hit.id], |row| Ok((file_row(row)?, row.get::<_, String>(11)?))).optional()?
            else {
                continue;
            };
            let snippet =
                page.snippets.as_ref().and_then(|s| s.snippet(&description).or_else(|| s.snippet(&row.title)));
            hits.push(FileHit { row, score: hit.score, snippet });
        }
        Ok(FileSearchPage { total: page.total, offset, hits, facets: page.facets })
    }

    /// Rebuilds the search index from the register. Audited.
    pub fn reindex(&mut self, session: &Session, progress: &mut dyn FnMut(usize) -> bool) -> Result<usize, Error> {
        self.require(session, Permission::ManageRegister)?;
        let count = {
            let mut slot = self.search.borrow_mut();
            // No catch-up first: everything is indexed again.
            let index = match slot.take() {
                Some(index) => index,
                None => search::SearchIndex::open(&self.paths.dir, &self.key, &self.conn)?,
            };
            let small_cache = crate::vault::SmallCache::new(&self.conn)?;
            let (index, count) = index.rebuild(&self.conn, progress);
            drop(small_cache);
            *slot = index;
            count?
        };
        self.record(
            session,
            NewEvent::new(AuditAction::SearchReindex, "search", &self.vault_id)
                .details(serde_json::json!({ "documents": count })),
        )?;
        Ok(count)
    }

    /// Whether the index agrees with the register: the same change, the same files.
    pub fn check_index(&self, session: &Session) -> Result<IndexCheck, Error> {
        self.require(session, Permission::CheckVault)?;
        let register_seq = search::register_seq(&self.conn)?;
        let mut stmt = self.conn.prepare("SELECT id FROM files WHERE status <> 'destroyed' ORDER BY id")?;
        let register_ids: Vec<i64> = stmt.query_map([], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
        // Compare the index as it is, before any catch-up.
        let mut slot = self.search.borrow_mut();
        if slot.is_none() {
            *slot = Some(search::SearchIndex::open(&self.paths.dir, &self.key, &self.conn)?);
        }
        let Some(index) = slot.as_mut() else {
            return Err(search::SearchError::Index { detail: "not open".into() }.into());
        };
        let index_ids = index.ids(DocKind::File)?;
        let missing = register_ids.iter().filter(|id| index_ids.binary_search(id).is_err()).count();
        let extra = index_ids.iter().filter(|id| register_ids.binary_search(id).is_err()).count();
        let duplicates = index_ids.windows(2).filter(|w| w[0] == w[1]).count();
        Ok(IndexCheck {
            register_seq,
            index_seq: index.indexed_seq(),
            files: register_ids.len(),
            indexed_files: index_ids.len(),
            missing,
            extra,
            duplicates,
        })
    }
}

impl Vault {
    /// The tests' decoding oracle of the index: see [`search::SearchIndex::doc_freq`].
    #[doc(hidden)]
    pub fn index_doc_freq(&self, field: &str, term: &str) -> Result<u64, Error> {
        self.with_index(|index, _| index.doc_freq(field, term))
    }
}

/// What comparing the index with the register found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexCheck {
    pub register_seq: i64,
    pub index_seq: i64,
    pub files: usize,
    pub indexed_files: usize,
    /// Files of the register the index lacks.
    pub missing: usize,
    /// Documents of the index that are no file of the register.
    pub extra: usize,
    pub duplicates: usize,
}

impl IndexCheck {
    pub fn is_consistent(&self) -> bool {
        self.register_seq == self.index_seq && self.missing == 0 && self.extra == 0 && self.duplicates == 0
    }
}

impl Resolved {
    fn explanation_rule(&self) -> String {
        self.explanation.chain.first().map_or_else(String::new, |step| match &step.source {
            project::Source::Rule { number, .. } => number.clone(),
            _ => String::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_written_as_its_display_writes_it() {
        let mut checked = 0;
        for (year, month, day) in [(0, 1, 1), (7, 3, 9), (99, 12, 31), (1999, 2, 28), (2024, 2, 29), (9999, 12, 31)] {
            let date = NaiveDate::from_ymd_opt(year, month, day).expect("date");
            assert_eq!(iso_date(date), date.to_string());
            checked += 1;
        }
        // Every day of thirty years, and the years chrono writes with a sign.
        let mut date = NaiveDate::from_ymd_opt(2000, 1, 1).expect("date");
        while date.year() < 2030 {
            assert_eq!(iso_date(date), date.to_string());
            date = date.succ_opt().expect("next day");
            checked += 1;
        }
        for (year, written) in [(-1, "-0001-01-01"), (10000, "+10000-01-01")] {
            let date = NaiveDate::from_ymd_opt(year, 1, 1).expect("date");
            assert_eq!(iso_date(date), written);
            checked += 1;
        }
        assert_eq!(checked, 6 + 10958 + 2);
    }
}
