//! The search benchmark's queries, each written twice: in the syntax of Greffier's query parser
//! (tantivy's, with conjunction by default) and as the equivalent FTS5 `MATCH` expression. Every
//! word comes from the generator's vocabularies, so each query has hits on a generated register.

use serde::Serialize;

/// What a query exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryKind {
    /// One or two plain words of moderate to low frequency.
    Word,
    /// A quoted phrase: positions matter.
    Phrase,
    /// A word stem with `*`.
    Prefix,
    /// A word typed with its accents, found in either spelling.
    Accented,
    /// A word or phrase restricted to the title.
    Field,
    /// Words that occur in most files: the ranking of a large result set is the cost.
    Heavy,
}

/// One query of the mix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BenchQuery {
    pub label: &'static str,
    pub kind: QueryKind,
    /// Greffier's syntax (tantivy's query parser).
    pub greffier: String,
    /// The FTS5 `MATCH` expression that asks the same.
    pub fts5: String,
}

/// The query mix of the search benchmark.
///
/// FTS5's `unicode61 remove_diacritics 2` folds accents in queries as in documents, so the FTS5
/// side of an accented query could keep its accents; it is written folded, as a user of a plain
/// FTS5 application would have to. No query names a class: the FTS5 peer's index holds the text
/// columns only (`reference, title, description, keywords, notes`).
pub fn query_mix() -> Vec<BenchQuery> {
    use QueryKind::{Accented, Field, Heavy, Phrase, Prefix, Word};
    let same = |label, kind, query: &str| (label, kind, query.to_string(), query.to_string());
    let both = |label, kind, greffier: &str, fts5: &str| (label, kind, greffier.to_string(), fts5.to_string());
    [
        same("word: inspection", Word, "inspection"),
        same("word: grief", Word, "grief"),
        same("word: invoice", Word, "invoice"),
        same("word: facture", Word, "facture"),
        same("word: saguenay", Word, "saguenay"),
        same("two words: plainte permis", Word, "plainte permis"),
        same("rare: vermiculite", Word, "vermiculite"),
        same("rare: castor", Word, "castor"),
        same("rare: asbestos", Word, "asbestos"),
        same("rare: gazebo", Word, "gazebo"),
        same("phrase: contrat de service", Phrase, "\"contrat de service\""),
        same("phrase: minutes of the board meeting", Phrase, "\"minutes of the board meeting\""),
        same("phrase: accident du travail", Phrase, "\"accident du travail\""),
        same("phrase: snow removal", Phrase, "\"snow removal\""),
        same("phrase: service aux citoyens", Phrase, "\"service aux citoyens\""),
        same("prefix: insp*", Prefix, "insp*"),
        both("prefix: déneig*", Prefix, "déneig*", "deneig*"),
        both("prefix: vérif*", Prefix, "vérif*", "verif*"),
        same("prefix: trem*", Prefix, "trem*"),
        both("accented: québec", Accented, "québec", "quebec"),
        both("accented: trois-rivières", Accented, "\"trois-rivières\"", "\"trois-rivieres\""),
        both("accented: employée", Accented, "employée", "employee"),
        both("accented: réclamation", Accented, "réclamation", "reclamation"),
        both("accented: procès-verbal", Accented, "\"procès-verbal\"", "\"proces-verbal\""),
        both("accented: évaluation", Accented, "évaluation", "evaluation"),
        both("accented: lévis", Accented, "lévis", "levis"),
        same("title: contrat", Field, "title:contrat"),
        same("title: inspection", Field, "title:inspection"),
        same("title: dossier de l'employé", Field, "title:\"dossier de l'employé\""),
        same("heavy: dossier", Heavy, "dossier"),
        same("heavy: demande", Heavy, "demande"),
        same("heavy: service", Heavy, "service"),
        same("heavy: the", Heavy, "the"),
        same("heavy: request", Heavy, "request"),
        same("heavy: dossier demande", Heavy, "dossier demande"),
    ]
    .into_iter()
    .map(|(label, kind, greffier, fts5)| BenchQuery { label, kind, greffier, fts5 })
    .collect()
}
