// How a `CommandError` is shown to the user.
import { ClientErrorCode } from './api';
import { t } from './i18n';
import type { CommandError } from './types';

/**
 * The sentence to show for `error`. The core's messages are already translated and are shown
 * verbatim; the two codes produced in the UI itself are translated here.
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
