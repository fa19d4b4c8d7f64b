//! The retention schedule as printed for approval: for each series (a rule of the schedule), what
//! Quebec's regulation on retention schedules (RLRQ c., r. 2) asks a schedule to state:
//! the public body, the series' title and number, the description of its principal and
//! secondary documents, the unit holding the principal copy, the periods of each copy and their
//! final disposition, with the legal reference and remarks; and the classification plan
//! attached. The core gathers it ([`Vault::schedule_report`]); `greffier-report` typesets it
//! (`templates/schedule.typ`).
//!
//! Each series is printed in the version in force on the report's date (the latest whose
//! effective date is not after it), or its first version when every version takes effect
//! later; the version and its effective date are printed.

use chrono::NaiveDate;
use serde::Serialize;

use crate::{
    access::Permission,
    plan::tree,
    retention::{all_rules, fold_whitespace, numbered_remarks, CopyRule, RetentionRule},
    Error, Lang, Session, Vault,
};

/// The schedule and its plan, as the PDF shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleReport {
    pub lang: Lang,
    pub organisation: String,
    /// The date the versions are read at (`YYYY-MM-DD`).
    pub as_of: String,
    /// Who made it: display name and user name.
    pub generated_by: String,
    pub series: Vec<ScheduleSeries>,
    /// The classification plan in tree order, retired classes included and marked.
    pub plan: Vec<PlanEntry>,
}

/// One series of the schedule: a rule in the version in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleSeries {
    pub number: String,
    pub version: u32,
    pub effective_date: String,
    pub title: String,
    pub description: String,
    /// The process or activity the series documents.
    pub process_activity: String,
    /// The types of documents of the series.
    pub document_types: String,
    /// The unit(s) holding the principal copy.
    pub holding_units: String,
    pub legal_reference: String,
    /// Essential documents (O/N), `None` when the schedule does not say.
    pub essential: Option<bool>,
    /// Confidential documents (O/N), `None` when the schedule does not say.
    pub confidential: Option<bool>,
    /// The event that starts the periods, in words.
    pub trigger: String,
    /// The classes of the plan the series covers, with their titles.
    pub classes: Vec<ClassRef>,
    pub copies: Vec<ScheduleCopy>,
    /// The remarks on the periods, one per numbered remark (`R1`…) the copies refer to.
    pub period_remarks: Vec<Remark>,
    pub general_remarks: Vec<Remark>,
}

/// A remark of a series: numbered (`R1`) or not, its line breaks folded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Remark {
    pub label: Option<String>,
    pub text: String,
}

/// A remarks field as a list: its numbered remarks (`R1: …`), after any text before the first;
/// a field without numbers is one remark. The schedules' texts are pretty-printed, so line
/// breaks are folded.
fn remarks(text: &str) -> Vec<Remark> {
    let numbered = numbered_remarks(text);
    let prefix = match numbered.first() {
        Some((label, _)) => text.find(label.as_str()).map_or("", |at| &text[..at]),
        None => text,
    };
    let prefix = fold_whitespace(prefix);
    (!prefix.is_empty())
        .then_some(Remark { label: None, text: prefix })
        .into_iter()
        .chain(numbered.into_iter().map(|(label, text)| Remark { label: Some(label), text }))
        .collect()
}

/// A class named by a series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassRef {
    pub code: String,
    /// Empty when the class is not in the plan (an imported schedule may name one).
    pub title: String,
}

/// One copy row of a series, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleCopy {
    /// `P` or `S`.
    pub kind: String,
    pub kind_label: String,
    pub delay_number: Option<String>,
    /// The media in words (`papier, numérique`), unknown codes as written.
    pub media: String,
    pub active: String,
    pub semi_active: String,
    /// `C`, `D` or `T`.
    pub disposition: String,
    pub disposition_label: String,
    /// The remark labels the row refers to (`R1`…), in the order of its columns, without repeats.
    pub remarks: Vec<String>,
}

/// A class of the attached plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanEntry {
    pub code: String,
    pub depth: u32,
    pub title: String,
    pub active: bool,
    /// The numbers of the rules whose current version applies to the class.
    pub rules: Vec<String>,
}

/// A media code in words (`PA` paper, `DM` digital; the exchange format's two common codes).
fn media_label(code: &str, lang: Lang) -> String {
    match code.to_ascii_uppercase().as_str() {
        "PA" => lang.pick("papier", "paper").to_owned(),
        "DM" => lang.pick("numérique", "digital").to_owned(),
        _ => code.to_owned(),
    }
}

