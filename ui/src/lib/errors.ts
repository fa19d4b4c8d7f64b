// How a `CommandError` is shown to the user, and where.
import { ClientErrorCode } from './api';
import { t } from './i18n';
import type { CommandError } from './types';

/**
 * The sentence to show for `error`. The core's messages are already translated and are shown
 * verbatim (they say what to do next); the two codes produced in the UI itself are translated
 * here.
 */
export function describeError(error: CommandError): string {
  switch (error.code) {
    case ClientErrorCode.IpcUnavailable:
      return t('errors.ipcUnavailable');
    case ClientErrorCode.Unexpected:
      return t('errors.unexpected', { detail: error.message });
    default:
      return error.message;
  }
}

/**
 * The codes that refuse what the user typed: trying again sends the same thing and gets the
 * same answer, so the screen asks for a change instead of offering a retry.
 */
const INPUT_REFUSALS: ReadonlySet<string> = new Set(['search_query_invalid']);

/** Whether trying `error`'s request again, unchanged, can succeed. */
export function canRetry(error: CommandError): boolean {
  return !INPUT_REFUSALS.has(error.code);
}

/**
 * For each form, the field that an error code is about. A code that is not listed is shown
 * for the form as a whole (above its buttons), which is also where the form's own failures
 * (wrong credentials, busy, permission denied) belong.
 */
