import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from './api';
import { appStatus, vaultState } from './status.svelte';
import type { AppStatus } from './types';

const base: AppStatus = {
  version: '0.1.0',
  vaultDir: '/v',
  vaultExists: false,
  unlocked: false,
  organisation: null,
  keyring: { osStore: false, description: '' },
  sqlcipherVersion: null,
};

describe('vaultState', () => {
  it.each([
    [{ vaultExists: false, unlocked: false }, 'none'],
    [{ vaultExists: true, unlocked: false }, 'locked'],
    [{ vaultExists: true, unlocked: true }, 'unlocked'],
  ] as const)('%o is %s', (over, expected) => {
    expect(vaultState({ ...base, ...over })).toBe(expected);
  });
});

describe('appStatus.refresh', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
  });

  it('tells the core the language, then reads the status', async () => {
    const setLanguage = vi.spyOn(api, 'setLanguage').mockResolvedValue({ ok: true, value: null });
    const read = vi.spyOn(api, 'appStatus').mockResolvedValue({ ok: true, value: base });
    await appStatus.refresh('en');
    expect(setLanguage).toHaveBeenCalledWith('en');
    expect(read).toHaveBeenCalledOnce();
    expect(appStatus.state).toEqual({ kind: 'ready', status: base });
  });

  it('shows a failure to set the language and does not read the status', async () => {
    const error = { code: 'unsupported_language', message: 'Langue non prise en charge.' };
    vi.spyOn(api, 'setLanguage').mockResolvedValue({ ok: false, error });
    const read = vi.spyOn(api, 'appStatus');
    await appStatus.refresh('fr');
    expect(read).not.toHaveBeenCalled();
    expect(appStatus.state).toEqual({ kind: 'failed', error });
  });

  it('lets only the newest refresh decide the state', async () => {
    vi.spyOn(api, 'setLanguage').mockResolvedValue({ ok: true, value: null });
    let answerSlow: (value: { ok: true; value: AppStatus }) => void = () => undefined;
    vi.spyOn(api, 'appStatus')
      .mockReturnValueOnce(
        new Promise((resolve) => {
          answerSlow = resolve;
        }),
      )
      .mockResolvedValueOnce({ ok: true, value: { ...base, version: 'new' } });

    const slow = appStatus.refresh('fr');
    await appStatus.refresh('fr');
    answerSlow({ ok: true, value: { ...base, version: 'old' } });
    await slow;

    expect(appStatus.state.kind === 'ready' && appStatus.state.status.version).toBe('new');
  });
});
