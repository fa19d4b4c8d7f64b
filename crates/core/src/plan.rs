//! The classification plan: a hierarchy of classes with codes, bilingual titles and scope notes.
//! Classes are never deleted, only retired. Also the area's error, [`PlanError`], which the
//! retention schedule ([`crate::retention`]) and its XML format share.

use std::{cmp::Ordering, collections::HashMap};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::{
    audit::{self, AuditAction, NewEvent},
    clock::stamp,
    plan_table::CellProblem,
    retention::{Field, RuleRef},
    users::Session,
    vault::signer,
    Error, ErrorCode, Lang, Permission, UserMessage, Vault,
};

/// A class code, checked: 1 to 32 ASCII letters and digits, in groups joined by single `-` or
/// `.` (`100-20-05`, `1.2.3`, `A120`). Compared without regard to case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassCode(String);

impl ClassCode {
    pub fn parse(text: &str) -> Result<ClassCode, PlanError> {
        let code = text.trim();
        let invalid = || PlanError::ClassCodeInvalid { code: code.to_owned() };
        if code.is_empty() || code.len() > 32 {
            return Err(invalid());
        }
        if !code.chars().all(|c| c.is_ascii_alphanumeric() || is_separator(c)) {
            return Err(invalid());
        }
        if code.split(is_separator).any(str::is_empty) {
            return Err(invalid());
        }
        Ok(ClassCode(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this code can sit under `parent` in the hierarchy. Two styles are accepted:
    ///
    /// - **Separated codes**: the child is the parent's code, a separator (`-` or `.`), and more:
    ///   `100` > `100-20` > `100-20-05`, `1.2` > `1.2.3`.
    /// - **Positional codes** (no separator in either code, the style of BAnQ's plan): trailing
    ///   zeros only fill the code's width, so they are dropped before comparing, and the child
    ///   must extend what remains of the parent: `A100` (`A1`) > `A120` (`A12`) > `A123`;
    ///   `100` > `110` > `111`; `A` > `A100`. `A120` does not continue `A130`, nor `L100` `L1000`
    ///   (the same once padded).
    ///
    /// Anything else is refused: `100-3` under `100-20`, `B1` under `A1`. (`A1.5` under `A1` is a
    /// separated code and is accepted.) The rule makes a cycle
    /// impossible, since a child's code always strictly extends its parent's.
    pub fn continues(&self, parent: &ClassCode) -> bool {
        let child = self.0.to_ascii_uppercase();
        let parent = parent.0.to_ascii_uppercase();
        if child.len() > parent.len() && child.starts_with(&parent) {
            if let Some(next) = child[parent.len()..].chars().next() {
                if is_separator(next) {
                    return true;
                }
            }
        }
        if child.contains(is_separator) || parent.contains(is_separator) {
            return false;
        }
        let (child, parent) = (significant(&child), significant(&parent));
        child.len() > parent.len() && child.starts_with(parent)
    }
}

impl std::fmt::Display for ClassCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_separator(c: char) -> bool {
    matches!(c, '-' | '.')
}

/// A positional code without the zeros that pad it to its width (at least one character).
fn significant(code: &str) -> &str {
    let trimmed = code.trim_end_matches('0');
    if trimmed.is_empty() {
        &code[..1.min(code.len())]
    } else {
        trimmed
    }
}

/// Orders codes as people read them: runs of digits by their value (`L110` before `L1000`,
/// `100-3` before `100-20`), letters without regard to case.
pub fn compare_codes(a: &str, b: &str) -> Ordering {
    fn chunks(code: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in code.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((was_digit, chunk)) if *was_digit == digit => chunk.push(c.to_ascii_uppercase()),
                _ => out.push((digit, c.to_ascii_uppercase().to_string())),
            }
        }
        out
    }
    let (left, right) = (chunks(a), chunks(b));
    for ((left_digit, l), (right_digit, r)) in left.iter().zip(&right) {
        let order = if *left_digit && *right_digit {
            let (lt, rt) = (l.trim_start_matches('0'), r.trim_start_matches('0'));
            lt.len().cmp(&rt.len()).then_with(|| lt.cmp(rt)).then_with(|| l.len().cmp(&r.len()))
        } else {
            l.cmp(r)
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    left.len().cmp(&right.len()).then_with(|| a.cmp(b))
}

/// A class's row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClassId(pub i64);

/// A class as the plan shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanClass {
    pub id: ClassId,
    pub code: String,
    /// The parent's code; `None` at the top of the plan.
    pub parent: Option<String>,
    /// 0 at the top of the plan.
    pub depth: u32,
    pub title_fr: String,
    pub title_en: String,
    pub scope_note_fr: String,
    pub scope_note_en: String,
    /// Examples of documents filed in the class, one per line.
    pub examples: String,
    pub active: bool,
    /// The numbers of the rules whose current version applies to the class.
    pub rules: Vec<String>,
}

impl PlanClass {
    /// The title in a language, falling back to French.
    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.title_en.trim().is_empty() => &self.title_en,
            _ => &self.title_fr,
        }
    }
}

/// What it takes to add a class, or everything an edit replaces.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassDraft {
    pub code: String,
    /// The parent's code; `None` at the top of the plan.
    pub parent: Option<String>,
    pub title_fr: String,
    pub title_en: String,
    pub scope_note_fr: String,
    pub scope_note_en: String,
    pub examples: String,
}

/// What moving a branch of the plan did: every class whose code changed, the moved class first
/// and then its subclasses in tree order, and how many files those classes hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MoveReport {
    pub classes: Vec<CodeChange>,
    /// The files (of the register, in any status) whose class's code changed.
    pub files: u64,
}

/// A class's code before and after a move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeChange {
    pub from: String,
    pub to: String,
}

