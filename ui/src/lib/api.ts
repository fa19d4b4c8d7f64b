// The only door to the desktop shell: one typed function per Tauri command.
//
// Components import `api` and never call `invoke` with a string. Every function resolves to a
// `CommandResult`, so a caller cannot forget that a command may fail, and every failure has
// the same shape (`CommandError`), whatever the shell or the IPC layer actually rejected with.
import { invoke, isTauri, type InvokeArgs } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type {
  AppStatus,
  Detached,
  BackupReport,
  Batch,
  BatchDetail,
  BatchKind,
  BatchProgress,
  DestroyedFile,
  DueCalendar,
  DuePage,
  DueQuery,
  ExecutionReport,
  FileDecision,
  Hold,
  HoldKind,
  HoldTarget,
  CheckReport,
  ClassDraft,
  CommandError,
  Explanation,
  ExplainQuery,
  FileDraft,
  FileFilter,
  FilePurpose,
  FileRecord,
  FileSearchPage,
  Identifier,
  ImportReport,
  Language,
  MoveReport,
  NewOverride,
  NewProject,
  NewUser,
  Person,
  PersonEdit,
  PersonLink,
  PlanClass,
  PlanExportFormat,
  Project,
  ProjectEdit,
  ProjectEditReport,
  RegisterImportReport,
  RetentionRule,
  ReviewDecision,
  RuleRevision,
  User,
  VaultCreated,
  VaultProgress,
  VaultRestored,
  VaultSetup,
} from './types';

/** Command names as registered by the shell (`#[tauri::command]` function names). */
export const Command = {
  AppStatus: 'app_status',
  SetLanguage: 'set_language',
  CreateVault: 'create_vault',
  UnlockWithKeyring: 'unlock_with_keyring',
  UnlockWithPassphrase: 'unlock_with_passphrase',
  LockVault: 'lock_vault',
  SignIn: 'sign_in',
  SignOut: 'sign_out',
  ListUsers: 'list_users',
  AddUser: 'add_user',
  ResetPassword: 'reset_password',
  SetUserActive: 'set_user_active',
  BackupVault: 'backup_vault',
  RestoreVault: 'restore_vault',
  CancelOperation: 'cancel_operation',
  RotateKey: 'rotate_key',
  ChangePassphrase: 'change_passphrase',
  CheckVault: 'check_vault',
  SetIdleLock: 'set_idle_lock',
  ChooseFile: 'choose_file',
  ListClasses: 'list_classes',
  ListRules: 'list_rules',
  GetRule: 'get_rule',
  ReviseRule: 'revise_rule',
  AddClass: 'add_class',
  EditClass: 'edit_class',
  SetClassActive: 'set_class_active',
  MoveClass: 'move_class',
  ImportPlan: 'import_plan',
  ExportPlan: 'export_plan',
  ListProjects: 'list_projects',
  AddProject: 'add_project',
  EditProject: 'edit_project',
  SetProjectActive: 'set_project_active',
  AddOverride: 'add_override',
  WithdrawOverride: 'withdraw_override',
  Explain: 'explain',
  SearchFiles: 'search_files',
  GetFile: 'get_file',
  CreateFile: 'create_file',
  UpdateFile: 'update_file',
  CloseFile: 'close_file',
  ReopenFile: 'reopen_file',
  FindPersons: 'find_persons',
  GetPerson: 'get_person',
  RevealIdentifiers: 'reveal_identifiers',
  AttachPerson: 'attach_person',
  EditPerson: 'edit_person',
  DetachPerson: 'detach_person',
  ImportRegister: 'import_register',
  ExportFiles: 'export_files',
  DueCalendar: 'due_calendar',
  DueFiles: 'due_files',
  ExportDue: 'export_due',
  ListHolds: 'list_holds',
  HoldsOnFile: 'holds_on_file',
  PlaceHold: 'place_hold',
  ReleaseHold: 'release_hold',
  ListBatches: 'list_batches',
  GetBatch: 'get_batch',
  ProposeBatch: 'propose_batch',
  ProposeDue: 'propose_due',
  ApproveBatch: 'approve_batch',
  RejectBatch: 'reject_batch',
  DecideFiles: 'decide_files',
  ExecuteBatch: 'execute_batch',
  DestroyedFiles: 'destroyed_files',
  ExportCertificate: 'export_certificate',
  ExportTransferSlips: 'export_transfer_slips',
  DecideReview: 'decide_review',
} as const;
export type Command = (typeof Command)[keyof typeof Command];

