//! The XML exchange format of Quebec retention-schedule tools (`ROWSET/ROW` per rule,
//! `DELAI/DELAI_ROW` per copy), read and written with quick-xml and serde.
//!
//! Reading is two passes over the whole file before anything is written: the XML reader checks
//! that the file is well-formed and holds only the format's elements, so that an error names its
//! line, rule and element; then serde maps the elements, and each value is checked and typed.
//! Texts lose only the whitespace at either end. Greffier adds three elements of its own, written
//! only when a rule needs them: `GREFFIER_DECLENCHEUR` (the event that starts the clock, when it
//! is not the file's closing) and `GREFFIER_PERIOACTIF_MOIS` / `GREFFIER_PERIOSMACT_MOIS` (a
//! period in months, beside the whole years, rounded up, that other tools read).

use std::collections::HashMap;

use quick_xml::{events::Event, Reader};
use serde::{Deserialize, Serialize};

use crate::{
    plan::{PlanError, XmlProblem},
    retention::{
        valid_rule_number, CopyKind, CopyRule, Disposition, Field, Period, RuleContent, RuleRef, TriggerEvent,
    },
    Error, IoError,
};

/// One rule read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScheduleRule {
    pub number: String,
    pub content: RuleContent,
    /// Whether the file said which event starts the clock (Greffier's own element).
    pub trigger_given: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct RowSet {
    #[serde(rename = "ROW", default)]
    rows: Vec<Row>,
}

/// A `ROW`: one rule. The field order is the format's.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Row {
    #[serde(rename = "ID_ORGANISME", default)]
    organisation_id: Option<String>,
    #[serde(rename = "NUMREGLE", default)]
    number: Option<String>,
    #[serde(rename = "TYPE_TRANS", default)]
    transaction_type: Option<String>,
    #[serde(rename = "RECUEIL", default)]
    collection: Option<String>,
    #[serde(rename = "TITRESER", default)]
    series_title: Option<String>,
    #[serde(rename = "REFLEGALE", default)]
    legal_reference: Option<String>,
    #[serde(rename = "NO_RECUEIL", default)]
    collection_number: Option<String>,
    #[serde(rename = "PROCACTIVI", default)]
    process_activity: Option<String>,
    #[serde(rename = "CODECLASS", default)]
    classes: Option<String>,
    #[serde(rename = "NOMUNITE", default)]
    holding_units: Option<String>,
    #[serde(rename = "DESCSERIE", default)]
    description: Option<String>,
    #[serde(rename = "TYPESDOC", default)]
    document_types: Option<String>,
    #[serde(rename = "DOCUMESSEN", default)]
    essential: Option<String>,
    #[serde(rename = "DOCUMCONFI", default)]
    confidential: Option<String>,
    #[serde(rename = "REMARQDELA", default)]
    period_remarks: Option<String>,
    #[serde(rename = "REMARQGEN", default)]
    general_remarks: Option<String>,
    #[serde(rename = "GRILLECHAN", default)]
    grillechan: Option<String>,
    #[serde(rename = "GREFFIER_DECLENCHEUR", default, skip_serializing_if = "Option::is_none")]
    trigger: Option<String>,
    #[serde(rename = "DELAI", default)]
    delai: Option<Delai>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Delai {
    #[serde(rename = "DELAI_ROW", default)]
    rows: Vec<DelaiRow>,
}