/// The plan's and the schedule's failures. Every message names the rule, class or field and
/// says what to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("The class code “{code}” is not valid: use 1 to 32 letters and digits, in groups joined by - or . (such as 100-20-05 or A120).")]
    ClassCodeInvalid { code: String },
    #[error("The plan already has a class {code}. Choose another code, or edit that class.")]
    ClassCodeTaken { code: String },
    #[error("The plan has no class {code}. Check the code with `greffier plan list`, or add the class first.")]
    UnknownClass { code: String },
    #[error("The code {code} does not continue its parent's code {parent}: a child's code starts with its parent's (100 > 100-20 > 100-20-05; positional codes such as A100 > A120 > A123). Change the code or choose another parent.")]
    ClassParentInconsistent { code: String, parent: String },
    #[error("The class {code} has the subclass {child}, whose code would no longer continue it. Keep the code, or change the subclass first.")]
    ClassChildInconsistent { code: String, child: String },
    #[error(
        "The class {parent} is retired: a new subclass cannot go under it. Reactivate it, or choose another parent."
    )]
    ClassParentRetired { parent: String },
    #[error("The class {code} needs a French title.")]
    ClassTitleMissing { code: String },
    #[error("A text of the class {code} has {length} characters, and holds at most {max} (what a cell of an XLSX sheet holds, so that the plan exports). Shorten it.", max = crate::register::TEXT_MAX)]
    ClassTextTooLong { code: String, length: usize },
    #[error("The class {code} still has the active subclass {child}. Retire its subclasses first.")]
    ClassHasActiveChildren { code: String, child: String },
    #[error("The class {code} cannot move under {parent}: that is the class itself or one of its subclasses. Choose a parent outside the branch of {code}, or none to move it to the top of the plan.")]
    ClassMoveIntoOwnBranch { code: String, parent: String },
    #[error("The class {code} already has that code and that parent: the move changes nothing. Give another code or another parent.")]
    ClassMoveUnchanged { code: String },
    #[error("The move would give the class {class} the code {new_code}, which the class {holder} already has. Choose another new code, or move or renumber {holder} first.")]
    ClassMoveCodeTaken { class: String, new_code: String, holder: String },
    #[error("The move would number the subclass {class} “{new_code}”, which is not a valid code under {parent} (at most 32 characters, continuing its parent's code). Choose a new code in the style of the branch's codes, or renumber {class} first.")]
    ClassMoveBreaksSubclass { class: String, new_code: String, parent: String },
    #[error("The schedule has no rule {number}. Check the number with `greffier plan list`.")]
    UnknownRule { number: String },
    #[error("The revision of rule {number} changes nothing: it says exactly what the current version says.")]
    RuleUnchanged { number: String },
    #[error("A new version of rule {number} cannot take effect on {date}, before its current version {version} ({current}). Give a date on or after {current}.")]
    EffectiveDateTooEarly { number: String, date: NaiveDate, current: NaiveDate, version: u32 },
    #[error("In {}{}: {} ({}) is “{value}”, which is not valid: {}. Nothing was written; correct the value and try again.", rule.describe(Lang::En), copy_en(*copy), field.xml(), field.label(Lang::En), field.expected(Lang::En))]
    InvalidValue { rule: RuleRef, copy: Option<usize>, field: Field, value: String },
    #[error("In {}{}: {} ({}) is missing or empty: {}. Nothing was written; fill it in and try again.", rule.describe(Lang::En), copy_en(*copy), field.xml(), field.label(Lang::En), field.expected(Lang::En))]
    MissingValue { rule: RuleRef, copy: Option<usize>, field: Field },
    #[error("In {}{}: {} ({}) has {length} characters, and holds at most {} (what a cell of an XLSX sheet holds, so that the plan exports). Nothing was written; shorten it and try again.", rule.describe(Lang::En), copy_en(*copy), field.xml(), field.label(Lang::En), crate::register::TEXT_MAX)]
    RuleTextTooLong { rule: RuleRef, copy: Option<usize>, field: Field, length: usize },
    #[error("In {}: CODECLASS lists the class {code} twice. Remove the repetition; nothing was written.", rule.describe(Lang::En))]
    RepeatedClass { rule: RuleRef, code: String },
    #[error("The file has two rules numbered {number} (ROW {first} and ROW {second}). Give each rule its own NUMREGLE; nothing was imported.")]
    DuplicateRule { number: String, first: usize, second: usize },
    #[error("The file cannot be read at line {line}{}: {}. Nothing was imported; repair the file (or export it again from its tool) and import it again.", place_en(rule.as_ref(), element.as_deref()), problem.describe(Lang::En))]
    XmlSyntax { line: u64, rule: Option<RuleRef>, element: Option<String>, problem: XmlProblem },
    #[error("The file does not have the structure of the XML exchange format ({detail}). Nothing was imported.")]
    XmlStructure { detail: String },
    #[error("This is not a retention schedule in the XML exchange format: {}, where <ROWSET> was expected. Nothing was imported.", if root.is_empty() { "it has no XML element".to_owned() } else { format!("its root element is <{root}>") })]
    NotASchedule { root: String },
    #[error("The file holds no rule (no ROW in its ROWSET). Nothing was imported; check that it is the right file.")]
    EmptySchedule,
    #[error(
        "The file is not UTF-8 text (at line {line}). Save it as UTF-8 and import it again; nothing was imported."
    )]
    NotUtf8 { line: u64 },
    #[error("Greffier imports and exports the plan as .xml (the Quebec exchange format), .csv or .xlsx, and “{extension}” is none of them. Save the file in one of these formats.")]
    UnsupportedFormat { extension: String },
    #[error("The file has {total} problem{}; nothing was imported. Correct {} and import it again:{}", if *total == 1 { "" } else { "s" }, if *total == 1 { "it" } else { "them" }, list_problems(problems, *total, Lang::En))]
    SheetInvalid { problems: Vec<CellProblem>, total: usize },
    #[error("The file cannot be read as a spreadsheet ({detail}). Nothing was imported; save it again from the spreadsheet program as .csv or .xlsx.")]
    SheetUnreadable { detail: String },
    #[error("{}", crate::spreadsheet::quote_unclosed_message(*line, Lang::En))]
    QuoteUnclosed { line: u64 },
    #[error("The file is {size_mib} MB, and a plan file is at most {max_mib} MB (the whole BAnQ retention schedule is 0.6 MB): it is likely not a plan. Nothing was imported; check that it is the right file.")]
    TooLarge { size_mib: u64, max_mib: u64 },
    #[error("The file holds no row of classes or rules. Nothing was imported; check that it is the right file.")]
    SheetEmpty,
}

fn list_problems(problems: &[CellProblem], total: usize, lang: Lang) -> String {
    let mut out = String::new();
    for problem in problems {
        out.push_str("\n  - ");
        out.push_str(&problem.describe(lang));
    }
    if total > problems.len() {
        out.push_str(&lang.pick(
            format!("\n  … et {} autres.", total - problems.len()),
            format!("\n  … and {} more.", total - problems.len()),
        ));
    }
    out
}

