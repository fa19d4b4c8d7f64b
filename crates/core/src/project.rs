//! Projects and their destruction calendars: a project (a client mandate, a programme, a
//! service) with an owner and a sensitivity level, whose calendar overrides the class rule by
//! class and/or by sensitivity. [`explain`] is the one place the precedence lives: an exception
//! on the file, then the project's overrides from the most specific (class and sensitivity,
//! class, sensitivity), then the class rule; it answers with the result and the chain of sources
//! that made it, in both languages.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::{
    audit::{self, AuditAction, NewEvent},
    clock::stamp,
    plan::{self, ClassCode, PlanError},
    retention::{load_rule, CopyKind, Disposition, Period, TriggerEvent},
    users::Session,
    vault::signer,
    Error, ErrorCode, Lang, Permission, UserMessage, Vault,
};

/// How sensitive a project's (or a file's) information is, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    Public,
    Internal,
    Confidential,
    Personal,
    HighlySensitive,
}

impl Sensitivity {
    pub const ALL: [Sensitivity; 5] = [
        Sensitivity::Public,
        Sensitivity::Internal,
        Sensitivity::Confidential,
        Sensitivity::Personal,
        Sensitivity::HighlySensitive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::Public => "public",
            Sensitivity::Internal => "internal",
            Sensitivity::Confidential => "confidential",
            Sensitivity::Personal => "personal",
            Sensitivity::HighlySensitive => "highly_sensitive",
        }
    }

    /// Reads the English code or the French word (`public`, `interne`, `confidentiel`,
    /// `personnel`, `très sensible`), without regard to case or accents.
    pub fn parse(text: &str) -> Option<Sensitivity> {
        match crate::plan_table::normalise(text).as_str() {
            "public" => Some(Sensitivity::Public),
            "internal" | "interne" => Some(Sensitivity::Internal),
            "confidential" | "confidentiel" => Some(Sensitivity::Confidential),
            "personal" | "personnel" | "renseignements_personnels" => Some(Sensitivity::Personal),
            "highly_sensitive" | "tres_sensible" | "hautement_sensible" => Some(Sensitivity::HighlySensitive),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Sensitivity::Public => lang.pick("public", "public"),
            Sensitivity::Internal => lang.pick("interne", "internal"),
            Sensitivity::Confidential => lang.pick("confidentiel", "confidential"),
            Sensitivity::Personal => lang.pick("renseignements personnels", "personal"),
            Sensitivity::HighlySensitive => lang.pick("très sensible", "highly sensitive"),
        }
    }
}

/// What an override or a file exception replaces; `None` keeps what the less specific source said.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Replacement {
    pub active: Option<Period>,
    pub semi_active: Option<Period>,
    pub disposition: Option<Disposition>,
}

impl Replacement {
    pub fn is_empty(&self) -> bool {
        self.active.is_none() && self.semi_active.is_none() && self.disposition.is_none()
    }
}

/// An exception recorded on one file (files come with the register): it beats everything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileException {
    pub replacement: Replacement,
    pub reason: String,
}

/// An override's row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OverrideId(pub i64);

/// One override of a project's calendar, in force or withdrawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectOverride {
    pub id: OverrideId,
    /// The class it applies to, as the plan spells it; `None` for every class.
    pub class: Option<String>,
    /// The sensitivity it applies to; `None` for every level.
    pub sensitivity: Option<Sensitivity>,
    pub replacement: Replacement,
    pub reason: String,
    pub author: String,
    pub created_at: String,
    pub withdrawn_at: Option<String>,
}

impl ProjectOverride {
    /// How specific the scope is: class and sensitivity 3, class 2, sensitivity 1.
    pub fn specificity(&self) -> u8 {
        match (&self.class, self.sensitivity) {
            (Some(_), Some(_)) => 3,
            (Some(_), None) => 2,
            (None, Some(_)) => 1,
            (None, None) => 0,
        }
    }

    fn applies(&self, class: &str, sensitivity: Option<Sensitivity>) -> bool {
        self.withdrawn_at.is_none()
            && self.class.as_deref().is_none_or(|c| c.eq_ignore_ascii_case(class))
            && self.sensitivity.is_none_or(|s| Some(s) == sensitivity)
    }
}

/// A project and its calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub code: String,
    pub name: String,
    /// The owner's user name.
    pub owner: String,
    pub sensitivity: Sensitivity,
    pub active: bool,
    pub created_at: String,
    /// Every override, in force or withdrawn, oldest first.
    pub overrides: Vec<ProjectOverride>,
}

/// What it takes to add a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewProject {
    pub code: String,
    pub name: String,
    pub owner: String,
    pub sensitivity: Sensitivity,
}

