//! The plan and its rules as a flat table, the CSV and XLSX format: one row per class, one row
//! per copy of a rule (the rule's own columns repeated on each of its copies), French or English
//! column names, values as people type them (`5`, `5 ans`, `18 mois`, `888`; `D` or `détruire`;
//! dates `YYYY-MM-DD` or `DD/MM/YYYY`). Reading checks the whole file and lists every problem
//! with its row and column before anything is written; applying is one transaction.

use std::{collections::HashMap, rc::Rc};

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::{
    audit::{self, AuditAction, NewEvent},
    clock::stamp,
    plan::{self, ClassCode, PlanClass, PlanError},
    retention::{
        self, load_rule, valid_rule_number, CopyKind, CopyRule, Disposition, ImportReport, Origin, Period, RuleContent,
        RuleRef, TriggerEvent,
    },
    spreadsheet::{self, Table},
    users::Session,
    vault::signer,
    Error, Lang, Permission, Vault,
};

/// At most this many problems are listed; the count says how many there were.
pub const MAX_LISTED_PROBLEMS: usize = 100;

/// A column of the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Kind,
    Code,
    Parent,
    TitleFr,
    TitleEn,
    ScopeNoteFr,
    ScopeNoteEn,
    Examples,
    Active,
    Rule,
    Classes,
    SeriesTitle,
    Description,
    ProcessActivity,
    HoldingUnits,
    DocumentTypes,
    LegalReference,
    Essential,
    Confidential,
    Trigger,
    PeriodRemarks,
    GeneralRemarks,
    OrganisationId,
    TransactionType,
    Collection,
    CollectionNumber,
    Grillechan,
    EffectiveDate,
    Copy,
    DelayNumber,
    Media,
    ActivePeriod,
    SemiActivePeriod,
    Disposition,
    MediaRemark,
    ActiveRemark,
    SemiActiveRemark,
    DispositionRemark,
}

/// Which rows a column belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Any,
    Class,
    Rule,
    Copy,
}

impl Column {
    pub const ALL: [Column; 38] = [
        Column::Kind,
        Column::Code,
        Column::Parent,
        Column::TitleFr,
        Column::TitleEn,
        Column::ScopeNoteFr,
        Column::ScopeNoteEn,
        Column::Examples,
        Column::Active,
        Column::Rule,
        Column::Classes,
        Column::SeriesTitle,
        Column::Description,
        Column::ProcessActivity,
        Column::HoldingUnits,
        Column::DocumentTypes,
        Column::LegalReference,
        Column::Essential,
        Column::Confidential,
        Column::Trigger,
        Column::PeriodRemarks,
        Column::GeneralRemarks,
        Column::OrganisationId,
        Column::TransactionType,
        Column::Collection,
        Column::CollectionNumber,
        Column::Grillechan,
        Column::EffectiveDate,
        Column::Copy,
        Column::DelayNumber,
        Column::Media,
        Column::ActivePeriod,
        Column::SemiActivePeriod,
        Column::Disposition,
        Column::MediaRemark,
        Column::ActiveRemark,
        Column::SemiActiveRemark,
        Column::DispositionRemark,
    ];

    /// The header Greffier writes, in French and in English.
    pub fn header(self, lang: Lang) -> &'static str {
        let (fr, en) = match self {
            Column::Kind => ("Type", "Kind"),
            Column::Code => ("Code", "Code"),
            Column::Parent => ("Parent", "Parent"),
            Column::TitleFr => ("Titre FR", "Title FR"),
            Column::TitleEn => ("Titre EN", "Title EN"),
            Column::ScopeNoteFr => ("Note FR", "Scope note FR"),
            Column::ScopeNoteEn => ("Note EN", "Scope note EN"),
            Column::Examples => ("Exemples", "Examples"),
            Column::Active => ("Active", "Active"),
            Column::Rule => ("Règle", "Rule"),
            Column::Classes => ("Classes", "Classes"),
            Column::SeriesTitle => ("Titre de la série", "Series title"),
            Column::Description => ("Description", "Description"),
            Column::ProcessActivity => ("Processus ou activité", "Process or activity"),
            Column::HoldingUnits => ("Unités détentrices", "Holding units"),
            Column::DocumentTypes => ("Types de documents", "Document types"),
            Column::LegalReference => ("Référence légale", "Legal reference"),
            Column::Essential => ("Essentiel", "Essential"),
            Column::Confidential => ("Confidentiel", "Confidential"),
            Column::Trigger => ("Déclencheur", "Trigger"),
            Column::PeriodRemarks => ("Remarques sur les délais", "Period remarks"),
            Column::GeneralRemarks => ("Remarques générales", "General remarks"),
            Column::OrganisationId => ("Organisme", "Organisation"),
            Column::TransactionType => ("Type de transaction", "Transaction type"),
            Column::Collection => ("Recueil", "Collection"),
            Column::CollectionNumber => ("No au recueil", "Collection number"),
            Column::Grillechan => ("GRILLECHAN", "GRILLECHAN"),
            Column::EffectiveDate => ("Entrée en vigueur", "Effective date"),
            Column::Copy => ("Exemplaire", "Copy"),
            Column::DelayNumber => ("No de délai", "Delay number"),
            Column::Media => ("Supports", "Media"),
            Column::ActivePeriod => ("Période active", "Active period"),
            Column::SemiActivePeriod => ("Période semi-active", "Semi-active period"),
            Column::Disposition => ("Disposition", "Disposition"),
            Column::MediaRemark => ("Remarque supports", "Media remark"),
            Column::ActiveRemark => ("Remarque période active", "Active period remark"),
            Column::SemiActiveRemark => ("Remarque période semi-active", "Semi-active period remark"),
            Column::DispositionRemark => ("Remarque disposition", "Disposition remark"),
        };
        lang.pick(fr, en)
    }

    /// Other names the column goes by, already normalised ([`normalise`]): the XML exchange
    /// format's elements and the usual variants.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Kind => &["genre", "sorte", "ligne"],
            Column::Code => &["code_de_classe", "class_code", "code_classe", "classe", "class"],
            Column::Parent => &["code_parent", "parent_code", "classe_parente", "parent_class"],
            Column::TitleFr => &["titre", "titre_francais", "title_french", "intitule"],
            Column::TitleEn => &["titre_anglais", "title_english", "title"],
            Column::ScopeNoteFr => &["note_de_portee_fr", "note_de_portee", "portee", "scope_note_french"],
            Column::ScopeNoteEn => &["note_de_portee_en", "scope_note", "scope_note_english"],
            Column::Examples => &["exemples_de_documents", "document_examples"],
            Column::Active => &["actif", "active_class", "classe_active", "en_vigueur"],
            Column::Rule => &[
                "numregle",
                "regle",
                "no_regle",
                "no_de_regle",
                "numero_regle",
                "numero_de_regle",
                "rule_number",
                "rule_no",
            ],
            Column::Classes => &["codeclass", "codes_de_classe", "class_codes", "codes_classes"],
            Column::SeriesTitle => &["titreser", "titre_serie", "series"],
            Column::Description => &["descserie", "description_de_la_serie", "series_description"],
            Column::ProcessActivity => &["procactivi", "processus", "process"],
            Column::HoldingUnits => &["nomunite", "unites", "units"],
            Column::DocumentTypes => &["typesdoc", "types_documents"],
            Column::LegalReference => &["reflegale", "reference_legale", "references_legales", "legal_references"],
            Column::Essential => &["documessen", "documents_essentiels", "essential_documents"],
            Column::Confidential => &["documconfi", "documents_confidentiels", "confidential_documents"],
            Column::Trigger => &["greffier_declencheur", "evenement_declencheur", "trigger_event", "event"],
            Column::PeriodRemarks => &["remarqdela", "remarques_delais", "remarks_on_periods"],
            Column::GeneralRemarks => &["remarqgen", "remarques", "remarks"],
            Column::OrganisationId => &["id_organisme", "organisation_id", "organization_id"],
            Column::TransactionType => &["type_trans"],
            Column::Collection => &["recueil"],
            Column::CollectionNumber => &["no_recueil", "numero_au_recueil"],
            Column::Grillechan => &[],
            Column::EffectiveDate => &["date_d_entree_en_vigueur", "date_de_vigueur", "date_vigueur", "effective"],
            Column::Copy => &["typedoss", "type_d_exemplaire", "copy_kind", "copy_type"],
            Column::DelayNumber => &["numdelai", "numero_de_delai", "no_delai"],
            Column::Media => &["suppdoss", "support"],
            Column::ActivePeriod => &["perioactif", "actif_ans", "active_years", "periode_active_ans"],
            Column::SemiActivePeriod => &["periosmact", "semi_actif", "semi_active", "semi_active_years"],
            Column::Disposition => &["id_ref_disposition", "disposition_finale", "final_disposition", "sort_final"],
            Column::MediaRemark => &["rem_suppdoss"],
            Column::ActiveRemark => &["rem_perioactif"],
            Column::SemiActiveRemark => &["rem_periosmact"],
            Column::DispositionRemark => &["rem_dispoinact"],
        }
    }

    fn scope(self) -> Scope {
        use Column::*;
        match self {
            Kind => Scope::Any,
            Code | Parent | TitleFr | TitleEn | ScopeNoteFr | ScopeNoteEn | Examples | Active => Scope::Class,
            Copy | DelayNumber | Media | ActivePeriod | SemiActivePeriod | Disposition | MediaRemark | ActiveRemark
            | SemiActiveRemark | DispositionRemark => Scope::Copy,
            _ => Scope::Rule,
        }
    }

    /// Finds the column a header names, in either language, without regard to case, accents,
    /// spaces or punctuation.
    pub fn from_header(header: &str) -> Option<Column> {
        let wanted = normalise(header);
        Column::ALL.into_iter().find(|column| {
            normalise(column.header(Lang::Fr)) == wanted
                || normalise(column.header(Lang::En)) == wanted
                || column.aliases().contains(&wanted.as_str())
        })
    }
}