/// What is wrong in a file that is not well-formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlProblem {
    /// An element was closed by another's end tag: it was never closed.
    Unclosed { element: String, found: String },
    /// A field, which holds only text, contains an element: the field was not closed.
    ElementInsideField { field: String, found: String },
    /// An end tag with no element to close.
    UnmatchedEnd { found: String },
    /// The file ends with elements still open.
    UnexpectedEnd { element: String },
    /// An element the exchange format does not have, where it was found.
    UnknownElement { element: String, parent: String },
    /// An element given twice in the same rule or copy.
    Repeated { element: String },
    /// Anything else the XML reader reported.
    Other(String),
}

impl XmlProblem {
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (XmlProblem::Unclosed { element, found }, Lang::En) => format!("<{element}> is not closed (found </{found}> where </{element}> was expected)"),
            (XmlProblem::Unclosed { element, found }, Lang::Fr) => format!("<{element}> n'est pas fermé (</{found}> trouvé là où </{element}> était attendu)"),
            (XmlProblem::ElementInsideField { field, found }, Lang::En) => format!("<{field}> is not closed before <{found}> (a field holds only text)"),
            (XmlProblem::ElementInsideField { field, found }, Lang::Fr) => format!("<{field}> n'est pas fermé avant <{found}> (un champ ne contient que du texte)"),
            (XmlProblem::UnmatchedEnd { found }, Lang::En) => format!("</{found}> closes no open element"),
            (XmlProblem::UnmatchedEnd { found }, Lang::Fr) => format!("</{found}> ne ferme aucun élément ouvert"),
            (XmlProblem::UnexpectedEnd { element }, Lang::En) => format!("the file ends before <{element}> is closed"),
            (XmlProblem::UnexpectedEnd { element }, Lang::Fr) => format!("le fichier se termine avant la fermeture de <{element}>"),
            (XmlProblem::UnknownElement { element, parent }, Lang::En) => format!("<{element}> is not an element of the exchange format inside <{parent}>, and Greffier will not drop what it holds"),
            (XmlProblem::UnknownElement { element, parent }, Lang::Fr) => format!("<{element}> n'est pas un élément du format d'échange dans <{parent}>, et Greffier n'en écartera pas le contenu"),
            (XmlProblem::Repeated { element }, Lang::En) => format!("<{element}> is given twice"),
            (XmlProblem::Repeated { element }, Lang::Fr) => format!("<{element}> est donné deux fois"),
            (XmlProblem::Other(detail), _) => detail.clone(),
        }
    }
}

fn copy_en(copy: Option<usize>) -> String {
    copy.map(|n| format!(", copy {n}")).unwrap_or_default()
}

fn copy_fr(copy: Option<usize>) -> String {
    copy.map(|n| format!(", exemplaire {n}")).unwrap_or_default()
}

fn place_en(rule: Option<&RuleRef>, element: Option<&str>) -> String {
    let mut place = String::new();
    if let Some(rule) = rule {
        place.push_str(&format!(", in {}", rule.describe(Lang::En)));
    }
    if let Some(element) = element {
        place.push_str(&format!(", element {element}"));
    }
    place
}

fn place_fr(rule: Option<&RuleRef>, element: Option<&str>) -> String {
    let mut place = String::new();
    if let Some(rule) = rule {
        place.push_str(&format!(", dans {}", rule.describe(Lang::Fr)));
    }
    if let Some(element) = element {
        place.push_str(&format!(", élément {element}"));
    }
    place
}

impl UserMessage for PlanError {
    fn code(&self) -> ErrorCode {
        match self {
            PlanError::ClassCodeInvalid { .. } => ErrorCode::ClassCodeInvalid,
            PlanError::ClassCodeTaken { .. } => ErrorCode::ClassCodeTaken,
            PlanError::UnknownClass { .. } => ErrorCode::UnknownClass,
            PlanError::ClassParentInconsistent { .. } | PlanError::ClassChildInconsistent { .. } => {
                ErrorCode::ClassCodeInconsistent
            }
            PlanError::ClassParentRetired { .. } => ErrorCode::ClassParentRetired,
            PlanError::ClassTitleMissing { .. } => ErrorCode::ClassTitleMissing,
            PlanError::ClassTextTooLong { .. } | PlanError::RuleTextTooLong { .. } => ErrorCode::TextTooLong,
            PlanError::ClassHasActiveChildren { .. } => ErrorCode::ClassHasActiveChildren,
            PlanError::ClassMoveIntoOwnBranch { .. } => ErrorCode::ClassMoveIntoOwnBranch,
            PlanError::ClassMoveUnchanged { .. } => ErrorCode::ClassMoveUnchanged,
            PlanError::ClassMoveCodeTaken { .. } => ErrorCode::ClassCodeTaken,
            PlanError::ClassMoveBreaksSubclass { .. } => ErrorCode::ClassCodeInconsistent,
            PlanError::UnknownRule { .. } => ErrorCode::UnknownRule,
            PlanError::RuleUnchanged { .. } => ErrorCode::RuleUnchanged,
            PlanError::EffectiveDateTooEarly { .. } => ErrorCode::EffectiveDateTooEarly,
            PlanError::InvalidValue { .. } | PlanError::RepeatedClass { .. } => ErrorCode::ScheduleInvalidValue,
            PlanError::MissingValue { .. } => ErrorCode::ScheduleMissingValue,
            PlanError::DuplicateRule { .. } => ErrorCode::ScheduleDuplicateRule,
            PlanError::XmlSyntax { .. }
            | PlanError::XmlStructure { .. }
            | PlanError::NotASchedule { .. }
            | PlanError::NotUtf8 { .. } => ErrorCode::ScheduleMalformed,
            PlanError::EmptySchedule => ErrorCode::ScheduleEmpty,
            PlanError::UnsupportedFormat { .. } => ErrorCode::UnsupportedFormat,
            PlanError::SheetInvalid { .. } => ErrorCode::PlanFileInvalid,
            PlanError::SheetUnreadable { .. } | PlanError::QuoteUnclosed { .. } => ErrorCode::PlanFileUnreadable,
            PlanError::SheetEmpty => ErrorCode::PlanFileEmpty,
            PlanError::TooLarge { .. } => ErrorCode::PlanFileTooLarge,
        }
    }