/// A `DELAI_ROW`: one copy. The field order is the format's.
#[derive(Debug, Default, Serialize, Deserialize)]
struct DelaiRow {
    #[serde(rename = "NUMDELAI", default)]
    delay_number: Option<String>,
    #[serde(rename = "NUMREGLE", default)]
    number: Option<String>,
    #[serde(rename = "TYPEDOSS", default)]
    kind: Option<String>,
    #[serde(rename = "SUPPDOSS", default)]
    media: Option<String>,
    #[serde(rename = "REM_SUPPDOSS", default, skip_serializing_if = "Option::is_none")]
    media_remark: Option<String>,
    #[serde(rename = "PERIOACTIF", default)]
    active: Option<String>,
    #[serde(rename = "GREFFIER_PERIOACTIF_MOIS", default, skip_serializing_if = "Option::is_none")]
    active_months: Option<String>,
    #[serde(rename = "REM_PERIOACTIF", default, skip_serializing_if = "Option::is_none")]
    active_remark: Option<String>,
    #[serde(rename = "PERIOSMACT", default)]
    semi_active: Option<String>,
    #[serde(rename = "GREFFIER_PERIOSMACT_MOIS", default, skip_serializing_if = "Option::is_none")]
    semi_active_months: Option<String>,
    #[serde(rename = "REM_PERIOSMACT", default, skip_serializing_if = "Option::is_none")]
    semi_active_remark: Option<String>,
    #[serde(rename = "ID_REF_DISPOSITION", default)]
    disposition: Option<String>,
    #[serde(rename = "REM_DISPOINACT", default, skip_serializing_if = "Option::is_none")]
    disposition_remark: Option<String>,
}

/// The fields of a `ROW`, besides `DELAI`.
const ROW_FIELDS: [Field; 18] = [
    Field::OrganisationId,
    Field::RuleNumber,
    Field::TransactionType,
    Field::Collection,
    Field::SeriesTitle,
    Field::LegalReference,
    Field::CollectionNumber,
    Field::ProcessActivity,
    Field::Classes,
    Field::HoldingUnits,
    Field::Description,
    Field::DocumentTypes,
    Field::Essential,
    Field::Confidential,
    Field::PeriodRemarks,
    Field::GeneralRemarks,
    Field::Grillechan,
    Field::Trigger,
];

/// The fields of a `DELAI_ROW`.
const COPY_FIELDS: [Field; 13] = [
    Field::DelayNumber,
    Field::CopyRuleNumber,
    Field::CopyKind,
    Field::Media,
    Field::MediaRemark,
    Field::ActivePeriod,
    Field::ActiveMonths,
    Field::ActiveRemark,
    Field::SemiActivePeriod,
    Field::SemiActiveMonths,
    Field::SemiActiveRemark,
    Field::Disposition,
    Field::DispositionRemark,
];

/// Reads and checks a whole file. Any error refuses the file whole.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<ScheduleRule>, PlanError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Err(PlanError::NotUtf8 { line: line_at(bytes, e.valid_up_to()) }),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    check_well_formed(text)?;
    let rowset: RowSet =
        quick_xml::de::from_str(text).map_err(|e| PlanError::XmlStructure { detail: e.to_string() })?;
    if rowset.rows.is_empty() {
        return Err(PlanError::EmptySchedule);
    }
    let mut rules = Vec::with_capacity(rowset.rows.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, row) in rowset.rows.into_iter().enumerate() {
        let position = index + 1;
        let rule = read_row(row, position)?;
        if let Some(first) = seen.insert(rule.number.to_ascii_uppercase(), position) {
            return Err(PlanError::DuplicateRule { number: rule.number, first, second: position });
        }
        rules.push(rule);
    }
    Ok(rules)
}

fn text(value: Option<String>) -> String {
    value.as_deref().map(str::trim).unwrap_or_default().to_owned()
}

fn optional(value: Option<String>) -> Option<String> {
    Some(text(value)).filter(|t| !t.is_empty())
}

