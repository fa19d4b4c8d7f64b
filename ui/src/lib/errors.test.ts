import { beforeEach, describe, expect, it } from 'vitest';
import { ClientErrorCode } from './api';
import { describeError } from './errors';
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