/// Everything an edit of a project replaces (its code stays).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectEdit {
    pub name: String,
    /// The owner's user name.
    pub owner: String,
    pub sensitivity: Sensitivity,
}

/// What editing a project did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectEditReport {
    /// The project as it now stands.
    pub project: Project,
    /// Files of the project that had its former sensitivity level (the project's by default)
    /// and took the new one.
    pub files_sensitivity_changed: u64,
    /// Files of the project at its former level that kept it because a legal hold is in force
    /// on them (a held file is not changed).
    pub files_held: u64,
    /// Files whose stored due dates or final disposition changed.
    pub files_recomputed: u64,
}

/// What it takes to add an override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewOverride {
    pub class: Option<String>,
    pub sensitivity: Option<Sensitivity>,
    pub replacement: Replacement,
    pub reason: String,
}

// ----- the precedence -----

/// Where a value of the result comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Source {
    /// The class rule: its number and the version in force.
    Rule { number: String, version: u32, effective_date: NaiveDate },
    /// An override of the project's calendar.
    ProjectOverride {
        project: String,
        id: OverrideId,
        class: Option<String>,
        sensitivity: Option<Sensitivity>,
        reason: String,
    },
    /// The exception recorded on the file.
    FileException { reason: String },
}

impl Source {
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Source::Rule { number, version, effective_date } => lang.pick(
                format!("règle {number}, version {version} (en vigueur le {effective_date})"),
                format!("rule {number}, version {version} (effective {effective_date})"),
            ),
            Source::ProjectOverride { project, id, class, sensitivity, reason } => {
                let scope = match (class, sensitivity) {
                    (Some(c), Some(s)) => lang.pick(
                        format!("classe {c} et niveau {}", s.label(lang)),
                        format!("class {c} and level {}", s.label(lang)),
                    ),
                    (Some(c), None) => lang.pick(format!("classe {c}"), format!("class {c}")),
                    (None, Some(s)) => {
                        lang.pick(format!("niveau {}", s.label(lang)), format!("level {}", s.label(lang)))
                    }
                    (None, None) => String::new(),
                };
                lang.pick(
                    format!("calendrier du projet {project}, dérogation n° {} ({scope}) : {reason}", id.0),
                    format!("project {project}'s calendar, override #{} ({scope}): {reason}", id.0),
                )
            }
            Source::FileException { reason } => {
                lang.pick(format!("exception du dossier : {reason}"), format!("the file's exception: {reason}"))
            }
        }
    }
}

/// One source the precedence considered, and what it decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub source: Source,
    /// What this source says (the rule says everything).
    pub replacement: Replacement,
    /// The fields of the result this source decided, no more specific source having replaced them.
    pub decides: Vec<Decided>,
}

/// A field of the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decided {
    Active,
    SemiActive,
    Disposition,
}

/// The rule that applies to a class, as [`explain`] starts from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleBasis {
    pub number: String,
    pub version: u32,
    pub effective_date: NaiveDate,
    pub copy: CopyKind,
    pub active: Period,
    pub semi_active: Period,
    pub disposition: Disposition,
    pub trigger: TriggerEvent,
}

/// Which rule applies, and why: the result and the chain, least specific first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    pub class: String,
    pub project: Option<String>,
    pub sensitivity: Option<Sensitivity>,
    pub copy: CopyKind,
    pub active: Period,
    pub semi_active: Period,
    pub disposition: Disposition,
    /// The event that starts the clock: always the rule's.
    pub trigger: TriggerEvent,
    /// Every source that applies, from the class rule to the most specific.
    pub chain: Vec<Step>,
}

impl Explanation {
    /// The explanation as a person reads it.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        let field = |d: Decided| match d {
            Decided::Active => lang.pick("période active", "active period"),
            Decided::SemiActive => lang.pick("période semi-active", "semi-active period"),
            Decided::Disposition => lang.pick("disposition", "disposition"),
        };
        let context = match (&self.project, self.sensitivity) {
            (Some(p), Some(s)) => lang.pick(
                format!(", projet {p}, niveau {}", s.label(lang)),
                format!(", project {p}, level {}", s.label(lang)),
            ),
            (Some(p), None) => lang.pick(format!(", projet {p}"), format!(", project {p}")),
            (None, Some(s)) => lang.pick(format!(", niveau {}", s.label(lang)), format!(", level {}", s.label(lang))),
            (None, None) => String::new(),
        };
        out.push_str(&lang.pick(
            format!("Classe {}{context}, exemplaire {} :\n", self.class, self.copy.label(lang)),
            format!("Class {}{context}, {} copy:\n", self.class, self.copy.label(lang)),
        ));
        out.push_str(&format!("  {:<22} {}\n", lang.pick("Période active", "Active period"), self.active.label(lang)));
        out.push_str(&format!(
            "  {:<22} {}\n",
            lang.pick("Période semi-active", "Semi-active period"),
            self.semi_active.label(lang)
        ));
        out.push_str(&format!("  {:<22} {}\n", lang.pick("Disposition", "Disposition"), self.disposition.label(lang)));
        out.push_str(&format!("  {:<22} {}\n", lang.pick("Déclencheur", "Clock starts at"), self.trigger.label(lang)));
        out.push_str(lang.pick(
            "Pourquoi (du plus général au plus précis) :\n",
            "Why (from the most general to the most specific):\n",
        ));
        for (index, step) in self.chain.iter().enumerate() {
            let decides = if step.decides.is_empty() {
                lang.pick("remplacé en entier par une source plus précise", "wholly replaced by a more specific source")
                    .to_owned()
            } else {
                format!(
                    "{} {}",
                    lang.pick("décide :", "decides:"),
                    step.decides.iter().map(|d| field(*d)).collect::<Vec<_>>().join(", ")
                )
            };
            out.push_str(&format!("  {}. {} — {decides}\n", index + 1, step.source.describe(lang)));
        }
        out
    }
}

