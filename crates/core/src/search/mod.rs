//! Full-text search over the register with tantivy, in an index that never lands on disk in
//! clear text.
//!
//! The index lives in `search.db`, a second SQLCipher database in the vault folder keyed with a
//! key derived from the vault key (HMAC-SHA256 of the vault key and a fixed label), through
//! [`directory::VaultDirectory`]. Why a second database rather than tables of `vault.db`:
//! tantivy writes from its own threads, and a write to the vault's database while the register
//! holds a write transaction fails with "database is locked" (BUILD-NOTES.md); with its own file
//! the index builds in parallel with a bulk import's single register transaction. The index is
//! derived data: backups leave it out, and an index that the vault key cannot open (after a
//! rekey or a restore) or that is ahead of the register is rebuilt.
//!
//! Register and index stay in step through `register_state.change_seq`: every change to a file
//! or a person takes the next value, and every index commit records in its payload the value it
//! has reached. [`SearchIndex::catch_up`] replays the files and persons changed since, after
//! each register change and at open, so a crash between the two commits loses nothing.

pub(crate) mod directory;
mod fold;
mod phrase;
mod query;
mod stems;

use std::{
    collections::HashMap,
    fs::File,
    path::{Path, PathBuf},
};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use tantivy::{
    collector::{Collector, Count, SegmentCollector, TopDocs},
    schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST},
    snippet::SnippetGenerator,
    tokenizer::{LowerCaser, RawTokenizer, TextAnalyzer, TokenStream, TokenizerManager},
    DocAddress, DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentOrdinal, SegmentReader,
    TantivyDocument, Term,
};

use crate::{
    crypto::hmac_sha256,
    fsutil::{remove_database, with_suffix},
    ErrorCode, UserMessage, VaultKey,
};

use directory::VaultDirectory;

pub use query::{rewrite_query, split_prefixes, Prefix};

/// The index database's file name, beside `vault.db`.
pub const INDEX_FILE: &str = "search.db";
/// Where a full rebuild writes the new index before it replaces [`INDEX_FILE`].
const REBUILD_FILE: &str = "search-rebuild.db";
const LOCK_FILE: &str = "search.lock";
/// Bumped when the schema or the analysis changes: an index of another version is rebuilt.
const SCHEMA_VERSION: u32 = 7;
/// tantivy's indexing threads and the memory they share: each thread writes a segment when its
/// share fills, and tantivy's merge policy merges segments of a size by eights.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct WriterSetup {
    threads: usize,
    heap: usize,
}

/// Everyday writes and imports: one thread of 96 MiB. An import's own thread and its parsing
/// keep the other core busy, so a second indexing thread only halved the segments: at a million
/// files, two threads of 32 MiB wrote segments of 34,000 documents, merged while indexing and
/// after. One thread of 96 MiB took 58 s rather than 73–75 s, with a third less CPU and the same
/// peak (249 MiB), 2026-12-07.
const WRITER: WriterSetup = WriterSetup { threads: 1, heap: 96 << 20 };
/// An import with a persons sheet: two threads of 32 MiB. The files that its persons rows name
/// are indexed after the rows are written, with their persons, and that phase is indexing alone,
/// where a second thread counts: one thread of 96 MiB took 45 s for it rather than 41 s at a
/// million files with 600,000 persons (2026-12-07).
const PERSONS_IMPORT_WRITER: WriterSetup = WriterSetup { threads: 2, heap: 64 << 20 };
/// A full rebuild, where indexing is all the work: two threads of 96 MiB. At a million files they
/// wrote segments of 150,000 documents, six of them, under the eight that the merge policy
/// merges; two threads of 32 MiB merged theirs into two of 272,000 while indexing and left 13 to
/// merge after the commit. The rebuild took 24 s rather than 35 s (medians of four, alternated),
/// with a third less CPU (`greffier search reindex`, 2026-12-07). The register's page cache is
/// held small meanwhile (see `Vault::reindex`).
const REBUILD_WRITER: WriterSetup = WriterSetup { threads: 2, heap: 192 << 20 };
/// Threads a query's segments are searched on (the machines have two cores): the heavy words and
/// phrases of common words at a million files take 0.6x the time of one thread.
const SEARCH_THREADS: usize = 2;
/// The id of the stray document of [`SearchIndex::commit_as_schema`].
const STRAY_ID: i64 = 999_999_999;
/// Documents replaced per delete query (see `SearchIndex::replace`).
const REPLACE_CHUNK: usize = 10_000;

/// Replacement documents held back with their keys until a chunk is full.
type Replacements = Vec<(Term, TantivyDocument)>;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("The search index could not be used ({detail}). Run `greffier search reindex` to rebuild it.")]
    Index { detail: String },
    #[error("The search index is in use by another Greffier window or command. Close it and try again.")]
    Busy,
    #[error("The query “{query}” could not be read: {detail}. Check the quotes and parentheses.")]
    BadQuery { query: String, detail: String },
    #[error(
        "Search has no field “{field}”. Name one of class, project, status, sensitivity, due, person, reference \
         (ref) or title (or their French names), or leave the field out to search every text."
    )]
    UnknownField { field: String },
}

impl UserMessage for SearchError {
    fn code(&self) -> ErrorCode {
        match self {
            SearchError::Index { .. } => ErrorCode::SearchIndexFailed,
            SearchError::Busy => ErrorCode::SearchIndexBusy,
            SearchError::BadQuery { .. } | SearchError::UnknownField { .. } => ErrorCode::SearchQueryInvalid,
        }
    }

    fn french(&self) -> String {
        match self {
            SearchError::Index { detail } => format!(
                "L'index de recherche est inutilisable ({detail}). Lancez `greffier search reindex` pour le reconstruire."
            ),
            SearchError::Busy => {
                "L'index de recherche est utilisé par une autre fenêtre ou commande Greffier. Fermez-la et réessayez."
                    .into()
            }
            SearchError::BadQuery { query, detail } => format!(
                "La requête « {query} » est illisible : {detail}. Vérifiez les guillemets et les parenthèses."
            ),
            SearchError::UnknownField { field } => format!(
                "La recherche n'a pas de champ « {field} ». Nommez classe, projet, statut, sensibilité, échéance, \
                 personne, référence (ref) ou titre (ou leur nom anglais), ou retirez le champ pour chercher dans tous \
                 les textes."
            ),
        }
    }
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(error: tantivy::TantivyError) -> Self {
        SearchError::Index { detail: error.to_string() }
    }
}

impl From<rusqlite::Error> for SearchError {
    fn from(error: rusqlite::Error) -> Self {
        SearchError::Index { detail: error.to_string() }
    }
}

/// What a document of the index is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    File,
    Person,
}

impl DocKind {
    fn as_str(self) -> &'static str {
        match self {
            DocKind::File => "file",
            DocKind::Person => "person",
        }
    }
    fn key(self, id: i64) -> String {
        match self {
            DocKind::File => format!("f{id}"),
            DocKind::Person => format!("p{id}"),
        }
    }
}

/// The facets the index counts.
pub const FACETS: [&str; 5] = ["class_code", "project", "status", "sensitivity", "due"];

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    key: Field,
    id: Field,
    kind: Field,
    reference: Field,
    title: Field,
    text: Field,
    /// The persons a file is about (their names, birth dates, identifiers), on file documents.
    person: Field,
    /// The same for a person's own document: a field no file has, so that a query on files'
    /// fields cannot match a person and needs no filter on the kind (see [`could_match`]).
    who: Field,
    class: Field,
    class_code: Field,
    project: Field,
    status: Field,
    sensitivity: Field,
    due: Field,
    title_sort: Field,
    status_rank: Field,
    sensitivity_rank: Field,
    final_on: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let analysed = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    // Codes are one token each (a class, its ancestors too): no field norms, whose byte per
    // document and field a segment's `.fieldnorm` file holds (read whole and kept by a searcher;
    // at a million files, 9 of its 13 MiB were for these fields). A term query on a field without
    // norms scores as if its length were 1.
    let whole = |tokenizer: &str| {
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false)
    };
    let code = || TextOptions::default().set_indexing_options(whole("code")).set_fast("code");
    let fields = Fields {
        key: builder.add_text_field("key", TextOptions::default().set_indexing_options(whole("raw"))),
        // Read from its fast column: the index stores no document (no document store to write
        // while indexing, nor blocks of it to decompress and cache for each hit).
        id: builder.add_i64_field("id", FAST),
        kind: builder.add_text_field("kind", code()),
        reference: builder.add_text_field("reference", code()),
        title: builder.add_text_field("title", analysed("fold")),
        text: builder.add_text_field("text", analysed("fold")),
        person: builder.add_text_field("person", analysed("fold")),
        who: builder.add_text_field("who", analysed("fold")),
        class: builder.add_text_field("class", TextOptions::default().set_indexing_options(whole("code"))),
        class_code: builder.add_text_field("class_code", code()),
        project: builder.add_text_field("project", code()),
        status: builder.add_text_field("status", code()),
        sensitivity: builder.add_text_field("sensitivity", code()),
        due: builder.add_text_field("due", code()),
        // Columns the register sorts by (see `SortBy`), stored nowhere else.
        title_sort: builder.add_text_field("title_sort", TextOptions::default().set_fast("code")),
        status_rank: builder.add_u64_field("status_rank", FAST),
        sensitivity_rank: builder.add_u64_field("sensitivity_rank", FAST),
        final_on: builder.add_u64_field("final_on", FAST),
    };
    (builder.build(), fields)
}

/// The fields a query's words are looked for in when it names none.
fn default_fields(f: &Fields, kind: DocKind) -> Vec<Field> {
    match kind {
        DocKind::File => vec![f.title, f.text, f.person, f.reference],
        DocKind::Person => vec![f.who],
    }
}

/// Whether documents of the kind other than `kind` (a query's) have `field` (`None`: the
/// query's default fields; `person` in a query on persons means their `who`).
fn other_kind_has(kind: DocKind, field: Option<&str>) -> bool {
    match (kind, field) {
        // Persons have their key, id, kind and `who`; none of the files' default fields.
        (DocKind::File, None) => false,
        (DocKind::File, Some(name)) => matches!(name, "key" | "id" | "kind" | "who"),
        (DocKind::Person, None | Some("who" | "person")) => false,
        (DocKind::Person, Some(_)) => true,
    }
}

/// Whether a parsed query could match a document, knowing which fields the document has
/// (`has(None)`: the default fields). Errs towards yes: a leaf on a field the document has, `*`,
/// or a clause of exclusions alone may match; a required leaf on a field it lacks cannot.
/// Words without `+`, `-` or `OR` are required (the parser's conjunction by default).
fn could_match(ast: &tantivy::query_grammar::UserInputAst, has: &dyn Fn(Option<&str>) -> bool) -> bool {
    use tantivy::query_grammar::{Occur, UserInputAst, UserInputLeaf};
    match ast {
        UserInputAst::Boost(inner, _) => could_match(inner, has),
        UserInputAst::Leaf(leaf) => match leaf.as_ref() {
            UserInputLeaf::All => true,
            // Words the analysis drops entirely (punctuation) make no clause: they rule out nothing.
            UserInputLeaf::Literal(literal) => {
                has(literal.field_name.as_deref()) || !literal.phrase.chars().any(char::is_alphanumeric)
            }
            UserInputLeaf::Range { field, .. }
            | UserInputLeaf::Set { field, .. }
            | UserInputLeaf::Regex { field, .. } => has(field.as_deref()),
            UserInputLeaf::Exists { field } => has(Some(field)),
        },
        UserInputAst::Clause(clauses) => {
            let required: Vec<&UserInputAst> = clauses
                .iter()
                .filter(|(occur, _)| matches!(occur, None | Some(Occur::Must)))
                .map(|(_, ast)| ast)
                .collect();
            let optional: Vec<&UserInputAst> =
                clauses.iter().filter(|(occur, _)| *occur == Some(Occur::Should)).map(|(_, ast)| ast).collect();
            if !required.is_empty() {
                required.iter().all(|ast| could_match(ast, has))
            } else if !optional.is_empty() {
                optional.iter().any(|ast| could_match(ast, has))
            } else {
                true
            }
        }
    }
}