    fn french(&self) -> String {
        match self {
            PlanError::ClassCodeInvalid { code } => format!("Le code de classe « {code} » n'est pas valide : utilisez de 1 à 32 lettres et chiffres, en groupes reliés par - ou . (comme 100-20-05 ou A120)."),
            PlanError::ClassCodeTaken { code } => format!("Le plan a déjà une classe {code}. Choisissez un autre code, ou modifiez cette classe."),
            PlanError::UnknownClass { code } => format!("Le plan n'a pas de classe {code}. Vérifiez le code avec `greffier plan list`, ou ajoutez d'abord la classe."),
            PlanError::ClassParentInconsistent { code, parent } => format!("Le code {code} ne prolonge pas celui de son parent {parent} : le code d'une sous-classe commence par celui de son parent (100 > 100-20 > 100-20-05 ; codes positionnels comme A100 > A120 > A123). Changez le code ou choisissez un autre parent."),
            PlanError::ClassChildInconsistent { code, child } => format!("La classe {code} a la sous-classe {child}, dont le code ne la prolongerait plus. Gardez le code, ou changez d'abord la sous-classe."),
            PlanError::ClassParentRetired { parent } => format!("La classe {parent} est retirée : on ne peut pas y ajouter de sous-classe. Réactivez-la, ou choisissez un autre parent."),
            PlanError::ClassTitleMissing { code } => format!("La classe {code} doit avoir un titre en français."),
            PlanError::ClassHasActiveChildren { code, child } => format!("La classe {code} a encore la sous-classe active {child}. Retirez d'abord ses sous-classes."),
            PlanError::ClassMoveIntoOwnBranch { code, parent } => format!("La classe {code} ne peut pas être déplacée sous {parent} : c'est la classe elle-même ou l'une de ses sous-classes. Choisissez un parent hors de la branche de {code}, ou aucun pour la placer au sommet du plan."),
            PlanError::ClassMoveUnchanged { code } => format!("La classe {code} a déjà ce code et ce parent : le déplacement ne change rien. Donnez un autre code ou un autre parent."),
            PlanError::ClassMoveCodeTaken { class, new_code, holder } => format!("Le déplacement donnerait à la classe {class} le code {new_code}, que la classe {holder} a déjà. Choisissez un autre code, ou déplacez ou renumérotez d'abord {holder}."),
            PlanError::ClassMoveBreaksSubclass { class, new_code, parent } => format!("Le déplacement numéroterait la sous-classe {class} « {new_code} », qui n'est pas un code valide sous {parent} (32 caractères au plus, prolongeant le code de son parent). Choisissez un nouveau code dans le style des codes de la branche, ou renumérotez d'abord {class}."),
            PlanError::UnknownRule { number } => format!("Le calendrier n'a pas de règle {number}. Vérifiez le numéro avec `greffier plan list`."),
            PlanError::RuleUnchanged { number } => format!("La révision de la règle {number} ne change rien : elle dit exactement ce que dit la version en vigueur."),
            PlanError::EffectiveDateTooEarly { number, date, current, version } => format!("Une nouvelle version de la règle {number} ne peut pas entrer en vigueur le {date}, avant sa version actuelle {version} ({current}). Donnez une date à partir du {current}."),
            PlanError::InvalidValue { rule, copy, field, value } => format!("Dans {}{} : {} ({}) vaut « {value} », ce qui n'est pas valide : {}. Rien n'a été écrit ; corrigez la valeur et réessayez.", rule.describe(Lang::Fr), copy_fr(*copy), field.xml(), field.label(Lang::Fr), field.expected(Lang::Fr)),
            PlanError::ClassTextTooLong { code, length } => format!("Un texte de la classe {code} compte {length} caractères, et en contient au plus {} (ce que tient une cellule d'une feuille XLSX, pour que le plan s'exporte). Raccourcissez-le.", crate::register::TEXT_MAX),
            PlanError::RuleTextTooLong { rule, copy, field, length } => format!("Dans {}{} : {} ({}) compte {length} caractères, et en contient au plus {} (ce que tient une cellule d'une feuille XLSX, pour que le plan s'exporte). Rien n'a été écrit ; raccourcissez-le et réessayez.", rule.describe(Lang::Fr), copy_fr(*copy), field.xml(), field.label(Lang::Fr), crate::register::TEXT_MAX),
            PlanError::MissingValue { rule, copy, field } => format!("Dans {}{} : {} ({}) est absent ou vide : {}. Rien n'a été écrit ; remplissez-le et réessayez.", rule.describe(Lang::Fr), copy_fr(*copy), field.xml(), field.label(Lang::Fr), field.expected(Lang::Fr)),
            PlanError::RepeatedClass { rule, code } => format!("Dans {} : CODECLASS nomme deux fois la classe {code}. Retirez la répétition ; rien n'a été écrit.", rule.describe(Lang::Fr)),
            PlanError::DuplicateRule { number, first, second } => format!("Le fichier a deux règles numérotées {number} (ROW {first} et ROW {second}). Donnez à chaque règle son propre NUMREGLE ; rien n'a été importé."),
            PlanError::XmlSyntax { line, rule, element, problem } => format!("Le fichier ne peut être lu à la ligne {line}{} : {}. Rien n'a été importé ; réparez le fichier (ou exportez-le de nouveau depuis son outil) et importez-le encore.", place_fr(rule.as_ref(), element.as_deref()), problem.describe(Lang::Fr)),
            PlanError::XmlStructure { detail } => format!("Le fichier n'a pas la structure du format d'échange XML ({detail}). Rien n'a été importé."),
            PlanError::NotASchedule { root } => format!("Ce n'est pas un calendrier de conservation au format d'échange XML : {}, là où <ROWSET> était attendu. Rien n'a été importé.", if root.is_empty() { "il ne contient aucun élément XML".to_owned() } else { format!("son élément racine est <{root}>") }),
            PlanError::EmptySchedule => "Le fichier ne contient aucune règle (aucune ROW dans son ROWSET). Rien n'a été importé ; vérifiez que c'est le bon fichier.".into(),
            PlanError::NotUtf8 { line } => format!("Le fichier n'est pas du texte UTF-8 (ligne {line}). Enregistrez-le en UTF-8 et importez-le de nouveau ; rien n'a été importé."),
            PlanError::UnsupportedFormat { extension } => format!("Greffier importe et exporte le plan en .xml (le format d'échange québécois), .csv ou .xlsx, et « {extension} » n'est rien de cela. Enregistrez le fichier dans l'un de ces formats."),
            PlanError::SheetInvalid { problems, total } => format!("Le fichier a {total} problème{} ; rien n'a été importé. Corrigez-{} et importez-le de nouveau :{}", if *total == 1 { "" } else { "s" }, if *total == 1 { "le" } else { "les" }, list_problems(problems, *total, Lang::Fr)),
            PlanError::SheetUnreadable { detail } => format!("Le fichier ne peut être lu comme un tableur ({detail}). Rien n'a été importé ; enregistrez-le de nouveau depuis le tableur en .csv ou .xlsx."),
            PlanError::QuoteUnclosed { line } => crate::spreadsheet::quote_unclosed_message(*line, Lang::Fr),
            PlanError::TooLarge { size_mib, max_mib } => format!("Le fichier fait {size_mib} Mo, et un fichier de plan en fait au plus {max_mib} (tout le calendrier de conservation de BAnQ en fait 0,6) : ce n'est probablement pas un plan. Rien n'a été importé ; vérifiez que c'est le bon fichier."),
            PlanError::SheetEmpty => "Le fichier ne contient aucune ligne de classe ni de règle. Rien n'a été importé ; vérifiez que c'est le bon fichier.".into(),
        }
    }
}