/// The precedence, and nothing else: starts from the class rule, lays the project's overrides
/// that apply over it from the least specific (sensitivity, class, class and sensitivity), then
/// the file's exception. Each field of the result comes from the most specific source that gives
/// it; the event that starts the clock is always the rule's.
pub fn explain(
    class: &str,
    rule: &RuleBasis,
    project: Option<&Project>,
    sensitivity: Option<Sensitivity>,
    file_exception: Option<&FileException>,
) -> Explanation {
    let sensitivity = sensitivity.or(project.map(|p| p.sensitivity));
    let mut chain = vec![Step {
        source: Source::Rule {
            number: rule.number.clone(),
            version: rule.version,
            effective_date: rule.effective_date,
        },
        replacement: Replacement {
            active: Some(rule.active),
            semi_active: Some(rule.semi_active),
            disposition: Some(rule.disposition),
        },
        decides: Vec::new(),
    }];
    if let Some(project) = project {
        let mut applicable: Vec<&ProjectOverride> =
            project.overrides.iter().filter(|o| o.applies(class, sensitivity)).collect();
        applicable.sort_by_key(|o| o.specificity());
        for o in applicable {
            chain.push(Step {
                source: Source::ProjectOverride {
                    project: project.code.clone(),
                    id: o.id,
                    class: o.class.clone(),
                    sensitivity: o.sensitivity,
                    reason: o.reason.clone(),
                },
                replacement: o.replacement,
                decides: Vec::new(),
            });
        }
    }
    if let Some(exception) = file_exception.filter(|e| !e.replacement.is_empty()) {
        chain.push(Step {
            source: Source::FileException { reason: exception.reason.clone() },
            replacement: exception.replacement,
            decides: Vec::new(),
        });
    }
    // Each field from the last (most specific) step that gives it.
    let mut result = (rule.active, rule.semi_active, rule.disposition);
    let mut deciders = [0usize; 3];
    for (index, step) in chain.iter().enumerate() {
        if let Some(p) = step.replacement.active {
            result.0 = p;
            deciders[0] = index;
        }
        if let Some(p) = step.replacement.semi_active {
            result.1 = p;
            deciders[1] = index;
        }
        if let Some(d) = step.replacement.disposition {
            result.2 = d;
            deciders[2] = index;
        }
    }
    for (field, index) in [Decided::Active, Decided::SemiActive, Decided::Disposition].into_iter().zip(deciders) {
        chain[index].decides.push(field);
    }
    Explanation {
        class: class.to_owned(),
        project: project.map(|p| p.code.clone()),
        sensitivity,
        copy: rule.copy,
        active: result.0,
        semi_active: result.1,
        disposition: result.2,
        trigger: rule.trigger.clone(),
        chain,
    }
}