/// Lower case, accents folded, every run of other characters a single `_`.
pub(crate) fn normalise(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            'œ' => 'o',
            c => c,
        };
        if folded.is_ascii_alphanumeric() {
            out.push(folded);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_owned()
}

/// Where a problem is: the sheet (XLSX), the row a spreadsheet shows, and the column as the
/// file names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    pub sheet: Option<String>,
    pub row: usize,
    pub column: Option<String>,
    pub issue: CellIssue,
}

/// What is wrong with a cell, a row or a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellIssue {
    UnknownColumn,
    RepeatedColumn { first: String },
    MissingColumn { column: Column },
    UnknownKind { value: String },
    Missing,
    InvalidCode { value: String },
    DuplicateCode { code: String, first_row: usize },
    UnknownParent { code: String },
    ParentInconsistent { code: String, parent: String },
    ParentRetired { parent: String },
    RetiredWithActiveChild { child: String },
    InvalidPeriod { value: String },
    InvalidDisposition { value: String },
    InvalidCopyKind { value: String },
    InvalidFlag { value: String },
    InvalidDate { value: String },
    InvalidTrigger { value: String },
    InvalidRuleNumber { value: String },
    UnknownClass { code: String },
    RepeatedClass { code: String },
    Conflicting { value: String, first: String, first_row: usize },
    NotForKind { kind_fr: &'static str, kind_en: &'static str },
    ExtraCell { value: String },
    CellError { value: String },
    EffectiveDateTooEarly { date: NaiveDate, current: NaiveDate, version: u32 },
    Invalid { detail_en: String, detail_fr: String },
}

impl CellProblem {
    pub fn describe(&self, lang: Lang) -> String {
        let mut place = String::new();
        if let Some(sheet) = &self.sheet {
            place.push_str(&lang.pick(format!("feuille « {sheet} », "), format!("sheet “{sheet}”, ")));
        }
        place.push_str(&lang.pick(format!("ligne {}", self.row), format!("row {}", self.row)));
        if let Some(column) = &self.column {
            place.push_str(&lang.pick(format!(", colonne « {column} »"), format!(", column “{column}”")));
        }
        format!("{place}{} {}", lang.pick(" :", ":"), self.issue.describe(lang))
    }
}

impl CellIssue {
    pub fn describe(&self, lang: Lang) -> String {
        use CellIssue::*;
        match (self, lang) {
            (UnknownColumn, Lang::En) => "not a column of the plan format; rename it (see the README) or delete it".into(),
            (UnknownColumn, Lang::Fr) => "ce n'est pas une colonne du format du plan ; renommez-la (voir le README) ou supprimez-la".into(),
            (RepeatedColumn { first }, Lang::En) => format!("the same column as “{first}”; keep only one"),
            (RepeatedColumn { first }, Lang::Fr) => format!("la même colonne que « {first} » ; n'en gardez qu'une"),
            (MissingColumn { column }, Lang::En) => format!("the header has no column “{}”, which this sheet needs; add it", column.header(Lang::En)),
            (MissingColumn { column }, Lang::Fr) => format!("l'en-tête n'a pas de colonne « {} », dont cette feuille a besoin ; ajoutez-la", column.header(Lang::Fr)),
            (UnknownKind { value }, Lang::En) => format!("“{value}” is not a kind of row: write class or rule"),
            (UnknownKind { value }, Lang::Fr) => format!("« {value} » n'est pas un type de ligne : écrivez classe ou règle"),
            (Missing, Lang::En) => "empty; this value is needed".into(),
            (Missing, Lang::Fr) => "vide ; cette valeur est nécessaire".into(),
            (InvalidCode { value }, Lang::En) => format!("“{value}” is not a class code: use 1 to 32 letters and digits, in groups joined by - or . (such as 100-20-05 or A120)"),
            (InvalidCode { value }, Lang::Fr) => format!("« {value} » n'est pas un code de classe : utilisez de 1 à 32 lettres et chiffres, en groupes reliés par - ou . (comme 100-20-05 ou A120)"),
            (DuplicateCode { code, first_row }, Lang::En) => format!("the class {code} is already on row {first_row}; give each class one row"),
            (DuplicateCode { code, first_row }, Lang::Fr) => format!("la classe {code} est déjà à la ligne {first_row} ; donnez une seule ligne à chaque classe"),
            (UnknownParent { code }, Lang::En) => format!("the parent {code} is neither in the file nor in the plan; add its row or correct the code"),
            (UnknownParent { code }, Lang::Fr) => format!("le parent {code} n'est ni dans le fichier ni dans le plan ; ajoutez sa ligne ou corrigez le code"),
            (ParentInconsistent { code, parent }, Lang::En) => format!("the code {code} does not continue its parent's code {parent} (100 > 100-20 > 100-20-05; A100 > A120 > A123)"),
            (ParentInconsistent { code, parent }, Lang::Fr) => format!("le code {code} ne prolonge pas celui de son parent {parent} (100 > 100-20 > 100-20-05 ; A100 > A120 > A123)"),
            (ParentRetired { parent }, Lang::En) => format!("the parent {parent} is retired and this class is active; reactivate the parent or retire this class"),
            (ParentRetired { parent }, Lang::Fr) => format!("le parent {parent} est retiré et cette classe est active ; réactivez le parent ou retirez cette classe"),
            (RetiredWithActiveChild { child }, Lang::En) => format!("the class is retired but its subclass {child} is active; retire the subclass too"),
            (RetiredWithActiveChild { child }, Lang::Fr) => format!("la classe est retirée mais sa sous-classe {child} est active ; retirez aussi la sous-classe"),
            (InvalidPeriod { value }, Lang::En) => format!("“{value}” is not a period: write years (5, 5 years), months (18 months), 888 (until an event) or 999 (while in use)"),
            (InvalidPeriod { value }, Lang::Fr) => format!("« {value} » n'est pas une période : écrivez des années (5, 5 ans), des mois (18 mois), 888 (jusqu'à un événement) ou 999 (tant que le document sert)"),
            (InvalidDisposition { value }, Lang::En) => format!("“{value}” is not a disposition: write C (keep or transfer), D (destroy) or T (sort)"),
            (InvalidDisposition { value }, Lang::Fr) => format!("« {value} » n'est pas une disposition : écrivez C (conserver ou verser), D (détruire) ou T (trier)"),
            (InvalidCopyKind { value }, Lang::En) => format!("“{value}” is not a copy: write P (principal) or S (secondary)"),
            (InvalidCopyKind { value }, Lang::Fr) => format!("« {value} » n'est pas un exemplaire : écrivez P (principal) ou S (secondaire)"),
            (InvalidFlag { value }, Lang::En) => format!("“{value}” is not yes or no: write O/N, oui/non or yes/no"),
            (InvalidFlag { value }, Lang::Fr) => format!("« {value} » n'est ni oui ni non : écrivez O/N, oui/non ou yes/no"),
            (InvalidDate { value }, Lang::En) => format!("“{value}” is not a date: write YYYY-MM-DD or DD/MM/YYYY"),
            (InvalidDate { value }, Lang::Fr) => format!("« {value} » n'est pas une date : écrivez AAAA-MM-JJ ou JJ/MM/AAAA"),
            (InvalidTrigger { value }, Lang::En) => format!("“{value}” is not an event: write file_closed, contract_ended, last_activity, birth_date, file_date:NAME or fixed_date:DATE (or their French names)"),
            (InvalidTrigger { value }, Lang::Fr) => format!("« {value} » n'est pas un événement : écrivez fermeture_dossier, fin_contrat, derniere_activite, date_naissance, date_dossier:NOM ou date_fixe:DATE (ou leurs noms anglais)"),
            (InvalidRuleNumber { value }, Lang::En) => format!("“{value}” is not a rule number: give 1 to 32 letters, digits, dashes, dots or underscores"),
            (InvalidRuleNumber { value }, Lang::Fr) => format!("« {value} » n'est pas un numéro de règle : donnez de 1 à 32 lettres, chiffres, tirets, points ou traits de soulignement"),
            (UnknownClass { code }, Lang::En) => format!("the class {code} is neither in the file nor in the plan; add its row or correct the code"),
            (UnknownClass { code }, Lang::Fr) => format!("la classe {code} n'est ni dans le fichier ni dans le plan ; ajoutez sa ligne ou corrigez le code"),
            (RepeatedClass { code }, Lang::En) => format!("the class {code} is listed twice"),
            (RepeatedClass { code }, Lang::Fr) => format!("la classe {code} est nommée deux fois"),
            (Conflicting { value, first, first_row }, Lang::En) => format!("“{value}” differs from “{first}” on row {first_row}, the rule's first row; a rule's own columns say the same on each of its copies (or stay empty)"),
            (Conflicting { value, first, first_row }, Lang::Fr) => format!("« {value} » diffère de « {first} » à la ligne {first_row}, la première de la règle ; les colonnes propres à une règle disent la même chose sur chacun de ses exemplaires (ou restent vides)"),
            (NotForKind { kind_en, .. }, Lang::En) => format!("this column is not for a {kind_en} row; empty the cell or change the row's kind"),
            (NotForKind { kind_fr, .. }, Lang::Fr) => format!("cette colonne ne vaut pas pour une ligne de {kind_fr} ; videz la cellule ou changez le type de la ligne"),
            (ExtraCell { value }, Lang::En) => format!("“{value}” is beyond the last column of the header; give the column a header or delete the cell"),
            (ExtraCell { value }, Lang::Fr) => format!("« {value} » est au-delà de la dernière colonne de l'en-tête ; donnez un en-tête à la colonne ou supprimez la cellule"),
            (CellError { value }, Lang::En) => format!("the cell holds the spreadsheet error {value}; correct the formula or type the value"),
            (CellError { value }, Lang::Fr) => format!("la cellule contient l'erreur de tableur {value} ; corrigez la formule ou tapez la valeur"),
            (EffectiveDateTooEarly { date, current, version }, Lang::En) => format!("{date} is before the rule's current version {version} ({current}); give a date on or after {current}, or leave it empty"),
            (EffectiveDateTooEarly { date, current, version }, Lang::Fr) => format!("le {date} précède la version actuelle {version} de la règle ({current}) ; donnez une date à partir du {current}, ou laissez vide"),
            (Invalid { detail_en, .. }, Lang::En) => detail_en.clone(),
            (Invalid { detail_fr, .. }, Lang::Fr) => detail_fr.clone(),
        }
    }
}

