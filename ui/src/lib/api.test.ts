import { invoke, isTauri } from '@tauri-apps/api/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ClientErrorCode, Command, toCommandError } from './api';
import type { AppStatus } from './types';

vi.mock('@tauri-apps/api/core', () => ({
  invoke: vi.fn(),
  isTauri: vi.fn(() => true),
}));

const invokeMock = vi.mocked(invoke);
const isTauriMock = vi.mocked(isTauri);

const status: AppStatus = {
  version: '0.1.0',
  vaultDir: '/home/a/.local/share/greffier',
  vaultExists: true,
  unlocked: false,
  organisation: null,
  keyring: { osStore: true, description: 'Secret Service' },
  sqlcipherVersion: '4.20.0 community',
};

beforeEach(() => {
  invokeMock.mockReset();
  isTauriMock.mockReset().mockReturnValue(true);
});

describe('commands', () => {
  it('app_status is invoked by its Rust name and its answer passed through', async () => {
    invokeMock.mockResolvedValueOnce(status);
    await expect(api.appStatus()).resolves.toEqual({ ok: true, value: status });
    expect(invokeMock).toHaveBeenCalledExactlyOnceWith('app_status', undefined);
  });

  it('set_language sends the language under the camelCase key `lang`', async () => {
    invokeMock.mockResolvedValueOnce(null);
    await expect(api.setLanguage('en')).resolves.toEqual({ ok: true, value: null });
    expect(invokeMock).toHaveBeenCalledExactlyOnceWith('set_language', { lang: 'en' });
  });

  it('names exactly the commands the shell registers', () => {
    expect(Object.values(Command).sort()).toEqual(['app_status', 'set_language']);
  });

  it('does not invoke at all outside the desktop shell', async () => {
    isTauriMock.mockReturnValue(false);
    const result = await api.appStatus();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe(ClientErrorCode.IpcUnavailable);
    expect(invokeMock).not.toHaveBeenCalled();
  });

  it('turns a rejection into a failed result, not a thrown error', async () => {
    invokeMock.mockRejectedValueOnce({ code: 'wrong_key', message: 'Clé incorrecte.' });
    await expect(api.appStatus()).resolves.toEqual({
      ok: false,
      error: { code: 'wrong_key', message: 'Clé incorrecte.' },
    });
  });
});

describe('toCommandError', () => {
  const unexpected = ClientErrorCode.Unexpected;

  it.each<[string, unknown, { code: string; message: string }]>([
    [
      'a CommandError, keeping only its two fields',
      { code: 'vault_missing', message: 'Aucun coffre.', detail: { secret: 1 } },
      { code: 'vault_missing', message: 'Aucun coffre.' },
    ],
    [
      'a bare string, as Tauri sends for an unknown command',
      'command app_stat not found',
      { code: unexpected, message: 'command app_stat not found' },
    ],
    ['an Error', new TypeError('boom'), { code: unexpected, message: 'boom' }],
    [
      'an object with a non-string code',
      { code: 42, message: 'x' },
      { code: unexpected, message: '{"code":42,"message":"x"}' },
    ],
    ['an object without a message', { code: 'x' }, { code: unexpected, message: '{"code":"x"}' }],
    ['null', null, { code: unexpected, message: 'null' }],
    ['undefined', undefined, { code: unexpected, message: 'undefined' }],
    ['a number', 404, { code: unexpected, message: '404' }],
    ['a bigint', 7n, { code: unexpected, message: '7' }],
    ['a symbol', Symbol('ipc'), { code: unexpected, message: 'Symbol(ipc)' }],
  ])('maps %s', (_, reason, expected) => {
    expect(toCommandError(reason)).toEqual(expected);
  });

  it('survives a value that cannot be serialised', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(toCommandError(cyclic)).toEqual({ code: unexpected, message: '[object Object]' });
  });
});