/** Events the shell emits. */
export const AppEvent = {
  /** Progress of a backup, a restore, a register import (`VaultProgress`) or a batch's execution (`BatchProgress`). */
  VaultProgress: 'vault-progress',
} as const;

/**
 * Error codes produced on this side of the IPC boundary. They never come from the core, so
 * the UI translates them itself (see `describeError`), whereas the core's messages arrive
 * already translated.
 */
export const ClientErrorCode = {
  /** The page is not running inside the desktop shell (e.g. a plain browser). */
  IpcUnavailable: 'ipc_unavailable',
  /** The shell rejected with something that is not a `CommandError`. */
  Unexpected: 'unexpected',
} as const;

export type CommandResult<T> = { ok: true; value: T } | { ok: false; error: CommandError };

/** Turns whatever a rejected `invoke` gave into a `CommandError`. */
export function toCommandError(reason: unknown): CommandError {
  if (isCommandError(reason)) {
    // Copy only the two documented fields: the UI must not come to depend on extras.
    return { code: reason.code, message: reason.message };
  }
  // Tauri rejects with a bare string for its own failures (unknown command, bad arguments)
  // and for commands that return `Result<_, String>`.
  if (typeof reason === 'string') {
    return { code: ClientErrorCode.Unexpected, message: reason };
  }
  if (reason instanceof Error) {
    return { code: ClientErrorCode.Unexpected, message: reason.message };
  }
  return { code: ClientErrorCode.Unexpected, message: describeUnknown(reason) };
}

