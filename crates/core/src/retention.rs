//! The retention schedule: numbered rules, each kept as a list of versions (a change adds a
//! version and never rewrites an older one), and the typed values a version holds — periods,
//! dispositions, copies, the event that starts the clock. Reading, revising, and the import and
//! export of the Quebec XML exchange format (its mapping lives in [`crate::schedule_xml`]).

use std::collections::HashSet;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::{
    audit::{self, AuditAction, NewEvent},
    clock::stamp,
    plan::{self, ClassCode, PlanError},
    schedule_xml,
    users::Session,
    vault::signer,
    Error, Lang, Permission, Vault,
};

/// How long a copy stays in a phase. The exchange format counts in years and has two variable
/// codes: 888 (until an event) and 999 (while the document is in use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "unit", content = "count", rename_all = "snake_case")]
pub enum Period {
    Years(u32),
    Months(u32),
    /// Code 888: until an event, which the rule's remarks describe.
    UntilEvent,
    /// Code 999: as long as the document is in use.
    WhileInUse,
}

impl Period {
    /// The exchange format's code for "until an event".
    pub const UNTIL_EVENT_CODE: u32 = 888;
    /// The exchange format's code for "while in use".
    pub const WHILE_IN_USE_CODE: u32 = 999;

    /// Reads one of the exchange format's numbers: years, or 888 / 999. `None` for anything
    /// that is not a whole number.
    pub fn from_code(text: &str) -> Option<Period> {
        let text = text.trim();
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        match text.parse::<u32>().ok()? {
            Period::UNTIL_EVENT_CODE => Some(Period::UntilEvent),
            Period::WHILE_IN_USE_CODE => Some(Period::WhileInUse),
            years => Some(Period::Years(years)),
        }
    }

    /// The number the exchange format writes. Months become whole years, rounded up (keeping a
    /// document longer is the safe side); the export also writes the months beside it.
    pub fn code(self) -> u32 {
        match self {
            Period::Years(years) => years,
            Period::Months(months) => months.div_ceil(12),
            Period::UntilEvent => Period::UNTIL_EVENT_CODE,
            Period::WhileInUse => Period::WHILE_IN_USE_CODE,
        }
    }

    /// Whether the value can be stored and exported: a number of years must not be one of the
    /// variable codes.
    pub fn is_valid(self) -> bool {
        match self {
            Period::Years(years) => years < Period::UNTIL_EVENT_CODE,
            Period::Months(months) => months < 12 * Period::UNTIL_EVENT_CODE,
            _ => true,
        }
    }

    pub fn label(self, lang: Lang) -> String {
        match (self, lang) {
            (Period::Years(n), Lang::Fr) => format!("{n} {}", if n <= 1 { "an" } else { "ans" }),
            (Period::Years(n), Lang::En) => format!("{n} {}", if n == 1 { "year" } else { "years" }),
            (Period::Months(n), Lang::Fr) => format!("{n} mois"),
            (Period::Months(n), Lang::En) => format!("{n} {}", if n == 1 { "month" } else { "months" }),
            (Period::UntilEvent, lang) => lang.pick("jusqu'à un événement (888)", "until an event (888)").to_owned(),
            (Period::WhileInUse, lang) => lang.pick("tant que le document sert (999)", "while in use (999)").to_owned(),
        }
    }

    /// The stored form: a unit and, for years and months, a count.
    pub(crate) fn to_columns(self) -> (&'static str, Option<u32>) {
        match self {
            Period::Years(n) => ("years", Some(n)),
            Period::Months(n) => ("months", Some(n)),
            Period::UntilEvent => ("until_event", None),
            Period::WhileInUse => ("while_in_use", None),
        }
    }

    pub(crate) fn from_columns(unit: &str, count: Option<u32>) -> Option<Period> {
        match (unit, count) {
            ("years", Some(n)) => Some(Period::Years(n)),
            ("months", Some(n)) => Some(Period::Months(n)),
            ("until_event", None) => Some(Period::UntilEvent),
            ("while_in_use", None) => Some(Period::WhileInUse),
            _ => None,
        }
    }
}

/// What happens to a copy at the end of its semi-active period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// D: destroy.
    Destroy,
    /// C: keep permanently, or transfer to archives.
    Keep,
    /// T: sort or sample; the criteria are in the remark the copy's disposition points to.
    Sort,
}

impl Disposition {
    pub fn code(self) -> char {
        match self {
            Disposition::Destroy => 'D',
            Disposition::Keep => 'C',
            Disposition::Sort => 'T',
        }
    }

    /// Reads C, D or T (either case).
    pub fn from_code(text: &str) -> Option<Disposition> {
        match text.trim().to_ascii_uppercase().as_str() {
            "D" => Some(Disposition::Destroy),
            "C" => Some(Disposition::Keep),
            "T" => Some(Disposition::Sort),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Disposition::Destroy => lang.pick("détruire (D)", "destroy (D)"),
            Disposition::Keep => {
                lang.pick("conserver ou verser aux archives (C)", "keep permanently or transfer to archives (C)")
            }
            Disposition::Sort => lang.pick("trier ou échantillonner (T)", "sort or sample (T)"),
        }
    }
}

/// Which copy of a document a row of the schedule governs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyKind {
    /// P: the principal copy, held by the unit responsible for the series.
    Principal,
    /// S: secondary copies, held elsewhere.
    Secondary,
}

impl CopyKind {
    pub fn code(self) -> char {
        match self {
            CopyKind::Principal => 'P',
            CopyKind::Secondary => 'S',
        }
    }

