import { describe, expect, it } from 'vitest';
import {
  MAX_IDLE_LOCK_MINUTES,
  charCount,
  checkIdleMinutes,
  checkPassphrase,
  checkPassword,
  checkRequired,
  checkSame,
  checkUsername,
  hasProblems,
  parseIdleMinutes,
  withEntry,
} from './validation';

describe('charCount', () => {
  it('counts characters as the core does, not UTF-16 units', () => {
    expect(charCount('abc')).toBe(3);
    expect(charCount('Hélène')).toBe(6);
    expect(charCount('🔑🔑')).toBe(2);
    expect('🔑🔑'.length).toBe(4);
  });
});

describe('checkRequired', () => {
  it('refuses empty and blank values', () => {
    expect(checkRequired('')).toEqual({ key: 'validation.required' });
    expect(checkRequired('   ')).toEqual({ key: 'validation.required' });
    expect(checkRequired('Ville')).toBeNull();
  });
});

describe('checkUsername', () => {
  it.each(['hcote', 'h.cote', 'h-cote_2', 'hélène', 'ab', 'a'.repeat(64)])('accepts %s', (name) => {
    expect(checkUsername(name)).toBeNull();
  });

  it.each(['a', 'a'.repeat(65), 'h cote', 'h@cote', 'hcote!', 'h/cote'])('refuses %s', (name) => {
    expect(checkUsername(name)).toEqual({
      key: 'validation.usernameFormat',
      params: { min: 2, max: 64 },
    });
  });

  it('asks for a value before its format', () => {
    expect(checkUsername('')).toEqual({ key: 'validation.required' });
  });
});

describe('checkPassword and checkPassphrase', () => {
  it('need 12 and 16 characters', () => {
    expect(checkPassword('a'.repeat(11))).toEqual({
      key: 'validation.passwordTooShort',
      params: { min: 12 },
    });
    expect(checkPassword('a'.repeat(12))).toBeNull();
    expect(checkPassphrase('a'.repeat(15))).toEqual({
      key: 'validation.passphraseTooShort',
      params: { min: 16 },
    });
    expect(checkPassphrase('a'.repeat(16))).toBeNull();
  });

  it('count accented letters once', () => {
    expect(checkPassword('é'.repeat(12))).toBeNull();
    expect(checkPassphrase('é'.repeat(15))).not.toBeNull();
  });

  it('say "required" when empty', () => {
    expect(checkPassword('')).toEqual({ key: 'validation.required' });
    expect(checkPassphrase('')).toEqual({ key: 'validation.required' });
  });

  it('do not trim: spaces are part of a secret', () => {
    expect(checkPassphrase(' '.repeat(16))).toBeNull();
  });
});

describe('checkSame', () => {
  it('wants the confirmation to repeat the original exactly', () => {
    expect(checkSame('abc', 'abc', 'validation.passwordMismatch')).toBeNull();
    expect(checkSame('abc ', 'abc', 'validation.passwordMismatch')).toEqual({
      key: 'validation.passwordMismatch',
    });
    expect(checkSame('', 'abc', 'validation.passwordMismatch')).toEqual({
      key: 'validation.required',
    });
  });
});

describe('idle minutes', () => {
  it.each([
    ['0', 0],
    ['15', 15],
    [' 30 ', 30],
    ['1440', 1440],
  ])('reads %j as %d', (text, minutes) => {
    expect(parseIdleMinutes(text)).toBe(minutes);
    expect(checkIdleMinutes(text)).toBeNull();
  });

  it.each(['', '-1', '1.5', '1441', 'abc', '1e3', '99999999'])('refuses %j', (text) => {
    expect(parseIdleMinutes(text)).toBeNull();
    expect(checkIdleMinutes(text)).toEqual({
      key: 'validation.idleMinutes',
      params: { max: MAX_IDLE_LOCK_MINUTES },
    });
  });
});

describe('hasProblems and withEntry', () => {
  it('tell a form with problems from one without', () => {
    expect(hasProblems({})).toBe(false);
    expect(hasProblems({ a: undefined })).toBe(false);
    expect(hasProblems({ a: { key: 'validation.required' } })).toBe(true);
    expect(hasProblems({ a: 'message' })).toBe(true);
  });

  it('set or remove one entry without touching the original', () => {
    const original: Partial<Record<'a' | 'b', string>> = { a: 'x' };
    expect(withEntry(original, 'b', 'y')).toEqual({ a: 'x', b: 'y' });
    expect(withEntry(original, 'a', null)).toEqual({});
    expect(withEntry(original, 'a', undefined)).toEqual({});
    expect(original).toEqual({ a: 'x' });
  });
});