export const api = {
  /** Version, vault location and state, keyring and SQLCipher information. */
  appStatus: (): Promise<CommandResult<AppStatus>> => call<AppStatus>(Command.AppStatus),

  /** Tells the core which language to translate its messages into. */
  setLanguage: (lang: Language): Promise<CommandResult<null>> =>
    call<null>(Command.SetLanguage, { lang }),

  /** First run: creates the vault and its administrator; the vault is left unlocked, signed out. */
  createVault: (setup: VaultSetup): Promise<CommandResult<VaultCreated>> =>
    call<VaultCreated>(Command.CreateVault, { setup }),

  /** Opens the vault with the key kept in the OS keyring. */
  unlockWithKeyring: (): Promise<CommandResult<AppStatus>> =>
    call<AppStatus>(Command.UnlockWithKeyring),

  /** Opens the vault with the recovery passphrase (and puts the key back in the keyring). */
  unlockWithPassphrase: (passphrase: string): Promise<CommandResult<AppStatus>> =>
    call<AppStatus>(Command.UnlockWithPassphrase, { passphrase }),

  /** Closes the vault; the session ends with it. */
  lockVault: (): Promise<CommandResult<AppStatus>> => call<AppStatus>(Command.LockVault),

  signIn: (username: string, password: string): Promise<CommandResult<AppStatus>> =>
    call<AppStatus>(Command.SignIn, { username, password }),

  signOut: (): Promise<CommandResult<AppStatus>> => call<AppStatus>(Command.SignOut),

  listUsers: (): Promise<CommandResult<User[]>> => call<User[]>(Command.ListUsers),

  addUser: (user: NewUser): Promise<CommandResult<User>> => call<User>(Command.AddUser, { user }),

  resetPassword: (username: string, password: string): Promise<CommandResult<null>> =>
    call<null>(Command.ResetPassword, { username, password }),

  setUserActive: (username: string, active: boolean): Promise<CommandResult<null>> =>
    call<null>(Command.SetUserActive, { username, active }),

  /** Writes an encrypted backup to `path`; emits `vault-progress`; `cancelled` after `cancelOperation`. */
  backupVault: (path: string): Promise<CommandResult<BackupReport>> =>
    call<BackupReport>(Command.BackupVault, { path }),

  /**
   * Replaces the vault with the backup at `path`. The signed-in administrator confirms with
   * their password; `passphrase` (the recovery passphrase) is needed when the keyring does not
   * hold the backup's key. The session ends: the UI goes to sign-in.
   */
  restoreVault: (
    path: string,
    password: string,
    passphrase: string | null,
  ): Promise<CommandResult<VaultRestored>> =>
    call<VaultRestored>(Command.RestoreVault, { path, password, passphrase }),

  /** Asks the running backup or restore to stop. */
  cancelOperation: (): Promise<CommandResult<null>> => call<null>(Command.CancelOperation),

  /** Re-encrypts the vault with a new key; needs the recovery passphrase. */
  rotateKey: (passphrase: string): Promise<CommandResult<null>> =>
    call<null>(Command.RotateKey, { passphrase }),

  changePassphrase: (current: string, next: string): Promise<CommandResult<null>> =>
    call<null>(Command.ChangePassphrase, { current, next }),

  /** SQLite and SQLCipher integrity checks and the audit chain's verification. */
  checkVault: (): Promise<CommandResult<CheckReport>> => call<CheckReport>(Command.CheckVault),

  /** Sets the idle lock (minutes, 0 = never) and answers with the new status. */
  setIdleLock: (minutes: number): Promise<CommandResult<AppStatus>> =>
    call<AppStatus>(Command.SetIdleLock, { minutes }),

  /** The native file chooser; `null` when the user cancels it. */
  chooseFile: (purpose: FilePurpose): Promise<CommandResult<string | null>> =>
    call<string | null>(Command.ChooseFile, { purpose }),

  /** The classification plan, in tree order. */
  listClasses: (): Promise<CommandResult<PlanClass[]>> => call<PlanClass[]>(Command.ListClasses),

  /** Every rule of the retention schedule, each with all its versions. */
  listRules: (): Promise<CommandResult<RetentionRule[]>> => call<RetentionRule[]>(Command.ListRules),

  getRule: (number: string): Promise<CommandResult<RetentionRule>> =>
    call<RetentionRule>(Command.GetRule, { number }),

  /** Records a new version of a rule; answers the rule with its whole history. */
  reviseRule: (number: string, revision: RuleRevision): Promise<CommandResult<RetentionRule>> =>
    call<RetentionRule>(Command.ReviseRule, { number, revision }),

  addClass: (draft: ClassDraft): Promise<CommandResult<PlanClass>> =>
    call<PlanClass>(Command.AddClass, { draft }),

  /** Replaces everything `draft` holds, the code included, of the class `code`. */
  editClass: (code: string, draft: ClassDraft): Promise<CommandResult<PlanClass>> =>
    call<PlanClass>(Command.EditClass, { code, draft }),

  /** Retires (`false`) or reactivates a class; classes are never deleted. */
  setClassActive: (code: string, active: boolean): Promise<CommandResult<PlanClass>> =>
    call<PlanClass>(Command.SetClassActive, { code, active }),

  /**
   * Moves a class and its whole branch: the class takes `newCode` under `newParent` (`null`:
   * the top of the plan), and each descendant's code has the class's old code replaced by the
   * new one. Answers every code changed and how many files follow.
   */
  moveClass: (code: string, newParent: string | null, newCode: string): Promise<CommandResult<MoveReport>> =>
    call<MoveReport>(Command.MoveClass, { code, newParent, newCode }),

  /** Imports a plan file; its extension (.xml, .csv, .xlsx) says the format. All or nothing. */
  importPlan: (path: string): Promise<CommandResult<ImportReport>> =>
    call<ImportReport>(Command.ImportPlan, { path }),

  exportPlan: (path: string, format: PlanExportFormat): Promise<CommandResult<null>> =>
    call<null>(Command.ExportPlan, { path, format }),

  listProjects: (): Promise<CommandResult<Project[]>> => call<Project[]>(Command.ListProjects),

  addProject: (project: NewProject): Promise<CommandResult<Project>> =>
    call<Project>(Command.AddProject, { project }),

  /** Replaces a project's name, owner and sensitivity; a new sensitivity recomputes its files' due dates. */
  editProject: (code: string, edit: ProjectEdit): Promise<CommandResult<ProjectEditReport>> =>
    call<ProjectEditReport>(Command.EditProject, { code, edit }),

  /** Closes (`false`) or reopens a project; never deleted. A closed project takes no new file. */
  setProjectActive: (code: string, active: boolean): Promise<CommandResult<Project>> =>
    call<Project>(Command.SetProjectActive, { code, active }),

  /** Adds an override to a project's calendar; answers the project as it now stands. */
  addOverride: (project: string, override: NewOverride): Promise<CommandResult<Project>> =>
    call<Project>(Command.AddOverride, { project, override }),

  /** Withdraws an override (it stays in the calendar, marked withdrawn). */
  withdrawOverride: (project: string, id: number): Promise<CommandResult<Project>> =>
    call<Project>(Command.WithdrawOverride, { project, id }),

  /** Which rule applies to a class (in a project, at a sensitivity), and why. */
  explain: (query: ExplainQuery): Promise<CommandResult<Explanation>> =>
    call<Explanation>(Command.Explain, { query }),

  /**
   * A page of the register: the files `filter` selects, in `filter.sort`'s order (without one,
   * ranked when it has words), from `offset` (at most `limit`, which the core caps at 500); with
   * the facet counts when `facets` is true (they cost a pass over every hit: ask for them once
   * per filter; another order of the same files counts the same).
   */
  searchFiles: (
    filter: FileFilter,
    offset: number,
    limit: number,
    facets: boolean,
  ): Promise<CommandResult<FileSearchPage>> =>
    call<FileSearchPage>(Command.SearchFiles, { filter, offset, limit, facets }),

  /** A file with its due dates, the explanation of its calendar and its persons. */
  getFile: (reference: string): Promise<CommandResult<FileRecord>> =>
    call<FileRecord>(Command.GetFile, { reference }),

  createFile: (draft: FileDraft): Promise<CommandResult<FileRecord>> =>
    call<FileRecord>(Command.CreateFile, { draft }),

  /** Replaces everything `draft` holds of the file `reference` (a new class reclassifies it). */
  updateFile: (reference: string, draft: FileDraft): Promise<CommandResult<FileRecord>> =>
    call<FileRecord>(Command.UpdateFile, { reference, draft }),

  /** Closes a file on `on` (`YYYY-MM-DD`): rules counted from the closing start their clock. */
  closeFile: (reference: string, on: string): Promise<CommandResult<FileRecord>> =>
    call<FileRecord>(Command.CloseFile, { reference, on }),

  reopenFile: (reference: string): Promise<CommandResult<FileRecord>> =>
    call<FileRecord>(Command.ReopenFile, { reference }),

  /** Persons by name, date of birth or identifier; identifiers masked. */
  findPersons: (query: string): Promise<CommandResult<Person[]>> =>
    call<Person[]>(Command.FindPersons, { query }),

  getPerson: (id: number): Promise<CommandResult<Person>> => call<Person>(Command.GetPerson, { id }),

  /** A person's identifiers in clear; the core records who asked in the audit trail. */
  revealIdentifiers: (id: number): Promise<CommandResult<Identifier[]>> =>
    call<Identifier[]>(Command.RevealIdentifiers, { id }),

  /**
   * Links a person to the file `reference` — one already in the register, or a new one —
   * with the categories of information the file holds about them and why; answers the file.
   */
  attachPerson: (reference: string, link: PersonLink): Promise<CommandResult<FileRecord>> =>
    call<FileRecord>(Command.AttachPerson, { reference, link }),

  /**
   * Changes a person's fields; a new date of birth recomputes the due dates of the files whose
   * rule starts at birth.
   */
  editPerson: (id: number, edit: PersonEdit): Promise<CommandResult<Person>> =>
    call<Person>(Command.EditPerson, { id, edit }),

  /**
   * Removes a person from the file `reference`, with a reason; a person no other file needs
   * is erased with their identifiers. Answers the file and whether the person was erased.
   */
  detachPerson: (reference: string, personId: number, reason: string): Promise<CommandResult<Detached>> =>
    call<Detached>(Command.DetachPerson, { reference, personId, reason }),

  /**
   * Imports a files sheet and/or a persons sheet (.csv or .xlsx), all or nothing; emits
   * `vault-progress` (operation `import`); `cancelled` after `cancelOperation`.
   */
  importRegister: (
    files: string | null,
    persons: string | null,
  ): Promise<CommandResult<RegisterImportReport>> =>
    call<RegisterImportReport>(Command.ImportRegister, { files, persons }),

  /** Writes the files `filter` selects to `path` (.csv or .xlsx, by its extension); answers how many. */
  exportFiles: (filter: FileFilter, path: string): Promise<CommandResult<number>> =>
    call<number>(Command.ExportFiles, { filter, path }),

  /** Counts by month for `months` months from `from`'s month, the overdue and the waiting. */
  dueCalendar: (
    from: string,
    months: number,
    project: string | null,
  ): Promise<CommandResult<DueCalendar>> =>
    call<DueCalendar>(Command.DueCalendar, { from, months, project }),

  /** A page of the due list (soonest first), with its total. */
  dueFiles: (query: DueQuery, offset: number, limit: number): Promise<CommandResult<DuePage>> =>
    call<DuePage>(Command.DueFiles, { query, offset, limit }),

  /** Writes the whole due list to `path`: .csv or .xlsx (streamed), .pdf (streamed too); answers how many. */
  exportDue: (query: DueQuery, path: string): Promise<CommandResult<number>> =>
    call<number>(Command.ExportDue, { query, path }),

  listHolds: (includeReleased: boolean): Promise<CommandResult<Hold[]>> =>
    call<Hold[]>(Command.ListHolds, { includeReleased }),

  holdsOnFile: (reference: string): Promise<CommandResult<Hold[]>> =>
    call<Hold[]>(Command.HoldsOnFile, { reference }),

  placeHold: (
    target: HoldTarget,
    kind: HoldKind,
    reason: string,
    requestRef: string | null,
  ): Promise<CommandResult<Hold>> =>
    call<Hold>(Command.PlaceHold, { target, kind, reason, requestRef }),

  releaseHold: (number: string, reason: string): Promise<CommandResult<Hold>> =>
    call<Hold>(Command.ReleaseHold, { number, reason }),

  listBatches: (): Promise<CommandResult<Batch[]>> => call<Batch[]>(Command.ListBatches),

  getBatch: (number: string): Promise<CommandResult<BatchDetail>> =>
    call<BatchDetail>(Command.GetBatch, { number }),

  proposeBatch: (kind: BatchKind, references: string[], note: string): Promise<CommandResult<Batch>> =>
    call<Batch>(Command.ProposeBatch, { kind, references, note }),

  /** Proposes every due file the query selects that is neither held nor in a batch (up to `limit`). */
  proposeDue: (
    kind: BatchKind,
    query: DueQuery,
    limit: number,
    note: string,
  ): Promise<CommandResult<Batch>> => call<Batch>(Command.ProposeDue, { kind, query, limit, note }),

  /** Approves every pending file; refused to the batch's proposer. */
  approveBatch: (number: string, reason: string): Promise<CommandResult<Batch>> =>
    call<Batch>(Command.ApproveBatch, { number, reason }),

  rejectBatch: (number: string, reason: string): Promise<CommandResult<Batch>> =>
    call<Batch>(Command.RejectBatch, { number, reason }),

  decideFiles: (
    number: string,
    references: string[],
    decision: FileDecision,
    reason: string,
  ): Promise<CommandResult<Batch>> =>
    call<Batch>(Command.DecideFiles, { number, references, decision, reason }),

  /**
   * Executes an approved batch (or finishes an incomplete one); emits `vault-progress`
   * (operation `execute`, see `onBatchProgress`). It cannot be cancelled: a batch is executed
   * whole or not at all.
   */
  executeBatch: (number: string, method: string): Promise<CommandResult<ExecutionReport>> =>
    call<ExecutionReport>(Command.ExecuteBatch, { number, method }),

  destroyedFiles: (text: string, limit: number): Promise<CommandResult<DestroyedFile[]>> =>
    call<DestroyedFile[]>(Command.DestroyedFiles, { text, limit }),

  /** Writes an executed batch's certificate to `path` (.pdf or .csv); answers its number. */
  exportCertificate: (number: string, path: string): Promise<CommandResult<string>> =>
    call<string>(Command.ExportCertificate, { number, path }),

  /** Writes an executed transfer batch's slips (one per box) to `path` (.pdf or .csv); answers how many. */
  exportTransferSlips: (number: string, path: string): Promise<CommandResult<number>> =>
    call<number>(Command.ExportTransferSlips, { number, path }),

  /** Takes a file out of review: destroy, keep permanently, extend, or another rule, with a justification. */
  decideReview: (
    reference: string,
    decision: ReviewDecision,
    justification: string,
  ): Promise<CommandResult<FileRecord>> =>
    call<FileRecord>(Command.DecideReview, { reference, decision, justification }),

  /**
   * Calls `handler` for every `vault-progress` event until the returned function is called.
   * Outside the desktop shell there are no events: the returned function does nothing.
   */
  onVaultProgress: async (handler: (progress: VaultProgress) => void): Promise<() => void> => {
    if (!isTauri()) return () => undefined;
    try {
      const unlisten = await listen<VaultProgress>(AppEvent.VaultProgress, (event) => {
        handler(event.payload);
      });
      return () => {
        unlisten();
      };
    } catch {
      // Without the event permission the operation still runs; only its progress is not shown.
      return () => undefined;
    }
  },

  /**
   * Calls `handler` for every progress event of a batch's execution until the returned
   * function is called (the other operations' events on `vault-progress` are not its).
   */
  onBatchProgress: async (handler: (progress: BatchProgress) => void): Promise<() => void> => {
    if (!isTauri()) return () => undefined;
    try {
      const unlisten = await listen<BatchProgress | VaultProgress>(AppEvent.VaultProgress, (event) => {
        if (event.payload.operation === 'execute') handler(event.payload);
      });
      return () => {
        unlisten();
      };
    } catch {
      // Without the event permission the batch still runs; only its progress is not shown.
      return () => undefined;
    }
  },
};

async function call<T>(command: Command, args?: InvokeArgs): Promise<CommandResult<T>> {
  if (!isTauri()) {
    return {
      ok: false,
      error: {
        code: ClientErrorCode.IpcUnavailable,
        message: `${command}: not running inside the Greffier desktop application`,
      },
    };
  }
  try {
    return { ok: true, value: await invoke<T>(command, args) };
  } catch (reason: unknown) {
    return { ok: false, error: toCommandError(reason) };
  }
}

function isCommandError(value: unknown): value is CommandError {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.code === 'string' && typeof record.message === 'string';
}

function describeUnknown(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'function':
      return `function ${value.name}`;
    default:
      try {
        return JSON.stringify(value);
      } catch {
        // Cyclic objects (and objects holding BigInts) cannot be serialised.
        return Object.prototype.toString.call(value);
      }
  }
}