// ----- values as people type them -----

/// Reads a period: `5`, `5 ans`, `5 years`, `18 mois`, `18 months`, `888`, `999`.
pub fn parse_period(text: &str) -> Option<Period> {
    let text = text.trim();
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    let unit = normalise(&text[digits.len()..]);
    let unit = unit.as_str();
    let count: u32 = digits.parse().ok()?;
    let period = match unit {
        "" => Period::from_code(&digits)?,
        "an" | "ans" | "annee" | "annees" | "a" | "year" | "years" | "y" | "yr" | "yrs" => Period::Years(count),
        "mois" | "m" | "month" | "months" => Period::Months(count),
        _ => return None,
    };
    period.is_valid().then_some(period)
}

/// Writes a period so that [`parse_period`] reads it back.
pub fn period_text(period: Period, lang: Lang) -> String {
    match period {
        Period::Years(n) => n.to_string(),
        Period::Months(n) => format!("{n} {}", lang.pick("mois", "months")),
        other => other.code().to_string(),
    }
}

pub fn parse_disposition(text: &str) -> Option<Disposition> {
    Disposition::from_code(text).or_else(|| match normalise(text).as_str() {
        "conserver" | "conservation" | "verser" | "versement" | "keep" | "transfer" | "archives" => {
            Some(Disposition::Keep)
        }
        "detruire" | "destruction" | "destroy" | "eliminer" | "elimination" => Some(Disposition::Destroy),
        "trier" | "tri" | "echantillonner" | "echantillonnage" | "sort" | "sample" => Some(Disposition::Sort),
        _ => None,
    })
}

fn parse_copy_kind(text: &str) -> Option<CopyKind> {
    CopyKind::from_code(text).or_else(|| match normalise(text).as_str() {
        "principal" | "principale" | "original" => Some(CopyKind::Principal),
        "secondaire" | "secondary" | "copie" => Some(CopyKind::Secondary),
        _ => None,
    })
}

/// `oui`/`non`, `O`/`N`, `yes`/`no`, `1`/`0`, `vrai`/`faux`, `true`/`false`.
pub fn parse_flag(text: &str) -> Option<bool> {
    match normalise(text).as_str() {
        "o" | "oui" | "y" | "yes" | "1" | "vrai" | "true" | "x" => Some(true),
        "n" | "non" | "no" | "0" | "faux" | "false" => Some(false),
        _ => None,
    }
}

/// `YYYY-MM-DD` or `DD/MM/YYYY` (the day first, as in Quebec French).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y")).ok()
}

/// The event that starts the clock, by its code in English or French; dates in either form.
pub fn parse_trigger(text: &str) -> Option<TriggerEvent> {
    let (code, detail) = text.trim().split_once(':').map_or((text.trim(), None), |(c, d)| (c, Some(d.trim())));
    let event = match (normalise(code).as_str(), detail) {
        ("file_closed" | "fermeture_dossier" | "fermeture_du_dossier" | "fermeture", None) => TriggerEvent::FileClosed,
        ("contract_ended" | "fin_contrat" | "fin_du_contrat" | "fin_emploi", None) => TriggerEvent::ContractEnded,
        ("last_activity" | "derniere_activite", None) => TriggerEvent::LastActivity,
        ("birth_date" | "date_naissance" | "date_de_naissance", None) => TriggerEvent::BirthDate,
        ("file_date" | "date_dossier" | "date_du_dossier", Some(field)) if !field.is_empty() => {
            TriggerEvent::FileDate { field: field.to_owned() }
        }
        ("fixed_date" | "date_fixe", Some(date)) => TriggerEvent::FixedDate { date: parse_date(date)? },
        _ => return None,
    };
    Some(event)
}

pub fn trigger_text(trigger: &TriggerEvent, lang: Lang) -> String {
    match (trigger, lang) {
        (TriggerEvent::FileClosed, l) => l.pick("fermeture_dossier", "file_closed").into(),
        (TriggerEvent::ContractEnded, l) => l.pick("fin_contrat", "contract_ended").into(),
        (TriggerEvent::LastActivity, l) => l.pick("derniere_activite", "last_activity").into(),
        (TriggerEvent::BirthDate, l) => l.pick("date_naissance", "birth_date").into(),
        (TriggerEvent::FileDate { field }, l) => format!("{}:{field}", l.pick("date_dossier", "file_date")),
        (TriggerEvent::FixedDate { date }, l) => {
            format!("{}:{}", l.pick("date_fixe", "fixed_date"), date.format("%Y-%m-%d"))
        }
    }
}

