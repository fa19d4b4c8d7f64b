// The application status as the UI sees it: loading, known, or failed with a CommandError.
import { api, type CommandResult } from './api';
import { locale } from './i18n';
import type { AppStatus, CommandError, Language } from './types';

export type StatusState =
  | { kind: 'loading' }
  | { kind: 'ready'; status: AppStatus }
  | { kind: 'failed'; error: CommandError };

export type VaultState = 'none' | 'locked' | 'unlocked';

export function vaultState(status: AppStatus): VaultState {
  if (!status.vaultExists) return 'none';
  return status.unlocked ? 'unlocked' : 'locked';
}

class StatusStore {
  state = $state<StatusState>({ kind: 'loading' });
  // Only the newest request may write `state`, so a slow answer cannot overwrite a newer one.
  #generation = 0;

  /**
   * Tells the core the interface language (its messages come back translated), then reads
   * the status. A failure of either step is shown the same way, with a retry.
   */
  async refresh(lang: Language = locale.current): Promise<void> {
    const generation = ++this.#generation;
    this.state = { kind: 'loading' };
    const result = await chain(api.setLanguage(lang), () => api.appStatus());
    if (generation !== this.#generation) return;
    this.state = result.ok
      ? { kind: 'ready', status: result.value }
      : { kind: 'failed', error: result.error };
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
