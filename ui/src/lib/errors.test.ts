import { beforeEach, describe, expect, it } from 'vitest';
import { ClientErrorCode } from './api';
import { ERROR_FIELDS, canRetry, describeError, isSessionLost, placeError, type FormId } from './errors';
import { locale } from './i18n';

describe('describeError', () => {
  beforeEach(() => {
    locale.set('fr');
  });

  it('shows the core message as it came, already translated', () => {
    expect(describeError({ code: 'wrong_key', message: 'Clé incorrecte.' })).toBe('Clé incorrecte.');
  });

  it('translates the errors that arise in the UI itself', () => {
    const error = { code: ClientErrorCode.IpcUnavailable, message: 'app_status: not running' };
    expect(describeError(error)).toMatch(/^Le noyau de Greffier est injoignable/);
    locale.set('en');
    expect(describeError(error)).toMatch(/^The Greffier core cannot be reached/);
  });

  it('keeps the detail of an unexpected rejection', () => {
    locale.set('en');
    expect(describeError({ code: ClientErrorCode.Unexpected, message: 'command x not found' })).toBe(
      'Unexpected error: command x not found',
    );
  });
});

describe('canRetry', () => {
  it('offers no retry for a query the search refused, since the same query fails the same way', () => {
    expect(canRetry({ code: 'search_query_invalid', message: 'La recherche n’a pas de champ « auteur ».' })).toBe(false);
  });

  it('offers a retry for failures that may pass another time', () => {
    for (const code of ['io', 'database', 'busy', ClientErrorCode.IpcUnavailable, ClientErrorCode.Unexpected]) {
      expect(canRetry({ code, message: '' })).toBe(true);
    }
  });
});