    pub fn from_code(text: &str) -> Option<CopyKind> {
        match text.trim().to_ascii_uppercase().as_str() {
            "P" => Some(CopyKind::Principal),
            "S" => Some(CopyKind::Secondary),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            CopyKind::Principal => lang.pick("principal", "principal"),
            CopyKind::Secondary => lang.pick("secondaire", "secondary"),
        }
    }
}

/// The event that starts a rule's clock. The exchange format has no such field: imported rules
/// start when the file is closed until someone revises them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TriggerEvent {
    #[default]
    FileClosed,
    /// The end of the contract or of the employment the file is about.
    ContractEnded,
    /// The last activity recorded on the file.
    LastActivity,
    /// The date of birth of the person the file is about.
    BirthDate,
    /// A date recorded on the file, named by `field`.
    FileDate { field: String },
    /// A fixed date, the same for every file.
    FixedDate { date: NaiveDate },
}

impl TriggerEvent {
    /// The stored form: a code and a detail ('' for the events that need none).
    pub(crate) fn to_columns(&self) -> (&'static str, String) {
        match self {
            TriggerEvent::FileClosed => ("file_closed", String::new()),
            TriggerEvent::ContractEnded => ("contract_ended", String::new()),
            TriggerEvent::LastActivity => ("last_activity", String::new()),
            TriggerEvent::BirthDate => ("birth_date", String::new()),
            TriggerEvent::FileDate { field } => ("file_date", field.clone()),
            TriggerEvent::FixedDate { date } => ("fixed_date", date.format("%Y-%m-%d").to_string()),
        }
    }

    pub(crate) fn from_columns(code: &str, detail: &str) -> Option<TriggerEvent> {
        Some(match code {
            "file_closed" => TriggerEvent::FileClosed,
            "contract_ended" => TriggerEvent::ContractEnded,
            "last_activity" => TriggerEvent::LastActivity,
            "birth_date" => TriggerEvent::BirthDate,
            "file_date" if !detail.trim().is_empty() => TriggerEvent::FileDate { field: detail.trim().to_owned() },
            "fixed_date" => {
                TriggerEvent::FixedDate { date: NaiveDate::parse_from_str(detail.trim(), "%Y-%m-%d").ok()? }
            }
            _ => return None,
        })
    }

    /// The text form Greffier adds to its XML exports: `contract_ended`, `file_date:closing`,
    /// `fixed_date:2030-01-01`.
    pub fn to_text(&self) -> String {
        match self.to_columns() {
            (code, detail) if detail.is_empty() => code.to_owned(),
            (code, detail) => format!("{code}:{detail}"),
        }
    }

    pub fn from_text(text: &str) -> Option<TriggerEvent> {
        let (code, detail) = text.trim().split_once(':').unwrap_or((text.trim(), ""));
        let event = TriggerEvent::from_columns(code.trim(), detail)?;
        // `file_closed:x` and the like carry a detail that would be lost.
        (event.to_columns().1.is_empty() == detail.trim().is_empty()).then_some(event)
    }

    pub fn label(&self, lang: Lang) -> String {
        match self {
            TriggerEvent::FileClosed => lang.pick("fermeture du dossier", "file closed").to_owned(),
            TriggerEvent::ContractEnded => {
                lang.pick("fin du contrat ou de l'emploi", "end of the contract or employment").to_owned()
            }
            TriggerEvent::LastActivity => lang.pick("dernière activité", "last activity").to_owned(),
            TriggerEvent::BirthDate => lang.pick("date de naissance", "date of birth").to_owned(),
            TriggerEvent::FileDate { field } => {
                lang.pick(format!("date « {field} » du dossier"), format!("the file's date “{field}”"))
            }
            TriggerEvent::FixedDate { date } => {
                format!("{} {}", lang.pick("date fixe :", "fixed date:"), date.format("%Y-%m-%d"))
            }
        }
    }
}

/// One copy of a rule version (a `DELAI_ROW`): its kind, media, periods and disposition, and the
/// numbered remarks (`R1`…) its values refer to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CopyRule {
    pub kind: CopyKind,
    /// NUMDELAI, such as `0035.1`; most rules leave it empty.
    pub delay_number: Option<String>,
    /// SUPPDOSS as written, such as `PA,DM` (PA paper, DM digital).
    pub media: String,
    pub active: Period,
    pub semi_active: Period,
    pub disposition: Disposition,
    pub media_remark: Option<String>,
    pub active_remark: Option<String>,
    pub semi_active_remark: Option<String>,
    pub disposition_remark: Option<String>,
}

impl CopyRule {
    /// The media codes, such as `["PA", "DM"]`.
    pub fn media_codes(&self) -> Vec<&str> {
        self.media.split([',', ';']).map(str::trim).filter(|code| !code.is_empty()).collect()
    }
}

/// Everything one version of a rule says. Texts are kept as found (without the whitespace at
/// either end); an empty text is an empty element in the exchange format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleContent {
    /// ID_ORGANISME.
    pub organisation_id: String,
    /// TYPE_TRANS.
    pub transaction_type: String,
    /// RECUEIL: the collection the rule was published in.
    pub collection: String,
    /// NO_RECUEIL: its number(s) in that collection.
    pub collection_number: String,
    /// TITRESER.
    pub series_title: String,
    /// DESCSERIE.
    pub description: String,
    /// PROCACTIVI.
    pub process_activity: String,
    /// NOMUNITE.
    pub holding_units: String,
    /// TYPESDOC.
    pub document_types: String,
    /// REFLEGALE.
    pub legal_reference: String,
    /// DOCUMESSEN: O / N, `None` when the file left it empty.
    pub essential: Option<bool>,
    /// DOCUMCONFI: O / N, `None` when the file left it empty.
    pub confidential: Option<bool>,
    /// REMARQDELA: numbered remarks (`R1: …`) that the copies refer to.
    pub period_remarks: String,
    /// REMARQGEN.
    pub general_remarks: String,
    /// GRILLECHAN, an O/N flag the format does not document; kept as found.
    pub grillechan: String,
    /// CODECLASS: the codes of the classes the rule applies to, in order.
    pub classes: Vec<String>,
    pub trigger: TriggerEvent,
    /// DELAI: at least one copy.
    pub copies: Vec<CopyRule>,
}