fn read_row(row: Row, position: usize) -> Result<ScheduleRule, PlanError> {
    let number = text(row.number);
    if number.is_empty() {
        return Err(PlanError::MissingValue { rule: RuleRef::Row(position), copy: None, field: Field::RuleNumber });
    }
    if !valid_rule_number(&number) {
        return Err(PlanError::InvalidValue {
            rule: RuleRef::Row(position),
            copy: None,
            field: Field::RuleNumber,
            value: number,
        });
    }
    let rule = RuleRef::Number(number.clone());
    let invalid = |copy: Option<usize>, field: Field, value: String| PlanError::InvalidValue {
        rule: rule.clone(),
        copy,
        field,
        value,
    };
    let missing = |copy: Option<usize>, field: Field| PlanError::MissingValue { rule: rule.clone(), copy, field };
    let flag = |value: Option<String>, field: Field| -> Result<Option<bool>, PlanError> {
        let value = text(value);
        match value.to_ascii_uppercase().as_str() {
            "" => Ok(None),
            "O" => Ok(Some(true)),
            "N" => Ok(Some(false)),
            _ => Err(invalid(None, field, value)),
        }
    };
    let trigger = match optional(row.trigger) {
        None => None,
        Some(value) => Some(TriggerEvent::from_text(&value).ok_or_else(|| invalid(None, Field::Trigger, value))?),
    };
    let mut copies = Vec::new();
    for (index, copy) in row.delai.map(|d| d.rows).unwrap_or_default().into_iter().enumerate() {
        let at = Some(index + 1);
        let copy_number = text(copy.number);
        if !copy_number.is_empty() && !copy_number.eq_ignore_ascii_case(&number) {
            return Err(invalid(at, Field::CopyRuleNumber, copy_number));
        }
        let kind = text(copy.kind);
        if kind.is_empty() {
            return Err(missing(at, Field::CopyKind));
        }
        let kind = CopyKind::from_code(&kind).ok_or_else(|| invalid(at, Field::CopyKind, kind))?;
        let period = |years: Option<String>, months: Option<String>, field: Field, months_field: Field| {
            let years = text(years);
            if years.is_empty() {
                return Err(missing(at, field));
            }
            let period = Period::from_code(&years).ok_or_else(|| invalid(at, field, years))?;
            match optional(months) {
                None => Ok(period),
                Some(months) => match months.parse::<u32>() {
                    Ok(count) if months.bytes().all(|b| b.is_ascii_digit()) => Ok(Period::Months(count)),
                    _ => Err(invalid(at, months_field, months)),
                },
            }
        };
        let active = period(copy.active, copy.active_months, Field::ActivePeriod, Field::ActiveMonths)?;
        let semi_active =
            period(copy.semi_active, copy.semi_active_months, Field::SemiActivePeriod, Field::SemiActiveMonths)?;
        let disposition = text(copy.disposition);
        if disposition.is_empty() {
            return Err(missing(at, Field::Disposition));
        }
        let disposition =
            Disposition::from_code(&disposition).ok_or_else(|| invalid(at, Field::Disposition, disposition))?;
        copies.push(CopyRule {
            kind,
            delay_number: optional(copy.delay_number),
            media: text(copy.media),
            active,
            semi_active,
            disposition,
            media_remark: optional(copy.media_remark),
            active_remark: optional(copy.active_remark),
            semi_active_remark: optional(copy.semi_active_remark),
            disposition_remark: optional(copy.disposition_remark),
        });
    }
    let content = RuleContent {
        organisation_id: text(row.organisation_id),
        transaction_type: text(row.transaction_type),
        collection: text(row.collection),
        collection_number: text(row.collection_number),
        series_title: text(row.series_title),
        description: text(row.description),
        process_activity: text(row.process_activity),
        holding_units: text(row.holding_units),
        document_types: text(row.document_types),
        legal_reference: text(row.legal_reference),
        essential: flag(row.essential, Field::Essential)?,
        confidential: flag(row.confidential, Field::Confidential)?,
        period_remarks: text(row.period_remarks),
        general_remarks: text(row.general_remarks),
        grillechan: text(row.grillechan),
        classes: text(row.classes).split(';').map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect(),
        trigger: trigger.clone().unwrap_or_default(),
        copies,
    };
    content.validate(&rule)?;
    Ok(ScheduleRule { number, content, trigger_given: trigger.is_some() })
}