/// The first field a parsed query names that people may not name: a query on files names the
/// fields of [`query`]'s aliases; one on persons also `who` (what `person:` becomes there).
fn first_unknown_field(ast: &tantivy::query_grammar::UserInputAst, kind: DocKind) -> Option<String> {
    use tantivy::query_grammar::{UserInputAst, UserInputLeaf};
    let known = |name: &str| query::is_field(name) || (kind == DocKind::Person && name == "who");
    match ast {
        UserInputAst::Boost(inner, _) => first_unknown_field(inner, kind),
        UserInputAst::Clause(clauses) => clauses.iter().find_map(|(_, ast)| first_unknown_field(ast, kind)),
        UserInputAst::Leaf(leaf) => {
            let name = match leaf.as_ref() {
                UserInputLeaf::All => None,
                UserInputLeaf::Literal(literal) => literal.field_name.as_deref(),
                UserInputLeaf::Range { field, .. }
                | UserInputLeaf::Set { field, .. }
                | UserInputLeaf::Regex { field, .. } => field.as_deref(),
                UserInputLeaf::Exists { field } => Some(field.as_str()),
            };
            name.filter(|name| !known(name)).map(str::to_owned)
        }
    }
}

/// A parsed query whose words in the default fields (`fields`) also find, in the folded text, the
/// words that share their French or English stem (`siblings` gives them for a folded word),
/// weighed half: `inspection` is `(title:inspection OR text:inspection OR … OR
/// text:inspections^0.5 OR text:inspecte^0.5)`. A word alone, quoted or not; not a phrase, a
/// prefix or a word in a named field (`titre:contrat` means that word in titles).
///
/// The word is spelled out in each default field rather than left to the parser, so that the
/// clause is one flat union of terms: tantivy then skips the blocks of documents that cannot
/// reach the top 20 (block-max WAND). A union nested in a union is scored document by document
/// (`dossier`, 826,000 hits at a million files, on one slow afternoon: 11.7 ms nested, 5.7–7.8 ms
/// flat).
fn with_stems(
    ast: tantivy::query_grammar::UserInputAst,
    fields: &[&str],
    siblings: &mut dyn FnMut(&str) -> Result<Vec<String>, SearchError>,
) -> Result<tantivy::query_grammar::UserInputAst, SearchError> {
    use tantivy::query_grammar::{Delimiter, Occur, UserInputAst, UserInputLeaf, UserInputLiteral};
    Ok(match ast {
        UserInputAst::Clause(clauses) => UserInputAst::Clause(
            clauses
                .into_iter()
                .map(|(occur, ast)| Ok((occur, with_stems(ast, fields, siblings)?)))
                .collect::<Result<_, SearchError>>()?,
        ),
        UserInputAst::Boost(inner, boost) => {
            UserInputAst::Boost(Box::new(with_stems(*inner, fields, siblings)?), boost)
        }
        UserInputAst::Leaf(leaf) => match *leaf {
            UserInputLeaf::Literal(literal) if literal.field_name.is_none() && !literal.prefix => {
                let folded = fold(&literal.phrase);
                let others = if folded.contains(' ') || folded.is_empty() { Vec::new() } else { siblings(&folded)? };
                if others.is_empty() {
                    UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(literal)))
                } else {
                    let in_field = |field: &str| {
                        let literal = UserInputLiteral { field_name: Some(field.to_owned()), ..literal.clone() };
                        (Some(Occur::Should), UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(literal))))
                    };
                    let mut any: Vec<_> = fields.iter().map(|field| in_field(field)).collect();
                    any.extend(others.into_iter().map(|other| {
                        let literal = UserInputLiteral {
                            field_name: Some("text".into()),
                            phrase: other,
                            delimiter: Delimiter::None,
                            slop: 0,
                            prefix: false,
                        };
                        let leaf = UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(literal)));
                        (Some(Occur::Should), UserInputAst::Boost(Box::new(leaf), 0.5.into()))
                    }));
                    UserInputAst::Clause(any)
                }
            }
            other => UserInputAst::Leaf(Box::new(other)),
        },
    })
}

/// A query of one required clause is that clause: what tantivy's parser simplifies when it reads
/// a query's text, and does not for a query given as a tree.
/// A group of exclusions alone (`-tremblay`, `a (-b)`) means everything but them: tantivy's parser
/// refuses a query of exclusions only, so such a group is given `*` to exclude from.
fn exclusions_from_everything(ast: tantivy::query_grammar::UserInputAst) -> tantivy::query_grammar::UserInputAst {
    use tantivy::query_grammar::{Occur, UserInputAst, UserInputLeaf};
    match ast {
        UserInputAst::Clause(clauses) => {
            let only_exclusions =
                !clauses.is_empty() && clauses.iter().all(|(occur, _)| *occur == Some(Occur::MustNot));
            let mut clauses: Vec<_> =
                clauses.into_iter().map(|(occur, ast)| (occur, exclusions_from_everything(ast))).collect();
            if only_exclusions {
                clauses.push((Some(Occur::Must), UserInputAst::Leaf(Box::new(UserInputLeaf::All))));
            }
            UserInputAst::Clause(clauses)
        }
        UserInputAst::Boost(inner, boost) => UserInputAst::Boost(Box::new(exclusions_from_everything(*inner)), boost),
        leaf => leaf,
    }
}

fn unwrap_single(ast: tantivy::query_grammar::UserInputAst) -> tantivy::query_grammar::UserInputAst {
    use tantivy::query_grammar::{Occur, UserInputAst};
    match ast {
        UserInputAst::Clause(mut clauses) if clauses.len() == 1 && matches!(clauses[0].0, None | Some(Occur::Must)) => {
            unwrap_single(clauses.remove(0).1)
        }
        other => other,
    }
}

/// Lower case, accents folded (`Québec` finds `quebec`), words of 40 bytes or more dropped, in
/// one pass (see [`fold::FoldTokenizer`]).
pub(crate) fn fold_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(fold::FoldTokenizer::default())
}

fn code_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).build()
}

/// The index's analysers, but for the words of a query, whose phrases leave out their little
/// words (see [`phrase`]).
fn query_tokenizers() -> TokenizerManager {
    let tokenizers = TokenizerManager::new();
    tokenizers.register("fold", TextAnalyzer::from(phrase::PhraseGaps::new(fold_analyzer())));
    tokenizers.register("code", code_analyzer());
    tokenizers
}

fn register_analyzers(index: &Index) {
    index.tokenizers().register("fold", fold_analyzer());
    index.tokenizers().register("code", code_analyzer());
    index.fast_field_tokenizer().register("code", code_analyzer());
}

/// Folds a text as the index does: for the tests and for prefix queries.
pub fn fold(text: &str) -> String {
    fold_prefix(text, usize::MAX)
}

/// `text`'s folded words separated by a space, cut at `max_chars` characters. Reuses one
/// analyser per thread: a reindex folds every title for its sort key.
fn fold_prefix(text: &str, max_chars: usize) -> String {
    thread_local! {
        static ANALYZER: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(fold_analyzer());
    }
    let mut out = String::with_capacity(text.len().min(max_chars));
    ANALYZER.with_borrow_mut(|analyzer| {
        let mut stream = analyzer.token_stream(text);
        let mut chars = 0;
        while chars < max_chars && stream.advance() {
            if !out.is_empty() {
                out.push(' ');
                chars += 1;
            }
            let word = &stream.token().text;
            out.push_str(word);
            // Folded words are ASCII but for the rare letter tantivy cannot fold.
            chars += if word.is_ascii() { word.len() } else { word.chars().count() };
        }
        if chars > max_chars {
            let cut = out.char_indices().nth(max_chars).map_or(out.len(), |(at, _)| at);
            out.truncate(cut);
        }
    });
    out
}

/// New files handed to tantivy by a thread of their own, so that making their documents
/// (folding the title for its sort key, joining the texts) and queuing them is not done by the
/// thread that reads and writes the rows (an import's, which the whole import waits on).
pub(crate) struct Feeder<'scope> {
    docs: std::sync::mpsc::SyncSender<Vec<FileDoc>>,
    batch: Vec<FileDoc>,
    thread: std::thread::ScopedJoinHandle<'scope, Result<u64, SearchError>>,
}

/// Documents handed over at a time (one by one, waking the thread for each cost more than it
/// saved), and batches queued ahead of the feeding thread.
const FEED_BATCH: usize = 256;
const FEED_AHEAD: usize = 4;

impl<'scope> Feeder<'scope> {
    pub(crate) fn start<'env>(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        index: &'env SearchIndex,
    ) -> Result<Feeder<'scope>, SearchError> {
        let (docs, received) = std::sync::mpsc::sync_channel::<Vec<FileDoc>>(FEED_AHEAD);
        let thread = std::thread::Builder::new()
            .name("greffier-feed".into())
            .spawn_scoped(scope, move || {
                let mut fed = 0u64;
                let mut failed = None;
                // Receives to the end even after a failure, so that the sender never waits.
                for doc in received.into_iter().flatten() {
                    if failed.is_none() {
                        match index.add_new_file(&doc) {
                            Ok(()) => fed += 1,
                            Err(error) => failed = Some(error),
                        }
                    }
                }
                failed.map_or(Ok(fed), Err)
            })
            .map_err(|e| SearchError::Index { detail: e.to_string() })?;
        Ok(Feeder { docs, batch: Vec::with_capacity(FEED_BATCH), thread })
    }

    /// Queues a new file's document; `false` once the feeding thread is gone.
    pub(crate) fn send(&mut self, doc: FileDoc) -> bool {
        self.batch.push(doc);
        if self.batch.len() < FEED_BATCH {
            return true;
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(FEED_BATCH));
        self.docs.send(batch).is_ok()
    }

    /// Waits for every queued document to be handed to tantivy: how many were.
    pub(crate) fn finish(self) -> Result<u64, SearchError> {
        let Feeder { docs, batch, thread } = self;
        // The last batch; if the thread is gone, joining it says why.
        let _ = docs.send(batch);
        drop(docs);
        thread
            .join()
            .unwrap_or_else(|_| Err(SearchError::Index { detail: "the thread feeding the index stopped".into() }))
    }
}

/// A file as the index sees it.
#[derive(Debug, Clone, Default)]
pub struct FileDoc {
    pub id: i64,
    pub reference: String,
    pub class_code: String,
    /// The class and its ancestors, so `class:100` finds the files of `100-20-05`; shared by
    /// the files of a class (a rebuild or an import would otherwise copy it for each of them).
    pub class_path: std::sync::Arc<[String]>,
    pub project: Option<String>,
    pub title: String,
    pub description: String,
    pub keywords: String,
    pub notes: String,
    pub holder: String,
    pub location: String,
    pub status: String,
    pub sensitivity: String,
    /// The date of the final disposition (`YYYY-MM-DD`); `None` while its event is awaited.
    pub final_on: Option<String>,
    /// The names, birth dates and identifiers of the persons the file is about.
    pub persons: String,
}

/// A person as the index sees it.
#[derive(Debug, Clone, Default)]
pub struct PersonDoc {
    pub id: i64,
    pub text: String,
}

/// The index's payload: the register change it has reached.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
struct Payload {
    schema: u32,
    seq: i64,
}

/// A vault's search index, opened when first used; closed with the vault, once its merges are
/// done (see [`SearchIndex::close`]).
#[derive(Default)]
pub(crate) struct IndexSlot(std::cell::RefCell<Option<SearchIndex>>, Option<IndexProgress>);

impl IndexSlot {
    /// Who is told how far a long catch-up is (see [`crate::Vault::on_index_progress`]).
    pub(crate) fn progress(&self) -> Option<IndexProgress> {
        self.1.clone()
    }

    pub(crate) fn set_progress(&mut self, progress: IndexProgress) {
        self.1 = Some(progress);
    }
}

/// Told how far a long catch-up of the index is: documents done, of all (see
/// [`crate::Vault::on_index_progress`]).
pub type IndexProgress = std::sync::Arc<dyn Fn(u64, u64) + Send + Sync>;

