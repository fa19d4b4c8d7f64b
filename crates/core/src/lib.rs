//! Greffier's domain: the encrypted vault, its users and roles, the audit chain, the
//! classification plan and the retention schedule.
//!
//! Nothing here knows about Tauri, a window, or the OS keyring: those come in through the
//! [`KeyStore`] trait and the [`Clock`], passed in by the CLI and the desktop shell.

pub mod access;
pub mod anonymise;
pub mod audit;
pub mod backup;
pub mod clock;
mod crypto;
pub mod disposition;
mod error;
mod fsutil;
pub use fsutil::write_whole;
pub mod i18n;
pub mod keystore;
pub mod ledger;
pub mod migrations;
pub mod persons;
pub mod plan;
pub mod plan_table;
pub mod project;
mod recovery;
pub mod register;
pub mod register_export;
pub mod register_import;
pub mod retention;
pub mod sample;
pub mod schedule_report;
mod schedule_xml;
pub mod search;
mod secret;
mod spreadsheet;
pub mod users;
pub mod vault;

pub use access::{AccessError, Permission};
pub use audit::{AuditEntry, ChainFault, ChainHead, ChainProblem, VerifyReport};
pub use backup::{BackupError, BackupReport, Credentials, Progress, RestoreReport};
pub use clock::{Clock, FixedClock, SystemClock};
pub use crypto::KdfParams;
pub use disposition::{
    Batch, BatchFile, BatchFlag, BatchKind, BatchState, Certificate, CertificateCheck, CertificateFile, DestroyedFile,
    DispositionError, DueCalendar, DueCounts, DueFile, DueKind, DueMonth, DuePage, DueQuery, DueReport,
    ExecutionReport, ExecutionTimings, FileDecision, Hold, HoldKind, HoldTarget, RecomputeReport, ReviewDecision,
    SlipFile, TransferSlip,
};
pub use error::{DatabaseError, Error, ErrorCode, IoError};
pub use i18n::{Lang, UserMessage};
pub use keystore::{KeySlot, KeyStore, KeyStoreError, KeyStoreInfo, MemoryKeyStore, NoKeyStore};
pub use persons::{Detached, Identifier, MaskedIdentifier, Person};
pub use plan::{ClassCode, ClassDraft, ClassId, CodeChange, MoveReport, PlanClass, PlanError, XmlProblem};
pub use plan_table::{CellIssue, CellProblem, PlanFormat, PlanImportReport, MAX_PLAN_FILE_BYTES};
pub use project::{
    explain, Decided, ExplainQuery, Explanation, FileException, NewOverride, NewProject, OverrideId, Project,
    ProjectEdit, ProjectEditReport, ProjectError, ProjectOverride, Replacement, RuleBasis, Sensitivity, Source, Step,
};
pub use register::{
    Consent, DueDates, FileDates, FileDraft, FileFilter, FileHit, FilePerson, FileRecord, FileRow, FileSearchPage,
    FileStatus, IdentifierKind, IndexCheck, Medium, Purpose, RegisterError, TextField, Waiting, LINE_MAX, TEXT_MAX,
};
pub use register_export::{RegisterFormat, EXPORT_COLUMNS, PROGRESS_EVERY};
pub use register_import::{ImportPhase, ImportProgress, RegisterImportReport};
pub use retention::{
    CopyKind, CopyRule, Disposition, Field, ImportReport, Period, RetentionRule, RuleContent, RuleRef, RuleRevision,
    RuleVersion, TriggerEvent,
};
pub use sample::SAMPLE_PLAN_CSV;
pub use schedule_report::{ScheduleReport, ScheduleSeries};
pub use search::{FacetCount, FileSort, SearchError, Snippet, SortBy};
pub use secret::{Secret, VaultKey};
pub use users::{AuthError, NewUser, Role, Session, User, UserId};
pub use vault::{
    self_check, CheckReport, CreateReport, KdfProfile, KeySource, LockedVault, Pragmas, SelfCheck, Unlock, Vault,
    VaultEnv, VaultError, VaultInfo, VaultPaths, VaultSetup,
};

/// Caps glibc's malloc at one arena for the whole process. Each thread that allocates (tantivy's
/// indexing and merge threads, the search threads) otherwise gets an arena of its own, whose
/// freed memory stays with it: at a million files the desktop's core peaked at 176 MiB after
/// searches and edits with the default arenas and at 142 MiB with one (BENCHMARKS.md), for about
/// a tenth more time on a bulk import. The desktop calls it first thing in `main`; the CLI, whose
/// runs are short and bulk, does not. Does nothing off glibc.
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a tunable of the allocator; it is called before any thread
    // other than the main one exists, and its failure (0) leaves the default in place.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Gives back to the system the free memory glibc's malloc holds (`malloc_trim`), wherever it
/// lies in the heap: after the fill of a search index made anew, whose writer frees some two
/// hundred MiB at a million files that the desktop's one arena otherwise kept (the app ended the
/// register's first page at 402 MiB RSS rather than 250, BENCHMARKS.md). Does nothing off
/// glibc, nor for memory another allocator (the CLI's mimalloc) holds.
pub(crate) fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes the arenas' locks itself; it only returns free pages.
    unsafe {
        libc::malloc_trim(0);
    }
}