impl RuleContent {
    /// The text of a numbered remark such as `R1`, from the remarks on periods (then the general
    /// remarks), with its line breaks folded. `None` when no remark has that label: the real
    /// schedule has such dangling references, which are kept as they are.
    pub fn remark(&self, label: &str) -> Option<String> {
        numbered_remarks(&self.period_remarks)
            .into_iter()
            .chain(numbered_remarks(&self.general_remarks))
            .find(|(found, _)| found.eq_ignore_ascii_case(label.trim()))
            .map(|(_, text)| text)
    }

    /// The checks every version passes, whether imported or revised. Class existence is checked
    /// by the caller (an import creates missing classes; a revision refuses them).
    pub(crate) fn validate(&self, rule: &RuleRef) -> Result<(), PlanError> {
        let invalid = |copy: Option<usize>, field: Field, value: String| PlanError::InvalidValue {
            rule: rule.clone(),
            copy,
            field,
            value,
        };
        if self.series_title.trim().is_empty() {
            return Err(PlanError::MissingValue { rule: rule.clone(), copy: None, field: Field::SeriesTitle });
        }
        // Each text fits a cell of an XLSX sheet, so that the plan exports as it was written.
        let too_long = |copy: Option<usize>, field: Field, text: &str| {
            crate::register::over_length(text, crate::register::TEXT_MAX).map(|length| PlanError::RuleTextTooLong {
                rule: rule.clone(),
                copy,
                field,
                length,
            })
        };
        for (field, text) in [
            (Field::OrganisationId, &self.organisation_id),
            (Field::TransactionType, &self.transaction_type),
            (Field::Collection, &self.collection),
            (Field::CollectionNumber, &self.collection_number),
            (Field::SeriesTitle, &self.series_title),
            (Field::Description, &self.description),
            (Field::ProcessActivity, &self.process_activity),
            (Field::HoldingUnits, &self.holding_units),
            (Field::DocumentTypes, &self.document_types),
            (Field::LegalReference, &self.legal_reference),
            (Field::PeriodRemarks, &self.period_remarks),
            (Field::GeneralRemarks, &self.general_remarks),
            (Field::Grillechan, &self.grillechan),
        ] {
            if let Some(error) = too_long(None, field, text) {
                return Err(error);
            }
        }
        for (index, copy) in self.copies.iter().enumerate() {
            for (field, text) in [
                (Field::Media, Some(&copy.media)),
                (Field::DelayNumber, copy.delay_number.as_ref()),
                (Field::MediaRemark, copy.media_remark.as_ref()),
                (Field::ActiveRemark, copy.active_remark.as_ref()),
                (Field::SemiActiveRemark, copy.semi_active_remark.as_ref()),
                (Field::DispositionRemark, copy.disposition_remark.as_ref()),
            ] {
                if let Some(error) = text.and_then(|text| too_long(Some(index + 1), field, text)) {
                    return Err(error);
                }
            }
        }
        if self.classes.is_empty() {
            return Err(PlanError::MissingValue { rule: rule.clone(), copy: None, field: Field::Classes });
        }
        let mut seen = HashSet::new();
        for code in &self.classes {
            ClassCode::parse(code).map_err(|_| invalid(None, Field::Classes, code.clone()))?;
            if !seen.insert(code.to_ascii_uppercase()) {
                return Err(PlanError::RepeatedClass { rule: rule.clone(), code: code.clone() });
            }
        }
        if let TriggerEvent::FileDate { field } = &self.trigger {
            if field.trim().is_empty() {
                return Err(PlanError::MissingValue { rule: rule.clone(), copy: None, field: Field::Trigger });
            }
        }
        if self.copies.is_empty() {
            return Err(PlanError::MissingValue { rule: rule.clone(), copy: None, field: Field::Copies });
        }
        for (index, copy) in self.copies.iter().enumerate() {
            for (period, field) in [(copy.active, Field::ActivePeriod), (copy.semi_active, Field::SemiActivePeriod)] {
                if !period.is_valid() {
                    return Err(invalid(Some(index + 1), field, period.code().to_string()));
                }
            }
        }
        Ok(())
    }
}