export const ERROR_FIELDS = {
  wizard: {
    organisation_missing: 'organisation',
    username_invalid: 'adminUsername',
    username_taken: 'adminUsername',
    password_too_short: 'password',
    passphrase_too_short: 'passphrase',
  },
  unlock: {
    wrong_passphrase: 'passphrase',
    passphrase_too_short: 'passphrase',
  },
  signIn: {
    username_invalid: 'username',
  },
  addUser: {
    username_invalid: 'username',
    username_taken: 'username',
    password_too_short: 'password',
  },
  resetPassword: {
    password_too_short: 'password',
  },
  backup: {
    backup_destination_exists: 'path',
    io: 'path',
    dialog_unavailable: 'path',
  },
  restore: {
    not_a_backup: 'path',
    backup_version_unsupported: 'path',
    backup_truncated: 'path',
    backup_corrupted: 'path',
    backup_of_another_vault: 'path',
    backup_invalid: 'path',
    io: 'path',
    dialog_unavailable: 'path',
    invalid_credentials: 'password',
    // The keyring does not hold the backup's key, or the passphrase does not open it.
    wrong_passphrase: 'passphrase',
    passphrase_too_short: 'passphrase',
    keyring_entry_missing: 'passphrase',
    keyring_key_mismatch: 'passphrase',
    keyring_unavailable: 'passphrase',
  },
  rotateKey: {
    wrong_passphrase: 'passphrase',
    passphrase_too_short: 'passphrase',
  },
  changePassphrase: {
    wrong_passphrase: 'current',
    passphrase_too_short: 'next',
  },
  idleLock: {
    permission_denied: 'minutes',
  },
  revise: {
    effective_date_too_early: 'effectiveDate',
  },
  classForm: {
    class_code_invalid: 'code',
    class_code_taken: 'code',
    class_code_inconsistent: 'code',
    class_parent_retired: 'parent',
    unknown_class: 'parent',
    class_title_missing: 'titleFr',
  },
  moveClass: {
    class_code_invalid: 'code',
    // The new code, or a subclass's once renumbered, is another class's.
    class_code_taken: 'code',
    // The new code does not continue the new parent's, or a subclass's could not follow it.
    class_code_inconsistent: 'code',
    class_move_unchanged: 'code',
    class_move_into_own_branch: 'parent',
    class_parent_retired: 'parent',
    unknown_class: 'parent',
  },
  planImport: {
    unsupported_format: 'path',
    io: 'path',
    dialog_unavailable: 'path',
  },
  planExport: {
    unsupported_format: 'path',
    io: 'path',
    dialog_unavailable: 'path',
  },
  addProject: {
    project_code_invalid: 'code',
    project_code_taken: 'code',
    project_name_missing: 'name',
    unknown_user: 'owner',
  },
  editProject: {
    project_name_missing: 'name',
    unknown_user: 'owner',
  },
  addOverride: {
    unknown_class: 'class',
    class_code_invalid: 'class',
    override_exists: 'class',
  },
  fileForm: {
    file_reference_invalid: 'reference',
    file_reference_taken: 'reference',
    file_title_missing: 'title',
    unknown_class: 'class',
    class_code_invalid: 'class',
    class_retired: 'class',
    class_has_no_rule: 'class',
    rule_ambiguous: 'rule',
    unknown_rule: 'rule',
    unknown_project: 'project',
    file_dates_inconsistent: 'openedOn',
  },
  closeFile: {
    file_dates_inconsistent: 'date',
    invalid_argument: 'date',
  },
  registerExport: {
    unsupported_format: 'path',
    io: 'path',
    dialog_unavailable: 'path',
  },
  dueExport: {
    unsupported_format: 'path',
    io: 'path',
    dialog_unavailable: 'path',
  },
  placeHold: {
    unknown_file: 'target',
    unknown_person: 'target',
    unknown_class: 'target',
    unknown_project: 'target',
    reason_missing: 'reason',
  },
  releaseHold: {
    reason_missing: 'reason',
  },
  batchDecision: {
    reason_missing: 'reason',
  },
  batchOutput: {
    io: 'path',
    dialog_unavailable: 'path',
  },
  attachPerson: {
    // The person chosen is already on the file, or was erased meanwhile.
    person_already_linked: 'existing',
    unknown_person: 'existing',
    // An anonymised file takes no person: said on the person chosen or typed.
    file_anonymised: 'existing',
    person_name_missing: 'lastName',
    person_key_taken: 'externalKey',
    // The core does not say which one: placed on the identifiers as a whole.
    identifier_invalid: 'identifiers',
    unknown_category: 'categories',
    purpose_missing: 'purposes',
  },
  editPerson: {
    person_name_missing: 'lastName',
    person_key_taken: 'externalKey',
    identifier_invalid: 'identifiers',
  },
  detachPerson: {
    reason_missing: 'reason',
  },
  review: {
    reason_missing: 'justification',
    // The date asked for is not after the one the file is kept until.
    invalid_argument: 'until',
    unknown_rule: 'rule',
    rule_ambiguous: 'rule',
  },
} as const satisfies Readonly<Record<string, Readonly<Record<string, string>>>>;

export type FormId = keyof typeof ERROR_FIELDS;
export type ErrorField<F extends FormId> = (typeof ERROR_FIELDS)[F][keyof (typeof ERROR_FIELDS)[F]];

/** An error placed on a form: next to `field`, or for the whole form when `field` is null. */
export interface PlacedError<F extends FormId> {
  field: ErrorField<F> | null;
  message: string;
  code: string;
}

export function placeError<F extends FormId>(form: F, error: CommandError): PlacedError<F> {
  // Each form's table, read as a plain lookup (every value of it is an ErrorField<F>).
  const fields = ERROR_FIELDS[form] as unknown as Readonly<Record<string, ErrorField<F>>>;
  const field = Object.hasOwn(fields, error.code) ? (fields[error.code] ?? null) : null;
  return { field, message: describeError(error), code: error.code };
}

/** Codes that mean the vault was locked or the session ended behind the UI's back. */
export const SESSION_LOST_CODES: readonly string[] = ['not_unlocked', 'not_signed_in'];

export function isSessionLost(error: CommandError): boolean {
  return SESSION_LOST_CODES.includes(error.code);
}

/** The code sent back when the user cancelled a backup or a restore: not a failure to show. */
export const CANCELLED = 'cancelled';