/// Class codes separated by `;`, `,`, spaces or line breaks.
fn split_codes(text: &str) -> Vec<&str> {
    text.split([';', ',', ' ', '\n', '\r', '\t']).filter(|code| !code.is_empty()).collect()
}

// ----- reading -----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Class,
    Rule,
}

/// A class as the file gives it.
#[derive(Debug, Clone)]
pub(crate) struct FileClass {
    pub row: usize,
    pub sheet: Option<String>,
    pub code: String,
    pub parent: Option<String>,
    pub title_fr: String,
    pub title_en: String,
    pub scope_note_fr: String,
    pub scope_note_en: String,
    pub examples: String,
    pub active: bool,
    /// The table's headers, to name a column as the file does.
    headers: Rc<HashMap<Column, String>>,
}

/// A column as a table's header names it, or Greffier's English header when it has none.
fn named(headers: &HashMap<Column, String>, column: Column) -> String {
    headers.get(&column).cloned().unwrap_or_else(|| column.header(Lang::En).to_owned())
}

/// A rule as the file gives it.
#[derive(Debug, Clone)]
pub(crate) struct FileRule {
    pub number: String,
    pub content: RuleContent,
    pub trigger_given: bool,
    pub effective_date: Option<NaiveDate>,
}

/// A whole file, checked.
#[derive(Debug, Default)]
pub(crate) struct PlanFile {
    pub classes: Vec<FileClass>,
    pub rules: Vec<FileRule>,
}

struct Problems {
    list: Vec<CellProblem>,
    total: usize,
}

impl Problems {
    fn add(&mut self, sheet: &Option<String>, row: usize, column: Option<&str>, issue: CellIssue) {
        self.total += 1;
        // Kept beyond the listed ones so that the list can be put in row order first.
        if self.list.len() < 100 * MAX_LISTED_PROBLEMS {
            self.list.push(CellProblem { sheet: sheet.clone(), row, column: column.map(str::to_owned), issue });
        }
    }
}

/// The rule-level cells of a rule's first row, and where it was.
struct RuleStart {
    row: usize,
    sheet: Option<String>,
    values: HashMap<Column, String>,
    copies: Vec<CopyRule>,
    trigger_given: bool,
    headers: Rc<HashMap<Column, String>>,
}

