// Interface text, dates and numbers in French (default) and English.
//
// Why not paraglide-js, which DESIGN.md names first: its inlang project loads its plugins
// from a CDN at build time, and this project builds with no network but the package
// registries. The catalogues are therefore plain typed modules: `fr.ts` is the reference
// (`as const`), `en.ts` must satisfy the same `Catalogue` type, and `t` below looks keys up
// in the current locale. Messages from the core arrive already translated and are shown as
// they are; only text that the UI itself owns lives here.
import { en } from './en';
import { fr, type Catalogue, type MessageKey } from './fr';
import { locale } from './locale.svelte';
import type { Language } from '../types';

export { locale, LANGUAGES, DEFAULT_LANGUAGE, LOCALE_STORAGE_KEY, isLanguage } from './locale.svelte';
export type { Catalogue, MessageKey } from './fr';

export const catalogues: Readonly<Record<Language, Catalogue>> = { fr, en };

/** Values substituted for `{name}` placeholders. */
export type MessageParams = Readonly<Record<string, string | number>>;

/** BCP 47 tags used with `Intl`: Canadian French and Canadian English. */
export const INTL_LOCALES: Readonly<Record<Language, string>> = { fr: 'fr-CA', en: 'en-CA' };

/**
 * The message `key` in the current language, with `{name}` placeholders replaced from
 * `params`. A message missing from the current catalogue falls back to French, then to the
 * key itself, so a gap shows up as a visible key rather than as an empty label. A
 * placeholder with no value is left as written, for the same reason.
 */
export function t(key: MessageKey, params?: MessageParams, lang: Language = locale.current): string {
  const template = lookup(catalogues[lang], key) ?? lookup(catalogues.fr, key) ?? key;
  return params ? interpolate(template, params) : template;
}

/** Replaces `{name}` with `params.name`; numbers are formatted for the current locale. */
export function interpolate(
  template: string,
  params: MessageParams,
  lang: Language = locale.current,
): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!Object.hasOwn(params, name)) return whole;
    const value = params[name];
    return typeof value === 'number' ? formatNumber(value, undefined, lang) : String(value);
  });
}

/** Date-only values, as the core sends them for calendar dates (`2026-11-23`). */
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Formats a date for the current locale.
 *
 * A date-only string is a calendar date with no time zone: it is formatted in UTC so that
 * `2026-11-23` never shows as 22 November on a computer west of Greenwich. Anything else is
 * an instant and is shown in the computer's time zone unless `options.timeZone` says otherwise.
 */
export function formatDate(
  value: Date | string | number,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'long' },
  lang: Language = locale.current,
): string {
  let date: Date;
  let effective = options;
  const dateOnly = typeof value === 'string' ? DATE_ONLY.exec(value) : null;
  if (dateOnly) {
    const [, y, m, d] = dateOnly.map(Number) as [number, number, number, number];
    date = new Date(Date.UTC(y, m - 1, d));
    effective = { ...options, timeZone: 'UTC' };
  } else {
    date = value instanceof Date ? value : new Date(value);
  }
  if (Number.isNaN(date.getTime())) {
    throw new RangeError(`formatDate: not a date: ${String(value)}`);
  }
  return new Intl.DateTimeFormat(INTL_LOCALES[lang], effective).format(date);
}

/** Formats a number for the current locale (`1 234,5` in French, `1,234.5` in English). */
export function formatNumber(
  value: number | bigint,
  options?: Intl.NumberFormatOptions,
  lang: Language = locale.current,
): string {
  return new Intl.NumberFormat(INTL_LOCALES[lang], options).format(value);
}

function lookup(catalogue: Catalogue, key: MessageKey): string | undefined {
  const message: unknown = (catalogue as Partial<Record<string, unknown>>)[key];
  return typeof message === 'string' && message !== '' ? message : undefined;
}

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/**
 * A size for people, in decimal units as the locale writes them (`12,3 Mo`, `12.3 MB`). Below
 * one kilobyte the exact count of bytes is given.
 */
export function formatBytes(bytes: number, lang: Language = locale.current): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return formatNumber(
    value,
    {
      style: 'unit',
      unit: BYTE_UNITS[unit],
      unitDisplay: unit === 0 ? 'long' : 'short',
      maximumFractionDigits: unit === 0 || value >= 100 ? 0 : 1,
    },
    lang,
  );
}
