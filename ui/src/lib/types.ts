// Data shapes exchanged with the Tauri shell (`src-tauri`).
//
// Written by hand for now. They mirror the Rust DTOs field for field (serde `camelCase`, enums
// in `snake_case`) and will be generated from Rust by ts-rs later, at which point this file is
// replaced by the generated bindings: change the Rust type first, never only this file.

/** The interface languages. Mirrors the core's language enum (`"fr"` is the default). */
export type Language = 'fr' | 'en';

/** What the desktop shell knows about the OS keyring it uses to hold the vault key. */
export interface KeyringInfo {
  /** `true` when the key is kept in the operating system's secret store. */
  osStore: boolean;
  /** A human-readable description of the store (e.g. "Secret Service (GNOME Keyring)"). */
  description: string;
}

/** The roles of `greffier_core::Role`. */
export type Role = 'administrator' | 'archivist' | 'access_officer' | 'auditor' | 'clerk';

/** The permissions of `greffier_core::Permission`; the core enforces them, the UI only adapts. */
export type Permission =
  | 'manage_users'
  | 'view_users'
  | 'manage_vault'
  | 'check_vault'
  | 'view_audit'
  | 'export_audit'
  | 'view_plan'
  | 'manage_plan'
  | 'view_register'
  | 'manage_register'
  | 'reveal_identifiers'
  | 'manage_holds'
  | 'propose_disposition'
  | 'approve_disposition';

/** Who is signed in, and what their role lets them do. */
export interface SessionInfo {
  username: string;
  displayName: string;
  role: Role;
  permissions: Permission[];
}

/** Answer of the `app_status` command (and of every command that changes the state). */
export interface AppStatus {
  /** The application's version (the shell's Cargo package version). */
  version: string;
  /** Absolute path of the folder that holds (or will hold) the vault. */
  vaultDir: string;
  /** `true` when a vault file exists in `vaultDir`. */
  vaultExists: boolean;
  /** `true` when the vault is open in this session. */
  unlocked: boolean;
  /** The organisation named in the vault, once it is unlocked; `null` otherwise. */
  organisation: string | null;
  keyring: KeyringInfo;
  /** `PRAGMA cipher_version` of the linked SQLCipher, `null` if it could not be read. */
  sqlcipherVersion: string | null;
  /** The signed-in user, `null` while nobody is signed in (always `null` when locked). */
  session: SessionInfo | null;
  /** Minutes of inactivity after which the UI locks the vault; 0 means never. */
  idleLockMinutes: number;
}

/** What `create_vault` needs. */
export interface VaultSetup {
  organisation: string;
  adminUsername: string;
  adminDisplayName: string;
  adminPassword: string;
  recoveryPassphrase: string;
  /** Start from the sample plan shipped with Greffier (otherwise an empty plan). */
  samplePlan: boolean;
}

/** Answer of `create_vault`: the vault is created and unlocked, nobody is signed in yet. */
export interface VaultCreated {
  status: AppStatus;
  /** `false` when the key could not be put in an OS keyring: unlocking then needs the passphrase. */
  keyringSaved: boolean;
}

/** A user as the users table shows them. */
export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  active: boolean;
  /** RFC 3339, UTC. */
  createdAt: string;
}

/** What `add_user` needs. */
export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
}

/** The last event of the audit chain: printed on backups so that a rollback shows. */
export interface ChainHead {
  seq: number;
  hash: string;
}

export interface BackupReport {
  path: string;
  bytes: number;
  sha256: string;
  chainHead: ChainHead;
}

export interface RestoreReport {
  /** RFC 3339, UTC. */
  backupCreatedAt: string;
  backupChainHead: ChainHead;
  /** Where the replaced vault was kept, if there was one. */
  previousSavedAs: string | null;
  /** `true` when the recovery file came from the backup: its passphrase is then the one in force then. */
  recoveryFileFromBackup: boolean;
}

