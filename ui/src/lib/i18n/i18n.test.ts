import { beforeEach, describe, expect, it, vi } from 'vitest';
import { formatBytes, formatDate, formatNumber, interpolate, locale, t } from '.';

describe('t', () => {
  beforeEach(() => {
    locale.set('fr');
  });

  it('answers in the current locale', () => {
    expect(t('nav.plan')).toBe('Plan de classification');
    locale.set('en');
    expect(t('nav.plan')).toBe('Classification plan');
  });

  it('takes an explicit language over the current one', () => {
    expect(t('status.retry', undefined, 'en')).toBe('Retry');
  });

  it('interpolates named placeholders', () => {
    expect(t('nav.unavailable', { area: 'Registre' })).toBe('Registre\u00a0: bientôt disponible');
    expect(t('errors.unexpected', { detail: 'boom' }, 'en')).toBe('Unexpected error: boom');
  });

  it('formats numbers substituted into a message for the locale', () => {
    expect(interpolate('{n} dossiers', { n: 12345 }, 'fr')).toBe('12\u00a0345 dossiers');
    expect(interpolate('{n} files', { n: 12345 }, 'en')).toBe('12,345 files');
  });

  it('leaves a placeholder without a value visible rather than empty', () => {
    expect(t('status.errorCode', {}, 'en')).toBe('Code: {code}');
    expect(interpolate('{a} and {b}', { a: 'x' }, 'en')).toBe('x and {b}');
  });

  it('does not substitute inherited properties', () => {
    expect(interpolate('{toString}', {}, 'en')).toBe('{toString}');
  });

  it('substitutes text literally, never as a pattern', () => {
    expect(interpolate('{a}', { a: '$& $1 {b}' }, 'en')).toBe('$& $1 {b}');
  });
});

describe('formatDate', () => {
  it('writes dates in Canadian French and Canadian English', () => {
    const instant = new Date(Date.UTC(2026, 10, 23, 15, 0));
    const utc = { dateStyle: 'long', timeZone: 'UTC' } as const;
    expect(formatDate(instant, utc, 'fr')).toBe('23 novembre 2026');
    expect(formatDate(instant, utc, 'en')).toBe('November 23, 2026');
    expect(formatDate(instant, { dateStyle: 'medium', timeZone: 'UTC' }, 'fr')).toBe('23 nov. 2026');
  });

  it('keeps a calendar date on its day west of Greenwich', () => {
    // Node applies a change of TZ at once; vitest restores it after the test (unstubEnvs).
    vi.stubEnv('TZ', 'America/Toronto');
    expect(new Date(2026, 10, 23).getTimezoneOffset()).toBe(300);
    expect(formatDate('2026-11-23', undefined, 'fr')).toBe('23 novembre 2026');
    expect(formatDate('2026-01-01', { dateStyle: 'short' }, 'en')).toBe('2026-01-01');
  });

  it('shows an instant in the given time zone', () => {
    // 03:00 UTC on the 24th is still the evening of the 23rd in Montréal.
    const lateEvening = '2026-11-24T03:00:00Z';
    expect(formatDate(lateEvening, { dateStyle: 'long', timeZone: 'America/Toronto' }, 'fr')).toBe(
      '23 novembre 2026',
    );
  });

  it('refuses what is not a date instead of printing "Invalid Date"', () => {
    expect(() => formatDate('not a date', undefined, 'fr')).toThrow(RangeError);
  });

  it('uses the current locale by default', () => {
    locale.set('en');
    expect(formatDate('2026-03-05')).toBe('March 5, 2026');
    locale.set('fr');
    expect(formatDate('2026-03-05')).toBe('5 mars 2026');
  });
});

describe('formatNumber', () => {
  it('groups and separates decimals the Canadian way', () => {
    expect(formatNumber(1234567.89, undefined, 'fr')).toBe('1\u00a0234\u00a0567,89');
    expect(formatNumber(1234567.89, undefined, 'en')).toBe('1,234,567.89');
  });

  it('passes Intl options through', () => {
    expect(formatNumber(0.25, { style: 'percent' }, 'fr')).toBe('25\u00a0%');
    expect(formatNumber(0.25, { style: 'percent' }, 'en')).toBe('25%');
  });

  it('formats big integers', () => {
    expect(formatNumber(10n ** 12n, undefined, 'en')).toBe('1,000,000,000,000');
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 octet', '0 bytes'],
    [512, '512 octets', '512 bytes'],
    [1_500, '1,5 ko', '1.5 kB'],
    [12_345_678, '12,3 Mo', '12.3 MB'],
    [987_654_321, '988 Mo', '988 MB'],
    [2_000_000_000, '2 Go', '2 GB'],
  ])('%d bytes', (bytes, french, english) => {
    expect(formatBytes(bytes, 'fr').replace(/\u00a0|\u202f/g, ' ')).toBe(french);
    expect(formatBytes(bytes, 'en')).toBe(english);
  });
});