/// Splits remarks written as `R1: text R2: text` into labelled parts, whitespace folded.
pub fn numbered_remarks(text: &str) -> Vec<(String, String)> {
    let bytes = text.as_bytes();
    let mut starts = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let at_boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if at_boundary && bytes[i] == b'R' {
            let digits = bytes[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
            let mut j = i + 1 + digits;
            while j < bytes.len() && bytes[j] == b' ' {
                j += 1;
            }
            if digits > 0 && j < bytes.len() && bytes[j] == b':' {
                starts.push((i, i + 1 + digits, j + 1));
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    starts
        .iter()
        .enumerate()
        .map(|(n, &(label_start, label_end, body_start))| {
            let body_end = starts.get(n + 1).map_or(text.len(), |next| next.0);
            (text[label_start..label_end].to_owned(), fold_whitespace(&text[body_start..body_end]))
        })
        .collect()
}

/// Folds runs of whitespace (the line breaks and indentation of a pretty-printed file) into
/// single spaces, for display.
pub fn fold_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One version of a rule, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleVersion {
    pub version: u32,
    pub effective_date: NaiveDate,
    pub author: String,
    pub recorded_at: String,
    /// `import` or `revision`.
    pub origin: String,
    pub note: String,
    pub content: RuleContent,
}

/// A rule with all its versions, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionRule {
    pub number: String,
    pub versions: Vec<RuleVersion>,
}

impl RetentionRule {
    /// The latest version.
    pub fn current(&self) -> Option<&RuleVersion> {
        self.versions.last()
    }

    /// The version in force on `date`: the latest whose effective date is not after it.
    pub fn in_force_on(&self, date: NaiveDate) -> Option<&RuleVersion> {
        self.versions.iter().rev().find(|v| v.effective_date <= date)
    }
}

/// A change to a rule: what the new version says and from when.
#[derive(Debug, Clone)]
pub struct RuleRevision {
    pub effective_date: NaiveDate,
    /// Why it changed, for the history.
    pub note: String,
    pub content: RuleContent,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Rules in the file.
    pub rules: u32,
    /// Copy rows in the file.
    pub copies: u32,
    /// Rules that were new to the vault.
    pub created: u32,
    /// Rules that differed from their current version and got a new one.
    pub revised: u32,
    /// Rules identical to their current version.
    pub unchanged: u32,
    /// Classes the file referred to that the plan did not have.
    pub classes_created: u32,
}

/// Which rule an error is about: its number, or its place in the file when it has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleRef {
    Number(String),
    /// The 1-based position of the `ROW` in the file.
    Row(usize),
}

impl RuleRef {
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (RuleRef::Number(number), Lang::Fr) => format!("la règle {number}"),
            (RuleRef::Number(number), Lang::En) => format!("rule {number}"),
            (RuleRef::Row(row), Lang::Fr) => format!("la règle de la ROW n° {row}"),
            (RuleRef::Row(row), Lang::En) => format!("the rule in ROW {row}"),
        }
    }
}

/// A field of a rule, named as the exchange format names it and as people do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    OrganisationId,
    RuleNumber,
    TransactionType,
    Collection,
    SeriesTitle,
    LegalReference,
    CollectionNumber,
    ProcessActivity,
    Classes,
    HoldingUnits,
    Description,
    DocumentTypes,
    Essential,
    Confidential,
    PeriodRemarks,
    GeneralRemarks,
    Grillechan,
    Trigger,
    Copies,
    DelayNumber,
    CopyRuleNumber,
    CopyKind,
    Media,
    MediaRemark,
    ActivePeriod,
    ActiveMonths,
    ActiveRemark,
    SemiActivePeriod,
    SemiActiveMonths,
    SemiActiveRemark,
    Disposition,
    DispositionRemark,
}