/** Answer of `restore_vault`: the vault is replaced and open, nobody is signed in. */
export interface VaultRestored {
  report: RestoreReport;
  status: AppStatus;
}

export type ChainFault =
  | 'missing'
  | 'edited'
  | 'out_of_place'
  | 'bad_signature'
  | 'wrong_signer'
  | 'details_altered'
  | 'truncated';

/** Verification of the audit trail's hash chain. */
export interface VerifyReport {
  events: number;
  head: ChainHead | null;
  systemSigned: number;
  erasedDetails: number;
  /** The first event that does not verify, `null` when the chain is intact. */
  problem: { seq: number; fault: ChainFault } | null;
}

/** Answer of `check_vault`. */
export interface CheckReport {
  /** `PRAGMA integrity_check`: `["ok"]` when sound. */
  integrity: string[];
  /** `PRAGMA cipher_integrity_check`: empty when every page's HMAC verifies. */
  cipherIntegrity: string[];
  audit: VerifyReport;
}

/**
 * Where a register import is (`ImportPhase`): checking every row, writing, indexing the files
 * persons rows name and the persons (only when there are some), then saving (the commits: no
 * longer cancelled).
 */
export type ImportPhase = 'checking' | 'writing' | 'indexing' | 'saving';

/**
 * Payload of the `vault-progress` event, sent while a backup, a restore, a register import or
 * an export runs: `done` of `total` (0 while not known). An import says its phase and the rows
 * it has checked or written, or the records it has indexed (`rows`); its `done` and `total` are
 * the phase's share of the work (bytes of the sheets read while checking, rows while writing,
 * records while indexing). An export counts the files written of `total`.
 * A batch's execution sends a `BatchProgress` on the same event (`api.onBatchProgress`).
 * A long catch-up of the search index (the fill of an index made anew after an update or a
 * restore, in the first search) sends operation `index`: files and persons indexed of `total`.
 */
export interface VaultProgress {
  operation: 'backup' | 'restore' | 'import' | 'export' | 'index';
  phase?: ImportPhase;
  rows?: number;
  done: number;
  total: number;
}

/** What the native file chooser is opened for (and so which filter and title it shows). */
export type FilePurpose =
  | 'backup'
  | 'restore'
  | 'plan_import'
  | 'plan_export'
  | 'register_import'
  | 'register_export'
  | 'due_export'
  | 'certificate_export'
  | 'transfer_slips';

/** A decision on a file in review (final disposition T). */
export type ReviewDecision =
  | { kind: 'destroy' }
  | { kind: 'keep_permanently' }
  | { kind: 'extend'; until: string }
  | { kind: 'reassign_rule'; rule: string };

/**
 * How every command fails. `code` is a stable identifier the UI may switch on (the Rust
 * `ErrorCode` enum, snake_case); `message` is already translated by the core into the
 * current language and is shown as is.
 */
export interface CommandError {
  code: string;
  message: string;
}

// ----- The classification plan and the retention schedule (greffier_core::plan, ::retention) -----

/** A class of the plan (`PlanClass`). `list_classes` answers them in tree order. */
export interface PlanClass {
  id: number;
  code: string;
  /** The parent's code; `null` at the top of the plan. */
  parent: string | null;
  /** 0 at the top of the plan. */
  depth: number;
  titleFr: string;
  titleEn: string;
  scopeNoteFr: string;
  scopeNoteEn: string;
  /** Examples of documents filed in the class, one per line. */
  examples: string;
  active: boolean;
  /** The numbers of the rules whose current version applies to the class. */
  rules: string[];
}

/** What `add_class` needs, or everything `edit_class` replaces (`ClassDraft`). */
export interface ClassDraft {
  code: string;
  parent: string | null;
  titleFr: string;
  titleEn: string;
  scopeNoteFr: string;
  scopeNoteEn: string;
  examples: string;
}

/**
 * How long a copy stays in a phase (`Period`): years or months, or the exchange format's
 * variable codes 888 (until an event) and 999 (while the document is in use).
 */