impl std::ops::Deref for IndexSlot {
    type Target = std::cell::RefCell<Option<SearchIndex>>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Drop for IndexSlot {
    fn drop(&mut self) {
        if let Some(index) = self.0.get_mut().take() {
            index.close();
        }
    }
}

/// The search index of one vault.
pub struct SearchIndex {
    index: Index,
    directory: VaultDirectory,
    reader: IndexReader,
    /// `None` only if it could not be opened again after [`Self::reopen_writer`] closed it.
    writer: Option<IndexWriter<TantivyDocument>>,
    /// How [`Self::writer`] was set up.
    setup: WriterSetup,
    fields: Fields,
    indexed_seq: i64,
    path: PathBuf,
    /// The thread that waits for the merges [`SearchIndex::gather`] started, then reloads the
    /// reader onto the merged segments (opening them takes seconds at a million files).
    background: Option<std::thread::JoinHandle<()>>,
    /// The analysers queries are read with (see [`query_tokenizers`]).
    query_tokenizers: TokenizerManager,
    /// The index database's key.
    key: VaultKey,
    /// The lock on `search.lock`; `None` for the index a rebuild writes beside the one in use.
    _lock: Option<File>,
    /// Who is told how far a catch-up of [`REPORT_FROM`] documents or more is.
    progress: Option<IndexProgress>,
}

/// The documents a destruction or an anonymisation removes: files and persons by id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Purge {
    pub files: std::collections::HashSet<i64>,
    pub persons: std::collections::HashSet<i64>,
}

/// Derives the index database's key from the vault key.
pub(crate) fn index_key(vault_key: &VaultKey) -> VaultKey {
    VaultKey::from_bytes(hmac_sha256(vault_key.as_bytes(), b"greffier search index v1"))
}

pub(crate) fn remove_index_files(dir: &Path) {
    remove_database(&dir.join(INDEX_FILE));
    remove_database(&dir.join(REBUILD_FILE));
}

/// Puts the database a rebuild wrote (closed, its log checkpointed) in the place of the index's
/// (closed too). The old log and shared memory go first: left beside the new database, SQLite
/// would replay the old log's pages into it. A crash before the rename leaves the old index,
/// whole; after it, the new one.
fn replace_database(fresh: &Path, path: &Path) -> Result<(), SearchError> {
    let io = |e: std::io::Error| SearchError::Index { detail: e.to_string() };
    for suffix in ["-wal", "-shm", "-journal"] {
        match std::fs::remove_file(with_suffix(path, suffix)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
            _ => {}
        }
    }
    std::fs::rename(fresh, path).map_err(io)?;
    for suffix in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(with_suffix(fresh, suffix));
    }
    crate::fsutil::sync_dir(path.parent().unwrap_or_else(|| Path::new(".")))
        .map_err(|e| SearchError::Index { detail: e.to_string() })
}

fn open_database(path: &Path, key: &VaultKey) -> Result<Connection, SearchError> {
    let conn = crate::vault::connect_with(path, key, crate::vault::Durability::Normal)
        .map_err(|e| SearchError::Index { detail: e.to_string() })?;
    // The directory keeps its own cache of chunks; SQLite's page cache need not hold them again.
    conn.execute_batch("PRAGMA cache_size = -8192;")?;
    Ok(conn)
}

