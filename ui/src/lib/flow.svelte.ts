// What the screens before sign-in need to know about how the user got there: why the vault is
// locked, whether the start-up keyring attempt failed, what was just created or restored.
// Also the backup, restore or register import under way, kept here so that it survives leaving
// the page (and so that the idle lock does not strike in the middle of one).
import { api, type CommandResult } from './api';
import { CANCELLED } from './errors';
import type {
  BackupReport,
  CommandError,
  DueQuery,
  FileFilter,
  ImportPhase,
  RegisterImportReport,
  RestoreReport,
  VaultProgress,
  VaultRestored,
} from './types';

export type LockReason = 'manual' | 'idle' | null;

class Flow {
  /** Why the vault is locked, when the user did not just start the application. */
  lockReason = $state<LockReason>(null);
  /** The idle period that locked it, for the message. */
  idleMinutes = $state(0);
  /** `true` while the start-up keyring unlock runs. */
  keyringTrying = $state(false);
  /** Why the start-up keyring unlock failed. */
  keyringError = $state<CommandError | null>(null);
  /** Set once the wizard created the vault. */
  created = $state<{ organisation: string; keyringSaved: boolean } | null>(null);
  /** Set once a backup was restored (the session ended with it). */
  restored = $state<RestoreReport | null>(null);
  /** Pre-fills the sign-in form. */
  lastUsername = $state('');
  /** A restore that failed after the shell had ended the session (shown at sign-in). */
  restoreFailed = $state<string | null>(null);

  /** Clears what was said about the previous lock, unlock or sign-in. */
  clearNotices(): void {
    this.lockReason = null;
    this.keyringError = null;
    this.created = null;
    this.restored = null;
    this.restoreFailed = null;
  }
}

export const flow = new Flow();

export type JobKind = VaultProgress['operation'];

/** How a backup, a restore or an import ended. */
export type Outcome<T> =
  | { kind: 'done'; value: T }
  | { kind: 'cancelled' }
  | { kind: 'failed'; error: CommandError };

/** The long operation under way: at most one at a time (the shell refuses a second). */
class VaultJob {
  kind = $state<JobKind | null>(null);
  done = $state(0);
  total = $state(0);
  /** An import's phase (checking, writing, indexing); `null` for a backup or a restore. */
  phase = $state<ImportPhase | null>(null);
  /** An import's rows checked or written, or records indexed, in its phase. */
  rows = $state(0);
  cancelling = $state(false);
  /** Kept here, with the fields, so that they survive leaving the settings and coming back. */
  backupPath = $state('');
  restorePath = $state('');
  backupOutcome = $state<Outcome<BackupReport> | null>(null);
  importFiles = $state('');
  importPersons = $state('');
  importOutcome = $state.raw<Outcome<RegisterImportReport> | null>(null);

  get running(): boolean {
    return this.kind !== null;
  }

  start(kind: JobKind): void {
    this.kind = kind;
    this.done = 0;
    this.total = 0;
    this.phase = null;
    this.rows = 0;
    this.cancelling = false;
  }

  progress(event: VaultProgress): void {
    if (event.operation !== this.kind) return;
    this.done = event.done;
    this.total = event.total;
    this.phase = event.phase ?? null;
    this.rows = event.rows ?? 0;
  }

  finish(): void {
    this.kind = null;
    this.phase = null;
    this.cancelling = false;
  }

  /**
   * Runs one operation of `kind`. While another is under way, the shell refuses this one (its
   * `busy` error is the outcome) and the one under way keeps its progress, its Cancel and the
   * idle lock's patience: starting would have taken them from it.
   */
  private async run<T>(kind: JobKind, call: () => Promise<CommandResult<T>>): Promise<Outcome<T>> {
    if (this.running) return outcome(await call());
    this.start(kind);
    const result = await call();
    this.finish();
    return outcome(result);
  }

  async backup(path: string): Promise<Outcome<BackupReport>> {
    if (!this.running) this.backupOutcome = null;
    const ended = await this.run('backup', () => api.backupVault(path));
    this.backupOutcome = ended;
    return ended;
  }

  async restore(
    path: string,
    password: string,
    passphrase: string | null,
  ): Promise<Outcome<VaultRestored>> {
    return this.run('restore', () => api.restoreVault(path, password, passphrase));
  }

  /** Imports a files sheet and/or a persons sheet (`null` for the one not given). */
  async importRegister(files: string | null, persons: string | null): Promise<Outcome<RegisterImportReport>> {
    if (!this.running) this.importOutcome = null;
    const ended = await this.run('import', () => api.importRegister(files, persons));
    this.importOutcome = ended;
    return ended;
  }

  /** Writes the files `filter` selects to `path` (.csv or .xlsx); the outcome is the count. */
  async exportFiles(filter: FileFilter, path: string): Promise<Outcome<number>> {
    return this.run('export', () => api.exportFiles(filter, path));
  }

  /** Writes the due list `query` selects to `path` (.csv, .xlsx or .pdf); the outcome is the count. */
  async exportDue(query: DueQuery, path: string): Promise<Outcome<number>> {
    return this.run('export', () => api.exportDue(query, path));
  }

  async cancel(): Promise<void> {
    if (!this.running) return;
    this.cancelling = true;
    await api.cancelOperation();
  }
}

export const vaultJob = new VaultJob();

/**
 * A long catch-up of the search index (`vault-progress` events of operation `index`): the fill
 * of an index made anew after an update or a restore, which the first search waits on (tens of
 * seconds at a million files). Not a job: no one starts or cancels it; the search that waits
 * shows how far it is. The shell's last event says all done, whether it went through or not.
 */
class IndexCatchUp {
  done = $state(0);
  total = $state(0);

  /** Whether a catch-up is under way. */
  get active(): boolean {
    return this.total > 0 && this.done < this.total;
  }

  progress(event: VaultProgress): void {
    if (event.operation !== 'index') return;
    this.done = event.done;
    this.total = event.total;
  }
}

export const indexCatchUp = new IndexCatchUp();

function outcome<T>(
  result: { ok: true; value: T } | { ok: false; error: CommandError },
): Outcome<T> {
  if (result.ok) return { kind: 'done', value: result.value };
  return result.error.code === CANCELLED
    ? { kind: 'cancelled' }
    : { kind: 'failed', error: result.error };
}