/// Reads and checks tables against the plan already in the vault. Every problem of the file is
/// listed (up to [`MAX_LISTED_PROBLEMS`]); the file is accepted only when there is none.
pub(crate) fn read(conn: &Connection, tables: &[Table]) -> Result<PlanFile, Error> {
    let mut problems = Problems { list: Vec::new(), total: 0 };
    let mut classes: Vec<FileClass> = Vec::new();
    let mut rule_order: Vec<String> = Vec::new();
    let mut rules: HashMap<String, RuleStart> = HashMap::new();
    let mut rows_seen = 0;

    for table in tables {
        let sheet = &table.sheet;
        // The header: each cell a known column, none twice.
        let mut columns: Vec<Option<Column>> = Vec::new();
        let mut seen: HashMap<Column, String> = HashMap::new();
        for header in &table.header {
            if header.is_empty() {
                columns.push(None);
                continue;
            }
            match Column::from_header(header) {
                None => {
                    problems.add(sheet, table.header_row, Some(header), CellIssue::UnknownColumn);
                    columns.push(None);
                }
                Some(column) => {
                    if let Some(first) = seen.get(&column) {
                        problems.add(
                            sheet,
                            table.header_row,
                            Some(header),
                            CellIssue::RepeatedColumn { first: first.clone() },
                        );
                        columns.push(None);
                    } else {
                        seen.insert(column, header.clone());
                        columns.push(Some(column));
                    }
                }
            }
        }
        let headers = Rc::new(seen.clone());
        let header_name = |column: Column| named(&headers, column);
        let sheet_kind = sheet.as_deref().and_then(|name| match normalise(name).as_str() {
            "classes" | "plan" | "plan_de_classification" | "classification_plan" => Some(Kind::Class),
            "regles" | "rules" | "calendrier" | "calendrier_de_conservation" | "schedule" | "retention_schedule" => {
                Some(Kind::Rule)
            }
            _ => None,
        });
        let has = |column: Column| seen.contains_key(&column);
        for (column, needed_for) in [(Column::Code, Kind::Class), (Column::Rule, Kind::Rule)] {
            let wanted =
                sheet_kind == Some(needed_for) || (sheet_kind.is_none() && !has(Column::Code) && !has(Column::Rule));
            if wanted && !has(column) {
                problems.add(sheet, table.header_row, None, CellIssue::MissingColumn { column });
            }
        }
        if has(Column::Rule) || sheet_kind == Some(Kind::Rule) {
            for column in [
                Column::Classes,
                Column::SeriesTitle,
                Column::Copy,
                Column::ActivePeriod,
                Column::SemiActivePeriod,
                Column::Disposition,
            ] {
                if !has(column) {
                    problems.add(sheet, table.header_row, None, CellIssue::MissingColumn { column });
                }
            }
        }
        if (has(Column::Code) || sheet_kind == Some(Kind::Class)) && !has(Column::TitleFr) {
            problems.add(sheet, table.header_row, None, CellIssue::MissingColumn { column: Column::TitleFr });
        }

        for row in &table.rows {
            rows_seen += 1;
            let n = row.number;
            let mut cells: HashMap<Column, String> = HashMap::new();
            for (index, text) in row.cells.iter().enumerate() {
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                match columns.get(index) {
                    Some(Some(column)) => {
                        // What an XLSX cell holds, so that the plan exports as it was imported.
                        if let Some(length) = crate::register::over_length(text, crate::register::TEXT_MAX) {
                            problems.add(
                                sheet,
                                n,
                                Some(&header_name(*column)),
                                CellIssue::Invalid {
                                    detail_en: format!(
                                        "{length} characters, where a cell of the plan holds at most {}",
                                        crate::register::TEXT_MAX
                                    ),
                                    detail_fr: format!(
                                        "{length} caractères, et une cellule du plan en contient au plus {}",
                                        crate::register::TEXT_MAX
                                    ),
                                },
                            );
                        }
                        cells.insert(*column, text.to_owned());
                    }
                    Some(None) => {}
                    None => problems.add(
                        sheet,
                        n,
                        Some(&format!("{}", index + 1)),
                        CellIssue::ExtraCell { value: text.to_owned() },
                    ),
                }
            }
            for (index, error) in &row.errors {
                let name = table.header.get(*index).cloned().unwrap_or_else(|| (index + 1).to_string());
                problems.add(sheet, n, Some(&name), CellIssue::CellError { value: error.clone() });
            }
            let kind = match cells.get(&Column::Kind) {
                Some(value) => match normalise(value).as_str() {
                    "class" | "classe" | "c" => Kind::Class,
                    "rule" | "regle" | "r" | "copy" | "exemplaire" => Kind::Rule,
                    _ => {
                        problems.add(
                            sheet,
                            n,
                            Some(&header_name(Column::Kind)),
                            CellIssue::UnknownKind { value: value.clone() },
                        );
                        continue;
                    }
                },
                None => match sheet_kind {
                    Some(kind) => kind,
                    None if cells.contains_key(&Column::Rule) => Kind::Rule,
                    None if cells.contains_key(&Column::Code) => Kind::Class,
                    None => {
                        let column = if has(Column::Kind) { Column::Kind } else { Column::Code };
                        problems.add(sheet, n, Some(&header_name(column)), CellIssue::Missing);
                        continue;
                    }
                },
            };
            for column in cells.keys() {
                let allowed = match column.scope() {
                    Scope::Any => true,
                    Scope::Class => kind == Kind::Class,
                    Scope::Rule | Scope::Copy => kind == Kind::Rule,
                };
                if !allowed {
                    let (kind_fr, kind_en) = match kind {
                        Kind::Class => ("classe", "class"),
                        Kind::Rule => ("règle", "rule"),
                    };
                    problems.add(sheet, n, Some(&header_name(*column)), CellIssue::NotForKind { kind_fr, kind_en });
                }
            }
            let text = |column: Column| cells.get(&column).cloned().unwrap_or_default();
            match kind {
                Kind::Class => {
                    let Some(code) = cells.get(&Column::Code) else {
                        problems.add(sheet, n, Some(&header_name(Column::Code)), CellIssue::Missing);
                        continue;
                    };
                    if ClassCode::parse(code).is_err() {
                        problems.add(
                            sheet,
                            n,
                            Some(&header_name(Column::Code)),
                            CellIssue::InvalidCode { value: code.clone() },
                        );
                        continue;
                    }
                    let parent = cells.get(&Column::Parent).cloned();
                    if let Some(parent) = &parent {
                        if ClassCode::parse(parent).is_err() {
                            problems.add(
                                sheet,
                                n,
                                Some(&header_name(Column::Parent)),
                                CellIssue::InvalidCode { value: parent.clone() },
                            );
                        }
                    }
                    if text(Column::TitleFr).is_empty() {
                        problems.add(sheet, n, Some(&header_name(Column::TitleFr)), CellIssue::Missing);
                    }
                    let active = match cells.get(&Column::Active) {
                        None => true,
                        Some(value) => parse_flag(value).unwrap_or_else(|| {
                            problems.add(
                                sheet,
                                n,
                                Some(&header_name(Column::Active)),
                                CellIssue::InvalidFlag { value: value.clone() },
                            );
                            true
                        }),
                    };
                    classes.push(FileClass {
                        row: n,
                        sheet: sheet.clone(),
                        code: code.clone(),
                        parent,
                        title_fr: text(Column::TitleFr),
                        title_en: text(Column::TitleEn),
                        scope_note_fr: text(Column::ScopeNoteFr),
                        scope_note_en: text(Column::ScopeNoteEn),
                        examples: text(Column::Examples),
                        active,
                        headers: headers.clone(),
                    });
                }
                Kind::Rule => {
                    let Some(number) = cells.get(&Column::Rule).cloned() else {
                        problems.add(sheet, n, Some(&header_name(Column::Rule)), CellIssue::Missing);
                        continue;
                    };
                    if !valid_rule_number(&number) {
                        problems.add(
                            sheet,
                            n,
                            Some(&header_name(Column::Rule)),
                            CellIssue::InvalidRuleNumber { value: number },
                        );
                        continue;
                    }
                    let copy = read_copy(&cells, &mut problems, sheet, n, &header_name);
                    let key = number.to_ascii_uppercase();
                    match rules.get_mut(&key) {
                        None => {
                            let values = cells
                                .iter()
                                .filter(|(c, _)| c.scope() == Scope::Rule)
                                .map(|(c, v)| (*c, v.clone()))
                                .collect();
                            rule_order.push(key.clone());
                            rules.insert(
                                key,
                                RuleStart {
                                    row: n,
                                    sheet: sheet.clone(),
                                    values,
                                    copies: copy.into_iter().collect(),
                                    trigger_given: has(Column::Trigger),
                                    headers: headers.clone(),
                                },
                            );
                        }
                        Some(start) => {
                            for (column, value) in cells.iter().filter(|(c, _)| c.scope() == Scope::Rule) {
                                match start.values.get(column) {
                                    Some(first) if first != value && *column != Column::Rule => problems.add(
                                        sheet,
                                        n,
                                        Some(&header_name(*column)),
                                        CellIssue::Conflicting {
                                            value: value.clone(),
                                            first: first.clone(),
                                            first_row: start.row,
                                        },
                                    ),
                                    Some(_) => {}
                                    None if *column == Column::Rule => {}
                                    None => problems.add(
                                        sheet,
                                        n,
                                        Some(&header_name(*column)),
                                        CellIssue::Conflicting {
                                            value: value.clone(),
                                            first: String::new(),
                                            first_row: start.row,
                                        },
                                    ),
                                }
                            }
                            start.copies.extend(copy);
                        }
                    }
                }
            }
        }
    }
    if rows_seen == 0 && problems.total == 0 {
        return Err(PlanError::SheetEmpty.into());
    }

    // The classes: one row each, parents known, codes continuing them, no active class under a
    // retired one.
    let vault: Vec<PlanClass> = plan::tree(conn)?;
    let vault_by_code: HashMap<String, &PlanClass> = vault.iter().map(|c| (c.code.to_ascii_uppercase(), c)).collect();
    let mut file_by_code: HashMap<String, &FileClass> = HashMap::new();
    for class in &classes {
        let key = class.code.to_ascii_uppercase();
        if let Some(first) = file_by_code.get(&key) {
            problems.add(
                &class.sheet,
                class.row,
                Some(&named(&class.headers, Column::Code)),
                CellIssue::DuplicateCode { code: class.code.clone(), first_row: first.row },
            );
        } else {
            file_by_code.insert(key, class);
        }
    }
    // Final state of a class: as the file says, else as the vault has it.
    let active_of = |code: &str| -> Option<bool> {
        let key = code.to_ascii_uppercase();
        file_by_code.get(&key).map(|c| c.active).or_else(|| vault_by_code.get(&key).map(|c| c.active))
    };
    for class in file_by_code.values() {
        let Some(parent) = &class.parent else { continue };
        let (Ok(code), Ok(parent_code)) = (ClassCode::parse(&class.code), ClassCode::parse(parent)) else { continue };
        match active_of(parent) {
            None => problems.add(
                &class.sheet,
                class.row,
                Some(&named(&class.headers, Column::Parent)),
                CellIssue::UnknownParent { code: parent.clone() },
            ),
            Some(parent_active) => {
                if !code.continues(&parent_code) {
                    problems.add(
                        &class.sheet,
                        class.row,
                        Some(&named(&class.headers, Column::Parent)),
                        CellIssue::ParentInconsistent { code: class.code.clone(), parent: parent.clone() },
                    );
                } else if class.active && !parent_active {
                    problems.add(
                        &class.sheet,
                        class.row,
                        Some(&named(&class.headers, Column::Active)),
                        CellIssue::ParentRetired { parent: parent.clone() },
                    );
                }
            }
        }
    }
    // A class the file retires must not keep an active subclass the file does not mention.
    for class in file_by_code.values().filter(|c| !c.active) {
        if let Some(child) = vault.iter().find(|v| {
            v.active
                && v.parent.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(&class.code))
                && !file_by_code.contains_key(&v.code.to_ascii_uppercase())
        }) {
            problems.add(
                &class.sheet,
                class.row,
                Some(&named(&class.headers, Column::Active)),
                CellIssue::RetiredWithActiveChild { child: child.code.clone() },
            );
        }
    }

    // The rules: each assembled from its rows and checked whole.
    let mut file_rules = Vec::new();
    for key in &rule_order {
        let Some(start) = rules.remove(key) else { continue };
        let sheet = &start.sheet;
        let row = start.row;
        let headers = start.headers.clone();
        let name = |column: Column| named(&headers, column);
        let value = |column: Column| start.values.get(&column).cloned().unwrap_or_default();
        let number = value(Column::Rule);
        let flag = |column: Column, problems: &mut Problems| -> Option<bool> {
            let text = start.values.get(&column)?;
            let parsed = parse_flag(text);
            if parsed.is_none() {
                problems.add(sheet, row, Some(&name(column)), CellIssue::InvalidFlag { value: text.clone() });
            }
            parsed
        };
        let essential = flag(Column::Essential, &mut problems);
        let confidential = flag(Column::Confidential, &mut problems);
        let trigger = match start.values.get(&Column::Trigger) {
            None => TriggerEvent::FileClosed,
            Some(text) => parse_trigger(text).unwrap_or_else(|| {
                problems.add(
                    sheet,
                    row,
                    Some(&name(Column::Trigger)),
                    CellIssue::InvalidTrigger { value: text.clone() },
                );
                TriggerEvent::FileClosed
            }),
        };
        let effective_date = start.values.get(&Column::EffectiveDate).and_then(|text| {
            let date = parse_date(text);
            if date.is_none() {
                problems.add(
                    sheet,
                    row,
                    Some(&name(Column::EffectiveDate)),
                    CellIssue::InvalidDate { value: text.clone() },
                );
            }
            date
        });
        if value(Column::SeriesTitle).is_empty() {
            problems.add(sheet, row, Some(&name(Column::SeriesTitle)), CellIssue::Missing);
        }
        let mut codes = Vec::new();
        let listed = value(Column::Classes);
        if split_codes(&listed).is_empty() {
            problems.add(sheet, row, Some(&name(Column::Classes)), CellIssue::Missing);
        }
        for code in split_codes(&listed) {
            let column = Some(name(Column::Classes));
            let column = column.as_deref();
            if ClassCode::parse(code).is_err() {
                problems.add(sheet, row, column, CellIssue::InvalidCode { value: code.to_owned() });
            } else if codes.iter().any(|c: &String| c.eq_ignore_ascii_case(code)) {
                problems.add(sheet, row, column, CellIssue::RepeatedClass { code: code.to_owned() });
            } else if active_of(code).is_none() {
                problems.add(sheet, row, column, CellIssue::UnknownClass { code: code.to_owned() });
            } else {
                codes.push(code.to_owned());
            }
        }
        if let (Some(date), Some(existing)) = (effective_date, load_rule(conn, &number)?) {
            if let Some(current) = existing.current() {
                if date < current.effective_date {
                    problems.add(
                        sheet,
                        row,
                        Some(&name(Column::EffectiveDate)),
                        CellIssue::EffectiveDateTooEarly {
                            date,
                            current: current.effective_date,
                            version: current.version,
                        },
                    );
                }
            }
        }
        let content = RuleContent {
            organisation_id: value(Column::OrganisationId),
            transaction_type: value(Column::TransactionType),
            collection: value(Column::Collection),
            collection_number: value(Column::CollectionNumber),
            series_title: value(Column::SeriesTitle),
            description: value(Column::Description),
            process_activity: value(Column::ProcessActivity),
            holding_units: value(Column::HoldingUnits),
            document_types: value(Column::DocumentTypes),
            legal_reference: value(Column::LegalReference),
            essential,
            confidential,
            period_remarks: value(Column::PeriodRemarks),
            general_remarks: value(Column::GeneralRemarks),
            grillechan: value(Column::Grillechan),
            classes: codes,
            trigger,
            copies: start.copies,
        };
        if problems.total == 0 {
            // The checks every version passes; the cells above already covered them, so this
            // only guards against a gap between the two.
            if let Err(error) = content.validate(&RuleRef::Number(number.clone())) {
                problems.add(
                    sheet,
                    row,
                    None,
                    CellIssue::Invalid { detail_en: error.to_string(), detail_fr: crate::UserMessage::french(&error) },
                );
            }
        }
        file_rules.push(FileRule { number, content, trigger_given: start.trigger_given, effective_date });
    }

    if problems.total > 0 {
        // In the order of the file: by sheet, then by row (a stable sort keeps each row's
        // problems in the order of its columns' checks).
        let sheets: Vec<Option<String>> = tables.iter().map(|table| table.sheet.clone()).collect();
        let mut list = problems.list;
        list.sort_by_key(|p| (sheets.iter().position(|s| *s == p.sheet).unwrap_or(usize::MAX), p.row));
        list.truncate(MAX_LISTED_PROBLEMS);
        return Err(PlanError::SheetInvalid { problems: list, total: problems.total }.into());
    }
    Ok(PlanFile { classes, rules: file_rules })
}