impl SearchIndex {
    /// Opens (or creates, or makes anew when unreadable) the index of the vault in `dir`,
    /// without bringing it up to date ([`Self::catch_up`] does).
    pub(crate) fn open(dir: &Path, vault_key: &VaultKey, register: &Connection) -> Result<SearchIndex, SearchError> {
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK_FILE))
            .map_err(|e| SearchError::Index { detail: e.to_string() })?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(SearchError::Busy),
            Err(std::fs::TryLockError::Error(e)) => return Err(SearchError::Index { detail: e.to_string() }),
        }
        // What a rebuild that did not finish left.
        remove_database(&dir.join(REBUILD_FILE));
        let path = dir.join(INDEX_FILE);
        let key = index_key(vault_key);
        let (index, directory, payload) = match Self::open_existing(&path, &key) {
            Ok(Some(found)) if found.2.schema == SCHEMA_VERSION && found.2.seq <= register_seq(register)? => found,
            _ => {
                // Unreadable with this key, another schema, or ahead of the register (a restored
                // vault): the index is derived data, so start again.
                remove_index_files(dir);
                Self::create(&path, &key)?
            }
        };
        let search = Self::assemble((index, directory, payload), path, key, Some(lock), WRITER)?;
        search.collect_leftovers();
        Ok(search)
    }

    /// Removes the index files no commit refers to, as a new writer starts: what a process
    /// killed between writing them and committing left, or a commit that failed. Tantivy
    /// collects garbage only after its own commits and merges, and names a deletion file after
    /// its segment and the commit's opstamp, which a new writer's first commit reuses: a
    /// leftover `.del` made that commit fail with "file already exists". A merge cut short also
    /// leaves segment files that may hold words of documents deleted since. A failure here is
    /// only logged: the next commit reports it if it matters.
    fn collect_leftovers(&self) {
        if let Some(writer) = self.writer.as_ref() {
            if let Err(error) = writer.garbage_collect_files().wait() {
                tracing::warn!("the search index's leftover files could not be removed: {error}");
            }
        }
    }

    /// An opened or created index with its reader and a writer set up as `setup`.
    fn assemble(
        (mut index, directory, payload): (Index, VaultDirectory, Payload),
        path: PathBuf,
        key: VaultKey,
        lock: Option<File>,
        setup: WriterSetup,
    ) -> Result<SearchIndex, SearchError> {
        index.set_multithread_executor(SEARCH_THREADS)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer_with_num_threads(setup.threads, setup.heap)?;
        let (_, fields) = schema();
        Ok(SearchIndex {
            index,
            directory,
            reader,
            writer: Some(writer),
            setup,
            fields,
            indexed_seq: payload.seq,
            path,
            background: None,
            query_tokenizers: query_tokenizers(),
            key,
            _lock: lock,
            progress: None,
        })
    }

    fn open_existing(path: &Path, key: &VaultKey) -> Result<Option<(Index, VaultDirectory, Payload)>, SearchError> {
        if !path.exists() {
            return Ok(None);
        }
        let conn = open_database(path, key)?;
        let directory = VaultDirectory::new(conn)?;
        let index = Index::open(directory.clone())?;
        register_analyzers(&index);
        let payload = index
            .load_metas()?
            .payload
            .and_then(|text| serde_json::from_str::<Payload>(&text).ok())
            .unwrap_or_default();
        Ok(Some((index, directory, payload)))
    }

    fn create(path: &Path, key: &VaultKey) -> Result<(Index, VaultDirectory, Payload), SearchError> {
        let conn = open_database(path, key)?;
        let directory = VaultDirectory::new(conn)?;
        let (schema, _) = schema();
        let index = Index::create(directory.clone(), schema, Default::default())?;
        register_analyzers(&index);
        Ok((index, directory, Payload { schema: SCHEMA_VERSION, seq: 0 }))
    }

    /// Small index files read lazily until the guard is dropped: for an import (see
    /// [`VaultDirectory::read_lazily_in_bulk`]). Dropped before the commit reloads the reader.
    pub(crate) fn read_lazily_in_bulk(&self) -> directory::BulkReads {
        self.directory.read_lazily_in_bulk()
    }

    /// The register change the index has reached.
    pub fn indexed_seq(&self) -> i64 {
        self.indexed_seq
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes of index files stored in the index database.
    pub fn stored_bytes(&self) -> Result<u64, SearchError> {
        self.directory.total_len().map_err(|e| SearchError::Index { detail: e.to_string() })
    }

    fn file_document(&self, doc: &FileDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.key, DocKind::File.key(doc.id));
        d.add_i64(f.id, doc.id);
        d.add_text(f.kind, DocKind::File.as_str());
        d.add_text(f.reference, &doc.reference);
        d.add_text(f.title, &doc.title);
        let body = [
            doc.reference.as_str(),
            &doc.title,
            &doc.description,
            &doc.keywords,
            &doc.notes,
            &doc.holder,
            &doc.location,
        ]
        .join("\n");
        // Once, folded: a query's words find their French and English stems' other words
        // through the term dictionary (see [`stems`]).
        d.add_text(f.text, &body);
        if !doc.persons.is_empty() {
            d.add_text(f.person, &doc.persons);
        }
        for code in doc.class_path.iter() {
            d.add_text(f.class, code);
        }
        d.add_text(f.class_code, &doc.class_code);
        d.add_text(f.project, doc.project.as_deref().unwrap_or("none"));
        d.add_text(f.status, &doc.status);
        d.add_text(f.sensitivity, &doc.sensitivity);
        d.add_text(f.due, due_bucket(doc.final_on.as_deref()));
        d.add_text(f.title_sort, sort_prefix(&doc.title));
        d.add_u64(f.status_rank, rank(STATUS_ORDER, &doc.status));
        d.add_u64(f.sensitivity_rank, rank(SENSITIVITY_ORDER, &doc.sensitivity));
        d.add_u64(f.final_on, date_number(doc.final_on.as_deref()));
        d
    }

    fn person_document(&self, doc: &PersonDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.key, DocKind::Person.key(doc.id));
        d.add_i64(f.id, doc.id);
        d.add_text(f.kind, DocKind::Person.as_str());
        d.add_text(f.who, &doc.text);
        d
    }

    /// Queues a file the index cannot hold yet (a new row of an import): no delete to apply.
    pub(crate) fn add_new_file(&self, doc: &FileDoc) -> Result<(), SearchError> {
        self.writer()?.add_document(self.file_document(doc))?;
        Ok(())
    }

    /// Queues a document replacing the one of `key` (visible after [`Self::commit`]), a chunk
    /// at a time: each chunk's old documents go as one delete query (see `delete_keys`).
    /// A `delete_term` each held about a kilobyte until the commit (its weight carries a BM25
    /// cache): replacing the 290,000 files and 300,000 persons of an import took 900 MiB.
    fn replace(&mut self, queue: &mut Replacements, key: Term, doc: TantivyDocument) -> Result<(), SearchError> {
        queue.push((key, doc));
        if queue.len() >= REPLACE_CHUNK {
            self.flush_replacements(queue)?;
        }
        Ok(())
    }

    /// Queues a file: added as it is when the index cannot hold it yet (`new`), else replacing
    /// its previous document through `queue`.
    fn queue_file(&mut self, queue: &mut Replacements, doc: &FileDoc, new: bool) -> Result<(), SearchError> {
        if new {
            return self.add_new_file(doc);
        }
        let key = self.file_key(doc.id);
        let document = self.file_document(doc);
        self.replace(queue, key, document)
    }

    /// Queues what [`Self::replace`] holds back.
    fn flush_replacements(&mut self, queue: &mut Replacements) -> Result<(), SearchError> {
        let (keys, docs): (Vec<Term>, Vec<TantivyDocument>) = queue.drain(..).unzip();
        self.delete_keys(keys)?;
        for doc in docs {
            self.writer()?.add_document(doc)?;
        }
        Ok(())
    }

    fn file_key(&self, id: i64) -> Term {
        Term::from_field_text(self.fields.key, &DocKind::File.key(id))
    }

    fn person_key(&self, id: i64) -> Term {
        Term::from_field_text(self.fields.key, &DocKind::Person.key(id))
    }

    /// Commits what was queued as the state of register change `seq`, and reloads the reader.
    /// After a failed commit the writer is rebuilt (tantivy may otherwise lose the next one).
    pub(crate) fn commit(&mut self, seq: i64) -> Result<(), SearchError> {
        self.commit_unread(seq)?;
        self.reader.reload()?;
        Ok(())
    }

    /// [`Self::commit`] without reloading the reader onto the new segments.
    fn commit_unread(&mut self, seq: i64) -> Result<(), SearchError> {
        let payload = serde_json::to_string(&Payload { schema: SCHEMA_VERSION, seq })
            .map_err(|e| SearchError::Index { detail: e.to_string() })?;
        let result = self.writer_mut()?.prepare_commit().and_then(|mut prepared| {
            prepared.set_payload(&payload);
            prepared.commit()
        });
        if let Err(error) = result {
            self.reopen_writer()?;
            return Err(error.into());
        }
        self.indexed_seq = seq;
        Ok(())
    }

    /// Drops what was queued since the last commit.
    pub(crate) fn rollback(&mut self) {
        let rolled_back = self.writer.as_mut().is_some_and(|writer| writer.rollback().is_ok());
        if !rolled_back {
            if let Err(error) = self.reopen_writer() {
                tracing::warn!("the search index's writer could not be opened again: {error}");
            }
        }
    }

    fn writer(&self) -> Result<&IndexWriter<TantivyDocument>, SearchError> {
        self.writer.as_ref().ok_or_else(writer_closed)
    }

    fn writer_mut(&mut self) -> Result<&mut IndexWriter<TantivyDocument>, SearchError> {
        self.writer.as_mut().ok_or_else(writer_closed)
    }

    /// Closes the writer once every merge in flight has ended, those tantivy's merge policy
    /// started after a commit included (nothing else waits for them), and opens a new one.
    /// What was not committed is dropped.
    fn reopen_writer(&mut self) -> Result<(), SearchError> {
        self.wait_for_merges();
        if let Some(writer) = self.writer.take() {
            if let Err(error) = writer.wait_merging_threads() {
                tracing::warn!("a merge of the search index failed: {error}");
            }
        }
        self.writer = Some(self.index.writer_with_num_threads(self.setup.threads, self.setup.heap)?);
        self.collect_leftovers();
        Ok(())
    }

    /// Sets the writer up for an import, with a persons sheet or not (see [`WRITER`] and
    /// [`PERSONS_IMPORT_WRITER`]). Called before the import feeds anything: a writer set up
    /// otherwise is replaced, and what it held uncommitted (nothing, between the register's
    /// changes) is dropped.
    pub(crate) fn set_up_for_import(&mut self, with_persons: bool) -> Result<(), SearchError> {
        let setup = if with_persons { PERSONS_IMPORT_WRITER } else { WRITER };
        if self.setup != setup || self.writer.is_none() {
            self.setup = setup;
            self.reopen_writer()?;
        }
        Ok(())
    }

    /// Sets who is told how far a long catch-up is (see [`crate::Vault::on_index_progress`]).
    pub(crate) fn set_progress(&mut self, progress: Option<IndexProgress>) {
        self.progress = progress;
    }

    /// Indexes every file and person changed since the index's change, and commits. A catch-up
    /// of [`REPORT_FROM`] documents or more tells [`Self::progress`] how far it is: documents
    /// done of those changed, from 0 to all of them, whether it went through or not.
    pub(crate) fn catch_up(&mut self, register: &Connection) -> Result<usize, SearchError> {
        let target = register_seq(register)?;
        if target == self.indexed_seq {
            return Ok(0);
        }
        let fill = self.indexed_seq == 0
            && self.reader.searcher().num_docs() == 0
            && rows_ever(register)? >= FILL_FROM.with(std::cell::Cell::get);
        let since = if fill { -1 } else { self.indexed_seq };
        let report = match self.progress.clone() {
            Some(report) => {
                let total = changed_since(register, since)?;
                (total >= REPORT_FROM.with(std::cell::Cell::get)).then_some((report, total))
            }
            None => None,
        };
        let mut progress = |done: usize| {
            if let Some((report, total)) = &report {
                report((done as u64).min(*total), *total);
            }
            true
        };
        progress(0);
        let caught_up = if fill {
            self.fill(register, target, &mut progress)
        } else {
            self.feed_since(register, since, &mut progress).and_then(|count| self.commit(target).map(|()| count))
        };
        if let Some((report, total)) = &report {
            report(*total, *total);
        }
        caught_up
    }

    /// Fills an empty index with the whole register as a rebuild does: with [`REBUILD_WRITER`],
    /// the register's page cache held small (see `Vault::reindex`), and documents added with no
    /// replacement to look for. That is the catch-up of an index made anew at the open of a
    /// large register: after an upgrade to another [`SCHEMA_VERSION`], when the index could not
    /// be read, or when it was ahead of the register (a restored vault). The first search after an upgrade at a million files took 22.8 and 24.9 s
    /// rather than 35.0 and 33.9 s on the everyday writer, peak 286–294 MiB rather than 275 MiB
    /// (`greffier search`, alternated, 2026-12-07).
    /// The writer is set up as before afterwards, whether the fill went through or not.
    fn fill(
        &mut self,
        register: &Connection,
        target: i64,
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<usize, SearchError> {
        let everyday = self.setup;
        let small_cache = crate::vault::SmallCache::new(register)?;
        self.setup = REBUILD_WRITER;
        let filled = self
            .reopen_writer()
            .and_then(|()| self.feed_since(register, -1, progress))
            .and_then(|count| self.commit(target).map(|()| count));
        drop(small_cache);
        self.setup = everyday;
        let back = self.reopen_writer();
        // The rebuild's writer is gone: what it held goes back to the system.
        crate::release_free_memory();
        FILLS.with(|fills| fills.set(fills.get() + 1));
        let count = filled?;
        back?;
        Ok(count)
    }

    /// Rebuilds the whole index from the register, reporting progress (documents done); `false`
    /// from `progress` cancels. The new index is written into a database of its own beside this
    /// one, which stays in use meanwhile, and replaces it once committed: the old index then goes
    /// with its file, where deleting its chunks one by one (zeroed by `secure_delete`) took about
    /// 3 s of 17 at a million files on one core, the other idle. The old file is then no longer
    /// part of the vault, and the blocks the file system frees hold only encrypted pages, as a
    /// truncated log's do.
    ///
    /// Returns the index in use afterwards: this one if the rebuild failed or was cancelled, the
    /// new one once it replaced it, none if it could not be opened (the next use opens it).
    pub(crate) fn rebuild(
        self,
        register: &Connection,
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> (Option<SearchIndex>, Result<usize, SearchError>) {
        let fresh = self.path.with_file_name(REBUILD_FILE);
        remove_database(&fresh);
        let count = match Self::build(&fresh, &self.key, register, progress) {
            Ok(count) => count,
            Err(error) => {
                remove_database(&fresh);
                return (Some(self), Err(error));
            }
        };
        let (path, key) = (self.path.clone(), self.key.clone());
        // The old index's log is not copied into a file about to go.
        let swapped = self.shut(false).and_then(|lock| {
            replace_database(&fresh, &path)?;
            let found = Self::open_existing(&path, &key)?
                .ok_or_else(|| SearchError::Index { detail: "the rebuilt index is missing".into() })?;
            Self::assemble(found, path, key, lock, WRITER)
        });
        match swapped {
            Ok(index) => (Some(index), Ok(count)),
            Err(error) => {
                remove_database(&fresh);
                (None, Err(error))
            }
        }
    }

    /// Writes a whole new index of the register into the database at `path`, and closes it.
    fn build(
        path: &Path,
        key: &VaultKey,
        register: &Connection,
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<usize, SearchError> {
        let target = register_seq(register)?;
        let mut fresh = Self::assemble(Self::create(path, key)?, path.to_owned(), key.clone(), None, REBUILD_WRITER)?;
        let count = fresh.feed_since(register, -1, progress)?;
        // Not read here: it is opened again in the old one's place.
        fresh.commit_unread(target)?;
        fresh.shut(true)?;
        Ok(count)
    }

    /// Closes the index for its database to be moved, once its merges are done (tantivy
    /// collects the garbage after each). With `checkpoint`, its log is first copied into the
    /// database and truncated, so the file holds the whole index whatever else still has it
    /// open. Gives back the lock it held.
    fn shut(mut self, checkpoint: bool) -> Result<Option<File>, SearchError> {
        self.wait_for_merges();
        match self.writer.take().map(IndexWriter::wait_merging_threads) {
            // A merge of the new index failed: it may lack documents.
            Some(Err(error)) if checkpoint => return Err(error.into()),
            Some(Err(error)) => tracing::warn!("a merge of the search index failed as it was replaced: {error}"),
            _ => {}
        }
        let SearchIndex { index, directory, reader, _lock, .. } = self;
        drop((reader, index));
        if checkpoint {
            let conn = directory.conn().map_err(|e| SearchError::Index { detail: e.to_string() })?;
            if !checkpoint_truncate(&conn)? {
                return Err(SearchError::Index {
                    detail: "its log could not be emptied; close other Greffier windows and commands".into(),
                });
            }
        }
        Ok(_lock)
    }

    /// Feeds the writer the files and persons whose change is above `since`.
    pub(crate) fn feed_since(
        &mut self,
        register: &Connection,
        since: i64,
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<usize, SearchError> {
        let paths = class_paths(register)?;
        let mut count = 0usize;
        // Deletions first: a person's id can come back (persons' ids are SQLite's), and a delete
        // term only removes the documents added before it.
        if since >= 0 {
            count += self.drop_deleted_since(register, since)?;
        }
        {
            let mut stmt =
                register.prepare(&format!("{FILE_DOC_SELECT} WHERE f.change_seq > ?1 AND f.status <> 'destroyed'"))?;
            let mut rows = stmt.query([since])?;
            let mut queue = Replacements::new();
            while let Some(row) = rows.next()? {
                let doc = file_doc_from_row(row, &paths)?;
                // A rebuild starts from an empty index: nothing to replace.
                self.queue_file(&mut queue, &doc, since < 0)?;
                count += 1;
                if count.is_multiple_of(FEED_PROGRESS_EVERY) && !progress(count) {
                    self.rollback();
                    return Err(cancelled());
                }
            }
            self.flush_replacements(&mut queue)?;
        }
        let files = count;
        count += self.feed_persons_since(register, since, &mut |n| progress(files + n))?;
        if !progress(count) {
            self.rollback();
            return Err(cancelled());
        }
        Ok(count)
    }

    /// Queues the removal of the documents of files and persons destroyed since `since`.
    fn drop_deleted_since(&mut self, register: &Connection, since: i64) -> Result<usize, SearchError> {
        let mut stmt = register.prepare("SELECT kind, id FROM register_deletions WHERE change_seq > ?1")?;
        let mut rows = stmt.query([since])?;
        let mut keys = Vec::new();
        while let Some(row) = rows.next()? {
            let kind: String = row.get(0)?;
            let id: i64 = row.get(1)?;
            let kind = if kind == "person" { DocKind::Person } else { DocKind::File };
            keys.push(Term::from_field_text(self.fields.key, &kind.key(id)));
        }
        let count = keys.len();
        self.delete_keys(keys)?;
        Ok(count)
    }

    /// Queues the removal of the documents of these keys as one query: tantivy looks a deleted
    /// term up in every segment's term dictionary, so ten thousand `delete_term`s took 3.6 s to
    /// commit at a million files, where one set of terms walks each dictionary once.
    fn delete_keys(&mut self, keys: Vec<Term>) -> Result<(), SearchError> {
        if keys.len() > 1 {
            self.writer()?.delete_query(Box::new(tantivy::query::TermSetQuery::new(keys)))?;
        } else {
            let writer = self.writer()?;
            for key in keys {
                writer.delete_term(key);
            }
        }
        Ok(())
    }

    /// Makes deletions real: tantivy only marks deleted documents, so every segment holding a
    /// deleted document of `purge` (every segment with deletions when `None`) is merged into a
    /// new segment without them, the old segment files are removed, and the index database's
    /// log is checkpointed and truncated (its connection has `secure_delete` on, so freed pages
    /// are zeroed). Waits first for every merge in flight, the background ones of
    /// [`Self::gather`] and those tantivy's merge policy started after the last commit: one of
    /// those ending after the purge's merge of the same segment failed it (the segment was gone),
    /// and its files, written from the segments before the deletion, would have outlived the
    /// purge's garbage collection. Returns whether the checkpoint completed.
    pub(crate) fn purge_deleted(&mut self, purge: Option<&Purge>) -> Result<bool, SearchError> {
        if let Some(purge) = purge.filter(|_| MERGE_IN_FLIGHT_AT_PURGE.with(std::cell::Cell::get)) {
            // What tantivy's merge policy does after a commit, at the worst moment.
            self.wait_for_merges();
            self.reader.reload()?;
            for id in self.segments_holding(purge)? {
                drop(self.writer_mut()?.merge(&[id]));
            }
        }
        let mut attempt = 1;
        let outcome = loop {
            // A new writer once every merge in flight has ended, with tantivy's merge policy off
            // until the purge is done: after one of the merges below ends, the policy may merge
            // segments whose merge is not started yet (a loaded machine), and the merge that
            // ends second fails (the likely cause of a CI failure, 2026-12-06).
            self.reopen_writer()?;
            self.writer()?.set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy));
            self.reader.reload()?;
            let segments = match purge {
                Some(purge) => self.segments_holding(purge)?,
                None => self
                    .index
                    .searchable_segment_metas()?
                    .into_iter()
                    .filter(|meta| meta.has_deletes())
                    .map(|meta| meta.id())
                    .collect(),
            };
            if MERGED_UNDER_PURGE.with(std::cell::Cell::get) && !segments.is_empty() {
                // What the merge policy did under the purge before it was turned off.
                self.writer_mut()?.merge(&segments).wait()?;
            }
            // One merge per segment, all started before any is awaited: tantivy runs them on its
            // merge threads, so the two cores rewrite segments side by side.
            let writer = self.writer_mut()?;
            let merges: Vec<_> = segments.iter().map(|id| writer.merge(std::slice::from_ref(id))).collect();
            let failed = merges.into_iter().filter_map(|merge| merge.wait().err()).last();
            match failed {
                None => break Ok(()),
                // Something else rewrote some of them: list again what still holds the batch.
                Some(error) if attempt < 3 => {
                    tracing::warn!("a merge of the search index's purge failed (attempt {attempt}): {error}");
                    attempt += 1;
                }
                Some(error) => break Err(error),
            }
        };
        self.writer()?.set_merge_policy(Box::new(tantivy::merge_policy::DefaultMergePolicy::default()));
        outcome?;
        // The reader lets go of the old segments first, so their files can really go.
        self.reader.reload()?;
        self.writer()?.garbage_collect_files().wait()?;
        let conn = self.directory.conn().map_err(|e| SearchError::Index { detail: e.to_string() })?;
        checkpoint_truncate(&conn).map_err(SearchError::from)
    }

    /// Merges every segment into one, for the tests that need a batch's documents to share a
    /// segment with others (as they do once tantivy's merge policy has run). Those merges end
    /// first: one ending under it failed it (its segments were gone).
    pub(crate) fn merge_all(&mut self) -> Result<(), SearchError> {
        self.reopen_writer()?;
        self.reader.reload()?;
        let segments: Vec<_> = self.index.searchable_segment_ids()?;
        if segments.len() > 1 {
            self.writer_mut()?.merge(&segments).wait()?;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// Gathers the documents of files a batch may destroy or anonymise (and of their persons)
    /// into a new segment of their own, and starts merging, in the background, the segments
    /// that held them: when the batch is executed, only that small segment is left to rewrite
    /// instead of every segment of the index. Nothing is lost if the process ends before the
    /// merges do: [`Self::purge_deleted`] merges whatever still holds the batch's documents.
    pub(crate) fn gather(&mut self, register: &Connection, purge: &Purge) -> Result<usize, SearchError> {
        self.catch_up(register)?;
        // Removed as one query, then added again (see `delete_keys`).
        let keys = (purge.files.iter().map(|id| self.file_key(*id)))
            .chain(purge.persons.iter().map(|id| self.person_key(*id)))
            .collect();
        self.delete_keys(keys)?;
        let paths = class_paths(register)?;
        let mut count = 0;
        let mut stmt = register.prepare(&format!("{FILE_DOC_SELECT} WHERE f.id = ?1 AND f.status <> 'destroyed'"))?;
        for id in &purge.files {
            let mut rows = stmt.query([id])?;
            if let Some(row) = rows.next()? {
                self.add_new_file(&file_doc_from_row(row, &paths)?)?;
                count += 1;
            }
        }
        let mut stmt = register.prepare(&PERSON_DOC_SQL.replace("pe.change_seq > ?1", "pe.id = ?1"))?;
        for id in &purge.persons {
            let mut rows = stmt.query([id])?;
            if let Some(row) = rows.next()? {
                self.writer()?.add_document(self.person_document(&PersonDoc { id: row.get(0)?, text: row.get(1)? }))?;
                count += 1;
            }
        }
        self.commit(self.indexed_seq)?;
        self.wait_for_merges();
        let segments = self.segments_holding(purge)?;
        let writer = self.writer_mut()?;
        let merges: Vec<_> = segments.into_iter().map(|id| writer.merge(&[id])).collect();
        let reader = self.reader.clone();
        let waiter = std::thread::Builder::new().name("index-merges".into()).spawn(move || {
            for merge in merges {
                if let Err(error) = merge.wait() {
                    tracing::warn!("a background merge of the search index failed: {error}");
                }
            }
            if let Err(error) = reader.reload() {
                tracing::warn!("the search index's reader could not reload: {error}");
            }
        });
        match waiter {
            Ok(handle) => self.background = Some(handle),
            Err(error) => tracing::warn!("no thread to wait for the search index's merges: {error}"),
        }
        Ok(count)
    }

    /// Closes the index once its merges are done: tantivy merges on threads of its own, which
    /// write into the index database; a process that ended under them crashed in OpenSSL's
    /// cleanup (seen at the end of a bulk import, whose commit starts merges).
    pub(crate) fn close(mut self) {
        self.wait_for_merges();
        if let Some(Err(error)) = self.writer.take().map(IndexWriter::wait_merging_threads) {
            tracing::warn!("a merge of the search index failed as it was closed: {error}");
        }
    }

    /// Waits for the merges [`Self::gather`] started and the reload after them (a failed merge
    /// is left to the purge).
    pub(crate) fn wait_for_merges(&mut self) {
        if let Some(handle) = self.background.take() {
            if handle.join().is_err() {
                tracing::warn!("the thread waiting for the search index's merges panicked");
            }
        }
    }

    /// The segments whose deleted documents include one of `purge`'s files or persons (an old
    /// version, or the document of a file the register no longer holds).
    fn segments_holding(&self, purge: &Purge) -> Result<Vec<tantivy::index::SegmentId>, SearchError> {
        let searcher = self.reader.searcher();
        let mut found = Vec::new();
        for segment in searcher.segment_readers() {
            let Some(alive) = segment.alive_bitset() else { continue };
            let ids = segment.fast_fields().i64("id")?;
            let Some(kinds) = segment.fast_fields().str("kind")? else { continue };
            let ord = |kind: DocKind| -> Result<Option<u64>, SearchError> {
                kinds.dictionary().term_ord(kind.as_str()).map_err(|e| SearchError::Index { detail: e.to_string() })
            };
            let (file_ord, person_ord) = (ord(DocKind::File)?, ord(DocKind::Person)?);
            let holds = (0..segment.max_doc()).filter(|doc| !alive.is_alive(*doc)).any(|doc| {
                let (Some(id), Some(kind)) = (ids.first(doc), kinds.term_ords(doc).next()) else { return false };
                (Some(kind) == file_ord && purge.files.contains(&id))
                    || (Some(kind) == person_ord && purge.persons.contains(&id))
            });
            if holds {
                found.push(segment.segment_id());
            }
        }
        Ok(found)
    }

    /// Feeds the writer the given files, read from the register (the import's transaction);
    /// those from `new_from` on are new to the index (an import's own rows), nothing to replace.
    pub(crate) fn feed_files(
        &mut self,
        register: &Connection,
        ids: &[i64],
        new_from: i64,
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<usize, SearchError> {
        let paths = class_paths(register)?;
        let mut stmt = register.prepare(&format!("{FILE_DOC_SELECT} WHERE f.id = ?1 AND f.status <> 'destroyed'"))?;
        let mut count = 0usize;
        let mut queue = Replacements::new();
        for id in ids {
            let mut rows = stmt.query([id])?;
            if let Some(row) = rows.next()? {
                let doc = file_doc_from_row(row, &paths)?;
                self.queue_file(&mut queue, &doc, doc.id >= new_from)?;
                count += 1;
                if count.is_multiple_of(FEED_PROGRESS_EVERY) && !progress(count) {
                    self.rollback();
                    return Err(cancelled());
                }
            }
        }
        self.flush_replacements(&mut queue)?;
        Ok(count)
    }

    /// Feeds the writer the persons whose change is above `since`.
    pub(crate) fn feed_persons_since(
        &mut self,
        register: &Connection,
        since: i64,
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<usize, SearchError> {
        let mut stmt = register.prepare(PERSON_DOC_SQL)?;
        let mut rows = stmt.query([since])?;
        let mut count = 0usize;
        let mut queue = Replacements::new();
        while let Some(row) = rows.next()? {
            let id = row.get(0)?;
            let doc = self.person_document(&PersonDoc { id, text: row.get(1)? });
            if since < 0 {
                self.writer()?.add_document(doc)?;
            } else {
                let key = self.person_key(id);
                self.replace(&mut queue, key, doc)?;
            }
            count += 1;
            if count.is_multiple_of(FEED_PROGRESS_EVERY) && !progress(count) {
                self.rollback();
                return Err(cancelled());
            }
        }
        self.flush_replacements(&mut queue)?;
        Ok(count)
    }

    /// Index files stored in the index database that no live segment uses: what a merge or a
    /// garbage collection left behind. Tantivy's meta and lock files are not counted.
    pub fn stale_files(&self) -> Result<Vec<String>, SearchError> {
        let mut live = std::collections::HashSet::new();
        for path in self.index.load_metas()?.list_segment_files() {
            live.insert(path.to_string_lossy().into_owned());
        }
        let conn = self.directory.conn().map_err(|e| SearchError::Index { detail: e.to_string() })?;
        let names: Vec<String> = conn
            .prepare("SELECT name FROM index_files")?
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(names.into_iter().filter(|n| !live.contains(n) && !n.ends_with(".json") && !n.ends_with(".lock")).collect())
    }

    /// Writes, as a killed process may have left them, a deletion file for each live segment
    /// and each of the next `ahead` opstamps, through tantivy's managed directory (which lists
    /// them for its garbage collection); answers their names.
    pub(crate) fn plant_orphans(&self, ahead: u64) -> Result<Vec<String>, SearchError> {
        use std::io::Write as _;
        use tantivy::directory::{Directory as _, TerminatingWrite as _};
        let metas = self.index.load_metas()?;
        let mut planted = Vec::new();
        for segment in &metas.segments {
            for opstamp in metas.opstamp..=metas.opstamp + ahead {
                let name = format!("{}.{opstamp}.del", segment.id().uuid_string());
                let path = Path::new(&name);
                let directory = self.index.directory();
                if directory.exists(path).map_err(tantivy::TantivyError::from)? {
                    continue;
                }
                let mut write = directory.open_write(path).map_err(tantivy::TantivyError::from)?;
                write.write_all(b"half a deletion file").map_err(tantivy::TantivyError::from)?;
                write.terminate().map_err(tantivy::TantivyError::from)?;
                planted.push(name);
            }
        }
        Ok(planted)
    }

    /// Commits the index as one of another schema would be, with a stray file document (of an
    /// id the register does not have) holding `stray` in its text: what an older version left.
    pub(crate) fn commit_as_schema(&mut self, schema: u32, stray: &str) -> Result<(), SearchError> {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.key, DocKind::File.key(STRAY_ID));
        d.add_i64(f.id, STRAY_ID);
        d.add_text(f.kind, DocKind::File.as_str());
        d.add_text(f.text, stray);
        self.writer()?.add_document(d)?;
        let payload = serde_json::to_string(&Payload { schema, seq: self.indexed_seq })
            .map_err(|e| SearchError::Index { detail: e.to_string() })?;
        let mut prepared = self.writer_mut()?.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// The writer's threads and memory.
    pub(crate) fn writer_setup(&self) -> (usize, usize) {
        (self.setup.threads, self.setup.heap)
    }

    /// How many documents of a kind the index holds.
    pub fn count(&self, kind: DocKind) -> Result<usize, SearchError> {
        let searcher = self.reader.searcher();
        let query = tantivy::query::TermQuery::new(
            Term::from_field_text(self.fields.kind, kind.as_str()),
            IndexRecordOption::Basic,
        );
        Ok(searcher.search(&query, &Count)?)
    }

    fn parser(&self, kind: DocKind) -> tantivy::query::QueryParser {
        let f = &self.fields;
        let mut parser = tantivy::query::QueryParser::new(
            self.index.schema(),
            default_fields(f, kind),
            self.query_tokenizers.clone(),
        );
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.title, 2.0);
        parser.set_field_boost(f.reference, 4.0);
        parser
    }

    /// The query a request means: its words (with the words sharing their stems, for files), its
    /// prefixes, and the kind of document, on the segments of `searcher`.
    fn build_query(
        &self,
        searcher: &tantivy::Searcher,
        request: &SearchRequest,
    ) -> Result<Box<dyn tantivy::query::Query>, SearchError> {
        let f = &self.fields;
        let rewritten = split_prefixes(&match request.kind {
            DocKind::File => rewrite_query(&request.query),
            DocKind::Person => query::rewrite_person_query(&request.query),
        });
        let text = rewritten.text;
        let parser = self.parser(request.kind);
        use tantivy::query::{BooleanQuery, Occur, Query, RegexQuery, TermQuery};
        let bad = |detail: String| SearchError::BadQuery { query: request.query.clone(), detail };
        let words_only = text.chars().all(|c| c.is_whitespace() || c == '(' || c == ')');
        // The kind is a clause only when the query could match a document of the other kind:
        // intersecting with it is most of the time of a query of common words (9.9 ms of 10
        // for `dossier` at a million files; 3.2 ms without).
        let (parsed, mut other_kind_may_match): (Box<dyn Query>, bool) = if words_only {
            (Box::new(tantivy::query::AllQuery), true)
        } else {
            let ast = tantivy::query_grammar::parse_query(&text)
                .map_err(|_| bad(tantivy::query::QueryParserError::SyntaxError(text.clone()).to_string()))?;
            // The index's own fields (its keys, ids, kinds, sort columns) are not for queries.
            if let Some(field) = first_unknown_field(&ast, request.kind) {
                return Err(SearchError::UnknownField { field });
            }
            let may_match = could_match(&ast, &|field| other_kind_has(request.kind, field));
            let ast = match request.kind {
                DocKind::File => {
                    let schema = self.index.schema();
                    let names: Vec<&str> = default_fields(f, DocKind::File)
                        .into_iter()
                        .map(|field| schema.get_field_name(field))
                        .collect();
                    with_stems(ast, &names, &mut |word| stems::siblings(searcher, f.text, word))?
                }
                DocKind::Person => ast,
            };
            let ast = unwrap_single(exclusions_from_everything(ast));
            (parser.build_query_from_user_input_ast(ast).map_err(|e| bad(e.to_string()))?, may_match)
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, parsed.box_clone())];
        for prefix in &rewritten.prefixes {
            let escaped: String =
                prefix.stem.chars().flat_map(|c| if c.is_alphanumeric() { vec![c] } else { vec!['\\', c] }).collect();
            let pattern = format!("{escaped}.*");
            let fields: Vec<Field> = match (prefix.field, request.kind) {
                (None, DocKind::File) => vec![f.title, f.text, f.person],
                (None, DocKind::Person) | (Some("person"), DocKind::Person) => vec![f.who],
                (Some(name), _) => vec![self.index.schema().get_field(name).map_err(|e| bad(e.to_string()))?],
            };
            // A prefix that must match, on fields the other kind lacks, rules it out.
            if !prefix.negated && !other_kind_has(request.kind, prefix.field) {
                other_kind_may_match = false;
            }
            let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for field in fields {
                any.push((
                    Occur::Should,
                    Box::new(RegexQuery::from_pattern(&pattern, field).map_err(|e| bad(e.to_string()))?),
                ));
            }
            let occur = if prefix.negated { Occur::MustNot } else { Occur::Must };
            clauses.push((occur, Box::new(BooleanQuery::new(any))));
        }
        if other_kind_may_match {
            let kind_term = Term::from_field_text(f.kind, request.kind.as_str());
            clauses.push((Occur::Must, Box::new(TermQuery::new(kind_term, IndexRecordOption::Basic))));
        }
        if let [(Occur::Must, _)] = clauses.as_slice() {
            return Ok(parsed);
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    /// Runs a query: the ranked (or sorted) page of hits, the total, and (when asked) the facet
    /// counts.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchPage, SearchError> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let query = self.build_query(&searcher, request)?;
        let top = TopDocs::with_limit(request.limit.max(1)).and_offset(request.offset);
        let (hits, total, facets) = match request.sort {
            None => collect(&searcher, &*query, top.order_by_score(), request.facets, |score| score)?,
            Some(sort) => {
                let order = if sort.descending { tantivy::Order::Desc } else { tantivy::Order::Asc };
                let column = sort.by.column();
                let deep = request.offset >= DEEP_PAGE_FROM.load(std::sync::atomic::Ordering::Relaxed);
                match sort.by {
                    _ if deep => deep_page(&searcher, &*query, sort, request)?,
                    SortBy::Reference | SortBy::Class | SortBy::Title => collect(
                        &searcher,
                        &*query,
                        top.order_by_string_fast_field(column, order),
                        request.facets,
                        |_| 0.0,
                    )?,
                    SortBy::Status | SortBy::Sensitivity | SortBy::Final => collect(
                        &searcher,
                        &*query,
                        top.order_by_fast_field::<u64>(column, order),
                        request.facets,
                        |_| 0.0,
                    )?,
                }
            }
        };
        let mut found = Vec::with_capacity(hits.len());
        for (score, address) in hits {
            found.push(SearchHit { id: self.doc_id(&searcher, address)?, score });
        }
        let snippets =
            if request.snippets { Some(SnippetGenerator::create(&searcher, &*query, f.text)?) } else { None };
        Ok(SearchPage { total, hits: found, facets, snippets: snippets.map(Snippets) })
    }

    /// The decoding oracle of the tests: how many live documents hold `term` in `field`, read from
    /// tantivy's own term dictionary (deleted documents are counted until their segment merges).
    pub fn doc_freq(&self, field: &str, term: &str) -> Result<u64, SearchError> {
        let field = self.index.schema().get_field(field)?;
        Ok(self.reader.searcher().doc_freq(&Term::from_field_text(field, term))?)
    }

    /// The ids of every hit of a query, for exports: in the request's sort order when it has one
    /// (the order of its pages, ties included), in no given order otherwise.
    pub fn all_ids(&self, request: &SearchRequest) -> Result<Vec<i64>, SearchError> {
        let searcher = self.reader.searcher();
        let query = self.build_query(&searcher, request)?;
        let addresses: Vec<DocAddress> = match request.sort {
            None => {
                search_on_one_thread(&searcher, &*query, &tantivy::collector::DocSetCollector)?.into_iter().collect()
            }
            Some(sort) => {
                let Hits { mut packed, bases } = keyed_hits(&searcher, &*query, sort)?;
                packed.sort_unstable();
                packed.iter().map(|&hit| address_of(&bases, hit)).collect()
            }
        };
        let mut ids = Vec::with_capacity(addresses.len());
        let mut columns = HashMap::new();
        for address in addresses {
            let column = match columns.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(found) => found.into_mut(),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(searcher.segment_reader(address.segment_ord).fast_fields().i64("id")?)
                }
            };
            if let Some(id) = column.first(address.doc_id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    fn doc_id(&self, searcher: &tantivy::Searcher, address: DocAddress) -> Result<i64, SearchError> {
        searcher
            .segment_reader(address.segment_ord)
            .fast_fields()
            .i64("id")?
            .first(address.doc_id)
            .ok_or_else(|| SearchError::Index { detail: "a document without its id".into() })
    }

    /// Every id of a kind in the index, for `vault check`.
    pub fn ids(&self, kind: DocKind) -> Result<Vec<i64>, SearchError> {
        let searcher = self.reader.searcher();
        let mut ids = Vec::new();
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().i64("id")?;
            let kinds = segment.fast_fields().str("kind")?;
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|bits| !bits.is_alive(doc)) {
                    continue;
                }
                let mut buffer = String::new();
                let this_kind = kinds
                    .as_ref()
                    .and_then(|k| k.ords().first(doc))
                    .and_then(|ord| kinds.as_ref().map(|k| k.ord_to_str(ord, &mut buffer)))
                    .is_some()
                    .then_some(buffer);
                if this_kind.as_deref() == Some(kind.as_str()) {
                    if let Some(id) = column.first(doc) {
                        ids.push(id);
                    }
                }
            }
        }
        ids.sort_unstable();
        Ok(ids)
    }
}

/// The hits of a page (score and address), the total, and the facet counts.
type Collected = (Vec<(Score, DocAddress)>, usize, Vec<FacetCount>);

/// Runs `top` with the count (and the facets, when asked) in one pass over the hits; `score`
/// turns the collector's sort key into the hit's score.
fn collect<K: 'static>(
    searcher: &tantivy::Searcher,
    query: &dyn tantivy::query::Query,
    top: impl Collector<Fruit = Vec<(K, DocAddress)>>,
    facets: bool,
    score: impl Fn(K) -> Score,
) -> Result<Collected, SearchError> {
    let (top, total, facets) = if facets {
        let (top, (total, facets)) = searcher.search(query, &(top, (Count, FacetCounter)))?;
        (top, total, facets)
    } else {
        let (top, total) = searcher.search(query, &(top, Count))?;
        (top, total, Vec::new())
    };
    Ok((top.into_iter().map(|(key, address)| (score(key), address)).collect(), total, facets))
}

/// From which offset a sorted page is found by [`deep_page`]: tantivy's collector keeps every
/// row before the page in its heap and, for a text column, turns each one's ordinal into its
/// text (2.5 s and 190 MiB for a page at row 500,000 of a million sorted by title).
static DEEP_PAGE_FROM: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(20_000);

thread_local! {
    /// From how many files and persons (see [`rows_ever`]) an empty index's catch-up is a fill
    /// (see [`SearchIndex::fill`]): below, the everyday writer is sooner started and done. Moved
    /// by a test, to fill a small register.
    static FILL_FROM: std::cell::Cell<i64> = const { std::cell::Cell::new(20_000) };
    /// From how many documents a catch-up tells how far it is (see [`SearchIndex::catch_up`]):
    /// an edit's is done before anyone could read it. Moved by a test, to see a small one's.
    static REPORT_FROM: std::cell::Cell<u64> = const { std::cell::Cell::new(FEED_PROGRESS_EVERY as u64) };
    /// How many fills this thread did, for the tests.
    static FILLS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Whether [`SearchIndex::purge_deleted`] finds merges of the segments it must rewrite
    /// already running, as tantivy's merge policy may start them after a commit: set by a test.
    static MERGE_IN_FLIGHT_AT_PURGE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Whether the segments [`SearchIndex::purge_deleted`] must rewrite are merged by something
    /// else after it listed them and before its own merges start, as tantivy's merge policy may
    /// (on a loaded machine, when one of the purge's merges ends before the next is started):
    /// set by a test.
    static MERGED_UNDER_PURGE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Has the purges of this thread find the segments they listed merged by something else (see
/// [`MERGED_UNDER_PURGE`]).
pub(crate) fn set_merged_under_purge(on: bool) {
    MERGED_UNDER_PURGE.with(|flag| flag.set(on));
}

/// Has the purges of this thread find merges of their segments in flight (see
/// [`MERGE_IN_FLIGHT_AT_PURGE`]).
pub(crate) fn set_merge_in_flight_at_purge(on: bool) {
    MERGE_IN_FLIGHT_AT_PURGE.with(|flag| flag.set(on));
}

/// Moves [`FILL_FROM`] for this thread.
pub(crate) fn set_fill_from(rows: i64) {
    FILL_FROM.with(|from| from.set(rows));
}

/// Moves [`REPORT_FROM`] for this thread.
pub(crate) fn set_report_from(documents: u64) {
    REPORT_FROM.with(|from| from.set(documents));
}

/// How many fills this thread did.
pub(crate) fn fills() -> usize {
    FILLS.with(std::cell::Cell::get)
}

/// Moves [`DEEP_PAGE_FROM`], for the tests that check both paths give one order.
pub(crate) fn set_deep_page_from(offset: usize) {
    DEEP_PAGE_FROM.store(offset, std::sync::atomic::Ordering::Relaxed);
}

/// A sorted page far from the start: every hit is collected with its key, packed in 8 bytes
/// ([`KeyedHits`]), then the page is selected (`select_nth_unstable`) and sorted. A text
/// column's key is its rank: every segment's dictionary is walked once, in step, to rank each of
/// its ordinals among all the segments' texts. Ties fall by document address, as in tantivy's
/// collector, so pages on either side of [`DEEP_PAGE_FROM`] follow one order.
fn deep_page(
    searcher: &tantivy::Searcher,
    query: &dyn tantivy::query::Query,
    sort: FileSort,
    request: &SearchRequest,
) -> Result<Collected, SearchError> {
    let Hits { packed: mut hits, bases } = keyed_hits(searcher, query, sort)?;
    let facets = if request.facets { searcher.search(query, &FacetCounter)? } else { Vec::new() };
    let total = hits.len();
    let start = request.offset.min(total);
    let end = request.offset.saturating_add(request.limit.max(1)).min(total);
    let mut page = Vec::new();
    if start < end {
        if start > 0 {
            hits.select_nth_unstable(start);
        }
        let tail = &mut hits[start..];
        let wanted = end - start;
        if wanted < tail.len() {
            tail.select_nth_unstable(wanted - 1);
        }
        let chosen = &mut tail[..wanted];
        chosen.sort_unstable();
        page = chosen.iter().map(|&hit| (0.0, address_of(&bases, hit))).collect();
    }
    Ok((page, total, facets))
}

/// Every hit of a query in a sort's terms (see [`KeyedHits`]).
fn keyed_hits(
    searcher: &tantivy::Searcher,
    query: &dyn tantivy::query::Query,
    sort: FileSort,
) -> Result<Hits, SearchError> {
    let column = sort.by.column();
    let ranks = if sort.by.is_text() { Some(std::sync::Arc::new(text_ranks(searcher, column)?)) } else { None };
    // Each segment's first document in a numbering of all the segments' documents in order.
    let mut bases = Vec::with_capacity(searcher.segment_readers().len());
    let mut next = 0u32;
    for segment in searcher.segment_readers() {
        bases.push(next);
        next = next.checked_add(segment.max_doc()).ok_or_else(|| SearchError::Index {
            detail: "the index holds more than 4 billion documents: too many to sort".into(),
        })?;
    }
    let bases = std::sync::Arc::new(bases);
    let collector = KeyedHits { column: column.to_owned(), ranks, descending: sort.descending, bases: bases.clone() };
    Ok(Hits { packed: search_on_one_thread(searcher, query, &collector)?, bases })
}

/// [`tantivy::Searcher::search`] on the calling thread only: for collectors that keep every hit
/// (deep pages, exports), whose lists, built side by side on two threads, took 10 MiB more at a
/// million files for no gain worth it.
fn search_on_one_thread<C: Collector>(
    searcher: &tantivy::Searcher,
    query: &dyn tantivy::query::Query,
    collector: &C,
) -> tantivy::Result<C::Fruit> {
    let scoring = if collector.requires_scoring() {
        tantivy::query::EnableScoring::enabled_from_searcher(searcher)
    } else {
        tantivy::query::EnableScoring::disabled_from_searcher(searcher)
    };
    searcher.search_with_executor(query, collector, &tantivy::Executor::single_thread(), scoring)
}

/// Hits packed by [`KeyedHits`], and the numbering of documents they use.
struct Hits {
    packed: Vec<u64>,
    bases: std::sync::Arc<Vec<u32>>,
}

/// The address of a packed hit's document, `bases` being each segment's first number.
fn address_of(bases: &[u32], hit: u64) -> DocAddress {
    let number = hit as u32;
    let segment = bases.partition_point(|&base| base <= number).saturating_sub(1);
    DocAddress { segment_ord: segment as SegmentOrdinal, doc_id: number - bases.get(segment).copied().unwrap_or(0) }
}

/// For each segment, the rank of each ordinal of a text column among the texts of every
/// segment (equal texts, equal ranks; 0 is kept for a document without a value).
fn text_ranks(searcher: &tantivy::Searcher, column: &str) -> Result<Vec<Vec<u32>>, SearchError> {
    let index_error = |e: std::io::Error| SearchError::Index { detail: e.to_string() };
    let columns = searcher
        .segment_readers()
        .iter()
        .map(|segment| segment.fast_fields().str(column))
        .collect::<Result<Vec<_>, _>>()?;
    let mut ranks: Vec<Vec<u32>> =
        columns.iter().map(|c| vec![0; c.as_ref().map_or(0, |c| c.dictionary().num_terms())]).collect();
    let mut streams = Vec::new();
    for (segment, column) in columns.iter().enumerate() {
        if let Some(column) = column {
            let mut stream = column.dictionary().stream().map_err(index_error)?;
            if stream.advance() {
                streams.push((segment, stream));
            }
        }
    }
    let mut rank = 0u32;
    let mut previous: Option<Vec<u8>> = None;
    while !streams.is_empty() {
        // The smallest text at the head of a segment's dictionary (a few segments: a scan).
        let mut smallest = 0;
        for (at, (_, stream)) in streams.iter().enumerate().skip(1) {
            if stream.key() < streams[smallest].1.key() {
                smallest = at;
            }
        }
        let (segment, stream) = &mut streams[smallest];
        if previous.as_deref() != Some(stream.key()) {
            rank += 1;
            let buffer = previous.get_or_insert_with(Vec::new);
            buffer.clear();
            buffer.extend_from_slice(stream.key());
        }
        if let Some(slot) = ranks[*segment].get_mut(stream.term_ord() as usize) {
            *slot = rank;
        }
        if !stream.advance() {
            streams.swap_remove(smallest);
        }
    }
    Ok(ranks)
}

/// Collects every hit packed in a `u64`: its key in the high 32 bits (the value of a `u64`
/// column, or the rank of a text column's value when `ranks` are given; reversed when
/// `descending`), its document's number across the segments in the low 32 (`bases`: each
/// segment's first). Sorting the packed hits sorts by key, ties by document address as in
/// tantivy's collector; 8 bytes a hit, so a page deep in a million files holds 8 MB while it is
/// picked. The keys fit: ranks are `u32`, the `u64` columns hold ranks and `YYYYMMDD` dates,
/// and `u64::MAX` (a file awaiting its event) becomes `u32::MAX`, still after every date.
struct KeyedHits {
    column: String,
    ranks: Option<std::sync::Arc<Vec<Vec<u32>>>>,
    descending: bool,
    bases: std::sync::Arc<Vec<u32>>,
}

struct SegmentKeyedHits {
    ords: Option<tantivy::columnar::Column<u64>>,
    /// This segment's ranks of its ordinals; `None` for a `u64` column (the value is the key).
    ranks: Option<std::sync::Arc<Vec<Vec<u32>>>>,
    segment: SegmentOrdinal,
    base: u32,
    descending: bool,
    hits: Vec<u64>,
}

impl Collector for KeyedHits {
    type Fruit = Vec<u64>;
    type Child = SegmentKeyedHits;

    fn for_segment(&self, segment_ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentKeyedHits> {
        let ords = if self.ranks.is_some() {
            segment.fast_fields().str(&self.column)?.map(|column| column.ords().clone())
        } else {
            Some(segment.fast_fields().u64(&self.column)?)
        };
        Ok(SegmentKeyedHits {
            ords,
            ranks: self.ranks.clone(),
            segment: segment_ord,
            base: self.bases.get(segment_ord as usize).copied().unwrap_or(0),
            descending: self.descending,
            hits: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u64>>) -> tantivy::Result<Vec<u64>> {
        // Onto the biggest: one copy fewer of most of the hits.
        let mut fruits = fruits;
        let biggest = fruits.iter().enumerate().max_by_key(|(_, f)| f.len()).map(|(at, _)| at);
        let Some(biggest) = biggest else { return Ok(Vec::new()) };
        let mut all = fruits.swap_remove(biggest);
        all.reserve(fruits.iter().map(Vec::len).sum());
        for fruit in fruits {
            all.extend(fruit);
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentKeyedHits {
    type Fruit = Vec<u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let value = self.ords.as_ref().and_then(|column| column.first(doc));
        let key = match &self.ranks {
            // A document without a value ranks 0, before every text (tantivy's `None` is lowest).
            Some(ranks) => {
                value.and_then(|ord| ranks.get(self.segment as usize)?.get(ord as usize).copied()).unwrap_or(0)
            }
            None => value.map_or(0, |v| u32::try_from(v).unwrap_or(u32::MAX)),
        };
        let key = if self.descending { u32::MAX - key } else { key };
        self.hits.push(u64::from(key) << 32 | u64::from(self.base + doc));
    }

    fn harvest(self) -> Vec<u64> {
        self.hits
    }
}

/// A search.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    pub kind: DocKind,
    pub offset: usize,
    pub limit: usize,
    pub facets: bool,
    pub snippets: bool,
    /// `None` ranks by relevance (by order of indexing when every hit scores the same).
    pub sort: Option<FileSort>,
}

impl SearchRequest {
    pub fn files(query: &str) -> SearchRequest {
        SearchRequest {
            query: query.to_owned(),
            kind: DocKind::File,
            offset: 0,
            limit: 20,
            facets: false,
            snippets: false,
            sort: None,
        }
    }
}

/// One hit: the document's id in the register and its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchHit {
    pub id: i64,
    pub score: Score,
}

/// The count of one value of a facet among all the hits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FacetCount {
    pub facet: String,
    pub value: String,
    pub count: u64,
}

/// Highlights the words a query matched in a text.
pub struct Snippets(SnippetGenerator);

/// A fragment of text and the byte ranges to highlight in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snippet {
    pub fragment: String,
    pub highlights: Vec<(usize, usize)>,
}

impl Snippets {
    pub fn snippet(&self, text: &str) -> Option<Snippet> {
        let snippet = self.0.snippet(text);
        if snippet.highlighted().is_empty() {
            return None;
        }
        Some(Snippet {
            fragment: snippet.fragment().to_owned(),
            highlights: snippet.highlighted().iter().map(|r| (r.start, r.end)).collect(),
        })
    }
}

pub struct SearchPage {
    pub total: usize,
    pub hits: Vec<SearchHit>,
    pub facets: Vec<FacetCount>,
    pub snippets: Option<Snippets>,
}

/// Counts the values of the facet columns over every hit.
struct FacetCounter;

struct SegmentFacets {
    columns: Vec<Option<tantivy::columnar::StrColumn>>,
    counts: Vec<Vec<u64>>,
}

impl Collector for FacetCounter {
    type Fruit = Vec<FacetCount>;
    type Child = SegmentFacets;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentFacets> {
        let mut columns = Vec::new();
        let mut counts = Vec::new();
        for facet in FACETS {
            let column = segment.fast_fields().str(facet)?;
            counts.push(vec![0u64; column.as_ref().map(|c| c.num_terms()).unwrap_or(0)]);
            columns.push(column);
        }
        Ok(SegmentFacets { columns, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<FacetCount>>) -> tantivy::Result<Vec<FacetCount>> {
        let mut merged: HashMap<(String, String), u64> = HashMap::new();
        for fruit in fruits {
            for count in fruit {
                *merged.entry((count.facet, count.value)).or_default() += count.count;
            }
        }
        let mut out: Vec<FacetCount> =
            merged.into_iter().map(|((facet, value), count)| FacetCount { facet, value, count }).collect();
        out.sort_by(|a, b| a.facet.cmp(&b.facet).then(b.count.cmp(&a.count)).then(a.value.cmp(&b.value)));
        Ok(out)
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = Vec<FacetCount>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (column, counts) in self.columns.iter().zip(self.counts.iter_mut()) {
            if let Some(ord) = column.as_ref().and_then(|c| c.ords().first(doc)) {
                if let Some(slot) = counts.get_mut(ord as usize) {
                    *slot += 1;
                }
            }
        }
    }

    fn harvest(self) -> Vec<FacetCount> {
        let mut out = Vec::new();
        for ((facet, column), counts) in FACETS.iter().zip(self.columns).zip(self.counts) {
            let Some(column) = column else { continue };
            for (ord, count) in counts.into_iter().enumerate() {
                if count == 0 {
                    continue;
                }
                let mut value = String::new();
                if column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                    out.push(FacetCount { facet: (*facet).to_owned(), value, count });
                }
            }
        }
        out
    }
}

/// `PRAGMA wal_checkpoint(TRUNCATE)`: whether every frame of the log was copied back and the
/// log truncated (not busy, nothing left behind).
pub(crate) fn checkpoint_truncate(conn: &Connection) -> rusqlite::Result<bool> {
    let (busy, log, done): (i64, i64, i64) =
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    Ok(busy == 0 && log == done)
}

pub(crate) fn register_seq(conn: &Connection) -> Result<i64, SearchError> {
    Ok(conn.query_row("SELECT change_seq FROM register_state WHERE id = 1", [], |row| row.get(0))?)
}

/// How many files and persons the register has held at most: their largest ids (read from the
/// end of each table's b-tree), where a count would read a million rows. An import takes one
/// register change for all its rows, so the change number does not tell.
fn rows_ever(conn: &Connection) -> Result<i64, SearchError> {
    Ok(conn.query_row(
        "SELECT (SELECT coalesce(max(id), 0) FROM files) + (SELECT coalesce(max(id), 0) FROM persons)",
        [],
        |row| row.get(0),
    )?)
}

/// How many files and persons changed since the register's change `since`, destroyed files
/// included (their documents are removed, not fed): counted on the indexes of `change_seq`.
fn changed_since(conn: &Connection, since: i64) -> Result<u64, SearchError> {
    let count: i64 = conn.query_row(
        "SELECT (SELECT count(*) FROM files WHERE change_seq > ?1) \
              + (SELECT count(*) FROM persons WHERE change_seq > ?1)",
        [since],
        |row| row.get(0),
    )?;
    Ok(count.max(0) as u64)
}

fn writer_closed() -> SearchError {
    SearchError::Index { detail: "its writer could not be opened again; close the vault and open it again".into() }
}

/// Each class's code and its ancestors' codes, by class id.
pub(crate) fn class_paths(conn: &Connection) -> Result<HashMap<i64, std::sync::Arc<[String]>>, SearchError> {
    let mut stmt = conn.prepare("SELECT id, code, parent_id FROM plan_classes")?;
    let rows: Vec<(i64, String, Option<i64>)> =
        stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?.collect::<Result<_, _>>()?;
    let by_id: HashMap<i64, (String, Option<i64>)> =
        rows.iter().map(|(id, code, parent)| (*id, (code.clone(), *parent))).collect();
    let mut out = HashMap::new();
    for (id, _, _) in &rows {
        let mut path = Vec::new();
        let mut current = Some(*id);
        while let Some(class) = current {
            let Some((code, parent)) = by_id.get(&class) else { break };
            path.push(code.clone());
            current = *parent;
            if path.len() > 64 {
                break;
            }
        }
        out.insert(*id, path.into());
    }
    Ok(out)
}

const FILE_DOC_SELECT: &str = "
    SELECT f.id, f.reference, f.class_id, c.code, p.code, f.title, f.description, f.keywords, f.notes, f.holder,
           f.location, f.status, f.sensitivity, f.semi_active_until,
           ifnull((SELECT group_concat(pe.last_name || ' ' || pe.first_name || ' ' || ifnull(pe.birth_date, '') || ' '
                   || ifnull((SELECT group_concat(i.value || ' ' || i.normalized, ' ') FROM person_identifiers i
                              WHERE i.person_id = pe.id), ''), '\n')
                   FROM file_persons fp JOIN persons pe ON pe.id = fp.person_id WHERE fp.file_id = f.id), '')
    FROM files f
    JOIN plan_classes c ON c.id = f.class_id
    LEFT JOIN projects p ON p.id = f.project_id";

const PERSON_DOC_SQL: &str = "
    SELECT pe.id, pe.last_name || ' ' || pe.first_name || ' ' || ifnull(pe.birth_date, '') || ' '
        || ifnull((SELECT group_concat(i.value || ' ' || i.normalized, ' ') FROM person_identifiers i
                   WHERE i.person_id = pe.id), '')
    FROM persons pe WHERE pe.change_seq > ?1";

/// Documents fed between two progress reports.
const FEED_PROGRESS_EVERY: usize = 10_000;

/// What a feed answers when its `progress` asked it to stop (the caller knows it cancelled).
fn cancelled() -> SearchError {
    SearchError::Index { detail: "cancelled".into() }
}

pub(crate) fn file_doc_from_row(
    row: &rusqlite::Row<'_>,
    paths: &HashMap<i64, std::sync::Arc<[String]>>,
) -> rusqlite::Result<FileDoc> {
    let class_id: i64 = row.get(2)?;
    Ok(FileDoc {
        id: row.get(0)?,
        reference: row.get(1)?,
        class_code: row.get(3)?,
        class_path: paths.get(&class_id).cloned().unwrap_or_default(),
        project: row.get(4)?,
        title: row.get(5)?,
        description: row.get(6)?,
        keywords: row.get(7)?,
        notes: row.get(8)?,
        holder: row.get(9)?,
        location: row.get(10)?,
        status: row.get(11)?,
        sensitivity: row.get(12)?,
        final_on: row.get(13)?,
        persons: row.get(14)?,
    })
}

/// The lifecycle order of the statuses, and the order of the sensitivity levels, for sorting.
const STATUS_ORDER: &[&str] = &["active", "semi_active", "inactive", "on_hold", "transferred", "destroyed"];
const SENSITIVITY_ORDER: &[&str] = &["public", "internal", "confidential", "personal", "highly_sensitive"];
/// Characters of a title its sort key keeps.
const SORT_PREFIX_CHARS: usize = 48;

fn rank(order: &[&str], value: &str) -> u64 {
    order.iter().position(|v| *v == value).unwrap_or(order.len()) as u64
}

/// A title's sort key: its words folded (case and accents), the first 48 characters; whole
/// titles would make a second copy of every title in the index.
fn sort_prefix(title: &str) -> String {
    let folded = fold_prefix(title, SORT_PREFIX_CHARS);
    // A title of signs alone has no word: sorted by its signs, never without a key.
    if folded.is_empty() {
        title.trim().to_lowercase().chars().take(SORT_PREFIX_CHARS).collect()
    } else {
        folded
    }
}

/// A date as the number `YYYYMMDD`; a date still awaited sorts after every date.
fn date_number(date: Option<&str>) -> u64 {
    date.and_then(|d| d.replace('-', "").parse().ok()).unwrap_or(u64::MAX)
}

/// What the register can be sorted by, besides relevance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    Reference,
    Class,
    /// By the first 48 characters of the title, case and accents folded.
    Title,
    /// In the order of the lifecycle: active, semi-active, inactive, on hold, transferred, destroyed.
    Status,
    /// From public to highly sensitive.
    Sensitivity,
    /// By final disposition date; files whose event is awaited come after every date.
    Final,
}

impl SortBy {
    /// The index's fast column that holds the sort key.
    fn column(self) -> &'static str {
        match self {
            SortBy::Reference => "reference",
            SortBy::Class => "class_code",
            SortBy::Title => "title_sort",
            SortBy::Status => "status_rank",
            SortBy::Sensitivity => "sensitivity_rank",
            SortBy::Final => "final_on",
        }
    }

    /// Whether the column is text (else a number).
    fn is_text(self) -> bool {
        matches!(self, SortBy::Reference | SortBy::Class | SortBy::Title)
    }

    pub fn parse(text: &str) -> Option<SortBy> {
        Some(match text.trim().to_lowercase().as_str() {
            "reference" | "référence" => SortBy::Reference,
            "class" | "classe" => SortBy::Class,
            "title" | "titre" => SortBy::Title,
            "status" | "statut" => SortBy::Status,
            "sensitivity" | "sensibilité" => SortBy::Sensitivity,
            "final" | "due" | "échéance" => SortBy::Final,
            _ => return None,
        })
    }
}

/// An order of the register's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileSort {
    pub by: SortBy,
    #[serde(default)]
    pub descending: bool,
}

/// The facet value of a final disposition date: its year, or `pending`.
pub fn due_bucket(date: Option<&str>) -> String {
    match date {
        Some(date) if date.len() >= 4 => date[..4].to_owned(),
        _ => "pending".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn for_files(query: &str) -> bool {
        let ast = tantivy::query_grammar::parse_query(query).expect("parses");
        could_match(&ast, &|field| other_kind_has(DocKind::File, field))
    }

    /// Whether a query on files could match a person, from its shape: a required word on the
    /// files' fields rules persons out; anything that may match without one does not.
    #[test]
    fn a_query_needs_the_kind_only_when_it_could_match_the_other_kind() {
        for query in
            ["dossier", "dossier demande", "\"contrat de service\"", "title:x who:y", "+a -who:b", "(a OR b) c"]
        {
            assert!(!for_files(query), "{query} cannot match a person");
        }
        for query in ["*", "-dossier", "who:y", "a OR who:y", "kind:person", "(a OR key:p1) b OR id:3", "... who:y"] {
            assert!(for_files(query), "{query} could match a person");
        }
        let person = |query: &str| {
            let ast = tantivy::query_grammar::parse_query(query).expect("parses");
            could_match(&ast, &|field| other_kind_has(DocKind::Person, field))
        };
        assert!(!person("tremblay"));
        assert!(!person("who:tremblay"));
        assert!(person("class:100"));
        assert!(person("tremblay OR title:x"));
    }

    /// Field norms (a byte per document and field, which a searcher keeps in memory) only for
    /// the fields scored by their length; a query on a code still scores its hits.
    #[test]
    fn only_the_analysed_fields_keep_field_norms() {
        let (schema, f) = schema();
        let index = Index::create_in_ram(schema);
        register_analyzers(&index);
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).expect("writer");
        let mut doc = TantivyDocument::default();
        for (field, text) in [
            (f.key, "f1"),
            (f.kind, "file"),
            (f.reference, "R-1"),
            (f.title, "Rapport annuel"),
            (f.text, "Déneigement à Québec"),
            (f.class, "100"),
            (f.class, "100-20"),
            (f.class_code, "100-20"),
            (f.status, "active"),
        ] {
            doc.add_text(field, text);
        }
        writer.add_document(doc).expect("add");
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let norms = searcher.segment_reader(0).fieldnorms_readers();
        for field in [f.title, f.text, f.person, f.who] {
            assert!(norms.get_field(field).expect("norms").is_some(), "{}", index.schema().get_field_name(field));
        }
        for field in [f.key, f.kind, f.reference, f.class, f.class_code, f.project, f.status, f.sensitivity, f.due] {
            assert!(norms.get_field(field).expect("norms").is_none(), "{}", index.schema().get_field_name(field));
        }
        let query =
            tantivy::query::TermQuery::new(Term::from_field_text(f.class, "100-20"), IndexRecordOption::WithFreqs);
        let hits = searcher.search(&query, &TopDocs::with_limit(1).order_by_score()).expect("search");
        assert_eq!(hits.len(), 1);
        assert!(hits[0].0 > 0.0, "scored: {hits:?}");
    }

    /// A title's sort key is its folded words cut at 48 characters, folded in one pass that
    /// stops early; a title of signs alone keeps its signs.
    #[test]
    fn a_sort_key_is_the_folded_title_cut_at_its_length() {
        let long = "Procès-verbal de la réunion du conseil d'administration de l'Œuvre, séance extraordinaire";
        for title in [long, "Québec", "  Dossier  DE  l'employé ", "ÉTÉ 2024 — bilan", "", "« … »", "東京 ß ﬁn"]
        {
            let expected: String = fold(title).chars().take(SORT_PREFIX_CHARS).collect();
            let expected = if expected.is_empty() {
                title.trim().to_lowercase().chars().take(SORT_PREFIX_CHARS).collect()
            } else {
                expected
            };
            assert_eq!(sort_prefix(title), expected, "{title:?}");
        }
        assert_eq!(sort_prefix(long).chars().count(), SORT_PREFIX_CHARS);
        assert_eq!(
            fold(long),
            "proces verbal de la reunion du conseil d administration de l oeuvre seance extraordinaire"
        );
    }
}