export type Period =
  | { unit: 'years'; count: number }
  | { unit: 'months'; count: number }
  | { unit: 'until_event' }
  | { unit: 'while_in_use' };

export type PeriodUnit = Period['unit'];

/** What happens at the end of the semi-active period: C keep, D destroy, T sort or sample. */
export type Disposition = 'keep' | 'destroy' | 'sort';

/** P: the principal copy; S: secondary copies. */
export type CopyKind = 'principal' | 'secondary';

/** The event that starts a rule's clock (`TriggerEvent`, tagged by `event`). */
export type TriggerEvent =
  | { event: 'file_closed' }
  | { event: 'contract_ended' }
  | { event: 'last_activity' }
  | { event: 'birth_date' }
  /** A date recorded on the file, named by `field`. */
  | { event: 'file_date'; field: string }
  /** A fixed date (`YYYY-MM-DD`), the same for every file. */
  | { event: 'fixed_date'; date: string };

export type TriggerKind = TriggerEvent['event'];

/** One copy of a rule version (a `DELAI_ROW`). The remarks are labels such as `R1`. */
export interface CopyRule {
  kind: CopyKind;
  delayNumber: string | null;
  /** SUPPDOSS as written, such as `PA,DM`. */
  media: string;
  active: Period;
  semiActive: Period;
  disposition: Disposition;
  mediaRemark: string | null;
  activeRemark: string | null;
  semiActiveRemark: string | null;
  dispositionRemark: string | null;
}

/** Everything one version of a rule says (`RuleContent`). */
export interface RuleContent {
  organisationId: string;
  transactionType: string;
  collection: string;
  collectionNumber: string;
  seriesTitle: string;
  description: string;
  processActivity: string;
  holdingUnits: string;
  documentTypes: string;
  legalReference: string;
  /** O / N; `null` when the schedule left it empty. */
  essential: boolean | null;
  confidential: boolean | null;
  /** Numbered remarks (`R1: …`) that the copies refer to. */
  periodRemarks: string;
  generalRemarks: string;
  grillechan: string;
  /** The codes of the classes the rule applies to. */
  classes: string[];
  trigger: TriggerEvent;
  copies: CopyRule[];
}

/** One recorded version of a rule. */
export interface RuleVersion {
  version: number;
  /** `YYYY-MM-DD`. */
  effectiveDate: string;
  author: string;
  /** RFC 3339, UTC. */
  recordedAt: string;
  /** `import` or `revision`. */
  origin: string;
  note: string;
  content: RuleContent;
}

/** A rule with all its versions, oldest first. */
export interface RetentionRule {
  number: string;
  versions: RuleVersion[];
}

/** What `revise_rule` needs: the whole content of the new version, from when, and why. */
export interface RuleRevision {
  effectiveDate: string;
  note: string;
  content: RuleContent;
}

/** Answer of `import_plan`. */
export interface ImportReport {
  /** Rules in the file. */
  rules: number;
  /** Copy rows in the file. */
  copies: number;
  /** Rules new to the vault. */
  created: number;
  /** Rules that differed from their current version and got a new one. */
  revised: number;
  /** Rules identical to their current version. */
  unchanged: number;
  /** Classes the plan did not have. */
  classesCreated: number;
  /** Classes whose titles, notes, parent or state the file changed (spreadsheets only). */
  classesUpdated?: number;
}

/** `pdf`: the retention schedule as printed for approval, with the plan attached. */
export type PlanExportFormat = 'xml' | 'csv' | 'xlsx' | 'pdf';

/** A class's code before and after a move (`CodeChange`). */
export interface CodeChange {
  from: string;
  to: string;
}

/**
 * Answer of `move_class`: every class of the branch moved, the class first and then its
 * subclasses in tree order, with its code before and after; and how many files those classes
 * hold (they follow their class).
 */
