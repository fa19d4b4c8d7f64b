//! The core's one public error: a wrapper over each area's own enum, with a stable code for
//! programs and a message in French or English for people.

use std::path::PathBuf;

use serde::Serialize;

use crate::{
    access::AccessError, audit::AuditError, backup::BackupError, disposition::DispositionError,
    keystore::KeyStoreError, migrations::MigrationError, plan::PlanError, project::ProjectError,
    register::RegisterError, search::SearchError, users::AuthError, vault::VaultError, Lang, UserMessage,
};

/// Stable error codes, serialised in snake_case. The desktop UI switches on these, never on text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    VaultNotFound,
    VaultAlreadyExists,
    NotAVault,
    RecoveryFileMissing,
    VaultTruncated,
    VaultCorrupted,
    WrongPassphrase,
    KeyringEntryMissing,
    KeyringKeyMismatch,
    KeyringUnavailable,
    KeyringFailure,
    NewerSchema,
    MigrationChanged,
    MigrationFailed,
    PassphraseTooShort,
    OrganisationMissing,
    MissingUser,
    MissingSecret,
    SecureDeleteOff,
    InvalidCredentials,
    AccountDisabled,
    UsernameTaken,
    UsernameInvalid,
    PasswordTooShort,
    UnknownUser,
    SigningKeyDamaged,
    LastAdministrator,
    PermissionDenied,
    AuditDetailsDamaged,
    NotABackup,
    BackupVersionUnsupported,
    BackupTruncated,
    BackupCorrupted,
    BackupOfAnotherVault,
    BackupInvalid,
    BackupDestinationExists,
    Cancelled,
    ClassCodeInvalid,
    ClassCodeTaken,
    UnknownClass,
    ClassCodeInconsistent,
    ClassParentRetired,
    ClassTitleMissing,
    ClassHasActiveChildren,
    ClassMoveIntoOwnBranch,
    ClassMoveUnchanged,
    UnknownRule,
    RuleUnchanged,
    EffectiveDateTooEarly,
    ScheduleInvalidValue,
    ScheduleMissingValue,
    ScheduleDuplicateRule,
    ScheduleMalformed,
    ScheduleEmpty,
    UnsupportedFormat,
    PlanFileInvalid,
    PlanFileUnreadable,
    PlanFileEmpty,
    PlanFileTooLarge,
    ProjectCodeInvalid,
    ProjectCodeTaken,
    ProjectNameMissing,
    UnknownProject,
    ProjectClosed,
    SensitivityInvalid,
    OverrideInvalid,
    OverrideExists,
    UnknownOverride,
    ClassHasNoRule,
    RuleAmbiguous,
    FileReferenceInvalid,
    FileReferenceTaken,
    UnknownFile,
    FileTitleMissing,
    TextTooLong,
    ClassRetired,
    FileDatesInconsistent,
    FileAlreadyClosed,
    FileNotClosed,
    FileFinal,
    UnknownPerson,
    PersonNameMissing,
    PersonAlreadyLinked,
    FileAnonymised,
    PersonNotLinked,
    PersonKeyTaken,
    IdentifierInvalid,
    PurposeMissing,
    UnknownCategory,
    RegisterFileInvalid,
    RegisterFileUnreadable,
    ExportTooLarge,
    RegisterFileEmpty,
    SearchIndexFailed,
    SearchIndexBusy,
    SearchQueryInvalid,
    FileHeld,
    UnknownHold,
    HoldReleased,
    ReasonMissing,
    UnknownBatch,
    BatchState,
    SeparationOfDuties,
    BatchEmpty,
    FileNotDue,
    WrongDisposition,
    FileInBatch,
    FileNotInBatch,
    FileFlagged,
    BatchIncomplete,
    NoCertificate,
    LedgerDamaged,
    CertificateUnreadable,
    NotInReview,
    NoPersonalInformation,
    InvalidArgument,
    Database,
    Io,
}

