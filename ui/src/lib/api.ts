// The only door to the desktop shell: one typed function per Tauri command.
//
// Components import `api` and never call `invoke` with a string. Every function resolves to a
// `CommandResult`, so a caller cannot forget that a command may fail, and every failure has
// the same shape (`CommandError`), whatever the shell or the IPC layer actually rejected with.
import { invoke, isTauri, type InvokeArgs } from '@tauri-apps/api/core';
import type { AppStatus, CommandError, Language } from './types';

/** Command names as registered by the shell (`#[tauri::command]` function names). */
export const Command = {
  AppStatus: 'app_status',
  SetLanguage: 'set_language',
} as const;
export type Command = (typeof Command)[keyof typeof Command];

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