impl Field {
    /// The element of the XML exchange format.
    pub fn xml(self) -> &'static str {
        match self {
            Field::OrganisationId => "ID_ORGANISME",
            Field::RuleNumber | Field::CopyRuleNumber => "NUMREGLE",
            Field::TransactionType => "TYPE_TRANS",
            Field::Collection => "RECUEIL",
            Field::SeriesTitle => "TITRESER",
            Field::LegalReference => "REFLEGALE",
            Field::CollectionNumber => "NO_RECUEIL",
            Field::ProcessActivity => "PROCACTIVI",
            Field::Classes => "CODECLASS",
            Field::HoldingUnits => "NOMUNITE",
            Field::Description => "DESCSERIE",
            Field::DocumentTypes => "TYPESDOC",
            Field::Essential => "DOCUMESSEN",
            Field::Confidential => "DOCUMCONFI",
            Field::PeriodRemarks => "REMARQDELA",
            Field::GeneralRemarks => "REMARQGEN",
            Field::Grillechan => "GRILLECHAN",
            Field::Trigger => "GREFFIER_DECLENCHEUR",
            Field::Copies => "DELAI_ROW",
            Field::DelayNumber => "NUMDELAI",
            Field::CopyKind => "TYPEDOSS",
            Field::Media => "SUPPDOSS",
            Field::MediaRemark => "REM_SUPPDOSS",
            Field::ActivePeriod => "PERIOACTIF",
            Field::ActiveMonths => "GREFFIER_PERIOACTIF_MOIS",
            Field::ActiveRemark => "REM_PERIOACTIF",
            Field::SemiActivePeriod => "PERIOSMACT",
            Field::SemiActiveMonths => "GREFFIER_PERIOSMACT_MOIS",
            Field::SemiActiveRemark => "REM_PERIOSMACT",
            Field::Disposition => "ID_REF_DISPOSITION",
            Field::DispositionRemark => "REM_DISPOINACT",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Field::OrganisationId => lang.pick("identifiant de l'organisme", "organisation id"),
            Field::RuleNumber => lang.pick("numéro de règle", "rule number"),
            Field::CopyRuleNumber => lang.pick("numéro de règle de l'exemplaire", "rule number of the copy"),
            Field::TransactionType => lang.pick("type de transaction", "transaction type"),
            Field::Collection => lang.pick("recueil", "collection"),
            Field::SeriesTitle => lang.pick("titre de la série", "series title"),
            Field::LegalReference => lang.pick("référence légale", "legal reference"),
            Field::CollectionNumber => lang.pick("numéro au recueil", "number in the collection"),
            Field::ProcessActivity => lang.pick("processus ou activité", "process or activity"),
            Field::Classes => lang.pick("codes de classification", "classification codes"),
            Field::HoldingUnits => lang.pick("unités détentrices", "holding units"),
            Field::Description => lang.pick("description de la série", "series description"),
            Field::DocumentTypes => lang.pick("types de documents", "document types"),
            Field::Essential => lang.pick("documents essentiels", "essential documents"),
            Field::Confidential => lang.pick("documents confidentiels", "confidential documents"),
            Field::PeriodRemarks => lang.pick("remarques sur les délais", "remarks on periods"),
            Field::GeneralRemarks => lang.pick("remarques générales", "general remarks"),
            Field::Grillechan => lang.pick("indicateur GRILLECHAN", "GRILLECHAN flag"),
            Field::Trigger => lang.pick("événement déclencheur", "event that starts the clock"),
            Field::Copies => lang.pick("exemplaires", "copies"),
            Field::DelayNumber => lang.pick("numéro de délai", "delay number"),
            Field::CopyKind => lang.pick("type d'exemplaire", "copy type"),
            Field::Media => lang.pick("supports", "media"),
            Field::MediaRemark => lang.pick("remarque sur les supports", "remark on media"),
            Field::ActivePeriod => lang.pick("période active", "active period"),
            Field::ActiveMonths => lang.pick("période active en mois", "active period in months"),
            Field::ActiveRemark => lang.pick("remarque sur la période active", "remark on the active period"),
            Field::SemiActivePeriod => lang.pick("période semi-active", "semi-active period"),
            Field::SemiActiveMonths => lang.pick("période semi-active en mois", "semi-active period in months"),
            Field::SemiActiveRemark => {
                lang.pick("remarque sur la période semi-active", "remark on the semi-active period")
            }
            Field::Disposition => lang.pick("disposition finale", "final disposition"),
            Field::DispositionRemark => lang.pick("remarque sur la disposition", "remark on the disposition"),
        }
    }

    /// What a valid value looks like, for the fields that can be wrong.
    pub fn expected(self, lang: Lang) -> &'static str {
        match self {
            Field::RuleNumber => lang.pick(
                "donnez de 1 à 32 lettres, chiffres, tirets, points ou traits de soulignement",
                "give 1 to 32 letters, digits, dashes, dots or underscores",
            ),
            Field::CopyRuleNumber => {
                lang.pick("il doit répéter le NUMREGLE de la règle", "it must repeat the rule's own NUMREGLE")
            }
            Field::Classes => lang.pick(
                "donnez des codes de classe tels que 100-20 ou A120 (lettres, chiffres, - et .), séparés par des ;",
                "give class codes such as 100-20 or A120 (letters, digits, - and .), separated by ;",
            ),
            Field::Essential | Field::Confidential => lang.pick("écrivez O (oui) ou N (non)", "write O (yes) or N (no)"),
            Field::Trigger => lang.pick(
                "écrivez file_closed, contract_ended, last_activity, birth_date, file_date:NOM ou fixed_date:AAAA-MM-JJ",
                "write file_closed, contract_ended, last_activity, birth_date, file_date:NAME or fixed_date:YYYY-MM-DD",
            ),
            Field::Copies => {
                lang.pick("une règle a au moins un exemplaire (DELAI_ROW)", "a rule needs at least one copy (DELAI_ROW)")
            }
            Field::CopyKind => lang.pick("écrivez P (principal) ou S (secondaire)", "write P (principal) or S (secondary)"),
            Field::ActivePeriod | Field::SemiActivePeriod => lang.pick(
                "écrivez un nombre entier d'années (moins de 888), 888 (jusqu'à un événement) ou 999 (tant que le document sert)",
                "write a whole number of years (under 888), 888 (until an event) or 999 (while in use)",
            ),
            Field::ActiveMonths | Field::SemiActiveMonths => {
                lang.pick("écrivez un nombre entier de mois", "write a whole number of months")
            }
            Field::Disposition => lang.pick(
                "écrivez C (conserver ou verser), D (détruire) ou T (trier)",
                "write C (keep or transfer), D (destroy) or T (sort)",
            ),
            _ => lang.pick("donnez un texte", "give a text"),
        }
    }
}

/// Checks a rule number: 1 to 32 letters, digits, dashes, dots or underscores.
pub(crate) fn valid_rule_number(number: &str) -> bool {
    (1..=32).contains(&number.chars().count())
        && number.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

// ----- storage -----

fn bad_column(index: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        index,
        rusqlite::types::Type::Text,
        format!("unknown stored value for {what}").into(),
    )
}

pub(crate) fn rule_id(conn: &Connection, number: &str) -> rusqlite::Result<Option<(i64, String)>> {
    conn.query_row("SELECT id, number FROM retention_rules WHERE number = ?1", [number.trim()], |row| {
        Ok((row.get(0)?, row.get(1)?))
    })
    .optional()
}

/// Every rule number, in order.
pub(crate) fn rule_numbers(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT number FROM retention_rules ORDER BY number")?;
    let numbers = stmt.query_map([], |row| row.get(0))?.collect();
    numbers
}