export interface MoveReport {
  classes: CodeChange[];
  files: number;
}

// ----- Projects, their calendars, and the explanation (greffier_core::project) -----

/** From least to most sensitive. */
export type Sensitivity = 'public' | 'internal' | 'confidential' | 'personal' | 'highly_sensitive';

/** What an override replaces; `null` keeps what the less specific source said. */
export interface Replacement {
  active: Period | null;
  semiActive: Period | null;
  disposition: Disposition | null;
}

/** One override of a project's calendar, in force or withdrawn. */
export interface ProjectOverride {
  id: number;
  /** The class it applies to; `null` for every class. */
  class: string | null;
  /** The sensitivity it applies to; `null` for every level. */
  sensitivity: Sensitivity | null;
  replacement: Replacement;
  reason: string;
  author: string;
  /** RFC 3339, UTC. */
  createdAt: string;
  withdrawnAt: string | null;
}

export interface Project {
  code: string;
  name: string;
  /** The owner's user name. */
  owner: string;
  sensitivity: Sensitivity;
  active: boolean;
  createdAt: string;
  /** Every override, in force or withdrawn, oldest first. */
  overrides: ProjectOverride[];
}

export interface NewProject {
  code: string;
  name: string;
  owner: string;
  sensitivity: Sensitivity;
}

/** What `edit_project` replaces; the code stays. */
export interface ProjectEdit {
  name: string;
  owner: string;
  sensitivity: Sensitivity;
}

/** Answer of `edit_project` (`ProjectEditReport`). */
export interface ProjectEditReport {
  /** The project as it now stands. */
  project: Project;
  /** Files of the project that had its former sensitivity (the project's by default) and took the new one. */
  filesSensitivityChanged: number;
  /** Files at the former level that kept it because a legal hold is in force on them. */
  filesHeld: number;
  /** Files whose stored due dates or final disposition changed. */
  filesRecomputed: number;
}

export interface NewOverride {
  class: string | null;
  sensitivity: Sensitivity | null;
  replacement: Replacement;
  reason: string;
}

/** What `explain` is asked. */
export interface ExplainQuery {
  class: string;
  project: string | null;
  sensitivity: Sensitivity | null;
  /** Needed when several rules apply to the class. */
  rule: string | null;
  /** `null`: the principal copy. */
  copy: CopyKind | null;
  /** Files come with the register; the explain view never sends one. */
  fileException: FileException | null;
}

/** Where a value of the result comes from (`Source`, tagged by `kind`). */
export type ExplanationSource =
  | { kind: 'rule'; number: string; version: number; effectiveDate: string }
  | {
      kind: 'project_override';
      project: string;
      id: number;
      class: string | null;
      sensitivity: Sensitivity | null;
      reason: string;
    }
  | { kind: 'file_exception'; reason: string };

export type DecidedField = 'active' | 'semi_active' | 'disposition';

/** One source the precedence considered, and the fields of the result it decided. */
export interface ExplanationStep {
  source: ExplanationSource;
  replacement: Replacement;
  decides: DecidedField[];
}

/** Which rule applies, and why. `chain` runs from the class rule to the most specific source. */
export interface Explanation {
  class: string;
  project: string | null;
  sensitivity: Sensitivity | null;
  copy: CopyKind;
  active: Period;
  semiActive: Period;
  disposition: Disposition;
  trigger: TriggerEvent;
  chain: ExplanationStep[];
}

/** An exception recorded on one file: it beats every other source of the calendar. */
export interface FileException {
  replacement: Replacement;
  reason: string;
}

// ----- The register: files, their due dates, persons, search (greffier_core::register…) -----

/** What a file is kept on. */
export type Medium = 'paper' | 'digital' | 'hybrid';

/** Where a file is in its life. */
export type FileStatus = 'active' | 'semi_active' | 'inactive' | 'on_hold' | 'destroyed' | 'transferred';

/** Whether consent was given for a purpose. */
export type Consent = 'given' | 'refused' | 'withdrawn' | 'not_required' | 'unknown';