/// The copy a rule row gives, or `None` (with its problems noted) when a value is wrong.
fn read_copy(
    cells: &HashMap<Column, String>,
    problems: &mut Problems,
    sheet: &Option<String>,
    row: usize,
    header_name: &dyn Fn(Column) -> String,
) -> Option<CopyRule> {
    let mut ok = true;
    let mut need = |column: Column, problems: &mut Problems| -> Option<String> {
        let value = cells.get(&column).cloned();
        if value.is_none() {
            problems.add(sheet, row, Some(&header_name(column)), CellIssue::Missing);
            ok = false;
        }
        value
    };
    let kind_text = need(Column::Copy, problems);
    let active_text = need(Column::ActivePeriod, problems);
    let semi_text = need(Column::SemiActivePeriod, problems);
    let disposition_text = need(Column::Disposition, problems);
    let mut parse =
        |text: Option<String>, column: Column, f: &dyn Fn(&str) -> Option<()>, issue: &dyn Fn(String) -> CellIssue| {
            if let Some(text) = text {
                if f(&text).is_none() {
                    problems.add(sheet, row, Some(&header_name(column)), issue(text));
                    ok = false;
                }
            }
        };
    parse(kind_text.clone(), Column::Copy, &|t| parse_copy_kind(t).map(|_| ()), &|value| CellIssue::InvalidCopyKind {
        value,
    });
    parse(active_text.clone(), Column::ActivePeriod, &|t| parse_period(t).map(|_| ()), &|value| {
        CellIssue::InvalidPeriod { value }
    });
    parse(semi_text.clone(), Column::SemiActivePeriod, &|t| parse_period(t).map(|_| ()), &|value| {
        CellIssue::InvalidPeriod { value }
    });
    parse(disposition_text.clone(), Column::Disposition, &|t| parse_disposition(t).map(|_| ()), &|value| {
        CellIssue::InvalidDisposition { value }
    });
    if !ok {
        return None;
    }
    let optional = |column: Column| cells.get(&column).cloned();
    Some(CopyRule {
        kind: parse_copy_kind(&kind_text?)?,
        delay_number: optional(Column::DelayNumber),
        media: optional(Column::Media).unwrap_or_default(),
        active: parse_period(&active_text?)?,
        semi_active: parse_period(&semi_text?)?,
        disposition: parse_disposition(&disposition_text?)?,
        media_remark: optional(Column::MediaRemark),
        active_remark: optional(Column::ActiveRemark),
        semi_active_remark: optional(Column::SemiActiveRemark),
        disposition_remark: optional(Column::DispositionRemark),
    })
}

// ----- applying -----

/// What a plan import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanImportReport {
    /// Class rows in the file.
    pub classes: u32,
    pub classes_created: u32,
    /// Classes the plan had whose titles, notes, examples, parent or active flag the file changed.
    pub classes_updated: u32,
    pub classes_unchanged: u32,
    /// The rules, as the XML import counts them.
    pub schedule: ImportReport,
}

