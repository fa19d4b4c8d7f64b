import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from './api';
import { afterFailure, appStatus, screenFor, vaultState } from './status.svelte';
import type { AppStatus, SessionInfo } from './types';

const base: AppStatus = {
  version: '0.1.0',
  vaultDir: '/v',
  vaultExists: false,
  unlocked: false,
  organisation: null,
  keyring: { osStore: false, description: '' },
  sqlcipherVersion: null,
  session: null,
  idleLockMinutes: 15,
};

const admin: SessionInfo = {
  username: 'hcote',
  displayName: 'Hélène Côté',
  role: 'administrator',
  permissions: ['manage_users', 'view_users', 'manage_vault', 'check_vault'],
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

describe('screenFor', () => {
  it.each([
    ['no vault yet: the wizard', { vaultExists: false }, 'wizard'],
    ['a locked vault: unlock', { vaultExists: true, unlocked: false }, 'unlock'],
    ['an open vault, nobody signed in: sign-in', { vaultExists: true, unlocked: true }, 'signin'],
    [
      'an open vault and a session: the application',
      { vaultExists: true, unlocked: true, session: admin },
      'app',
    ],
  ] as const)('%s', (_, over, expected) => {
    expect(screenFor({ kind: 'ready', status: { ...base, ...over } })).toBe(expected);
  });

  it('follows the loading and failed states', () => {
    expect(screenFor({ kind: 'loading' })).toBe('loading');
    expect(screenFor({ kind: 'failed', error: { code: 'io', message: 'x' } })).toBe('failed');
  });
});

describe('appStatus.apply and quiet refresh', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
  });

  it('takes the status a command answered with', () => {
    const open = { ...base, vaultExists: true, unlocked: true, session: admin };
    appStatus.apply(open);
    expect(appStatus.current).toEqual(open);
    expect(appStatus.session).toEqual(admin);
  });

  it('wins over a refresh that was still under way', async () => {
    vi.spyOn(api, 'setLanguage').mockResolvedValue({ ok: true, value: null });
    let answer: (value: { ok: true; value: AppStatus }) => void = () => undefined;
    vi.spyOn(api, 'appStatus').mockReturnValueOnce(
      new Promise((resolve) => {
        answer = resolve;
      }),
    );
    const pending = appStatus.refresh('fr');
    appStatus.apply({ ...base, version: 'applied' });
    answer({ ok: true, value: { ...base, version: 'stale' } });
    await pending;
    expect(appStatus.current?.version).toBe('applied');
  });

  it('keeps the known status on screen while a quiet refresh runs', async () => {
    appStatus.apply({ ...base, version: 'before' });
    vi.spyOn(api, 'setLanguage').mockResolvedValue({ ok: true, value: null });
    let answer: (value: { ok: true; value: AppStatus }) => void = () => undefined;
    vi.spyOn(api, 'appStatus').mockReturnValueOnce(
      new Promise((resolve) => {
        answer = resolve;
      }),
    );
    const pending = appStatus.refresh('en', { quiet: true });
    expect(appStatus.state.kind).toBe('ready');
    answer({ ok: true, value: { ...base, version: 'after' } });
    await pending;
    expect(appStatus.current?.version).toBe('after');
  });

  it('shows "loading" for a loud refresh', () => {
    appStatus.apply(base);
    vi.spyOn(api, 'setLanguage').mockReturnValue(new Promise(() => undefined));
    void appStatus.refresh('fr');
    expect(appStatus.state.kind).toBe('loading');
  });
});

describe('afterFailure', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
  });

  it('reads the status again when the session was lost behind the UI', async () => {
    appStatus.apply({ ...base, vaultExists: true, unlocked: true, session: admin });
    vi.spyOn(api, 'setLanguage').mockResolvedValue({ ok: true, value: null });
    const locked = { ...base, vaultExists: true };
    const read = vi.spyOn(api, 'appStatus').mockResolvedValue({ ok: true, value: locked });
    afterFailure({ code: 'not_unlocked', message: 'Le coffre est verrouillé.' });
    await vi.waitFor(() => {
      expect(appStatus.current).toEqual(locked);
    });
    expect(read).toHaveBeenCalledOnce();
  });

  it('leaves the status alone for an ordinary failure', () => {
    const read = vi.spyOn(api, 'appStatus');
    afterFailure({ code: 'wrong_passphrase', message: 'Phrase incorrecte.' });
    expect(read).not.toHaveBeenCalled();
  });
});