// ----- storage -----

pub(crate) fn class_id(conn: &Connection, code: &str) -> rusqlite::Result<Option<i64>> {
    conn.query_row("SELECT id FROM plan_classes WHERE code = ?1", [code.trim()], |row| row.get(0)).optional()
}

/// The code as the plan spells it (codes are compared without regard to case).
pub(crate) fn stored_code(conn: &Connection, code: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT code FROM plan_classes WHERE code = ?1", [code.trim()], |row| row.get(0)).optional()
}

/// Creates a top-level class for a code a schedule names, titled after the rule.
pub(crate) fn insert_imported_class(conn: &Connection, code: &str, title: &str, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO plan_classes (code, title_fr, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
        params![code.trim(), title.trim(), now],
    )?;
    Ok(conn.last_insert_rowid())
}

struct ClassRow {
    id: i64,
    parent_id: Option<i64>,
    class: PlanClass,
}

fn all_classes(conn: &Connection) -> rusqlite::Result<Vec<ClassRow>> {
    let mut stmt = conn.prepare(
        "SELECT id, parent_id, code, title_fr, title_en, scope_note_fr, scope_note_en, examples, active
         FROM plan_classes",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok(ClassRow {
            id: row.get(0)?,
            parent_id: row.get(1)?,
            class: PlanClass {
                id: ClassId(row.get(0)?),
                code: row.get(2)?,
                parent: None,
                depth: 0,
                title_fr: row.get(3)?,
                title_en: row.get(4)?,
                scope_note_fr: row.get(5)?,
                scope_note_en: row.get(6)?,
                examples: row.get(7)?,
                active: row.get(8)?,
                rules: Vec::new(),
            },
        })
    })?;
    rows.collect()
}

/// For each class, the numbers of the rules whose current version applies to it.
fn rules_by_class(conn: &Connection) -> rusqlite::Result<HashMap<i64, Vec<String>>> {
    let mut stmt = conn.prepare(
        "SELECT vc.class_id, r.number
         FROM retention_rules r
         JOIN retention_rule_versions v ON v.rule_id = r.id
              AND v.version = (SELECT max(version) FROM retention_rule_versions WHERE rule_id = r.id)
         JOIN retention_version_classes vc ON vc.version_id = v.id
         ORDER BY r.number",
    )?;
    let mut map: HashMap<i64, Vec<String>> = HashMap::new();
    for row in stmt.query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)))? {
        let (class, number) = row?;
        map.entry(class).or_default().push(number);
    }
    Ok(map)
}

/// The whole plan in tree order: each class followed by its subclasses, siblings by code.
pub(crate) fn tree(conn: &Connection) -> rusqlite::Result<Vec<PlanClass>> {
    let rows = all_classes(conn)?;
    let mut rules = rules_by_class(conn)?;
    let codes: HashMap<i64, String> = rows.iter().map(|row| (row.id, row.class.code.clone())).collect();
    let mut children: HashMap<Option<i64>, Vec<ClassRow>> = HashMap::new();
    for mut row in rows {
        row.class.parent = row.parent_id.and_then(|id| codes.get(&id).cloned());
        row.class.rules = rules.remove(&row.id).unwrap_or_default();
        children.entry(row.parent_id).or_default().push(row);
    }
    for siblings in children.values_mut() {
        siblings.sort_by(|a, b| compare_codes(&a.class.code, &b.class.code));
    }
    let mut out = Vec::new();
    // Depth-first, with an explicit stack: the code rule forbids cycles, but a hand-edited file
    // must not hang the program, so a class is visited at most once.
    let mut stack: Vec<(ClassRow, u32)> =
        children.remove(&None).unwrap_or_default().into_iter().rev().map(|row| (row, 0)).collect();
    while let Some((mut row, depth)) = stack.pop() {
        row.class.depth = depth;
        for child in children.remove(&Some(row.id)).unwrap_or_default().into_iter().rev() {
            stack.push((child, depth + 1));
        }
        out.push(row.class);
    }
    Ok(out)
}

fn find_class(conn: &Connection, code: &str) -> Result<PlanClass, Error> {
    tree(conn)?
        .into_iter()
        .find(|class| class.code.eq_ignore_ascii_case(code.trim()))
        .ok_or_else(|| PlanError::UnknownClass { code: code.trim().to_owned() }.into())
}

/// A class and every class under it: a slice of the plan in tree order, from the class to the
/// last of its descendants.
fn branch(plan: &[PlanClass], id: ClassId) -> &[PlanClass] {
    let Some(start) = plan.iter().position(|c| c.id == id) else { return &[] };
    let depth = plan[start].depth;
    let end = plan[start + 1..].iter().position(|c| c.depth <= depth).map_or(plan.len(), |n| start + 1 + n);
    &plan[start..end]
}