fn copy(copy: &CopyRule, lang: Lang) -> ScheduleCopy {
    let mut remarks: Vec<String> = Vec::new();
    for remark in [&copy.media_remark, &copy.active_remark, &copy.semi_active_remark, &copy.disposition_remark]
        .into_iter()
        .flatten()
    {
        let remark = remark.trim();
        if !remark.is_empty() && !remarks.iter().any(|known| known == remark) {
            remarks.push(remark.to_owned());
        }
    }
    ScheduleCopy {
        kind: copy.kind.code().to_string(),
        kind_label: copy.kind.label(lang).to_owned(),
        delay_number: copy.delay_number.clone().filter(|n| !n.trim().is_empty()),
        media: copy.media_codes().into_iter().map(|code| media_label(code, lang)).collect::<Vec<_>>().join(", "),
        active: copy.active.label(lang),
        semi_active: copy.semi_active.label(lang),
        disposition: copy.disposition.code().to_string(),
        disposition_label: copy.disposition.label(lang).to_owned(),
        remarks,
    }
}

/// One rule as a series, in the version in force on `as_of`; `None` for a rule without versions.
fn series(
    rule: &RetentionRule,
    as_of: NaiveDate,
    titles: &dyn Fn(&str) -> String,
    lang: Lang,
) -> Option<ScheduleSeries> {
    let version = rule.in_force_on(as_of).or_else(|| rule.versions.first())?;
    let content = &version.content;
    Some(ScheduleSeries {
        number: rule.number.clone(),
        version: version.version,
        effective_date: version.effective_date.to_string(),
        title: fold_whitespace(&content.series_title),
        description: fold_whitespace(&content.description),
        process_activity: fold_whitespace(&content.process_activity),
        document_types: fold_whitespace(&content.document_types),
        holding_units: fold_whitespace(&content.holding_units),
        legal_reference: fold_whitespace(&content.legal_reference),
        essential: content.essential,
        confidential: content.confidential,
        trigger: content.trigger.label(lang),
        classes: content.classes.iter().map(|code| ClassRef { code: code.clone(), title: titles(code) }).collect(),
        copies: content.copies.iter().map(|c| copy(c, lang)).collect(),
        period_remarks: remarks(&content.period_remarks),
        general_remarks: remarks(&content.general_remarks),
    })
}

impl Vault {
    /// The retention schedule in force on `as_of`, every series with the plan attached, for
    /// printing. Anyone who may read the plan may print it.
    pub fn schedule_report(&self, session: &Session, lang: Lang, as_of: NaiveDate) -> Result<ScheduleReport, Error> {
        self.require(session, Permission::ViewPlan)?;
        let classes = tree(&self.conn)?;
        let by_code: std::collections::HashMap<String, &str> =
            classes.iter().map(|class| (class.code.to_uppercase(), class.title(lang))).collect();
        let titles =
            |code: &str| -> String { by_code.get(&code.trim().to_uppercase()).copied().unwrap_or_default().to_owned() };
        let series = all_rules(&self.conn)?.iter().filter_map(|rule| series(rule, as_of, &titles, lang)).collect();
        let plan = classes
            .iter()
            .map(|class| PlanEntry {
                code: class.code.clone(),
                depth: class.depth,
                title: class.title(lang).to_owned(),
                active: class.active,
                rules: class.rules.clone(),
            })
            .collect();
        Ok(ScheduleReport {
            lang,
            organisation: self.organisation()?,
            as_of: as_of.to_string(),
            generated_by: format!("{} ({})", session.user.display_name, session.user.username),
            series,
            plan,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remarks_are_listed_by_number_and_folded() {
        let text = "Voir aussi\n  la règle 0005.\nR1: Jusqu'au départ\n   de l'employé.\nR2 : 75 ans.";
        let label = |l: &str| Some(l.to_owned());
        assert_eq!(
            remarks(text),
            [
                Remark { label: None, text: "Voir aussi la règle 0005.".to_owned() },
                Remark { label: label("R1"), text: "Jusqu'au départ de l'employé.".to_owned() },
                Remark { label: label("R2"), text: "75 ans.".to_owned() },
            ]
        );
        assert_eq!(
            remarks("Une remarque\nsur deux lignes"),
            [Remark { label: None, text: "Une remarque sur deux lignes".to_owned() }]
        );
        assert!(remarks("  \n ").is_empty());
    }
}
