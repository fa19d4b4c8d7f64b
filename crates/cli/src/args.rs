//! The command line, as clap reads it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Greffier: records management with retention schedules, in an encrypted vault.
///
/// Secrets come from the environment, never from arguments: GREFFIER_PASSWORD (the acting user's
/// password; for `init`, the new administrator's), GREFFIER_RECOVERY (the recovery passphrase),
/// GREFFIER_NEW_PASSWORD (a new user's or a new password), GREFFIER_NEW_RECOVERY (a new recovery
/// passphrase). GREFFIER_KEYRING=none keeps the OS keyring out entirely.
#[derive(Debug, Parser)]
#[command(name = "greffier", version, propagate_version = true)]
pub struct Cli {
    /// The vault folder (holds vault.db and recovery.json).
    #[arg(long, global = true, env = "GREFFIER_VAULT", value_name = "DIR")]
    pub vault: Option<PathBuf>,
    /// The acting user.
    #[arg(long, global = true, env = "GREFFIER_USER", value_name = "NAME")]
    pub user: Option<String>,
    /// Read the acting user's password from the first line of standard input.
    #[arg(long, global = true)]
    pub password_stdin: bool,
    /// Print data as JSON.
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of messages (default: from the locale, else French).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    Fr,
    En,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a vault with its first administrator (--user; password in GREFFIER_PASSWORD,
    /// recovery passphrase in GREFFIER_RECOVERY).
    Init(InitArgs),
    /// Vault operations.
    #[command(subcommand)]
    Vault(VaultCommand),
    /// Users and roles.
    #[command(subcommand)]
    User(UserCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The classification plan and the retention schedule.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Rules of the retention schedule.
    #[command(subcommand)]
    Rule(RuleCommand),
    /// Projects and their destruction calendars.
    #[command(subcommand)]
    Project(ProjectCommand),
    /// The file register.
    #[command(subcommand)]
    Files(FilesCommand),
    /// Persons the files are about.
    #[command(subcommand)]
    Person(PersonCommand),
    /// Full-text search of the register (`greffier search QUERY`), or `search reindex`.
    Search(SearchArgs),
    /// The due list: files whose final disposition falls by a date (today by default).
    Due(DueArgs),
    /// Legal holds: files that cannot be changed, destroyed or transferred.
    #[command(subcommand)]
    Hold(HoldCommand),
    /// Disposition batches: propose, approve or reject (another user), execute.
    #[command(subcommand)]
    Disposition(DispositionCommand),
    /// Destruction certificates.
    #[command(subcommand)]
    Certificate(CertificateCommand),
    /// Residual records of destroyed files (`greffier destroyed [TEXT]`).
    Destroyed {
        /// Part of a reference, class code or title; all of them without one.
        #[arg(default_value = "")]
        text: String,
        #[arg(long, default_value_t = 100)]
        limit: u64,
    },
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// YYYY-MM-DD or DD/MM/YYYY; today by default.
    #[arg(long)]
    pub until: Option<String>,
    #[arg(long)]
    pub project: Option<String>,
    /// A class of the plan: its files and those of every class under it.
    #[arg(long)]
    pub class: Option<String>,
    /// destruction, transfer or review.
    #[arg(long)]
    pub kind: Option<String>,
    #[arg(long, default_value_t = 50)]
    pub limit: u64,
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
    /// Write the whole list to this file instead of printing a page: .csv or .xlsx (streamed),
    /// or .pdf (typeset as it is read, whatever its length).
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum HoldCommand {
    /// Place a hold on one file, a person's files, a class (and the classes under it) or a project.
    Add {
        #[arg(long, group = "target")]
        file: Option<String>,
        #[arg(long, group = "target")]
        person: Option<i64>,
        #[arg(long, group = "target")]
        class: Option<String>,
        #[arg(long, group = "target")]
        project: Option<String>,
        /// litigation, access_request, audit, investigation or other.
        #[arg(long, default_value = "litigation")]
        kind: String,
        #[arg(long)]
        reason: String,
        /// The access request that calls for the hold.
        #[arg(long)]
        request: Option<String>,
    },
    /// Release a hold, with a reason.
    Release {
        number: String,
        #[arg(long)]
        reason: String,
    },
    /// The holds in force (--all: released ones too), or those on one file (--file).
    List {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        file: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DispositionCommand {
    /// Propose a batch: the files named, or (--due) every file due by today not held nor in a batch.
    Propose {
        /// destruction, transfer, or anonymisation (files due for destruction that hold personal
        /// information: the persons are removed and the file kept, Access Act s. 73).
        #[arg(long, default_value = "destruction")]
        kind: String,
        /// References of the files.
        references: Vec<String>,
        /// Take the files from the due list instead.
        #[arg(long)]
        due: bool,
        #[arg(long)]
        project: Option<String>,
        /// With --due: the files of this class and of every class under it.
        #[arg(long, requires = "due")]
        class: Option<String>,
        /// At most this many files from the due list.
        #[arg(long, default_value_t = 10_000)]
        limit: u64,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Approve a batch another user proposed: every pending file, or those given with --file.
    Approve {
        batch: String,
        #[arg(long = "file")]
        files: Vec<String>,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Reject a batch another user proposed, whole or the files given with --file.
    Reject {
        batch: String,
        #[arg(long = "file")]
        files: Vec<String>,
        #[arg(long)]
        reason: String,
    },
    /// Execute an approved batch (or finish an incomplete one).
    Execute {
        batch: String,
        /// How the documents were destroyed (shredding, secure erasure…).
        #[arg(long, default_value = "")]
        method: String,
    },
    /// Decide the fate of a file whose final disposition is review (sorting, "T"), with a
    /// justification: destroy it, keep it permanently, extend it to a date, or apply another
    /// rule of its class.
    Review {
        reference: String,
        #[arg(long, group = "decision")]
        destroy: bool,
        #[arg(long, group = "decision")]
        keep: bool,
        /// YYYY-MM-DD or DD/MM/YYYY: review it again then.
        #[arg(long, group = "decision")]
        extend: Option<String>,
        #[arg(long, group = "decision")]
        rule: Option<String>,
        #[arg(long)]
        justification: String,
    },
    /// Write the transfer slips of an executed transfer batch (one per box): .pdf, .csv or .json.
    Slips { batch: String, file: PathBuf },
    /// The batches, newest first.
    List,
    /// A batch and its files, with what changed since it was proposed.
    Show { batch: String },
}

#[derive(Debug, Subcommand)]
pub enum CertificateCommand {
    /// Write the destruction certificate of an executed batch: .csv, .json or .pdf.
    Export { batch: String, file: PathBuf },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The organisation that owns the records.
    #[arg(long)]
    pub organisation: String,
    /// The administrator's full name.
    #[arg(long, default_value = "")]
    pub display_name: String,
    /// Start from the sample plan that ships with Greffier: a bilingual classification plan
    /// with its retention rules, imported by the new administrator.
    #[arg(long)]
    pub sample_plan: bool,
}

#[derive(Debug, Subcommand)]
pub enum VaultCommand {
    /// Show the vault's identity, versions, key source and the build's self-check.
    Info,
    /// Run the integrity check, the page HMAC check and the audit chain verification.
    Check,
    /// Write an encrypted backup to FILE (which must not exist).
    Backup { file: PathBuf },
    /// Restore FILE into the vault folder, after verifying it whole. The acting user must be an
    /// administrator in the backup.
    Restore { file: PathBuf },
    /// Rotate the vault key (needs GREFFIER_RECOVERY).
    Rekey,
    /// Change the recovery passphrase (GREFFIER_RECOVERY to GREFFIER_NEW_RECOVERY).
    ChangePassphrase,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user (password in GREFFIER_NEW_PASSWORD).
    Add {
        username: String,
        #[arg(long, value_parser = ["administrator", "archivist", "access_officer", "auditor", "clerk"])]
        role: String,
        #[arg(long, default_value = "")]
        display_name: String,
    },
    /// List users and their roles.
    List,
    /// Give a user a new password (GREFFIER_NEW_PASSWORD) and a new signing key.
    ResetPassword { username: String },
    /// Change your own password (GREFFIER_NEW_PASSWORD).
    Passwd,
    /// Deactivate an account (users are never deleted).
    Deactivate { username: String },
    /// Reactivate an account.
    Reactivate { username: String },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Verify the whole chain; exit code 3 names the first bad event. With --certificate, also
    /// check a destruction certificate (its PDF, which carries its data, or its CSV) against the
    /// vault.
    Verify {
        #[arg(long, value_name = "FILE")]
        certificate: Option<PathBuf>,
    },
    /// Export the trail.
    Export {
        /// CSV file to write, or - for standard output.
        #[arg(long, value_name = "FILE")]
        csv: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Import the plan and its rules: .csv or .xlsx (Greffier's table format, French or English
    /// columns; see the README), or .xml (the exchange format of Quebec tools). The file is
    /// checked whole first; any problem refuses it, every problem is listed, nothing is written.
    Import { file: PathBuf },
    /// Show the plan as a tree: codes, titles and the rules that apply to each class.
    List,
    /// Export the plan and the current version of every rule (XML: the rules only). CSV and
    /// XLSX headers are in the language of --lang.
    Export {
        /// The file format.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// The file to write.
        file: PathBuf,
    },
    /// Move a class and its whole branch: the class takes the new code under its new parent
    /// (--parent, or --top for the top of the plan: one of them is required), and each of its
    /// subclasses the new code in place of the old one (moving 100-20 to 200-40 under 200 makes
    /// 100-20-05 200-40-05). Files, rules and overrides follow the classes; prints every code
    /// that changed and how many files the classes hold.
    #[command(group(clap::ArgGroup::new("destination").required(true).args(["parent", "top"])))]
    Move {
        /// The class to move (its subclasses come along).
        code: String,
        /// Its new code, which must continue the new parent's (200-40 under 200).
        #[arg(long, value_name = "NEW_CODE")]
        to: String,
        /// The new parent (it may be the current one, to renumber the class in place).
        #[arg(long, value_name = "PARENT")]
        parent: Option<String>,
        /// Move the class to the top of the plan, without a parent.
        #[arg(long)]
        top: bool,
    },
}

/// Export formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// One table: classes and rules, told apart by the Type/Kind column (UTF-8, semicolons).
    Csv,
    /// A workbook with a Classes sheet and a Rules (Règles) sheet.
    Xlsx,
    /// The XML exchange format of Quebec retention-schedule tools (rules only).
    Xml,
    /// The retention schedule as printed for approval (each series as the Archives Act
    /// regulation asks, in force today), with the classification plan attached; in --lang.
    Pdf,
}

#[derive(Debug, Subcommand)]
pub enum RuleCommand {
    /// Show a rule: every version and copy, periods in your language.
    Show { number: String },
    /// Which periods and disposition apply to a class, in a project, at a sensitivity level,
    /// and why: the chain from the class rule to the most specific override.
    Explain {
        #[arg(long)]
        class: String,
        #[arg(long)]
        project: Option<String>,
        /// public, internal, confidential, personal or highly_sensitive (default: the project's).
        #[arg(long)]
        sensitivity: Option<String>,
        /// The rule, when several apply to the class.
        #[arg(long)]
        rule: Option<String>,
        /// The secondary copy instead of the principal one.
        #[arg(long)]
        secondary: bool,
    },
    /// Apply the schedule as it stands now to the files (of one rule, or of all): each takes
    /// its rule's current version and the calendars' overrides, and its due dates are computed
    /// again.
    Apply {
        /// The rule; every rule without one.
        number: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// Add a project.
    Add {
        code: String,
        #[arg(long)]
        name: String,
        /// The owner's user name.
        #[arg(long)]
        owner: String,
        /// public, internal, confidential, personal or highly_sensitive.
        #[arg(long)]
        sensitivity: String,
    },
    /// Change a project's name, owner or sensitivity level (at least one); the code stays. When
    /// the level changes, the project's files that had its former level take the new one (save
    /// held ones) and their due dates are computed again.
    #[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["name", "owner", "sensitivity"])))]
    Edit {
        code: String,
        #[arg(long)]
        name: Option<String>,
        /// The new owner's user name (an active user).
        #[arg(long)]
        owner: Option<String>,
        /// public, internal, confidential, personal or highly_sensitive.
        #[arg(long)]
        sensitivity: Option<String>,
    },
    /// Close a project: no new file can be filed in it; its files keep their calendar.
    Close { code: String },
    /// Reopen a closed project.
    Reopen { code: String },
    /// List projects with their owner, level and number of overrides in force.
    List,
    /// Show a project's calendar: every override, in force or withdrawn.
    Calendar { code: String },
    /// Add an override to a project's calendar, by class and/or sensitivity.
    Override {
        code: String,
        #[arg(long)]
        class: Option<String>,
        #[arg(long)]
        sensitivity: Option<String>,
        /// Replacement active period: 5, 5 years, 18 months, 888, 999.
        #[arg(long)]
        active: Option<String>,
        /// Replacement semi-active period.
        #[arg(long)]
        semi_active: Option<String>,
        /// Replacement disposition: C, D or T.
        #[arg(long)]
        disposition: Option<String>,
        /// Why the project departs from the rule (required).
        #[arg(long)]
        reason: String,
    },
    /// Withdraw an override (it stays in the calendar's history).
    Withdraw { code: String, id: i64 },
}

/// Which files a command works on: a query and filters, as in the register's view.
#[derive(Debug, Args, Default)]
pub struct FilterArgs {
    /// The search syntax: words, "phrases", prefix*, class:100-20, project:CODE, status:active…
    #[arg(long, default_value = "")]
    pub filter: String,
    /// A class and the classes under it.
    #[arg(long)]
    pub class: Option<String>,
    #[arg(long)]
    pub project: Option<String>,
    /// active, semi_active, inactive, on_hold, destroyed, transferred.
    #[arg(long)]
    pub status: Option<String>,
    /// public, internal, confidential, personal, highly_sensitive.
    #[arg(long)]
    pub sensitivity: Option<String>,
    /// The year of the final disposition, or `pending`.
    #[arg(long)]
    pub due: Option<String>,
    /// The order of the rows, by a column: reference (the default), class, title, status,
    /// sensitivity, final (référence, classe, titre, statut, sensibilité, échéance).
    #[arg(long)]
    pub sort: Option<String>,
    /// With --sort: from the last value to the first.
    #[arg(long, requires = "sort")]
    pub desc: bool,
}

#[derive(Debug, Subcommand)]
pub enum FilesCommand {
    /// Import files (and the persons they are about) from .csv or .xlsx; see the README for the
    /// columns. Checked whole first: any bad row refuses the import and nothing is written.
    Import {
        /// The files sheet.
        file: Option<PathBuf>,
        /// The persons sheet (each row links a person to a file of the import or of the register).
        #[arg(long)]
        persons: Option<PathBuf>,
    },
    /// Export the files a filter selects (all of them without one) to .csv or .xlsx.
    Export {
        #[command(flatten)]
        filter: FilterArgs,
        /// The file to write (its extension gives the format).
        file: PathBuf,
    },
    /// Show a file: its dates, due dates, the rule that applies and why, its persons.
    Show { reference: String },
    /// File a new file.
    Add {
        reference: String,
        #[arg(long)]
        class: String,
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long)]
        project: Option<String>,
        /// The rule, when several apply to the class.
        #[arg(long)]
        rule: Option<String>,
        /// YYYY-MM-DD or DD/MM/YYYY.
        #[arg(long)]
        opened: Option<String>,
        #[arg(long)]
        sensitivity: Option<String>,
    },
    /// Close a file on a date (today by default): the clock of rules counted from closing starts.
    Close {
        reference: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// Reopen a closed file.
    Reopen { reference: String },
}

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Find persons by name, birth date or identifier; identifiers are shown masked.
    Find { query: String },
    /// Show a person's identifiers in clear (audited).
    Reveal { id: i64 },
    /// Link a person to a file: one the register has (--person ID) or a new one (--last-name…),
    /// with the categories of personal information the file holds and why it was collected.
    /// Identifiers are printed masked.
    #[command(group(clap::ArgGroup::new("who").required(true).args(["person", "last_name"])))]
    Attach {
        /// The file's reference.
        reference: String,
        /// A person of the register, by id (`greffier person find`).
        #[arg(long, conflicts_with_all = ["first_name", "birth_date", "external_key", "identifiers"])]
        person: Option<i64>,
        #[arg(long)]
        last_name: Option<String>,
        #[arg(long)]
        first_name: Option<String>,
        /// YYYY-MM-DD or DD/MM/YYYY.
        #[arg(long)]
        birth_date: Option<String>,
        /// The person's key in another system (employee or client number); unique.
        #[arg(long)]
        external_key: Option<String>,
        /// KIND=VALUE, KIND one of sin (nas), health_insurance (ramq), driver_licence,
        /// client_number, employee_number, other; repeat for several.
        #[arg(long = "identifier", value_name = "KIND=VALUE")]
        identifiers: Vec<String>,
        /// A category of personal information (sin, health, financial, contact…); repeat for several.
        #[arg(long = "category", value_name = "CATEGORY")]
        categories: Vec<String>,
        /// Why the information was collected; repeat for several.
        #[arg(long = "purpose", value_name = "TEXT")]
        purposes: Vec<String>,
        /// The consent of each --purpose, in the same order: given, refused, withdrawn,
        /// not_required or unknown (the default).
        #[arg(long = "consent", value_name = "CONSENT")]
        consents: Vec<String>,
    },
    /// Change a person's names, birth date, key or identifiers (what is not named stays). A new
    /// birth date recomputes the due dates of the files whose rule counts from birth.
    #[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args([
        "last_name", "first_name", "birth_date", "no_birth_date", "external_key", "no_external_key",
        "identifiers", "no_identifiers",
    ])))]
    Edit {
        id: i64,
        #[arg(long)]
        last_name: Option<String>,
        #[arg(long)]
        first_name: Option<String>,
        /// YYYY-MM-DD or DD/MM/YYYY.
        #[arg(long, conflicts_with = "no_birth_date")]
        birth_date: Option<String>,
        /// Remove the birth date.
        #[arg(long)]
        no_birth_date: bool,
        #[arg(long, conflicts_with = "no_external_key")]
        external_key: Option<String>,
        /// Remove the key.
        #[arg(long)]
        no_external_key: bool,
        /// KIND=VALUE; the identifiers given replace all the person's identifiers.
        #[arg(long = "identifier", value_name = "KIND=VALUE", conflicts_with = "no_identifiers")]
        identifiers: Vec<String>,
        /// Remove every identifier.
        #[arg(long)]
        no_identifiers: bool,
    },
    /// Remove a person from a file; a person no other file needs is erased with their
    /// identifiers.
    Detach {
        /// The file's reference.
        reference: String,
        /// The person's id.
        id: i64,
        /// Why (required; audited).
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SearchArgs {
    #[command(subcommand)]
    pub command: Option<SearchCommand>,
    /// The query: words, "phrases", prefix*, class:100-20 (classe:), project: (projet:),
    /// status: (statut:), sensitivity:, due: (échéance:), person: (personne:), reference: (ref:).
    pub query: Vec<String>,
    /// How many results to show.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Skip this many results (pages).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Sort by a column instead of relevance: reference, class, title, status, sensitivity, final
    /// (référence, classe, titre, statut, sensibilité, échéance).
    #[arg(long)]
    pub sort: Option<String>,
    /// With --sort: from the last value to the first.
    #[arg(long, requires = "sort")]
    pub desc: bool,
}

#[derive(Debug, Subcommand)]
pub enum SearchCommand {
    /// Rebuild the search index from the register.
    Reindex,
}
