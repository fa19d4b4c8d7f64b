// Checks of the vault settings' forms, as pure functions.
import {
  checkPassphrase,
  checkRequired,
  checkSame,
  type Problem,
  type Problems,
} from './validation';

export type PassphraseField = 'current' | 'next' | 'confirm';

/** Changing the recovery passphrase: the current one, a new one long enough and different, twice. */
export function changePassphraseProblems(values: {
  current: string;
  next: string;
  confirm: string;
}): Problems<PassphraseField> {
  const problems: Problems<PassphraseField> = {};
  const note = (field: PassphraseField, problem: Problem | null): void => {
    if (problem) problems[field] = problem;
  };
  note('current', values.current === '' ? checkRequired(values.current) : null);
  note(
    'next',
    checkPassphrase(values.next) ??
      (values.next === values.current ? { key: 'validation.passphraseUnchanged' } : null),
  );
  note('confirm', checkSame(values.confirm, values.next, 'validation.passphraseMismatch'));
  return problems;
}