describe('placeError', () => {
  beforeEach(() => {
    locale.set('en');
  });

  const error = (code: string) => ({ code, message: `message for ${code}` });

  it.each<[FormId, string, string | null]>([
    ['wizard', 'organisation_missing', 'organisation'],
    ['wizard', 'username_invalid', 'adminUsername'],
    ['wizard', 'username_taken', 'adminUsername'],
    ['wizard', 'password_too_short', 'password'],
    ['wizard', 'passphrase_too_short', 'passphrase'],
    ['wizard', 'vault_already_exists', null],
    ['unlock', 'wrong_passphrase', 'passphrase'],
    ['unlock', 'vault_corrupted', null],
    ['signIn', 'invalid_credentials', null],
    ['signIn', 'account_disabled', null],
    ['signIn', 'username_invalid', 'username'],
    ['addUser', 'username_taken', 'username'],
    ['addUser', 'password_too_short', 'password'],
    ['addUser', 'permission_denied', null],
    ['resetPassword', 'password_too_short', 'password'],
    ['resetPassword', 'unknown_user', null],
    ['backup', 'backup_destination_exists', 'path'],
    ['backup', 'io', 'path'],
    ['backup', 'busy', null],
    ['restore', 'not_a_backup', 'path'],
    ['restore', 'backup_of_another_vault', 'path'],
    ['restore', 'invalid_credentials', 'password'],
    ['dueExport', 'io', 'path'],
    ['dueExport', 'invalid_argument', null],
    ['placeHold', 'unknown_file', 'target'],
    ['placeHold', 'unknown_person', 'target'],
    ['placeHold', 'reason_missing', 'reason'],
    ['placeHold', 'permission_denied', null],
    ['releaseHold', 'hold_released', null],
    ['batchDecision', 'separation_of_duties', null],
    ['batchDecision', 'file_flagged', null],
    ['batchOutput', 'no_certificate', null],
    ['batchOutput', 'io', 'path'],
    ['review', 'invalid_argument', 'until'],
    ['review', 'not_in_review', null],
    ['restore', 'wrong_passphrase', 'passphrase'],
    ['restore', 'keyring_entry_missing', 'passphrase'],
    ['restore', 'busy', null],
    ['rotateKey', 'wrong_passphrase', 'passphrase'],
    ['changePassphrase', 'wrong_passphrase', 'current'],
    ['changePassphrase', 'passphrase_too_short', 'next'],
    ['idleLock', 'permission_denied', 'minutes'],
    ['moveClass', 'class_code_taken', 'code'],
    ['moveClass', 'class_code_inconsistent', 'code'],
    ['moveClass', 'class_move_unchanged', 'code'],
    ['moveClass', 'class_move_into_own_branch', 'parent'],
    ['moveClass', 'class_parent_retired', 'parent'],
    ['moveClass', 'permission_denied', null],
    ['editProject', 'unknown_user', 'owner'],
    ['editProject', 'unknown_project', null],
    ['attachPerson', 'person_already_linked', 'existing'],
    ['attachPerson', 'person_key_taken', 'externalKey'],
    ['attachPerson', 'identifier_invalid', 'identifiers'],
    ['attachPerson', 'purpose_missing', 'purposes'],
    ['attachPerson', 'file_held', null],
    ['editPerson', 'person_key_taken', 'externalKey'],
    ['editPerson', 'permission_denied', null],
    ['detachPerson', 'reason_missing', 'reason'],
    ['detachPerson', 'file_held', null],
  ])('%s: %s goes to %s', (form, code, field) => {
    expect(placeError(form, error(code))).toEqual({ field, code, message: `message for ${code}` });
  });

  it('does not take inherited properties for codes', () => {
    expect(placeError('wizard', error('toString')).field).toBeNull();
    expect(placeError('wizard', error('__proto__')).field).toBeNull();
  });

  it('translates the UI-side codes when placing them too', () => {
    expect(placeError('signIn', { code: ClientErrorCode.IpcUnavailable, message: 'x' }).message).toMatch(
      /^The Greffier core cannot be reached/,
    );
  });

  it('only names fields that exist on each form', () => {
    const formFields: Record<FormId, string[]> = {
      wizard: ['organisation', 'adminUsername', 'adminDisplayName', 'password', 'passwordConfirm', 'passphrase', 'passphraseRetype', 'stored'],
      unlock: ['passphrase'],
      signIn: ['username', 'password'],
      addUser: ['username', 'displayName', 'password', 'passwordConfirm'],
      resetPassword: ['password'],
      backup: ['path'],
      restore: ['path', 'password', 'passphrase'],
      rotateKey: ['passphrase'],
      changePassphrase: ['current', 'next', 'confirm'],
      idleLock: ['minutes'],
      revise: ['effectiveDate', 'note'],
      classForm: ['code', 'parent', 'titleFr'],
      moveClass: ['parent', 'code'],
      planImport: ['path'],
      planExport: ['path'],
      addProject: ['code', 'name', 'owner'],
      editProject: ['name', 'owner'],
      addOverride: ['class', 'sensitivity', 'active', 'semiActive', 'reason'],
      fileForm: ['reference', 'class', 'rule', 'project', 'title', 'openedOn', 'contractEndedOn', 'lastActivityOn'],
      closeFile: ['date'],
      registerExport: ['path'],
      dueExport: ['path'],
      placeHold: ['target', 'reason'],
      releaseHold: ['reason'],
      batchDecision: ['reason'],
      batchOutput: ['path'],
      review: ['until', 'rule', 'justification'],
      attachPerson: ['existing', 'lastName', 'birthDate', 'externalKey', 'identifiers', 'categories', 'purposes'],
      editPerson: ['lastName', 'birthDate', 'externalKey', 'identifiers'],
      detachPerson: ['reason'],
    };
    for (const [form, table] of Object.entries(ERROR_FIELDS)) {
      for (const field of Object.values(table)) {
        expect(formFields[form as FormId], `${form}.${field}`).toContain(field);
      }
    }
  });
});

describe('isSessionLost', () => {
  it('recognises the shell codes for a locked vault or an ended session', () => {
    expect(isSessionLost({ code: 'not_unlocked', message: '' })).toBe(true);
    expect(isSessionLost({ code: 'not_signed_in', message: '' })).toBe(true);
    expect(isSessionLost({ code: 'permission_denied', message: '' })).toBe(false);
  });
});