/// The 1-based line of a byte offset.
fn line_at(bytes: &[u8], offset: usize) -> u64 {
    bytes[..offset.min(bytes.len())].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// The first pass: well-formed, the format's elements only, each field at most once per rule or
/// copy. Errors carry the line, the rule being read and the open element.
fn check_well_formed(text: &str) -> Result<(), PlanError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut pass = FirstPass::default();
    loop {
        let event = reader.read_event();
        let position = reader.buffer_position() as usize;
        match event {
            Err(error) => {
                let problem = match error {
                    quick_xml::Error::IllFormed(quick_xml::errors::IllFormedError::MismatchedEndTag {
                        expected,
                        found,
                    }) => XmlProblem::Unclosed { element: expected, found },
                    quick_xml::Error::IllFormed(quick_xml::errors::IllFormedError::UnmatchedEndTag(found)) => {
                        XmlProblem::UnmatchedEnd { found }
                    }
                    other => XmlProblem::Other(other.to_string()),
                };
                return Err(pass.fail(problem, text, reader.error_position() as usize));
            }
            Ok(Event::Start(start)) => pass.open(start.name().0.to_owned(), true, text, position)?,
            Ok(Event::Empty(start)) => pass.open(start.name().0.to_owned(), false, text, position)?,
            Ok(Event::End(_)) => pass.close(),
            Ok(Event::Text(content)) => {
                if pass.stack.len() == 3 && pass.stack.last().is_some_and(|e| e == "NUMREGLE") {
                    pass.number.push_str(&content.xml10_content());
                }
            }
            Ok(Event::Eof) => {
                if let Some(open) = pass.stack.last() {
                    let problem = XmlProblem::UnexpectedEnd { element: open.clone() };
                    return Err(pass.fail(problem, text, text.len()));
                }
                if !pass.root_seen {
                    return Err(PlanError::NotASchedule { root: String::new() });
                }
                return Ok(());
            }
            Ok(_) => {}
        }
    }
}

/// What the first pass knows at a point of the file.
#[derive(Default)]
struct FirstPass {
    /// The open elements.
    stack: Vec<String>,
    /// For the open ROW and DELAI_ROW, the fields already seen.
    seen: Vec<Vec<String>>,
    rows: usize,
    /// The rule being read: its number once NUMREGLE is closed, its ROW before.
    rule: Option<RuleRef>,
    number: String,
    root_seen: bool,
}

impl FirstPass {
    fn fail(&self, problem: XmlProblem, text: &str, at: usize) -> PlanError {
        PlanError::XmlSyntax {
            line: line_at(text.as_bytes(), at),
            rule: self.rule.clone(),
            element: self.stack.last().cloned(),
            problem,
        }
    }

    fn open(&mut self, name: String, has_content: bool, text: &str, at: usize) -> Result<(), PlanError> {
        let parent = self.stack.last().cloned();
        let allowed = match parent.as_deref() {
            None if name == "ROWSET" => {
                self.root_seen = true;
                true
            }
            None => return Err(PlanError::NotASchedule { root: name }),
            Some("ROWSET") => name == "ROW",
            Some("ROW") => name == "DELAI" || ROW_FIELDS.iter().any(|f| f.xml() == name),
            Some("DELAI") => name == "DELAI_ROW",
            Some("DELAI_ROW") => COPY_FIELDS.iter().any(|f| f.xml() == name),
            Some(field) => {
                let problem = XmlProblem::ElementInsideField { field: field.to_owned(), found: name };
                return Err(self.fail(problem, text, at));
            }
        };
        if !allowed {
            let problem = XmlProblem::UnknownElement { element: name, parent: parent.unwrap_or_default() };
            return Err(self.fail(problem, text, at));
        }
        if matches!(parent.as_deref(), Some("ROW") | Some("DELAI_ROW")) {
            if let Some(fields) = self.seen.last_mut() {
                if fields.contains(&name) {
                    return Err(self.fail(XmlProblem::Repeated { element: name }, text, at));
                }
                fields.push(name.clone());
            }
        }
        if name == "ROW" {
            self.rows += 1;
            self.rule = Some(RuleRef::Row(self.rows));
            self.number.clear();
        }
        if has_content {
            if matches!(name.as_str(), "ROW" | "DELAI_ROW") {
                self.seen.push(Vec::new());
            }
            self.stack.push(name);
        }
        Ok(())
    }