/** The kinds of identifier a person may have. */
export type IdentifierKind =
  | 'sin'
  | 'health_insurance'
  | 'driver_licence'
  | 'client_number'
  | 'employee_number'
  | 'other';

/** The dates a rule's event may start from (`YYYY-MM-DD`). */
export interface FileDates {
  openedOn: string | null;
  closedOn: string | null;
  contractEndedOn: string | null;
  lastActivityOn: string | null;
  /** Other dates a rule's trigger may name (`file_date:hearing`). */
  other: Record<string, string>;
}

/** Why a file has no due date yet (`Waiting`, tagged by `kind`). */
export type Waiting =
  /** The rule's event has not happened (the file is not closed, the contract has not ended…). */
  | { kind: 'event'; event: TriggerEvent }
  /** A period runs until an event (888) or while the document is in use (999). */
  | { kind: 'open_period'; period: Period };

/** What the calendar says of a file. */
export interface DueDates {
  /** The date the clock starts from; `null` while the event has not happened. */
  triggerDate: string | null;
  /** The end of the active period. */
  activeUntil: string | null;
  /** The end of the semi-active period: the date of the final disposition. */
  semiActiveUntil: string | null;
  disposition: Disposition;
  /** Why there is no date, when there is none. */
  waitingFor: Waiting | null;
}

/** What a person types to create or edit a file (`FileDraft`). */
export interface FileDraft {
  reference: string;
  class: string;
  /** The rule, when several apply to the class. */
  rule: string | null;
  project: string | null;
  title: string;
  description: string;
  keywords: string[];
  dates: FileDates;
  holder: string;
  location: string;
  medium: Medium;
  /** `null`: the project's level (`internal` without a project). */
  sensitivity: Sensitivity | null;
  notes: string;
  exception: FileException | null;
}

/** Why information about a person was collected, and the consent. */
export interface Purpose {
  purpose: string;
  consent: Consent;
  consentDate: string | null;
  consentSource: string;
}

/** A person linked to a file, as the file shows them. */
export interface FilePerson {
  personId: number;
  lastName: string;
  firstName: string;
  /** Categories of personal information (`sin`, `health`, `employment`…). */
  categories: string[];
  purposes: Purpose[];
}

/** A file of the register with its calendar (`get_file` and the commands that change one). */
/** What removing a person from a file did (`detach_person`). */
export interface Detached {
  /** The file, without the person. */
  file: FileRecord;
  /** Whether the person, needed by no other file, was erased with their identifiers. */
  personErased: boolean;
}

export interface FileRecord {
  id: number;
  reference: string;
  class: string;
  classTitleFr: string;
  classTitleEn: string;
  rule: string;
  ruleVersion: number;
  project: string | null;
  title: string;
  description: string;
  keywords: string[];
  dates: FileDates;
  holder: string;
  location: string;
  medium: Medium;
  sensitivity: Sensitivity;
  status: FileStatus;
  notes: string;
  exception: FileException | null;
  due: DueDates;
  /** Which rule applies and why. */
  explanation: Explanation;
  persons: FilePerson[];
  /** RFC 3339, UTC. */
  createdAt: string;
  updatedAt: string;
}

/** A row of the register's table. */
export interface FileRow {
  id: number;
  reference: string;
  class: string;
  project: string | null;
  title: string;
  openedOn: string | null;
  closedOn: string | null;
  status: FileStatus;
  sensitivity: Sensitivity;
  disposition: Disposition;
  /** The date of the final disposition; `null` while it cannot be known. */
  semiActiveUntil: string | null;
}

/** A fragment of text and the ranges the query matched in it: **UTF-8 byte** offsets. */
export interface Snippet {
  fragment: string;
  highlights: [number, number][];
}

export interface FileHit {
  row: FileRow;
  score: number;
  /** Only when the query has words. */
  snippet: Snippet | null;
}