/// A rule with all its versions, or `None` when no rule has that number.
pub(crate) fn load_rule(conn: &Connection, number: &str) -> rusqlite::Result<Option<RetentionRule>> {
    let Some((rule_id, number)) = rule_id(conn, number)? else {
        return Ok(None);
    };
    let mut stmt = conn.prepare(
        "SELECT v.id, v.version, v.effective_date, u.username, v.recorded_at, v.origin, v.note,
                v.organisation_id, v.transaction_type, v.collection, v.collection_number, v.series_title,
                v.description, v.process_activity, v.holding_units, v.document_types, v.legal_reference,
                v.essential, v.confidential, v.period_remarks, v.general_remarks, v.grillechan,
                v.trigger_event, v.trigger_detail
         FROM retention_rule_versions v JOIN users u ON u.id = v.author_id
         WHERE v.rule_id = ?1 ORDER BY v.version",
    )?;
    let rows = stmt.query_map([rule_id], |row| {
        let effective: String = row.get(2)?;
        let trigger_code: String = row.get(22)?;
        let trigger_detail: String = row.get(23)?;
        let version = RuleVersion {
            version: row.get(1)?,
            effective_date: NaiveDate::parse_from_str(&effective, "%Y-%m-%d")
                .map_err(|_| bad_column(2, "effective_date"))?,
            author: row.get(3)?,
            recorded_at: row.get(4)?,
            origin: row.get(5)?,
            note: row.get(6)?,
            content: RuleContent {
                organisation_id: row.get(7)?,
                transaction_type: row.get(8)?,
                collection: row.get(9)?,
                collection_number: row.get(10)?,
                series_title: row.get(11)?,
                description: row.get(12)?,
                process_activity: row.get(13)?,
                holding_units: row.get(14)?,
                document_types: row.get(15)?,
                legal_reference: row.get(16)?,
                essential: row.get(17)?,
                confidential: row.get(18)?,
                period_remarks: row.get(19)?,
                general_remarks: row.get(20)?,
                grillechan: row.get(21)?,
                classes: Vec::new(),
                trigger: TriggerEvent::from_columns(&trigger_code, &trigger_detail)
                    .ok_or_else(|| bad_column(22, "trigger_event"))?,
                copies: Vec::new(),
            },
        };
        Ok((row.get::<_, i64>(0)?, version))
    })?;
    let mut versions = Vec::new();
    for row in rows {
        let (version_id, mut version) = row?;
        version.content.classes = version_classes(conn, version_id)?;
        version.content.copies = version_copies(conn, version_id)?;
        versions.push(version);
    }
    Ok(Some(RetentionRule { number, versions }))
}

fn version_classes(conn: &Connection, version_id: i64) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT c.code FROM retention_version_classes vc JOIN plan_classes c ON c.id = vc.class_id
         WHERE vc.version_id = ?1 ORDER BY vc.position",
    )?;
    let codes = stmt.query_map([version_id], |row| row.get(0))?.collect();
    codes
}

fn version_copies(conn: &Connection, version_id: i64) -> rusqlite::Result<Vec<CopyRule>> {
    let mut stmt = conn.prepare(
        "SELECT kind, delay_number, media, active_unit, active_count, semi_active_unit, semi_active_count,
                disposition, media_remark, active_remark, semi_active_remark, disposition_remark
         FROM retention_copies WHERE version_id = ?1 ORDER BY position",
    )?;
    let copies = stmt
        .query_map([version_id], |row| {
            let kind: String = row.get(0)?;
            let active_unit: String = row.get(3)?;
            let semi_active_unit: String = row.get(5)?;
            let disposition: String = row.get(7)?;
            Ok(CopyRule {
                kind: CopyKind::from_code(&kind).ok_or_else(|| bad_column(0, "kind"))?,
                delay_number: row.get(1)?,
                media: row.get(2)?,
                active: Period::from_columns(&active_unit, row.get(4)?).ok_or_else(|| bad_column(3, "active"))?,
                semi_active: Period::from_columns(&semi_active_unit, row.get(6)?)
                    .ok_or_else(|| bad_column(5, "semi_active"))?,
                disposition: Disposition::from_code(&disposition).ok_or_else(|| bad_column(7, "disposition"))?,
                media_remark: row.get(8)?,
                active_remark: row.get(9)?,
                semi_active_remark: row.get(10)?,
                disposition_remark: row.get(11)?,
            })
        })?
        .collect();
    copies
}

/// How a version came to be.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Origin {
    Import,
    Revision,
}

/// Writes one version with its copies and class links. Every class code must exist.
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_version(
    conn: &Connection,
    rule_id: i64,
    version: u32,
    effective_date: NaiveDate,
    author_id: i64,
    recorded_at: &str,
    origin: Origin,
    note: &str,
    content: &RuleContent,
) -> Result<(), Error> {
    let (trigger_code, trigger_detail) = content.trigger.to_columns();
    conn.execute(
        "INSERT INTO retention_rule_versions (rule_id, version, effective_date, author_id, recorded_at, origin, note,
            organisation_id, transaction_type, collection, collection_number, series_title, description,
            process_activity, holding_units, document_types, legal_reference, essential, confidential,
            period_remarks, general_remarks, grillechan, trigger_event, trigger_detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
        params![
            rule_id,
            version,
            effective_date.format("%Y-%m-%d").to_string(),
            author_id,
            recorded_at,
            match origin {
                Origin::Import => "import",
                Origin::Revision => "revision",
            },
            note,
            content.organisation_id,
            content.transaction_type,
            content.collection,
            content.collection_number,
            content.series_title,
            content.description,
            content.process_activity,
            content.holding_units,
            content.document_types,
            content.legal_reference,
            content.essential,
            content.confidential,
            content.period_remarks,
            content.general_remarks,
            content.grillechan,
            trigger_code,
            trigger_detail,
        ],
    )?;
    let version_id = conn.last_insert_rowid();
    for (index, code) in content.classes.iter().enumerate() {
        let class = plan::class_id(conn, code)?.ok_or_else(|| PlanError::UnknownClass { code: code.clone() })?;
        conn.execute(
            "INSERT INTO retention_version_classes (version_id, class_id, position) VALUES (?1, ?2, ?3)",
            params![version_id, class, index + 1],
        )?;
    }
    for (index, copy) in content.copies.iter().enumerate() {
        let (active_unit, active_count) = copy.active.to_columns();
        let (semi_unit, semi_count) = copy.semi_active.to_columns();
        conn.execute(
            "INSERT INTO retention_copies (version_id, position, delay_number, kind, media, active_unit, active_count,
                semi_active_unit, semi_active_count, disposition, media_remark, active_remark, semi_active_remark,
                disposition_remark)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                version_id,
                index + 1,
                copy.delay_number,
                copy.kind.code().to_string(),
                copy.media,
                active_unit,
                active_count,
                semi_unit,
                semi_count,
                copy.disposition.code().to_string(),
                copy.media_remark,
                copy.active_remark,
                copy.semi_active_remark,
                copy.disposition_remark,
            ],
        )?;
    }
    Ok(())
}

