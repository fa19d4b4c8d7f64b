// The application status as the UI sees it: loading, known, or failed with a CommandError,
// and which screen follows from it.
import { api, type CommandResult } from './api';
import { isSessionLost } from './errors';
import { locale } from './i18n';
import type { AppStatus, CommandError, Language, SessionInfo } from './types';

export type StatusState =
  | { kind: 'loading' }
  | { kind: 'ready'; status: AppStatus }
  | { kind: 'failed'; error: CommandError };

export type VaultState = 'none' | 'locked' | 'unlocked';

export function vaultState(status: AppStatus): VaultState {
  if (!status.vaultExists) return 'none';
  return status.unlocked ? 'unlocked' : 'locked';
}

/** The screens before and after signing in. */
export type Screen = 'loading' | 'failed' | 'wizard' | 'unlock' | 'signin' | 'app';

export function screenFor(state: StatusState): Screen {
  if (state.kind !== 'ready') return state.kind;
  const status = state.status;
  switch (vaultState(status)) {
    case 'none':
      return 'wizard';
    case 'locked':
      return 'unlock';
    case 'unlocked':
      return status.session ? 'app' : 'signin';
  }
}

export interface RefreshOptions {
  /** Keep showing the known status while reading it again (no "loading" flash). */
  quiet?: boolean;
}

class StatusStore {
  state = $state<StatusState>({ kind: 'loading' });
  // Only the newest request may write `state`, so a slow answer cannot overwrite a newer one.
  #generation = 0;

  /** The status when known, else `null`. */
  get current(): AppStatus | null {
    return this.state.kind === 'ready' ? this.state.status : null;
  }

  get session(): SessionInfo | null {
    return this.current?.session ?? null;
  }

  /**
   * Tells the core the interface language (its messages come back translated), then reads
   * the status. A failure of either step is shown the same way, with a retry.
   */
  async refresh(lang: Language = locale.current, options: RefreshOptions = {}): Promise<void> {
    const generation = ++this.#generation;
    if (!options.quiet || this.state.kind !== 'ready') this.state = { kind: 'loading' };
    const result = await chain(api.setLanguage(lang), () => api.appStatus());
    if (generation !== this.#generation) return;
    this.state = result.ok
      ? { kind: 'ready', status: result.value }
      : { kind: 'failed', error: result.error };
  }

  /** Takes the status a command answered with; any refresh still under way is ignored. */
  apply(status: AppStatus): void {
    ++this.#generation;
    this.state = { kind: 'ready', status };
  }
}

export const appStatus = new StatusStore();

async function chain<A, B>(
  first: Promise<CommandResult<A>>,
  next: () => Promise<CommandResult<B>>,
): Promise<CommandResult<B>> {
  const result = await first;
  return result.ok ? next() : result;
}

/**
 * After a command failed: if the failure says the vault was locked or the session ended
 * behind the UI's back, read the status again so that the right screen shows.
 */
export function afterFailure(error: CommandError): void {
  if (isSessionLost(error)) void appStatus.refresh(undefined, { quiet: true });
}