/** The facets the search counts. */
export type FacetName = 'class_code' | 'project' | 'status' | 'sensitivity' | 'due';

/**
 * How many hits have a value of a facet. Values are the index's lower-case codes; a file
 * without a project counts as `none`, one without a final disposition date as `pending`.
 */
export interface FacetCount {
  facet: FacetName;
  value: string;
  count: number;
}

/** Which files a view of the register shows (`FileFilter`). */
export interface FileFilter {
  /** A full-text query (the search syntax); empty for every file. */
  query: string;
  /** A class code: the class and the classes under it. */
  class: string | null;
  project: string | null;
  status: FileStatus | null;
  sensitivity: Sensitivity | null;
  /** The year of the final disposition, or `pending`. */
  due: string | null;
  /** The order of the rows; `null` ranks them by relevance. */
  sort: FileSort | null;
}

/**
 * A column the register can be sorted by (`SortBy`): reference and class by code, the title by
 * its first 48 characters (case and accents folded), the status in the order of a file's life,
 * the sensitivity from public up, the final disposition by date (files still waiting for their
 * event after every date).
 */
export type SortBy = 'reference' | 'class' | 'title' | 'status' | 'sensitivity' | 'final';

/** An order of the register's rows (`FileSort`). */
export interface FileSort {
  by: SortBy;
  descending: boolean;
}

/** A page of `search_files`: the hits from `offset`, the total, and the facets when asked. */
export interface FileSearchPage {
  total: number;
  offset: number;
  hits: FileHit[];
  facets: FacetCount[];
}

/** An identifier as shown by default (all but its last three characters hidden). */
export interface MaskedIdentifier {
  kind: IdentifierKind;
  masked: string;
}

/** An identifier revealed (`reveal_identifiers`, audited by the core). */
export interface Identifier {
  kind: IdentifierKind;
  value: string;
}

/** A person, identifiers masked, with the files about them. */
export interface Person {
  id: number;
  key: string | null;
  lastName: string;
  firstName: string;
  birthDate: string | null;
  identifiers: MaskedIdentifier[];
  files: FileRow[];
}

/**
 * A category of personal information a file may hold about a person (the core's
 * `INFO_CATEGORIES`).
 */
export type InfoCategory =
  | 'sin'
  | 'health_insurance_number'
  | 'driver_licence'
  | 'date_of_birth'
  | 'contact'
  | 'financial'
  | 'health'
  | 'family'
  | 'employment'
  | 'education'
  | 'judicial';

/** A person not yet in the register, as typed (`NewPerson`). */
export interface NewPerson {
  lastName: string;
  firstName: string;
  /** `YYYY-MM-DD`. */
  birthDate: string | null;
  /** The person's number in another system (an employee or client number); unique. */
  externalKey: string | null;
  identifiers: Identifier[];
}

/** Which person a link is about (`PersonRef`): one already in the register, or a new one. */
export type PersonRef = { existing: number } | { new: NewPerson };

/** A person linked to a file, with what the file holds about them and why (`attach_person`). */
export interface PersonLink {
  person: PersonRef;
  categories: InfoCategory[];
  /** At least one. */
  purposes: Purpose[];
}

/**
 * A person's fields as they are to be (`edit_person`). `identifiers`: `null` keeps the current
 * ones (the screen only knows them masked), a list replaces them all (an empty one removes them).
 */
export interface PersonEdit {
  lastName: string;
  firstName: string;
  birthDate: string | null;
  externalKey: string | null;
  identifiers: Identifier[] | null;
}

/** Answer of `import_register`. */
export interface RegisterImportReport {
  files: number;
  personsCreated: number;
  personsReused: number;
  links: number;
  purposes: number;
  indexed: number;
}

// ----- the destruction calendar (crates/core/src/disposition.rs) -----

export type DueKind = 'destruction' | 'transfer' | 'review';