// ----- the vault's operations on the schedule -----

impl Vault {
    /// A rule with every version, oldest first.
    pub fn rule(&self, session: &crate::Session, number: &str) -> Result<RetentionRule, Error> {
        self.require(session, Permission::ViewPlan)?;
        load_rule(&self.conn, number)?.ok_or_else(|| PlanError::UnknownRule { number: number.trim().to_owned() }.into())
    }

    /// Every rule with every version, in the order of their numbers.
    pub fn rules(&self, session: &crate::Session) -> Result<Vec<RetentionRule>, Error> {
        self.require(session, Permission::ViewPlan)?;
        all_rules(&self.conn)
    }

    /// Adds a version to a rule. The new version must say something different and take effect
    /// no earlier than the current one; its classes must exist. Audited with the content before
    /// and after. Returns the new version's number.
    pub fn revise_rule(&mut self, session: &Session, number: &str, revision: RuleRevision) -> Result<u32, Error> {
        self.require(session, Permission::ManagePlan)?;
        let rule = load_rule(&self.conn, number)?
            .ok_or_else(|| PlanError::UnknownRule { number: number.trim().to_owned() })?;
        let current = rule.current().ok_or_else(|| PlanError::UnknownRule { number: rule.number.clone() })?;
        let mut content = revision.content;
        content.validate(&RuleRef::Number(rule.number.clone()))?;
        for code in &mut content.classes {
            *code =
                plan::stored_code(&self.conn, code)?.ok_or_else(|| PlanError::UnknownClass { code: code.clone() })?;
        }
        if content == current.content {
            return Err(PlanError::RuleUnchanged { number: rule.number.clone() }.into());
        }
        if revision.effective_date < current.effective_date {
            return Err(PlanError::EffectiveDateTooEarly {
                number: rule.number.clone(),
                date: revision.effective_date,
                current: current.effective_date,
                version: current.version,
            }
            .into());
        }
        let version = current.version + 1;
        let now = self.env.clock.now();
        let (rule_id, _) =
            rule_id(&self.conn, &rule.number)?.ok_or_else(|| PlanError::UnknownRule { number: rule.number.clone() })?;
        let tx = self.conn.transaction()?;
        insert_version(
            &tx,
            rule_id,
            version,
            revision.effective_date,
            session.user.id.0,
            &stamp(now),
            Origin::Revision,
            revision.note.trim(),
            &content,
        )?;
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::RuleRevise, "rule", &rule.number).details(serde_json::json!({
                "number": rule.number,
                "version": version,
                "effectiveDate": revision.effective_date,
                "note": revision.note.trim(),
                "before": current.content,
                "after": content,
            })),
            now,
        )?;
        tx.commit()?;
        Ok(version)
    }

    /// Imports a schedule in the Quebec XML exchange format. The whole file is read and checked
    /// first: any malformed value refuses it whole, naming the rule and the field, and nothing is
    /// written. Then, in one transaction with one `plan.import` event: missing classes are
    /// created (titled after the first rule that names them), new rules get their first
    /// version, rules that differ from their current version get a new one, identical ones are
    /// left alone.
    pub fn import_schedule_xml(&mut self, session: &Session, bytes: &[u8]) -> Result<ImportReport, Error> {
        self.require(session, Permission::ManagePlan)?;
        let schedule = schedule_xml::parse(bytes)?;
        let now = self.env.clock.now();
        let today = now.date_naive();
        let mut report = ImportReport {
            rules: schedule.len() as u32,
            copies: schedule.iter().map(|rule| rule.content.copies.len() as u32).sum(),
            ..ImportReport::default()
        };
        let tx = self.conn.transaction()?;
        for rule in &schedule {
            for code in &rule.content.classes {
                if plan::class_id(&tx, code)?.is_none() {
                    plan::insert_imported_class(&tx, code, &rule.content.series_title, &stamp(now))?;
                    report.classes_created += 1;
                }
            }
        }
        for rule in schedule {
            let mut content = rule.content;
            // As the plan spells them, so that `a120` and `A120` are one class and no change.
            for code in &mut content.classes {
                *code = plan::stored_code(&tx, code)?.ok_or_else(|| PlanError::UnknownClass { code: code.clone() })?;
            }
            match load_rule(&tx, &rule.number)? {
                None => {
                    tx.execute(
                        "INSERT INTO retention_rules (number, created_at) VALUES (?1, ?2)",
                        params![rule.number, stamp(now)],
                    )?;
                    let rule_id = tx.last_insert_rowid();
                    insert_version(
                        &tx,
                        rule_id,
                        1,
                        today,
                        session.user.id.0,
                        &stamp(now),
                        Origin::Import,
                        "",
                        &content,
                    )?;
                    report.created += 1;
                }
                Some(existing) => {
                    let Some(current) = existing.current() else {
                        return Err(PlanError::UnknownRule { number: existing.number.clone() }.into());
                    };
                    // The exchange format says nothing of the trigger: keep the one the rule has.
                    if !rule.trigger_given {
                        content.trigger = current.content.trigger.clone();
                    }
                    if content == current.content {
                        report.unchanged += 1;
                        continue;
                    }
                    let (rule_id, _) = rule_id(&tx, &existing.number)?
                        .ok_or_else(|| PlanError::UnknownRule { number: existing.number.clone() })?;
                    insert_version(
                        &tx,
                        rule_id,
                        current.version + 1,
                        today.max(current.effective_date),
                        session.user.id.0,
                        &stamp(now),
                        Origin::Import,
                        "",
                        &content,
                    )?;
                    report.revised += 1;
                }
            }
        }
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::PlanImport, "schedule", "xml").details(serde_json::json!({
                "format": "xml",
                "sha256": hex::encode(crate::crypto::sha256(bytes)),
                "bytes": bytes.len(),
                "report": report,
            })),
            now,
        )?;
        tx.commit()?;
        Ok(report)
    }

    /// The current version of every rule in the XML exchange format. Audited.
    pub fn export_schedule_xml(&self, session: &Session) -> Result<Vec<u8>, Error> {
        self.require(session, Permission::ViewPlan)?;
        let rules = all_rules(&self.conn)?;
        let current: Vec<(&str, &RuleContent)> = rules
            .iter()
            .filter_map(|rule| rule.current().map(|version| (rule.number.as_str(), &version.content)))
            .collect();
        let bytes = schedule_xml::write(&current)?;
        self.record(
            session,
            NewEvent::new(AuditAction::PlanExport, "schedule", "xml")
                .details(serde_json::json!({ "format": "xml", "rules": current.len(), "bytes": bytes.len() })),
        )?;
        Ok(bytes)
    }
}