/// Writes a checked file in the caller's transaction.
pub(crate) fn apply(
    tx: &Connection,
    file: PlanFile,
    author_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<PlanImportReport, Error> {
    let at = stamp(now);
    let today = now.date_naive();
    let mut report = PlanImportReport { classes: file.classes.len() as u32, ..PlanImportReport::default() };
    // Parents before children: a class waits until its parent has a row id.
    let mut pending: Vec<FileClass> = file.classes;
    // Classes given another parent: their files' documents in the search index hold the old
    // code path.
    let mut moved: Vec<plan::ClassId> = Vec::new();
    while !pending.is_empty() {
        let before = pending.len();
        let mut waiting = Vec::new();
        for class in pending {
            let parent_id = match &class.parent {
                None => None,
                Some(parent) => match plan::class_id(tx, parent)? {
                    Some(id) => Some(id),
                    None => {
                        waiting.push(class);
                        continue;
                    }
                },
            };
            let existing = plan::class_id(tx, &class.code)?;
            match existing {
                None => {
                    tx.execute(
                        "INSERT INTO plan_classes (code, parent_id, title_fr, title_en, scope_note_fr, scope_note_en, examples, active, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                        params![class.code, parent_id, class.title_fr, class.title_en, class.scope_note_fr, class.scope_note_en, class.examples, class.active, at],
                    )?;
                    report.classes_created += 1;
                }
                Some(id) => {
                    let old_parent: Option<i64> =
                        tx.query_row("SELECT parent_id FROM plan_classes WHERE id = ?1", [id], |row| row.get(0))?;
                    if old_parent != parent_id {
                        moved.push(plan::ClassId(id));
                    }
                    let changed = tx.execute(
                        "UPDATE plan_classes SET parent_id = ?2, title_fr = ?3, title_en = ?4, scope_note_fr = ?5,
                             scope_note_en = ?6, examples = ?7, active = ?8, updated_at = ?9
                         WHERE id = ?1 AND NOT (parent_id IS ?2 AND title_fr = ?3 AND title_en = ?4 AND scope_note_fr = ?5
                             AND scope_note_en = ?6 AND examples = ?7 AND active = ?8)",
                        params![id, parent_id, class.title_fr, class.title_en, class.scope_note_fr, class.scope_note_en, class.examples, class.active, at],
                    )?;
                    if changed > 0 {
                        report.classes_updated += 1;
                    } else {
                        report.classes_unchanged += 1;
                    }
                }
            }
        }
        if waiting.len() == before {
            // Cannot happen once the file is checked (a child's code strictly extends its
            // parent's), but an endless loop must not be the way it shows.
            let class = &waiting[0];
            return Err(PlanError::UnknownClass { code: class.parent.clone().unwrap_or_default() }.into());
        }
        pending = waiting;
    }
    plan::follow_new_parents(tx, &moved)?;

    report.schedule.rules = file.rules.len() as u32;
    report.schedule.copies = file.rules.iter().map(|rule| rule.content.copies.len() as u32).sum();
    for rule in file.rules {
        let mut content = rule.content;
        for code in &mut content.classes {
            *code = plan::stored_code(tx, code)?.ok_or_else(|| PlanError::UnknownClass { code: code.clone() })?;
        }
        match load_rule(tx, &rule.number)? {
            None => {
                tx.execute(
                    "INSERT INTO retention_rules (number, created_at) VALUES (?1, ?2)",
                    params![rule.number, at],
                )?;
                let rule_id = tx.last_insert_rowid();
                let effective = rule.effective_date.unwrap_or(today);
                retention::insert_version(tx, rule_id, 1, effective, author_id, &at, Origin::Import, "", &content)?;
                report.schedule.created += 1;
            }
            Some(existing) => {
                let Some(current) = existing.current() else {
                    return Err(PlanError::UnknownRule { number: existing.number.clone() }.into());
                };
                if !rule.trigger_given {
                    content.trigger = current.content.trigger.clone();
                }
                if content == current.content {
                    report.schedule.unchanged += 1;
                    continue;
                }
                let (rule_id, _) = retention::rule_id(tx, &existing.number)?
                    .ok_or_else(|| PlanError::UnknownRule { number: existing.number.clone() })?;
                let effective = rule.effective_date.unwrap_or(today).max(current.effective_date);
                retention::insert_version(
                    tx,
                    rule_id,
                    current.version + 1,
                    effective,
                    author_id,
                    &at,
                    Origin::Import,
                    "",
                    &content,
                )?;
                report.schedule.revised += 1;
            }
        }
    }
    Ok(report)
}

// ----- the vault's operations -----

/// The file formats of the plan and its rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanFormat {
    /// The Quebec XML exchange format: rules only; missing classes are created.
    Xml,
    /// One table, classes and rules told apart by the `Type`/`Kind` column.
    Csv,
    /// A workbook with a `Classes` sheet and a `Règles`/`Rules` sheet.
    Xlsx,
}

impl PlanFormat {
    /// The format a file name's extension says, without regard to case.
    pub fn from_path(path: &std::path::Path) -> Result<PlanFormat, PlanError> {
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
        match extension.as_str() {
            "xml" => Ok(PlanFormat::Xml),
            "csv" | "txt" => Ok(PlanFormat::Csv),
            "xlsx" => Ok(PlanFormat::Xlsx),
            "" => Err(PlanError::UnsupportedFormat { extension: path.display().to_string() }),
            other => Err(PlanError::UnsupportedFormat { extension: format!(".{other}") }),
        }
    }

    /// A plan file's format and bytes. One over [`MAX_PLAN_FILE_BYTES`] is refused before it
    /// is read: a register or a log picked by mistake would otherwise be held whole, decoded and
    /// split into rows (a 200 MB CSV peaked at 870 MB) only to be refused for its columns.
    pub fn read_file(path: &std::path::Path) -> Result<(PlanFormat, Vec<u8>), Error> {
        let format = PlanFormat::from_path(path)?;
        let size = std::fs::metadata(path).map_err(|e| crate::IoError::new("read", path, e))?.len();
        check_plan_size(size)?;
        let bytes = std::fs::read(path).map_err(|e| crate::IoError::new("read", path, e))?;
        Ok((format, bytes))
    }
}

/// The largest plan file imported: 50 times the whole BAnQ retention schedule (0.6 MB of XML).
pub const MAX_PLAN_FILE_BYTES: u64 = 32 << 20;

fn check_plan_size(size: u64) -> Result<(), PlanError> {
    if size > MAX_PLAN_FILE_BYTES {
        return Err(PlanError::TooLarge { size_mib: size.div_ceil(1 << 20), max_mib: MAX_PLAN_FILE_BYTES >> 20 });
    }
    Ok(())
}

impl Vault {
    /// Imports the plan and its rules from a file in any [`PlanFormat`]. The whole file is read
    /// and checked against the plan first, and every problem listed with its row and column;
    /// one problem and nothing is written. Then, in one transaction with one `plan.import`
    /// event: new classes are added and existing ones take the file's titles, notes, parent and
    /// active flag (classes the file does not name are left alone); new rules get their first
    /// version, rules that differ from their current version get a new one, identical ones are
    /// left alone.
    pub fn import_plan(
        &mut self,
        session: &Session,
        format: PlanFormat,
        bytes: &[u8],
    ) -> Result<PlanImportReport, Error> {
        check_plan_size(bytes.len() as u64)?;
        if format == PlanFormat::Xml {
            let schedule = self.import_schedule_xml(session, bytes)?;
            return Ok(PlanImportReport {
                schedule,
                classes_created: schedule.classes_created,
                ..PlanImportReport::default()
            });
        }
        self.require(session, Permission::ManagePlan)?;
        let tables = match format {
            PlanFormat::Csv => spreadsheet::read_csv(bytes)?.into_iter().collect(),
            _ => spreadsheet::read_xlsx(bytes)?,
        };
        if tables.is_empty() {
            return Err(PlanError::SheetEmpty.into());
        }
        let file = read(&self.conn, &tables)?;
        let now = self.env.clock.now();
        let tx = self.conn.transaction()?;
        let report = apply(&tx, file, session.user.id.0, now)?;
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::PlanImport, "plan", format_name(format)).details(serde_json::json!({
                "format": format_name(format),
                "sha256": hex::encode(crate::crypto::sha256(bytes)),
                "bytes": bytes.len(),
                "report": report,
            })),
            now,
        )?;
        tx.commit()?;
        Ok(report)
    }

    /// The plan (every class, in tree order) and the current version of every rule, in a
    /// format; headers and words in `lang`. XML holds the rules only. Audited.
    pub fn export_plan(&self, session: &Session, format: PlanFormat, lang: Lang) -> Result<Vec<u8>, Error> {
        if format == PlanFormat::Xml {
            return self.export_schedule_xml(session);
        }
        self.require(session, Permission::ViewPlan)?;
        let classes = plan::tree(&self.conn)?;
        let rules = retention::all_rules(&self.conn)?;
        let class_row = |class: &PlanClass, columns: &[Column]| -> Vec<String> {
            columns.iter().map(|column| class_cell(class, *column, lang)).collect()
        };
        let rule_rows = |columns: &[Column]| -> Vec<Vec<String>> {
            let mut rows = Vec::new();
            for rule in &rules {
                let Some(version) = rule.current() else { continue };
                for copy in &version.content.copies {
                    rows.push(
                        columns
                            .iter()
                            .map(|column| {
                                rule_cell(&rule.number, version.effective_date, &version.content, copy, *column, lang)
                            })
                            .collect(),
                    );
                }
            }
            rows
        };
        let headers =
            |columns: &[Column]| -> Vec<String> { columns.iter().map(|c| c.header(lang).to_owned()).collect() };
        let bytes = match format {
            PlanFormat::Csv => {
                let columns: Vec<Column> =
                    std::iter::once(Column::Kind).chain(CLASS_COLUMNS).chain(RULE_COLUMNS).collect();
                let mut rows: Vec<Vec<String>> = classes.iter().map(|class| class_row(class, &columns)).collect();
                rows.extend(rule_rows(&columns));
                spreadsheet::write_csv(&headers(&columns), &rows)
            }
            _ => {
                let class_rows = classes.iter().map(|class| class_row(class, &CLASS_COLUMNS)).collect();
                let sheets = vec![
                    ("Classes".to_owned(), headers(&CLASS_COLUMNS), class_rows),
                    (lang.pick("Règles", "Rules").to_owned(), headers(&RULE_COLUMNS), rule_rows(&RULE_COLUMNS)),
                ];
                spreadsheet::write_xlsx(&sheets)?
            }
        };
        self.record(
            session,
            NewEvent::new(AuditAction::PlanExport, "plan", format_name(format)).details(serde_json::json!({
                "format": format_name(format),
                "classes": classes.len(),
                "rules": rules.len(),
                "bytes": bytes.len(),
            })),
        )?;
        Ok(bytes)
    }
}