/// The code a class of a moved branch takes: the moved class's old code `old`, at the start of
/// `code`, replaced by its new code `new` (`100-20-05`, moving `100-20` to `200-40`, becomes
/// `200-40-05`). Positional codes share only their significant part (`A120` > `A123` share
/// `A12`): that part is what is replaced then (`A123`, moving `A120` to `B130`, becomes `B133`).
/// `None` when `code` does not start with either.
fn renumber_code(code: &str, old: &str, new: &str) -> Option<String> {
    let (upper, old_upper) = (code.to_ascii_uppercase(), old.to_ascii_uppercase());
    let rest = upper.strip_prefix(&old_upper).and_then(|_| code.get(old.len()..));
    if let Some(rest) = rest.filter(|r| r.starts_with(is_separator)) {
        return Some(format!("{new}{rest}"));
    }
    let positional = |c: &str| !c.contains(is_separator);
    if positional(code) && positional(old) && positional(new) {
        let from = significant(&old_upper);
        if upper.starts_with(from) {
            return code.get(from.len()..).map(|rest| format!("{}{rest}", significant(new)));
        }
    }
    None
}

/// After classes changed parent outside [`Vault::move_class`] and [`Vault::edit_class`] (a plan
/// import): the files of each class's branch are written to the search index again. Returns the
/// number of files.
pub(crate) fn follow_new_parents(tx: &Connection, moved: &[ClassId]) -> Result<u64, Error> {
    if moved.is_empty() {
        return Ok(0);
    }
    let plan = tree(tx)?;
    let mut classes: Vec<ClassId> = moved.iter().flat_map(|id| branch(&plan, *id).iter().map(|c| c.id)).collect();
    classes.sort_by_key(|id| id.0);
    classes.dedup();
    Ok(follow_new_codes(tx, &classes, &[])?.0)
}

/// After codes of the plan changed: the files of `classes` take the next register change, so that
/// the search index writes their documents again (a document holds its class's code and its
/// ancestors'); the holds placed on the renumbered classes show their new codes. Returns the
/// number of files and the numbers of the holds.
fn follow_new_codes(
    tx: &Connection,
    classes: &[ClassId],
    renumbered: &[(ClassId, String)],
) -> Result<(u64, Vec<String>), Error> {
    let mut files = 0u64;
    let mut count = tx.prepare("SELECT count(*) FROM files WHERE class_id = ?1")?;
    for class in classes {
        files += count.query_row([class.0], |row| row.get::<_, i64>(0))? as u64;
    }
    if files > 0 {
        let seq = crate::register::next_change(tx)?;
        let mut touch = tx.prepare("UPDATE files SET change_seq = ?1 WHERE class_id = ?2")?;
        for class in classes {
            touch.execute(params![seq, class.0])?;
        }
    }
    // A hold names its target by id; its label is how lists show it, so it follows the code.
    let mut holds = Vec::new();
    let mut numbers = tx.prepare("SELECT number FROM holds WHERE target_type = 'class' AND target_id = ?1")?;
    let mut relabel =
        tx.prepare("UPDATE holds SET target_label = ?2 WHERE target_type = 'class' AND target_id = ?1")?;
    for (class, code) in renumbered {
        let found: Vec<String> = numbers.query_map([class.0], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
        if !found.is_empty() {
            relabel.execute(params![class.0, code])?;
            holds.extend(found);
        }
    }
    Ok((files, holds))
}

/// Checks a draft against the plan; `editing` is the class being edited, if any.
fn check_draft(
    conn: &Connection,
    draft: &ClassDraft,
    editing: Option<&PlanClass>,
) -> Result<(ClassCode, Option<i64>), Error> {
    let code = ClassCode::parse(&draft.code)?;
    if draft.title_fr.trim().is_empty() {
        return Err(PlanError::ClassTitleMissing { code: code.to_string() }.into());
    }
    for text in [&draft.title_fr, &draft.title_en, &draft.scope_note_fr, &draft.scope_note_en, &draft.examples] {
        if let Some(length) = crate::register::over_length(text.trim(), crate::register::TEXT_MAX) {
            return Err(PlanError::ClassTextTooLong { code: code.to_string(), length }.into());
        }
    }
    if let Some(existing) = class_id(conn, code.as_str())? {
        if editing.is_none_or(|class| class.id.0 != existing) {
            return Err(PlanError::ClassCodeTaken { code: code.to_string() }.into());
        }
    }
    let parent_id = match draft.parent.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(parent_code) => {
            let parent = find_class(conn, parent_code)?;
            if !code.continues(&ClassCode::parse(&parent.code)?) {
                return Err(
                    PlanError::ClassParentInconsistent { code: code.to_string(), parent: parent.code.clone() }.into()
                );
            }
            let moving_under = editing.is_none_or(|class| class.parent.as_deref() != Some(parent.code.as_str()));
            if !parent.active && moving_under {
                return Err(PlanError::ClassParentRetired { parent: parent.code }.into());
            }
            Some(parent.id.0)
        }
    };
    if let Some(class) = editing {
        let children: Vec<PlanClass> =
            tree(conn)?.into_iter().filter(|c| c.parent.as_deref() == Some(class.code.as_str())).collect();
        for child in children {
            if !ClassCode::parse(&child.code)?.continues(&code) {
                return Err(PlanError::ClassChildInconsistent { code: code.to_string(), child: child.code }.into());
            }
        }
    }
    Ok((code, parent_id))
}

// ----- the vault's operations on the plan -----

impl Vault {
    /// The whole plan in tree order, with the rules that apply to each class.
    pub fn list_classes(&self, session: &Session) -> Result<Vec<PlanClass>, Error> {
        self.require(session, Permission::ViewPlan)?;
        Ok(tree(&self.conn)?)
    }

    /// One class, by code.
    pub fn class(&self, session: &Session, code: &str) -> Result<PlanClass, Error> {
        self.require(session, Permission::ViewPlan)?;
        find_class(&self.conn, code)
    }

    /// Adds a class; its code must continue its parent's ([`ClassCode::continues`]). Audited.
    pub fn add_class(&mut self, session: &Session, draft: ClassDraft) -> Result<PlanClass, Error> {
        self.require(session, Permission::ManagePlan)?;
        let (code, parent_id) = check_draft(&self.conn, &draft, None)?;
        let now = self.env.clock.now();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO plan_classes (code, parent_id, title_fr, title_en, scope_note_fr, scope_note_en, examples, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![
                code.as_str(),
                parent_id,
                draft.title_fr.trim(),
                draft.title_en.trim(),
                draft.scope_note_fr.trim(),
                draft.scope_note_en.trim(),
                draft.examples.trim(),
                stamp(now)
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::ClassCreate, "class", id.to_string())
                .details(serde_json::json!({ "after": draft })),
            now,
        )?;
        tx.commit()?;
        find_class(&self.conn, code.as_str())
    }