    /// The reader has already checked that the end tag matches the open element.
    fn close(&mut self) {
        let Some(name) = self.stack.pop() else {
            return;
        };
        if name == "NUMREGLE" && self.stack.len() == 2 && !self.number.trim().is_empty() {
            self.rule = Some(RuleRef::Number(self.number.trim().to_owned()));
        }
        if matches!(name.as_str(), "ROW" | "DELAI_ROW") {
            self.seen.pop();
        }
    }
}

/// Writes rules (number and content) in the exchange format, indented as the tools write it.
pub(crate) fn write(rules: &[(&str, &RuleContent)]) -> Result<Vec<u8>, Error> {
    let flag = |value: Option<bool>| match value {
        None => String::new(),
        Some(true) => "O".to_owned(),
        Some(false) => "N".to_owned(),
    };
    let months = |period: Period| match period {
        Period::Months(count) => Some(count.to_string()),
        _ => None,
    };
    let rowset = RowSet {
        rows: rules
            .iter()
            .map(|(number, content)| Row {
                organisation_id: Some(content.organisation_id.clone()),
                number: Some((*number).to_owned()),
                transaction_type: Some(content.transaction_type.clone()),
                collection: Some(content.collection.clone()),
                series_title: Some(content.series_title.clone()),
                legal_reference: Some(content.legal_reference.clone()),
                collection_number: Some(content.collection_number.clone()),
                process_activity: Some(content.process_activity.clone()),
                classes: Some(content.classes.join("; ")),
                holding_units: Some(content.holding_units.clone()),
                description: Some(content.description.clone()),
                document_types: Some(content.document_types.clone()),
                essential: Some(flag(content.essential)),
                confidential: Some(flag(content.confidential)),
                period_remarks: Some(content.period_remarks.clone()),
                general_remarks: Some(content.general_remarks.clone()),
                grillechan: Some(content.grillechan.clone()),
                trigger: (content.trigger != TriggerEvent::FileClosed).then(|| content.trigger.to_text()),
                delai: Some(Delai {
                    rows: content
                        .copies
                        .iter()
                        .map(|copy| DelaiRow {
                            delay_number: Some(copy.delay_number.clone().unwrap_or_default()),
                            number: Some((*number).to_owned()),
                            kind: Some(copy.kind.code().to_string()),
                            media: Some(copy.media.clone()),
                            media_remark: copy.media_remark.clone(),
                            active: Some(copy.active.code().to_string()),
                            active_months: months(copy.active),
                            active_remark: copy.active_remark.clone(),
                            semi_active: Some(copy.semi_active.code().to_string()),
                            semi_active_months: months(copy.semi_active),
                            semi_active_remark: copy.semi_active_remark.clone(),
                            disposition: Some(copy.disposition.code().to_string()),
                            disposition_remark: copy.disposition_remark.clone(),
                        })
                        .collect(),
                }),
            })
            .collect(),
    };
    let failed = |e: quick_xml::SeError| -> Error {
        IoError::new("write", "the schedule export", std::io::Error::other(e.to_string())).into()
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let mut serializer = quick_xml::se::Serializer::with_root(&mut out, Some("ROWSET")).map_err(failed)?;
    serializer.indent(' ', 4);
    rowset.serialize(serializer).map_err(failed)?;
    out.push('\n');
    Ok(out.into_bytes())
}