fn format_name(format: PlanFormat) -> &'static str {
    match format {
        PlanFormat::Xml => "xml",
        PlanFormat::Csv => "csv",
        PlanFormat::Xlsx => "xlsx",
    }
}

// ----- writing -----

/// The columns Greffier writes for classes and for rules, in order.
pub(crate) const CLASS_COLUMNS: [Column; 8] = [
    Column::Code,
    Column::Parent,
    Column::TitleFr,
    Column::TitleEn,
    Column::ScopeNoteFr,
    Column::ScopeNoteEn,
    Column::Examples,
    Column::Active,
];

pub(crate) const RULE_COLUMNS: [Column; 29] = [
    Column::Rule,
    Column::Classes,
    Column::SeriesTitle,
    Column::EffectiveDate,
    Column::Trigger,
    Column::Copy,
    Column::DelayNumber,
    Column::Media,
    Column::ActivePeriod,
    Column::SemiActivePeriod,
    Column::Disposition,
    Column::MediaRemark,
    Column::ActiveRemark,
    Column::SemiActiveRemark,
    Column::DispositionRemark,
    Column::Description,
    Column::ProcessActivity,
    Column::HoldingUnits,
    Column::DocumentTypes,
    Column::LegalReference,
    Column::Essential,
    Column::Confidential,
    Column::PeriodRemarks,
    Column::GeneralRemarks,
    Column::OrganisationId,
    Column::TransactionType,
    Column::Collection,
    Column::CollectionNumber,
    Column::Grillechan,
];

fn flag_text(value: Option<bool>) -> String {
    match value {
        Some(true) => "O".into(),
        Some(false) => "N".into(),
        None => String::new(),
    }
}

/// The value of a column for a class.
pub(crate) fn class_cell(class: &PlanClass, column: Column, lang: Lang) -> String {
    match column {
        Column::Kind => lang.pick("classe", "class").into(),
        Column::Code => class.code.clone(),
        Column::Parent => class.parent.clone().unwrap_or_default(),
        Column::TitleFr => class.title_fr.clone(),
        Column::TitleEn => class.title_en.clone(),
        Column::ScopeNoteFr => class.scope_note_fr.clone(),
        Column::ScopeNoteEn => class.scope_note_en.clone(),
        Column::Examples => class.examples.clone(),
        Column::Active => {
            lang.pick(if class.active { "oui" } else { "non" }, if class.active { "yes" } else { "no" }).into()
        }
        _ => String::new(),
    }
}

/// The value of a column for one copy of a rule's version.
pub(crate) fn rule_cell(
    number: &str,
    effective: NaiveDate,
    c: &RuleContent,
    copy: &CopyRule,
    column: Column,
    lang: Lang,
) -> String {
    let opt = |value: &Option<String>| value.clone().unwrap_or_default();
    match column {
        Column::Kind => lang.pick("règle", "rule").into(),
        Column::Rule => number.to_owned(),
        Column::Classes => c.classes.join("; "),
        Column::SeriesTitle => c.series_title.clone(),
        Column::EffectiveDate => effective.format("%Y-%m-%d").to_string(),
        Column::Trigger => trigger_text(&c.trigger, lang),
        Column::Copy => copy.kind.code().to_string(),
        Column::DelayNumber => opt(&copy.delay_number),
        Column::Media => copy.media.clone(),
        Column::ActivePeriod => period_text(copy.active, lang),
        Column::SemiActivePeriod => period_text(copy.semi_active, lang),
        Column::Disposition => copy.disposition.code().to_string(),
        Column::MediaRemark => opt(&copy.media_remark),
        Column::ActiveRemark => opt(&copy.active_remark),
        Column::SemiActiveRemark => opt(&copy.semi_active_remark),
        Column::DispositionRemark => opt(&copy.disposition_remark),
        Column::Description => c.description.clone(),
        Column::ProcessActivity => c.process_activity.clone(),
        Column::HoldingUnits => c.holding_units.clone(),
        Column::DocumentTypes => c.document_types.clone(),
        Column::LegalReference => c.legal_reference.clone(),
        Column::Essential => flag_text(c.essential),
        Column::Confidential => flag_text(c.confidential),
        Column::PeriodRemarks => c.period_remarks.clone(),
        Column::GeneralRemarks => c.general_remarks.clone(),
        Column::OrganisationId => c.organisation_id.clone(),
        Column::TransactionType => c.transaction_type.clone(),
        Column::Collection => c.collection.clone(),
        Column::CollectionNumber => c.collection_number.clone(),
        Column::Grillechan => c.grillechan.clone(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised_in_both_languages() {
        let check =
            |header: &str, expected: Option<Column>| assert_eq!(Column::from_header(header), expected, "{header:?}");
        check("Période active", Some(Column::ActivePeriod));
        check("PERIODE ACTIVE", Some(Column::ActivePeriod));
        check("Active period", Some(Column::ActivePeriod));
        check("PERIOACTIF", Some(Column::ActivePeriod));
        check("Titre FR", Some(Column::TitleFr));
        check("Règle", Some(Column::Rule));
        check("No de règle", Some(Column::Rule));
        check("Code parent", Some(Column::Parent));
        check("Couleur", None);
        for column in Column::ALL {
            for lang in [Lang::Fr, Lang::En] {
                check(column.header(lang), Some(column));
            }
        }
    }

    #[test]
    fn values_are_read_as_people_type_them() {
        assert_eq!(parse_period("5"), Some(Period::Years(5)));
        assert_eq!(parse_period("5 ans"), Some(Period::Years(5)));
        assert_eq!(parse_period("1 an"), Some(Period::Years(1)));
        assert_eq!(parse_period("18 mois"), Some(Period::Months(18)));
        assert_eq!(parse_period("18 months"), Some(Period::Months(18)));
        assert_eq!(parse_period("888"), Some(Period::UntilEvent));
        assert_eq!(parse_period("999"), Some(Period::WhileInUse));
        for bad in ["", "cinq", "5 semaines", "-1", "2.5", "888 ans"] {
            assert_eq!(parse_period(bad), None, "{bad:?}");
        }
        for period in [Period::Years(0), Period::Years(7), Period::Months(6), Period::UntilEvent, Period::WhileInUse] {
            for lang in [Lang::Fr, Lang::En] {
                assert_eq!(parse_period(&period_text(period, lang)), Some(period));
            }
        }
        assert_eq!(parse_disposition("détruire"), Some(Disposition::Destroy));
        assert_eq!(parse_disposition("c"), Some(Disposition::Keep));
        assert_eq!(parse_disposition("X"), None);
        assert_eq!(parse_date("31/12/2026"), NaiveDate::from_ymd_opt(2026, 12, 31));
        assert_eq!(parse_date("2026-12-31"), NaiveDate::from_ymd_opt(2026, 12, 31));
        assert_eq!(parse_date("12/31/2026"), None, "the day comes first");
        let fixed = TriggerEvent::FixedDate { date: NaiveDate::from_ymd_opt(2030, 6, 30).expect("date") };
        assert_eq!(parse_trigger("date_fixe:30/06/2030"), Some(fixed.clone()));
        for trigger in [
            TriggerEvent::FileClosed,
            TriggerEvent::ContractEnded,
            TriggerEvent::LastActivity,
            TriggerEvent::BirthDate,
            TriggerEvent::FileDate { field: "date de fin".into() },
            fixed,
        ] {
            for lang in [Lang::Fr, Lang::En] {
                assert_eq!(parse_trigger(&trigger_text(&trigger, lang)), Some(trigger.clone()));
            }
        }
        assert_eq!(parse_trigger("Dernière activité"), Some(TriggerEvent::LastActivity));
        assert_eq!(parse_trigger("un jour"), None);
    }
}