    /// Replaces a class's code, parent, titles, notes and examples. The new code must continue
    /// the parent's, and every subclass's code must still continue it. Audited with before/after.
    pub fn edit_class(&mut self, session: &Session, code: &str, draft: ClassDraft) -> Result<PlanClass, Error> {
        self.require(session, Permission::ManagePlan)?;
        let before = find_class(&self.conn, code)?;
        let (new_code, parent_id) = check_draft(&self.conn, &draft, Some(&before))?;
        let now = self.env.clock.now();
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE plan_classes SET code = ?2, parent_id = ?3, title_fr = ?4, title_en = ?5, scope_note_fr = ?6,
                scope_note_en = ?7, examples = ?8, updated_at = ?9 WHERE id = ?1",
            params![
                before.id.0,
                new_code.as_str(),
                parent_id,
                draft.title_fr.trim(),
                draft.title_en.trim(),
                draft.scope_note_fr.trim(),
                draft.scope_note_en.trim(),
                draft.examples.trim(),
                stamp(now)
            ],
        )?;
        let before_draft = ClassDraft {
            code: before.code.clone(),
            parent: before.parent.clone(),
            title_fr: before.title_fr.clone(),
            title_en: before.title_en.clone(),
            scope_note_fr: before.scope_note_fr.clone(),
            scope_note_en: before.scope_note_en.clone(),
            examples: before.examples.clone(),
        };
        // A new code or parent changes the code path of the files of the class and of its
        // subclasses in the search index.
        let parent_changed = before.parent.as_deref().map(str::to_ascii_uppercase)
            != draft.parent.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_ascii_uppercase);
        let renumbered = if before.code != new_code.as_str() || parent_changed {
            let plan = tree(&tx)?;
            let classes: Vec<ClassId> = branch(&plan, before.id).iter().map(|c| c.id).collect();
            follow_new_codes(&tx, &classes, &[(before.id, new_code.to_string())])?
        } else {
            (0, Vec::new())
        };
        let mut details = serde_json::json!({ "before": before_draft, "after": draft });
        if renumbered.0 > 0 || !renumbered.1.is_empty() {
            details["files"] = serde_json::json!(renumbered.0);
            details["holds"] = serde_json::json!(renumbered.1);
        }
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::ClassUpdate, "class", before.id.0.to_string()).details(details),
            now,
        )?;
        tx.commit()?;
        if renumbered.0 > 0 {
            self.sync_index();
        }
        find_class(&self.conn, new_code.as_str())
    }

    /// Moves a class and its whole branch: the class takes `new_code` under `new_parent` (the top
    /// of the plan when `None`), and each of its subclasses, at any depth, the code it had with
    /// the class's old code replaced by the new one (moving `100-20` to `200-40` makes
    /// `100-20-05` `200-40-05`; positional codes replace their significant part: moving `A120`
    /// to `B130` makes `A123` `B133`). Classes keep their ids, so files, rule versions and
    /// project overrides follow; the files' documents in the search index are written again with
    /// the new codes, and holds on the classes show them. Refused when the new code is invalid or
    /// does not continue the new parent's, when the new parent is retired (and not already the
    /// parent), is the class or one of its subclasses, when any resulting code is another
    /// class's, and when nothing would change. One transaction, one audit event listing every
    /// code that changed.
    pub fn move_class(
        &mut self,
        session: &Session,
        code: &str,
        new_parent: Option<&str>,
        new_code: &str,
    ) -> Result<MoveReport, Error> {
        self.require(session, Permission::ManagePlan)?;
        let plan = tree(&self.conn)?;
        let class = plan
            .iter()
            .find(|c| c.code.eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| PlanError::UnknownClass { code: code.trim().to_owned() })?;
        let new_code = ClassCode::parse(new_code)?;
        let parent = match new_parent.map(str::trim).filter(|p| !p.is_empty()) {
            None => None,
            Some(wanted) => Some(
                plan.iter()
                    .find(|c| c.code.eq_ignore_ascii_case(wanted))
                    .ok_or_else(|| PlanError::UnknownClass { code: wanted.to_owned() })?,
            ),
        };
        let moved = branch(&plan, class.id);
        if let Some(parent) = parent.filter(|p| moved.iter().any(|c| c.id == p.id)) {
            return Err(
                PlanError::ClassMoveIntoOwnBranch { code: class.code.clone(), parent: parent.code.clone() }.into()
            );
        }
        let same_parent =
            class.parent.as_deref().map(str::to_ascii_uppercase) == parent.map(|p| p.code.to_ascii_uppercase());
        if same_parent && class.code == new_code.as_str() {
            return Err(PlanError::ClassMoveUnchanged { code: class.code.clone() }.into());
        }
        if let Some(parent) = parent {
            if !new_code.continues(&ClassCode::parse(&parent.code)?) {
                return Err(PlanError::ClassParentInconsistent {
                    code: new_code.to_string(),
                    parent: parent.code.clone(),
                }
                .into());
            }
            if !parent.active && !same_parent {
                return Err(PlanError::ClassParentRetired { parent: parent.code.clone() }.into());
            }
        }
        // Every new code, checked against its (renumbered) parent; the branch is in tree order,
        // so a parent is renumbered before its subclasses.
        let mut new_codes: HashMap<ClassId, String> = HashMap::new();
        let mut changes: Vec<(ClassId, CodeChange)> = Vec::with_capacity(moved.len());
        for member in moved {
            let to = if member.id == class.id {
                new_code.to_string()
            } else {
                let parent_code = moved
                    .iter()
                    .find(|c| Some(&c.code) == member.parent.as_ref())
                    .and_then(|c| new_codes.get(&c.id))
                    .cloned()
                    .unwrap_or_default();
                let broken = |to: String| PlanError::ClassMoveBreaksSubclass {
                    class: member.code.clone(),
                    new_code: to,
                    parent: parent_code.clone(),
                };
                let to = renumber_code(&member.code, &class.code, new_code.as_str())
                    .ok_or_else(|| broken(member.code.clone()))?;
                let continues = match (ClassCode::parse(&to), ClassCode::parse(&parent_code)) {
                    (Ok(child), Ok(parent)) => child.continues(&parent),
                    _ => false,
                };
                if !continues {
                    return Err(broken(to).into());
                }
                to
            };
            new_codes.insert(member.id, to.clone());
            changes.push((member.id, CodeChange { from: member.code.clone(), to }));
        }
        // No new code may be another class's (the branch's own old codes are given up).
        let others: HashMap<String, &str> = plan
            .iter()
            .filter(|c| !moved.iter().any(|m| m.id == c.id))
            .map(|c| (c.code.to_ascii_uppercase(), c.code.as_str()))
            .collect();
        for (_, change) in &changes {
            if let Some(holder) = others.get(&change.to.to_ascii_uppercase()) {
                return Err(PlanError::ClassMoveCodeTaken {
                    class: change.from.clone(),
                    new_code: change.to.clone(),
                    holder: (*holder).to_owned(),
                }
                .into());
            }
        }

        let now = self.env.clock.now();
        let tx = self.conn.transaction()?;
        {
            // Two passes: a new code may be an old code of the branch (codes are unique), so every
            // code of the branch is first set aside under a name no valid code can have.
            let mut aside = tx.prepare("UPDATE plan_classes SET code = '~' || id WHERE id = ?1")?;
            for (id, _) in &changes {
                aside.execute([id.0])?;
            }
            let mut set = tx.prepare("UPDATE plan_classes SET code = ?2, updated_at = ?3 WHERE id = ?1")?;
            for (id, change) in &changes {
                set.execute(params![id.0, change.to, stamp(now)])?;
            }
            tx.execute(
                "UPDATE plan_classes SET parent_id = ?2 WHERE id = ?1",
                params![class.id.0, parent.map(|p| p.id.0)],
            )?;
        }
        let ids: Vec<ClassId> = changes.iter().map(|(id, _)| *id).collect();
        let renumbered: Vec<(ClassId, String)> = changes.iter().map(|(id, c)| (*id, c.to.clone())).collect();
        let (files, holds) = follow_new_codes(&tx, &ids, &renumbered)?;
        let classes: Vec<CodeChange> = changes.into_iter().map(|(_, change)| change).collect();
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::ClassMove, "class", class.id.0.to_string()).details(serde_json::json!({
                "before": { "code": class.code, "parent": class.parent },
                "after": { "code": new_code.as_str(), "parent": parent.map(|p| p.code.clone()) },
                "classes": classes,
                "files": files,
                "holds": holds,
            })),
            now,
        )?;
        tx.commit()?;
        if files > 0 {
            self.sync_index();
        }
        Ok(MoveReport { classes, files })
    }

    /// Retires a class (classes are never deleted) or reactivates it. A class with active
    /// subclasses cannot be retired. Audited.
    pub fn set_class_active(&mut self, session: &Session, code: &str, active: bool) -> Result<PlanClass, Error> {
        self.require(session, Permission::ManagePlan)?;
        let class = find_class(&self.conn, code)?;
        if !active {
            if let Some(child) =
                tree(&self.conn)?.into_iter().find(|c| c.active && c.parent.as_deref() == Some(class.code.as_str()))
            {
                return Err(PlanError::ClassHasActiveChildren { code: class.code, child: child.code }.into());
            }
        }
        let now = self.env.clock.now();
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE plan_classes SET active = ?2, updated_at = ?3 WHERE id = ?1",
            params![class.id.0, active, stamp(now)],
        )?;
        let action = if active { AuditAction::ClassReactivate } else { AuditAction::ClassRetire };
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(action, "class", class.id.0.to_string())
                .details(serde_json::json!({ "code": class.code, "rules": class.rules })),
            now,
        )?;
        tx.commit()?;
        find_class(&self.conn, &class.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> ClassCode {
        ClassCode::parse(text).expect("valid code")
    }

    #[test]
    fn codes_are_checked() {
        for good in ["100", "100-20-05", "A120", "1.2.3", "L1000", "a120"] {
            assert!(ClassCode::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "100 20", "100--20", "-100", "100-", "A120;", "é100", &"1".repeat(33)] {
            assert!(ClassCode::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn a_child_code_continues_its_parent() {
        let check = |child: &str, parent: &str, expected: bool| {
            assert_eq!(code(child).continues(&code(parent)), expected, "{child} under {parent}");
        };
        check("100-20", "100", true);
        check("100-20-05", "100-20", true);
        check("100-20-05", "100", true);
        check("1.2.3", "1.2", true);
        check("A120", "A100", true);
        check("A123", "A120", true);
        check("A100", "A", true);
        check("110", "100", true);
        check("a123", "A120", true);
        check("100-3", "100-20", false);
        check("1002", "100-20", false);
        check("A130", "A120", false);
        check("L1000", "L100", false);
        check("100", "100", false);
        check("100", "100-20", false);
        check("A1.5", "A1", true);
        check("A15.1", "A1", false);
        check("B120", "A100", false);
    }

    #[test]
    fn a_moved_branch_s_codes_replace_the_old_prefix() {
        let check = |code: &str, old: &str, new: &str, expected: Option<&str>| {
            assert_eq!(renumber_code(code, old, new).as_deref(), expected, "{code}: {old} → {new}");
        };
        check("100-20-05", "100-20", "200-40", Some("200-40-05"));
        check("100-20-05-10", "100-20", "3", Some("3-05-10"));
        check("1.2.3", "1.2", "7.1", Some("7.1.3"));
        check("a120-5", "A120", "B7", Some("B7-5"));
        // Positional codes share their significant part.
        check("A123", "A120", "B130", Some("B133"));
        check("A120", "A100", "C2000", Some("C220"));
        check("110", "100", "200", Some("210"));
        check("A100", "A", "B", Some("B100"));
        // A separated subclass of a positional class.
        check("A1.5", "A1", "B12", Some("B12.5"));
        // Not in the branch's numbering: left to the caller to refuse.
        check("300-10", "100-20", "200-40", None);
        check("100-205", "100-20", "200-40", None);
    }

    #[test]
    fn codes_sort_as_people_read_them() {
        let mut codes = vec!["L1000", "100-20", "A120", "L110", "100-3", "a100", "100"];
        codes.sort_by(|a, b| compare_codes(a, b));
        assert_eq!(codes, ["100", "100-3", "100-20", "a100", "A120", "L110", "L1000"]);
    }
}