// ----- errors -----

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProjectError {
    #[error("The project code “{code}” is not valid: use 1 to 32 letters, digits, dashes, dots or underscores.")]
    CodeInvalid { code: String },
    #[error("There is already a project {code}. Choose another code.")]
    CodeTaken { code: String },
    #[error("The project {code} needs a name.")]
    NameMissing { code: String },
    #[error("There is no project {code}. Check the code with `greffier project list`.")]
    UnknownProject { code: String },
    #[error("The project {code} is closed: no file can be filed in it. Reopen it (`greffier project reopen {code}`) or choose another project.")]
    Closed { code: String },
    #[error("There is no active user {name} to own the project. Check the name with `greffier user list`.")]
    UnknownOwner { name: String },
    #[error(
        "“{value}” is not a sensitivity level: write public, internal, confidential, personal or highly_sensitive."
    )]
    SensitivityInvalid { value: String },
    #[error("An override needs a scope: give a class, a sensitivity level, or both.")]
    OverrideScopeMissing,
    #[error("An override needs something to replace: an active period, a semi-active period or a disposition.")]
    OverrideEmpty,
    #[error("An override needs a reason, for the calendar's readers and the audit trail.")]
    OverrideReasonMissing,
    #[error("“{value}” is not a disposition: write C (keep or transfer), D (destroy) or T (sort).")]
    OverrideDispositionInvalid { value: String },
    #[error(
        "The override's {field} “{value}” is not valid: write a whole number of years under 888, months, 888 or 999."
    )]
    OverridePeriodInvalid { field: &'static str, value: String },
    #[error(
        "The project {project} already has override #{id} for this scope. Withdraw it first, then add the new one."
    )]
    OverrideExists { project: String, id: i64 },
    #[error("The project {project} has no override #{id} in force. Check the number with `greffier project calendar {project}`.")]
    UnknownOverride { project: String, id: i64 },
    #[error("The class {class} has no retention rule: give it one (a rule whose classes name it) before asking which rule applies.")]
    ClassHasNoRule { class: String },
    #[error("Several rules apply to the class {class} ({}): name the one you mean (--rule).", rules.join(", "))]
    ClassHasSeveralRules { class: String, rules: Vec<String> },
    #[error("The rule {number} does not apply to the class {class}. Check the rules listed for the class with `greffier plan list`.")]
    RuleNotForClass { number: String, class: String },
    #[error("The rule {number} has no {} copy.", copy.label(Lang::En))]
    NoSuchCopy { number: String, copy: CopyKind },
}

impl UserMessage for ProjectError {
    fn code(&self) -> ErrorCode {
        match self {
            ProjectError::CodeInvalid { .. } => ErrorCode::ProjectCodeInvalid,
            ProjectError::CodeTaken { .. } => ErrorCode::ProjectCodeTaken,
            ProjectError::NameMissing { .. } => ErrorCode::ProjectNameMissing,
            ProjectError::UnknownProject { .. } => ErrorCode::UnknownProject,
            ProjectError::Closed { .. } => ErrorCode::ProjectClosed,
            ProjectError::UnknownOwner { .. } => ErrorCode::UnknownUser,
            ProjectError::SensitivityInvalid { .. } => ErrorCode::SensitivityInvalid,
            ProjectError::OverrideScopeMissing
            | ProjectError::OverrideEmpty
            | ProjectError::OverrideReasonMissing
            | ProjectError::OverridePeriodInvalid { .. }
            | ProjectError::OverrideDispositionInvalid { .. } => ErrorCode::OverrideInvalid,
            ProjectError::OverrideExists { .. } => ErrorCode::OverrideExists,
            ProjectError::UnknownOverride { .. } => ErrorCode::UnknownOverride,
            ProjectError::ClassHasNoRule { .. } => ErrorCode::ClassHasNoRule,
            ProjectError::ClassHasSeveralRules { .. } | ProjectError::RuleNotForClass { .. } => {
                ErrorCode::RuleAmbiguous
            }
            ProjectError::NoSuchCopy { .. } => ErrorCode::UnknownRule,
        }
    }

    fn french(&self) -> String {
        match self {
            ProjectError::CodeInvalid { code } => format!("Le code de projet « {code} » n'est pas valide : utilisez de 1 à 32 lettres, chiffres, tirets, points ou traits de soulignement."),
            ProjectError::CodeTaken { code } => format!("Il y a déjà un projet {code}. Choisissez un autre code."),
            ProjectError::NameMissing { code } => format!("Le projet {code} doit avoir un nom."),
            ProjectError::UnknownProject { code } => format!("Il n'y a pas de projet {code}. Vérifiez le code avec `greffier project list`."),
            ProjectError::Closed { code } => format!("Le projet {code} est fermé : on ne peut plus y classer de dossier. Rouvrez-le (`greffier project reopen {code}`) ou choisissez un autre projet."),
            ProjectError::UnknownOwner { name } => format!("Aucun utilisateur actif {name} ne peut être responsable du projet. Vérifiez le nom avec `greffier user list`."),
            ProjectError::SensitivityInvalid { value } => format!("« {value} » n'est pas un niveau de sensibilité : écrivez public, internal, confidential, personal ou highly_sensitive."),
            ProjectError::OverrideScopeMissing => "Une dérogation a besoin d'une portée : donnez une classe, un niveau de sensibilité, ou les deux.".into(),
            ProjectError::OverrideEmpty => "Une dérogation doit remplacer quelque chose : une période active, une période semi-active ou une disposition.".into(),
            ProjectError::OverrideReasonMissing => "Une dérogation a besoin d'un motif, pour les lecteurs du calendrier et la piste d'audit.".into(),
            ProjectError::OverridePeriodInvalid { field, value } => format!("La valeur « {value} » de la dérogation ({field}) n'est pas valide : écrivez un nombre entier d'années inférieur à 888, des mois, 888 ou 999."),
            ProjectError::OverrideDispositionInvalid { value } => format!("« {value} » n'est pas une disposition : écrivez C (conserver ou verser), D (détruire) ou T (trier)."),
            ProjectError::OverrideExists { project, id } => format!("Le projet {project} a déjà la dérogation n° {id} pour cette portée. Retirez-la d'abord, puis ajoutez la nouvelle."),
            ProjectError::UnknownOverride { project, id } => format!("Le projet {project} n'a pas de dérogation n° {id} en vigueur. Vérifiez le numéro avec `greffier project calendar {project}`."),
            ProjectError::ClassHasNoRule { class } => format!("La classe {class} n'a pas de règle de conservation : donnez-lui-en une (une règle dont les classes la nomment) avant de demander laquelle s'applique."),
            ProjectError::ClassHasSeveralRules { class, rules } => format!("Plusieurs règles s'appliquent à la classe {class} ({}) : nommez celle que vous voulez (--rule).", rules.join(", ")),
            ProjectError::RuleNotForClass { number, class } => format!("La règle {number} ne s'applique pas à la classe {class}. Vérifiez les règles de la classe avec `greffier plan list`."),
            ProjectError::NoSuchCopy { number, copy } => format!("La règle {number} n'a pas d'exemplaire {}.", copy.label(Lang::Fr)),
        }
    }
}

