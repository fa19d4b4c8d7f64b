// The first-run wizard's steps and their checks, as pure functions (WizardScreen.svelte shows
// them). Three steps: the organisation and its administrator; the recovery passphrase; then
// the passphrase shown once, typed again and declared stored, before the vault is created.
import {
  checkPassphrase,
  checkPassword,
  checkRequired,
  checkSame,
  checkUsername,
  type Problem,
  type Problems,
} from './validation';
import type { VaultSetup } from './types';

export const WIZARD_STEPS = ['identity', 'passphrase', 'record'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

export interface WizardForm {
  organisation: string;
  adminUsername: string;
  adminDisplayName: string;
  password: string;
  passwordConfirm: string;
  passphrase: string;
  passphraseRetype: string;
  /** "I have stored it": the user says the passphrase is written down and put away. */
  stored: boolean;
  /** Start from the sample plan that ships with Greffier rather than an empty plan. */
  samplePlan: boolean;
}

export type WizardField = keyof WizardForm;

/** The fields each step asks for, in screen order. */
export const STEP_FIELDS: Readonly<Record<WizardStep, readonly WizardField[]>> = {
  identity: ['organisation', 'samplePlan', 'adminUsername', 'adminDisplayName', 'password', 'passwordConfirm'],
  passphrase: ['passphrase'],
  record: ['passphraseRetype', 'stored'],
};

export function emptyWizardForm(): WizardForm {
  return {
    organisation: '',
    adminUsername: '',
    adminDisplayName: '',
    password: '',
    passwordConfirm: '',
    passphrase: '',
    passphraseRetype: '',
    stored: false,
    samplePlan: false,
  };
}

/** The problems of one step's fields; an empty object lets the user go on. */
export function validateStep(step: WizardStep, form: WizardForm): Problems<WizardField> {
  const problems: Problems<WizardField> = {};
  const note = (field: WizardField, problem: Problem | null): void => {
    if (problem) problems[field] = problem;
  };
  switch (step) {
    case 'identity':
      note('organisation', checkRequired(form.organisation));
      note('adminUsername', checkUsername(form.adminUsername.trim()));
      note('adminDisplayName', checkRequired(form.adminDisplayName));
      note('password', checkPassword(form.password));
      note(
        'passwordConfirm',
        checkSame(form.passwordConfirm, form.password, 'validation.passwordMismatch'),
      );
      break;
    case 'passphrase':
      note(
        'passphrase',
        checkPassphrase(form.passphrase) ??
          (form.passphrase === form.password ? { key: 'validation.passphraseIsPassword' } : null),
      );
      break;
    case 'record':
      note(
        'passphraseRetype',
        checkSame(form.passphraseRetype, form.passphrase, 'validation.passphraseMismatch'),
      );
      note('stored', form.stored ? null : { key: 'validation.storedRequired' });
      break;
  }
  return problems;
}

/** The first step, in order, that has a problem; `null` when the whole form is ready. */
export function firstInvalidStep(form: WizardForm): WizardStep | null {
  return WIZARD_STEPS.find((step) => Object.keys(validateStep(step, form)).length > 0) ?? null;
}

export function stepOf(field: WizardField): WizardStep {
  const found = WIZARD_STEPS.find((step) => STEP_FIELDS[step].includes(field));
  if (!found) throw new Error(`no wizard step asks for ${field}`);
  return found;
}

export function nextStep(step: WizardStep): WizardStep | null {
  return WIZARD_STEPS[WIZARD_STEPS.indexOf(step) + 1] ?? null;
}

export function previousStep(step: WizardStep): WizardStep | null {
  const index = WIZARD_STEPS.indexOf(step);
  return index > 0 ? (WIZARD_STEPS[index - 1] ?? null) : null;
}

/**
 * What `create_vault` is sent. Names are trimmed (spaces around them are typing accidents);
 * secrets are sent exactly as typed, since the core compares them byte for byte.
 */
export function toSetup(form: WizardForm): VaultSetup {
  return {
    organisation: form.organisation.trim(),
    adminUsername: form.adminUsername.trim(),
    adminDisplayName: form.adminDisplayName.trim(),
    adminPassword: form.password,
    recoveryPassphrase: form.passphrase,
    samplePlan: form.samplePlan,
  };
}
