import { describe, expect, it } from 'vitest';
import {
  STEP_FIELDS,
  WIZARD_STEPS,
  emptyWizardForm,
  firstInvalidStep,
  nextStep,
  previousStep,
  stepOf,
  toSetup,
  validateStep,
  type WizardForm,
} from './wizard';

const complete: WizardForm = {
  organisation: '  Ville de Saint-Exemple ',
  adminUsername: ' hcote ',
  adminDisplayName: 'Hélène Côté ',
  password: 'mot de passe solide',
  passwordConfirm: 'mot de passe solide',
  passphrase: 'les archives de la ville sont en sûreté',
  passphraseRetype: 'les archives de la ville sont en sûreté',
  stored: true,
  samplePlan: true,
};

describe('the steps', () => {
  it('go identity → passphrase → record, and back', () => {
    expect(WIZARD_STEPS).toEqual(['identity', 'passphrase', 'record']);
    expect(nextStep('identity')).toBe('passphrase');
    expect(nextStep('passphrase')).toBe('record');
    expect(nextStep('record')).toBeNull();
    expect(previousStep('record')).toBe('passphrase');
    expect(previousStep('identity')).toBeNull();
  });

  it('ask for every field once', () => {
    const all = WIZARD_STEPS.flatMap((s) => STEP_FIELDS[s]);
    expect(all.sort()).toEqual(Object.keys(emptyWizardForm()).sort());
  });

  it('know which step holds a field the core complained about', () => {
    expect(stepOf('organisation')).toBe('identity');
    expect(stepOf('adminUsername')).toBe('identity');
    expect(stepOf('passphrase')).toBe('passphrase');
    expect(stepOf('stored')).toBe('record');
  });
});

describe('validateStep: identity', () => {
  it('lets a complete first step through', () => {
    expect(validateStep('identity', complete)).toEqual({});
  });

  it('flags every empty field of an empty form', () => {
    const problems = validateStep('identity', emptyWizardForm());
    expect(Object.keys(problems).sort()).toEqual(
      ['adminDisplayName', 'adminUsername', 'organisation', 'password', 'passwordConfirm'].sort(),
    );
    expect(problems.organisation).toEqual({ key: 'validation.required' });
  });

  it('checks the username format on the trimmed value', () => {
    expect(validateStep('identity', { ...complete, adminUsername: 'h cote' }).adminUsername?.key).toBe(
      'validation.usernameFormat',
    );
    expect(validateStep('identity', { ...complete, adminUsername: '  hcote  ' }).adminUsername).toBeUndefined();
  });

  it('wants a 12-character password, confirmed', () => {
    const short = validateStep('identity', { ...complete, password: 'court', passwordConfirm: 'court' });
    expect(short.password).toEqual({ key: 'validation.passwordTooShort', params: { min: 12 } });
    const mismatch = validateStep('identity', { ...complete, passwordConfirm: 'mot de passe solid' });
    expect(mismatch).toEqual({ passwordConfirm: { key: 'validation.passwordMismatch' } });
  });

  it('ignores the fields of the other steps', () => {
    expect(validateStep('identity', { ...complete, passphrase: '', stored: false })).toEqual({});
  });
});

describe('validateStep: passphrase', () => {
  it('wants 16 characters', () => {
    expect(validateStep('passphrase', { ...complete, passphrase: 'trop courte' })).toEqual({
      passphrase: { key: 'validation.passphraseTooShort', params: { min: 16 } },
    });
    expect(validateStep('passphrase', complete)).toEqual({});
  });

  it('refuses the administrator password as the passphrase', () => {
    const same = { ...complete, password: 'la même phrase pour les deux', passphrase: 'la même phrase pour les deux' };
    expect(validateStep('passphrase', same)).toEqual({
      passphrase: { key: 'validation.passphraseIsPassword' },
    });
  });
});

describe('validateStep: record', () => {
  it('wants the passphrase typed again exactly, and the box ticked', () => {
    expect(validateStep('record', complete)).toEqual({});
    const problems = validateStep('record', {
      ...complete,
      passphraseRetype: 'les archives de la ville sont en surete',
      stored: false,
    });
    expect(problems).toEqual({
      passphraseRetype: { key: 'validation.passphraseMismatch' },
      stored: { key: 'validation.storedRequired' },
    });
  });

  it('does not forgive a trailing space in the retyped passphrase', () => {
    expect(
      validateStep('record', { ...complete, passphraseRetype: `${complete.passphrase} ` }).passphraseRetype,
    ).toEqual({ key: 'validation.passphraseMismatch' });
  });
});

describe('firstInvalidStep', () => {
  it('is null for a complete form', () => {
    expect(firstInvalidStep(complete)).toBeNull();
  });

  it('goes back to the earliest step with a problem', () => {
    expect(firstInvalidStep({ ...complete, stored: false })).toBe('record');
    expect(firstInvalidStep({ ...complete, passwordConfirm: '', stored: false })).toBe('identity');
    expect(firstInvalidStep(emptyWizardForm())).toBe('identity');
  });
});

describe('toSetup', () => {
  it('trims names, keeps secrets exactly as typed', () => {
    expect(toSetup({ ...complete, password: ' mot de passe solide ' })).toEqual({
      organisation: 'Ville de Saint-Exemple',
      adminUsername: 'hcote',
      adminDisplayName: 'Hélène Côté',
      adminPassword: ' mot de passe solide ',
      recoveryPassphrase: 'les archives de la ville sont en sûreté',
      samplePlan: true,
    });
  });
});