/// Every failure the core reports.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Migration(#[from] MigrationError),
    #[error(transparent)]
    KeyStore(#[from] KeyStoreError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error(transparent)]
    Backup(#[from] BackupError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Project(#[from] ProjectError),
    #[error(transparent)]
    Register(#[from] RegisterError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Disposition(#[from] DispositionError),
    #[error(transparent)]
    Database(#[from] DatabaseError),
    #[error(transparent)]
    Io(#[from] IoError),
}

impl Error {
    fn inner(&self) -> &dyn UserMessage {
        match self {
            Error::Vault(e) => e,
            Error::Migration(e) => e,
            Error::KeyStore(e) => e,
            Error::Auth(e) => e,
            Error::Access(e) => e,
            Error::Audit(e) => e,
            Error::Backup(e) => e,
            Error::Plan(e) => e,
            Error::Project(e) => e,
            Error::Register(e) => e,
            Error::Search(e) => e,
            Error::Disposition(e) => e,
            Error::Database(e) => e,
            Error::Io(e) => e,
        }
    }
}

impl UserMessage for Error {
    fn code(&self) -> ErrorCode {
        self.inner().code()
    }
    fn french(&self) -> String {
        self.inner().french()
    }
}

impl From<rusqlite::Error> for Error {
    fn from(source: rusqlite::Error) -> Error {
        Error::Database(DatabaseError(source))
    }
}

impl Error {
    /// Shorthand for the message in a language.
    pub fn localized(&self, lang: Lang) -> String {
        self.message(lang)
    }
}

/// An unexpected database failure. Expected ones (wrong key, corruption at open) have their own
/// variants in [`VaultError`].
#[derive(Debug, thiserror::Error)]
#[error(
    "The vault's database failed: {0}. Run `greffier vault check`; if it reports damage, restore the latest backup."
)]
pub struct DatabaseError(#[source] pub rusqlite::Error);

impl UserMessage for DatabaseError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Database
    }
    fn french(&self) -> String {
        format!("La base de données du coffre a échoué : {}. Lancez `greffier vault check` ; s'il signale des dommages, restaurez la dernière sauvegarde.", self.0)
    }
}

/// A file could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("Could not {action} {}: {}. {}", path.display(), self.cause(Lang::En), self.advice(Lang::En))]
pub struct IoError {
    pub action: &'static str,
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

impl IoError {
    pub(crate) fn new(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> IoError {
        IoError { action, path: path.into(), source }
    }

    /// What went wrong, in the user's language for the common cases.
    fn cause(&self, lang: Lang) -> String {
        match self.source.kind() {
            std::io::ErrorKind::NotFound => lang.pick("introuvable", "not found").into(),
            std::io::ErrorKind::PermissionDenied => lang.pick("accès refusé", "permission denied").into(),
            std::io::ErrorKind::StorageFull => lang.pick("le disque est plein", "the disk is full").into(),
            _ => self.source.to_string(),
        }
    }

    /// What to check: a read needs the file, a write the folder and room on the disk.
    fn advice(&self, lang: Lang) -> &'static str {
        match self.action {
            "read" => lang.pick(
                "Vérifiez que le fichier existe et que vous pouvez le lire.",
                "Check that the file exists and that you may read it.",
            ),
            _ => lang.pick(
                "Vérifiez que le chemin existe, que vous pouvez y écrire et que le disque n'est pas plein.",
                "Check that the path exists, that you may write there and that the disk is not full.",
            ),
        }
    }
}

impl UserMessage for IoError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Io
    }
    fn french(&self) -> String {
        let action = match self.action {
            "read" => "lire",
            "write" => "écrire",
            "create" => "créer",
            "rename" => "renommer",
            "remove" => "supprimer",
            other => other,
        };
        format!("Impossible de {action} {} : {}. {}", self.path.display(), self.cause(Lang::Fr), self.advice(Lang::Fr))
    }
}
