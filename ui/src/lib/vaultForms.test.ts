import { describe, expect, it } from 'vitest';
import { changePassphraseProblems } from './vaultForms';

const current = 'les archives de la ville sont en sûreté';
const next = 'une toute nouvelle phrase de récupération';

describe('changePassphraseProblems', () => {
  it('lets a valid change through', () => {
    expect(changePassphraseProblems({ current, next, confirm: next })).toEqual({});
  });

  it('flags every empty field', () => {
    expect(changePassphraseProblems({ current: '', next: '', confirm: '' })).toEqual({
      current: { key: 'validation.required' },
      next: { key: 'validation.required' },
      confirm: { key: 'validation.required' },
    });
  });

  it('wants a new passphrase of 16 characters, different, confirmed', () => {
    expect(changePassphraseProblems({ current, next: 'court', confirm: 'court' }).next).toEqual({
      key: 'validation.passphraseTooShort',
      params: { min: 16 },
    });
    expect(changePassphraseProblems({ current, next: current, confirm: current })).toEqual({
      next: { key: 'validation.passphraseUnchanged' },
    });
    expect(changePassphraseProblems({ current, next, confirm: `${next}.` })).toEqual({
      confirm: { key: 'validation.passphraseMismatch' },
    });
  });

  it('does not judge the current passphrase: only the core knows it', () => {
    expect(changePassphraseProblems({ current: 'x', next, confirm: next })).toEqual({});
  });
});