// ----- storage -----

fn valid_code(code: &str) -> bool {
    (1..=32).contains(&code.chars().count())
        && code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

fn project_row(conn: &Connection, code: &str) -> rusqlite::Result<Option<(i64, Project)>> {
    conn.query_row(
        "SELECT p.id, p.code, p.name, u.username, p.sensitivity, p.active, p.created_at
         FROM projects p JOIN users u ON u.id = p.owner_id WHERE p.code = ?1",
        [code.trim()],
        |row| {
            let sensitivity: String = row.get(4)?;
            Ok((
                row.get(0)?,
                Project {
                    code: row.get(1)?,
                    name: row.get(2)?,
                    owner: row.get(3)?,
                    sensitivity: Sensitivity::parse(&sensitivity).unwrap_or(Sensitivity::HighlySensitive),
                    active: row.get(5)?,
                    created_at: row.get(6)?,
                    overrides: Vec::new(),
                },
            ))
        },
    )
    .optional()
}

fn overrides(conn: &Connection, project_id: i64) -> rusqlite::Result<Vec<ProjectOverride>> {
    let mut stmt = conn.prepare(
        "SELECT o.id, c.code, o.sensitivity, o.active_unit, o.active_count, o.semi_active_unit, o.semi_active_count,
                o.disposition, o.reason, u.username, o.created_at, o.withdrawn_at
         FROM project_overrides o JOIN users u ON u.id = o.author_id LEFT JOIN plan_classes c ON c.id = o.class_id
         WHERE o.project_id = ?1 ORDER BY o.id",
    )?;
    let rows = stmt.query_map([project_id], |row| {
        let period = |unit: Option<String>, count: Option<u32>| unit.and_then(|u| Period::from_columns(&u, count));
        let sensitivity: Option<String> = row.get(2)?;
        let disposition: Option<String> = row.get(7)?;
        Ok(ProjectOverride {
            id: OverrideId(row.get(0)?),
            class: row.get(1)?,
            sensitivity: sensitivity.as_deref().and_then(Sensitivity::parse),
            replacement: Replacement {
                active: period(row.get(3)?, row.get(4)?),
                semi_active: period(row.get(5)?, row.get(6)?),
                disposition: disposition.as_deref().and_then(Disposition::from_code),
            },
            reason: row.get(8)?,
            author: row.get(9)?,
            created_at: row.get(10)?,
            withdrawn_at: row.get(11)?,
        })
    })?;
    rows.collect()
}

pub(crate) fn load(conn: &Connection, code: &str) -> Result<(i64, Project), Error> {
    let (id, mut project) =
        project_row(conn, code)?.ok_or_else(|| ProjectError::UnknownProject { code: code.trim().to_owned() })?;
    project.overrides = overrides(conn, id)?;
    Ok((id, project))
}

/// The rule a class starts from: the named one, or the only one that applies to it.
pub(crate) fn rule_basis(
    conn: &Connection,
    class: &str,
    rule: Option<&str>,
    copy: CopyKind,
) -> Result<RuleBasis, Error> {
    let class = plan::tree(conn)?
        .into_iter()
        .find(|c| c.code.eq_ignore_ascii_case(class.trim()))
        .ok_or_else(|| PlanError::UnknownClass { code: class.trim().to_owned() })?;
    let number = match rule {
        Some(number) => {
            class.rules.iter().find(|r| r.eq_ignore_ascii_case(number.trim())).cloned().ok_or_else(|| {
                ProjectError::RuleNotForClass { number: number.trim().to_owned(), class: class.code.clone() }
            })?
        }
        None => match class.rules.as_slice() {
            [] => return Err(ProjectError::ClassHasNoRule { class: class.code }.into()),
            [only] => only.clone(),
            several => {
                return Err(
                    ProjectError::ClassHasSeveralRules { class: class.code.clone(), rules: several.to_vec() }.into()
                )
            }
        },
    };
    basis_of_rule(conn, &number, None, copy)
}

/// A rule's basis at a version (the current one when `None`).
pub(crate) fn basis_of_rule(
    conn: &Connection,
    number: &str,
    version: Option<u32>,
    copy: CopyKind,
) -> Result<RuleBasis, Error> {
    let number = number.to_owned();
    let rule = load_rule(conn, &number)?.ok_or_else(|| PlanError::UnknownRule { number: number.clone() })?;
    let version = match version {
        Some(wanted) => rule.versions.iter().find(|v| v.version == wanted),
        None => rule.current(),
    }
    .ok_or_else(|| PlanError::UnknownRule { number: number.clone() })?;
    let chosen = version
        .content
        .copies
        .iter()
        .find(|c| c.kind == copy)
        .ok_or_else(|| ProjectError::NoSuchCopy { number: number.clone(), copy })?;
    Ok(RuleBasis {
        number: rule.number.clone(),
        version: version.version,
        effective_date: version.effective_date,
        copy,
        active: chosen.active,
        semi_active: chosen.semi_active,
        disposition: chosen.disposition,
        trigger: version.content.trigger.clone(),
    })
}

/// What to explain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExplainQuery {
    pub class: String,
    pub project: Option<String>,
    /// The file's sensitivity; the project's level when `None`.
    pub sensitivity: Option<Sensitivity>,
    /// The rule, when several apply to the class.
    pub rule: Option<String>,
    /// The principal copy when `None`.
    pub copy: Option<CopyKind>,
    pub file_exception: Option<FileException>,
}