pub(crate) fn all_rules(conn: &Connection) -> Result<Vec<RetentionRule>, Error> {
    let mut rules = Vec::new();
    for number in rule_numbers(conn)? {
        rules.extend(load_rule(conn, &number)?);
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_the_exchange_formats_numbers() {
        let check = |text: &str, expected: Option<Period>| assert_eq!(Period::from_code(text), expected, "{text:?}");
        check("5", Some(Period::Years(5)));
        check(" 0 ", Some(Period::Years(0)));
        check("888", Some(Period::UntilEvent));
        check("999", Some(Period::WhileInUse));
        check("75", Some(Period::Years(75)));
        for bad in ["", "abc", "-1", "2.5", "5 ans", "+3"] {
            check(bad, None);
        }
        assert_eq!(Period::Months(18).code(), 2, "months round up to whole years in the exchange format");
        assert!(!Period::Years(888).is_valid(), "888 years would read back as the variable code");
    }

    #[test]
    fn periods_speak_both_languages() {
        let cases = [
            (Period::Years(1), "1 an", "1 year"),
            (Period::Years(5), "5 ans", "5 years"),
            (Period::Months(6), "6 mois", "6 months"),
            (Period::UntilEvent, "jusqu'à un événement (888)", "until an event (888)"),
            (Period::WhileInUse, "tant que le document sert (999)", "while in use (999)"),
        ];
        for (period, fr, en) in cases {
            assert_eq!((period.label(Lang::Fr).as_str(), period.label(Lang::En).as_str()), (fr, en));
        }
    }

    #[test]
    fn codes_read_back_what_they_write() {
        for d in [Disposition::Destroy, Disposition::Keep, Disposition::Sort] {
            assert_eq!(Disposition::from_code(&d.code().to_string()), Some(d));
        }
        assert_eq!(Disposition::from_code("X"), None);
        for k in [CopyKind::Principal, CopyKind::Secondary] {
            assert_eq!(CopyKind::from_code(&k.code().to_string()), Some(k));
        }
        let triggers = [
            TriggerEvent::FileClosed,
            TriggerEvent::ContractEnded,
            TriggerEvent::LastActivity,
            TriggerEvent::BirthDate,
            TriggerEvent::FileDate { field: "date de fin".into() },
            TriggerEvent::FixedDate { date: NaiveDate::from_ymd_opt(2030, 1, 1).expect("date") },
        ];
        for trigger in triggers {
            assert_eq!(TriggerEvent::from_text(&trigger.to_text()), Some(trigger.clone()), "{trigger:?}");
            let (code, detail) = trigger.to_columns();
            assert_eq!(TriggerEvent::from_columns(code, &detail), Some(trigger));
        }
        assert_eq!(TriggerEvent::from_text("file_date:"), None, "a file date needs its name");
        assert_eq!(TriggerEvent::from_text("file_closed:extra"), None);
        assert_eq!(TriggerEvent::from_text("someday"), None);
    }

    #[test]
    fn numbered_remarks_are_split_and_folded() {
        let text = "R1: Jusqu'au départ de l'employé.\n            R2: Les documents\n   relatifs.\nR3 : 75 ans.";
        assert_eq!(
            numbered_remarks(text),
            [
                ("R1".to_owned(), "Jusqu'au départ de l'employé.".to_owned()),
                ("R2".to_owned(), "Les documents relatifs.".to_owned()),
                ("R3".to_owned(), "75 ans.".to_owned()),
            ]
        );
        assert!(numbered_remarks("PRÉCISION R1 sans deux-points").is_empty());
    }
}