/** Which part of the due list to read: final disposition on or before `until` (YYYY-MM-DD). */
export interface DueQuery {
  until: string;
  project: string | null;
  kind: DueKind | null;
  /** A class of the plan: its files and those of every class under it (absent or `null`: every class). */
  class?: string | null;
}

export interface DueCounts {
  destruction: number;
  transfer: number;
  review: number;
}

export interface DueMonth extends DueCounts {
  /** `YYYY-MM`. */
  month: string;
}

/** What falls due month by month, what is overdue before, and what waits for its event. */
export interface DueCalendar {
  from: string;
  overdue: DueCounts;
  months: DueMonth[];
  waiting: number;
}

export interface DueFile {
  id: number;
  reference: string;
  title: string;
  class: string;
  project: string | null;
  rule: string;
  ruleVersion: number;
  closedOn: string | null;
  dueOn: string;
  disposition: 'C' | 'D' | 'T';
  heldBy: string | null;
  batch: string | null;
  /** The event that started the clock (the file's explanation's). */
  trigger: TriggerEvent;
  /** The date the clock started from; `null` while the file waits for it. */
  triggerDate: string | null;
}

export interface DuePage {
  total: number;
  offset: number;
  files: DueFile[];
}

export type HoldKind = 'litigation' | 'access_request' | 'audit' | 'investigation' | 'other';

export type HoldTarget =
  | { type: 'file'; value: string }
  | { type: 'person'; value: number }
  | { type: 'class'; value: string }
  | { type: 'project'; value: string };

export interface Hold {
  id: number;
  number: string;
  kind: HoldKind;
  reason: string;
  targetType: 'file' | 'person' | 'class' | 'project';
  target: string;
  placedBy: string;
  placedAt: string;
  releasedBy: string | null;
  releasedAt: string | null;
  releaseReason: string | null;
  requestRef: string | null;
}

export type BatchKind = 'destruction' | 'transfer' | 'anonymisation';
export type BatchState = 'proposed' | 'approved' | 'rejected' | 'incomplete' | 'executed';
export type FileDecision = 'pending' | 'approved' | 'rejected';

export interface Batch {
  id: number;
  number: string;
  kind: BatchKind;
  state: BatchState;
  note: string;
  proposedBy: string;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  executedBy: string | null;
  executedAt: string | null;
  method: string | null;
  chainSeq: number | null;
  chainHash: string | null;
  certificateNumber: string | null;
  files: number;
  approvedFiles: number;
}

export type BatchFlag =
  | { kind: 'held'; hold: string; reason: string }
  | { kind: 'no_longer_due'; dueOn: string | null }
  | { kind: 'gone' };

export interface BatchFile {
  fileId: number;
  reference: string;
  title: string | null;
  class: string | null;
  dueOn: string | null;
  decision: FileDecision;
  flags: BatchFlag[];
}

export interface BatchDetail {
  batch: Batch;
  files: BatchFile[];
}

export interface ExecutionReport {
  batch: Batch;
  files: number;
  persons: number;
  leftOut: string[];
  timingsMs: { rows: number; index: number; checkpoint: number };
}

/** Where the execution of a batch is (`ExecutionPhase`), in the order its steps run. */
export type ExecutionPhase = 'checking' | 'files' | 'index' | 'checkpoint';

/**
 * Payload of the `vault-progress` event while a batch is executed (operation `execute`):
 * `done` of `total` files in the counted phases, `total` 0 in the others.
 */
export interface BatchProgress {
  operation: 'execute';
  phase: ExecutionPhase;
  done: number;
  total: number;
}

/** What stays of a destroyed file; `title` is null when the rule's documents are confidential. */
export interface DestroyedFile {
  id: number;
  reference: string;
  class: string;
  title: string | null;
  openedOn: string | null;
  closedOn: string | null;
  rule: string;
  ruleVersion: number;
  batch: string;
  proposedBy: string;
  approvedBy: string;
  executedBy: string;
  destroyedAt: string;
}