impl Vault {
    /// Adds a project. Audited.
    pub fn add_project(&mut self, session: &Session, new: NewProject) -> Result<Project, Error> {
        self.require(session, Permission::ManagePlan)?;
        let code = new.code.trim();
        if !valid_code(code) {
            return Err(ProjectError::CodeInvalid { code: code.to_owned() }.into());
        }
        if new.name.trim().is_empty() {
            return Err(ProjectError::NameMissing { code: code.to_owned() }.into());
        }
        if project_row(&self.conn, code)?.is_some() {
            return Err(ProjectError::CodeTaken { code: code.to_owned() }.into());
        }
        let owner: i64 = self
            .conn
            .query_row("SELECT id FROM users WHERE username = ?1 AND active = 1", [new.owner.trim()], |row| row.get(0))
            .optional()?
            .ok_or_else(|| ProjectError::UnknownOwner { name: new.owner.trim().to_owned() })?;
        let now = self.env.clock.now();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO projects (code, name, owner_id, sensitivity, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![code, new.name.trim(), owner, new.sensitivity.as_str(), stamp(now)],
        )?;
        let id = tx.last_insert_rowid();
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::ProjectCreate, "project", id.to_string())
                .details(serde_json::json!({ "after": new })),
            now,
        )?;
        tx.commit()?;
        Ok(load(&self.conn, code)?.1)
    }

    /// Replaces a project's name, owner (an active user, or the owner it has) and sensitivity
    /// level; the code stays. A file's level is the project's unless it was given one, and the
    /// register does not record which, so when the level changes the project's files that have
    /// its former level take the new one — but not those a legal hold is in force on, nor
    /// destroyed or transferred files — and the due dates of the project's files still in the
    /// register are computed again (each under its own rule version, as the file shows them),
    /// since overrides by level may now apply differently. One transaction; audited with the
    /// values before and after and the files whose level changed. An edit that changes nothing
    /// writes nothing.
    pub fn edit_project(
        &mut self,
        session: &Session,
        code: &str,
        edit: ProjectEdit,
    ) -> Result<ProjectEditReport, Error> {
        self.require(session, Permission::ManagePlan)?;
        let (id, before) = load(&self.conn, code)?;
        let name = edit.name.trim();
        if name.is_empty() {
            return Err(ProjectError::NameMissing { code: before.code }.into());
        }
        // The owner it has may stay even if their account was since deactivated.
        let owner: i64 = self
            .conn
            .query_row(
                "SELECT id FROM users WHERE username = ?1
                 AND (active = 1 OR id = (SELECT owner_id FROM projects WHERE id = ?2))",
                params![edit.owner.trim(), id],
                |row| row.get(0),
            )
            .optional()?
            .ok_or_else(|| ProjectError::UnknownOwner { name: edit.owner.trim().to_owned() })?;
        let owner_name: String =
            self.conn.query_row("SELECT username FROM users WHERE id = ?1", [owner], |r| r.get(0))?;
        let unchanged = name == before.name && owner_name == before.owner && edit.sensitivity == before.sensitivity;
        if unchanged {
            return Ok(ProjectEditReport {
                project: before,
                files_sensitivity_changed: 0,
                files_held: 0,
                files_recomputed: 0,
            });
        }
        let now = self.env.clock.now();
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE projects SET name = ?2, owner_id = ?3, sensitivity = ?4, updated_at = ?5 WHERE id = ?1",
            params![id, name, owner, edit.sensitivity.as_str(), stamp(now)],
        )?;
        let mut relevelled = Vec::new();
        let mut held = Vec::new();
        let mut recomputed = 0;
        if edit.sensitivity != before.sensitivity {
            let seq = crate::register::next_change(&tx)?;
            let following: Vec<(i64, String)> = tx
                .prepare(
                    "SELECT id, reference FROM files WHERE project_id = ?1 AND sensitivity = ?2
                     AND status NOT IN ('destroyed', 'transferred') ORDER BY id",
                )?
                .query_map(params![id, before.sensitivity.as_str()], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut relevel =
                tx.prepare("UPDATE files SET sensitivity = ?2, change_seq = ?3, updated_at = ?4 WHERE id = ?1")?;
            for (file, reference) in following {
                if crate::disposition::hold_on_file(&tx, file)?.is_some() {
                    held.push(reference);
                } else {
                    relevel.execute(params![file, edit.sensitivity.as_str(), seq, stamp(now)])?;
                    relevelled.push(reference);
                }
            }
            drop(relevel);
            recomputed = crate::register::recompute_project_files(&tx, &before.code, seq)?;
        }
        let after = ProjectEdit { name: name.to_owned(), owner: owner_name, sensitivity: edit.sensitivity };
        let before_edit =
            ProjectEdit { name: before.name.clone(), owner: before.owner.clone(), sensitivity: before.sensitivity };
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::ProjectUpdate, "project", id.to_string()).details(serde_json::json!({
                "project": before.code,
                "before": before_edit,
                "after": after,
                "filesSensitivityChanged": relevelled,
                "filesHeld": held,
                "filesRecomputed": recomputed,
            })),
            now,
        )?;
        tx.commit()?;
        if edit.sensitivity != before.sensitivity {
            self.sync_index();
        }
        Ok(ProjectEditReport {
            project: load(&self.conn, &before.code)?.1,
            files_sensitivity_changed: relevelled.len() as u64,
            files_held: held.len() as u64,
            files_recomputed: recomputed,
        })
    }

    /// Closes a project (`active = false`) or reopens it; projects are never deleted. A closed
    /// project takes no new file: filing one in it, moving one into it or importing one for it
    /// is refused ([`ProjectError::Closed`]). Everything else stays: its files keep their
    /// calendar and can still be edited, closed and disposed of, its calendar can still change,
    /// and holds can still be placed on it. Audited with the state before and after.
    pub fn set_project_active(&mut self, session: &Session, code: &str, active: bool) -> Result<Project, Error> {
        self.require(session, Permission::ManagePlan)?;
        let (id, before) = load(&self.conn, code)?;
        let now = self.env.clock.now();
        let tx = self.conn.transaction()?;
        tx.execute("UPDATE projects SET active = ?2, updated_at = ?3 WHERE id = ?1", params![id, active, stamp(now)])?;
        let action = if active { AuditAction::ProjectReopen } else { AuditAction::ProjectClose };
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(action, "project", id.to_string()).details(serde_json::json!({
                "project": before.code, "before": { "active": before.active }, "after": { "active": active },
            })),
            now,
        )?;
        tx.commit()?;
        Ok(load(&self.conn, &before.code)?.1)
    }

    /// Every project with its calendar, by code.
    pub fn projects(&self, session: &Session) -> Result<Vec<Project>, Error> {
        self.require(session, Permission::ViewPlan)?;
        let mut stmt = self.conn.prepare("SELECT code FROM projects ORDER BY code")?;
        let codes: Vec<String> = stmt.query_map([], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
        codes.iter().map(|code| Ok(load(&self.conn, code)?.1)).collect()
    }

    /// One project with its calendar.
    pub fn project(&self, session: &Session, code: &str) -> Result<Project, Error> {
        self.require(session, Permission::ViewPlan)?;
        Ok(load(&self.conn, code)?.1)
    }

    /// Adds an override to a project's calendar; one in force per scope. Audited.
    pub fn add_override(
        &mut self,
        session: &Session,
        project: &str,
        new: NewOverride,
    ) -> Result<ProjectOverride, Error> {
        self.require(session, Permission::ManagePlan)?;
        let (project_id, current) = load(&self.conn, project)?;
        let class = match new.class.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(code) => {
                ClassCode::parse(code)?;
                Some(
                    plan::class_id(&self.conn, code)?
                        .ok_or_else(|| PlanError::UnknownClass { code: code.to_owned() })?,
                )
            }
        };
        if class.is_none() && new.sensitivity.is_none() {
            return Err(ProjectError::OverrideScopeMissing.into());
        }
        if new.replacement.is_empty() {
            return Err(ProjectError::OverrideEmpty.into());
        }
        if new.reason.trim().is_empty() {
            return Err(ProjectError::OverrideReasonMissing.into());
        }
        for (field, period) in [("active", new.replacement.active), ("semi_active", new.replacement.semi_active)] {
            if let Some(period) = period.filter(|p| !p.is_valid()) {
                return Err(ProjectError::OverridePeriodInvalid { field, value: period.code().to_string() }.into());
            }
        }
        let class_code = match class {
            Some(id) => Some(
                self.conn.query_row("SELECT code FROM plan_classes WHERE id = ?1", [id], |r| r.get::<_, String>(0))?,
            ),
            None => None,
        };
        if let Some(existing) = current.overrides.iter().find(|o| {
            o.withdrawn_at.is_none()
                && o.sensitivity == new.sensitivity
                && o.class.as_deref().map(str::to_ascii_uppercase) == class_code.as_deref().map(str::to_ascii_uppercase)
        }) {
            return Err(ProjectError::OverrideExists { project: current.code, id: existing.id.0 }.into());
        }
        let columns = |p: Option<Period>| p.map(Period::to_columns).map_or((None, None), |(u, c)| (Some(u), c));
        let (active_unit, active_count) = columns(new.replacement.active);
        let (semi_unit, semi_count) = columns(new.replacement.semi_active);
        let now = self.env.clock.now();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO project_overrides (project_id, class_id, sensitivity, active_unit, active_count, semi_active_unit,
                semi_active_count, disposition, reason, author_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                project_id,
                class,
                new.sensitivity.map(Sensitivity::as_str),
                active_unit,
                active_count,
                semi_unit,
                semi_count,
                new.replacement.disposition.map(|d| d.code().to_string()),
                new.reason.trim(),
                session.user.id.0,
                stamp(now)
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::ProjectOverrideAdd, "project", project_id.to_string())
                .details(serde_json::json!({ "project": current.code, "override": id, "after": new })),
            now,
        )?;
        tx.commit()?;
        let (_, project) = load(&self.conn, &current.code)?;
        project
            .overrides
            .into_iter()
            .find(|o| o.id.0 == id)
            .ok_or_else(|| ProjectError::UnknownOverride { project: current.code, id }.into())
    }

    /// Withdraws an override (it stays in the calendar's history). Audited.
    pub fn withdraw_override(&mut self, session: &Session, project: &str, id: OverrideId) -> Result<(), Error> {
        self.require(session, Permission::ManagePlan)?;
        let (project_id, current) = load(&self.conn, project)?;
        let Some(before) = current.overrides.iter().find(|o| o.id == id && o.withdrawn_at.is_none()) else {
            return Err(ProjectError::UnknownOverride { project: current.code, id: id.0 }.into());
        };
        let now = self.env.clock.now();
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE project_overrides SET withdrawn_at = ?2, withdrawn_by = ?3 WHERE id = ?1",
            params![id.0, stamp(now), session.user.id.0],
        )?;
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::ProjectOverrideWithdraw, "project", project_id.to_string())
                .details(serde_json::json!({ "project": current.code, "override": id, "before": before })),
            now,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Which periods and disposition apply to a class (in a project, at a sensitivity, with a
    /// file's exception), and why: see [`explain`].
    pub fn explain(&self, session: &Session, query: &ExplainQuery) -> Result<Explanation, Error> {
        self.require(session, Permission::ViewPlan)?;
        let basis =
            rule_basis(&self.conn, &query.class, query.rule.as_deref(), query.copy.unwrap_or(CopyKind::Principal))?;
        let project = match &query.project {
            Some(code) => Some(load(&self.conn, code)?.1),
            None => None,
        };
        let class = plan::stored_code(&self.conn, &query.class)?.unwrap_or_else(|| query.class.trim().to_owned());
        Ok(explain(&class, &basis, project.as_ref(), query.sensitivity, query.file_exception.as_ref()))
    }
}
