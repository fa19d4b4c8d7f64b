// Field checks made in the UI for comfort, before a command is sent. The core makes the same
// checks for real (and more); these only spare the user a round trip and say what to do.
// Pure functions: each answers `null` when the value is acceptable, or the problem to show.
import type { MessageKey, MessageParams } from './i18n';

/** Minimums and limits of the core (greffier_core::users and ::vault). */
export const MIN_PASSWORD_CHARS = 12;
export const MIN_PASSPHRASE_CHARS = 16;
export const USERNAME_MIN_CHARS = 2;
export const USERNAME_MAX_CHARS = 64;
/** The core caps the idle lock at one day. */
export const MAX_IDLE_LOCK_MINUTES = 24 * 60;

/** A message to show next to a field: a catalogue key and its placeholders. */
export interface Problem {
  key: MessageKey;
  params?: MessageParams;
}

/** The problems of a form, by field; a field without a problem is absent. */
export type Problems<F extends string> = Partial<Record<F, Problem>>;

/** `true` when any field of a form has a problem (or an error message). */
export function hasProblems(problems: Partial<Record<string, unknown>>): boolean {
  return Object.values(problems).some((problem) => problem !== undefined && problem !== null);
}

/**
 * Length in characters as the core counts them (Rust `chars()`: Unicode scalar values), so
 * that `é` or an emoji counts once, not as two UTF-16 units.
 */
export function charCount(value: string): number {
  return Array.from(value).length;
}

export function checkRequired(value: string): Problem | null {
  return value.trim() === '' ? { key: 'validation.required' } : null;
}

// Rust's `char::is_alphanumeric`: alphabetic, or a number (Nd, Nl, No); plus `.`, `-`, `_`.
const USERNAME_CHARS = /^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}._-]*$/u;

export function checkUsername(value: string): Problem | null {
  if (value.trim() === '') return { key: 'validation.required' };
  const length = charCount(value);
  if (!USERNAME_CHARS.test(value) || length < USERNAME_MIN_CHARS || length > USERNAME_MAX_CHARS) {
    return {
      key: 'validation.usernameFormat',
      params: { min: USERNAME_MIN_CHARS, max: USERNAME_MAX_CHARS },
    };
  }
  return null;
}

export function checkPassword(value: string): Problem | null {
  if (value === '') return { key: 'validation.required' };
  return charCount(value) < MIN_PASSWORD_CHARS
    ? { key: 'validation.passwordTooShort', params: { min: MIN_PASSWORD_CHARS } }
    : null;
}

export function checkPassphrase(value: string): Problem | null {
  if (value === '') return { key: 'validation.required' };
  return charCount(value) < MIN_PASSPHRASE_CHARS
    ? { key: 'validation.passphraseTooShort', params: { min: MIN_PASSPHRASE_CHARS } }
    : null;
}

/** A confirmation must repeat the original exactly (a secret is never trimmed). */
export function checkSame(
  confirmation: string,
  original: string,
  mismatch: MessageKey,
): Problem | null {
  if (confirmation === '') return { key: 'validation.required' };
  return confirmation === original ? null : { key: mismatch };
}

/** The idle-lock field: a whole number of minutes, 0 (never) to one day. */
export function parseIdleMinutes(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,5}$/.test(trimmed)) return null;
  const minutes = Number(trimmed);
  return minutes <= MAX_IDLE_LOCK_MINUTES ? minutes : null;
}

export function checkIdleMinutes(text: string): Problem | null {
  return parseIdleMinutes(text) === null
    ? { key: 'validation.idleMinutes', params: { max: MAX_IDLE_LOCK_MINUTES } }
    : null;
}

/** A copy of `record` with `key` set to `value`, or removed when `value` is null or undefined. */
export function withEntry<K extends string, V>(
  record: Partial<Record<K, V>>,
  key: K,
  value: V | null | undefined,
): Partial<Record<K, V>> {
  const entries: [string, unknown][] = Object.entries(record).filter(([k]) => k !== key);
  if (value !== null && value !== undefined) entries.push([key, value]);
  return Object.fromEntries(entries) as Partial<Record<K, V>>;
}
