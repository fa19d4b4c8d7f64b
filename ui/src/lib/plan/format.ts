// How the schedule's typed values read in French and English: periods (years, months, 888,
// 999), dispositions (C, D, T), the event that starts the clock, copies, sensitivity levels.
import { formatDate, INTL_LOCALES, locale, t, type MessageKey } from '../i18n';
import type {
  CopyKind,
  Disposition,
  Language,
  Period,
  PeriodUnit,
  Sensitivity,
  TriggerEvent,
  TriggerKind,
} from '../types';

/** The exchange format's variable codes. */
export const UNTIL_EVENT_CODE = 888;
export const WHILE_IN_USE_CODE = 999;

export const PERIOD_UNITS: readonly PeriodUnit[] = ['years', 'months', 'until_event', 'while_in_use'];

export const PERIOD_UNIT_LABELS: Readonly<Record<PeriodUnit, MessageKey>> = {
  years: 'period.unit.years',
  months: 'period.unit.months',
  until_event: 'period.unit.until_event',
  while_in_use: 'period.unit.while_in_use',
};

function plural(count: number, lang: Language): 'one' | 'other' {
  return new Intl.PluralRules(INTL_LOCALES[lang]).select(count) === 'one' ? 'one' : 'other';
}

/**
 * A count in words, in the singular or the plural the language asks for (in French 0 and 1 are
 * singular): `one` or `other` with `{count}` and `params` filled in.
 */
export function counted(
  count: number,
  one: MessageKey,
  other: MessageKey,
  params: Readonly<Record<string, string | number>> = {},
  lang: Language = locale.current,
): string {
  return t(plural(count, lang) === 'one' ? one : other, { ...params, count }, lang);
}

/** `5 ans`, `1 year`, `18 mois`, `jusqu’à un événement`, `while in use`. */
export function formatPeriod(period: Period, lang: Language = locale.current): string {
  switch (period.unit) {
    case 'years':
      return t(plural(period.count, lang) === 'one' ? 'period.years.one' : 'period.years.other', { count: period.count }, lang);
    case 'months':
      return t(plural(period.count, lang) === 'one' ? 'period.months.one' : 'period.months.other', { count: period.count }, lang);
    case 'until_event':
      return t('period.untilEvent', undefined, lang);
    case 'while_in_use':
      return t('period.whileInUse', undefined, lang);
  }
}

/** The number the exchange format writes: years, 888 or 999 (`null` for months). */
export function periodCode(period: Period): string | null {
  switch (period.unit) {
    case 'years':
      return String(period.count);
    case 'months':
      return null;
    case 'until_event':
      return String(UNTIL_EVENT_CODE);
    case 'while_in_use':
      return String(WHILE_IN_USE_CODE);
  }
}

/** `true` for 888 and 999, which say no length of time. */
export function isVariable(period: Period): boolean {
  return period.unit === 'until_event' || period.unit === 'while_in_use';
}

export function samePeriod(a: Period | null, b: Period | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.unit !== b.unit) return false;
  return !('count' in a) || !('count' in b) || a.count === b.count;
}

export const DISPOSITIONS: readonly Disposition[] = ['keep', 'destroy', 'sort'];

const DISPOSITION_LABELS: Readonly<Record<Disposition, MessageKey>> = {
  keep: 'disposition.keep',
  destroy: 'disposition.destroy',
  sort: 'disposition.sort',
};

const DISPOSITION_CODES: Readonly<Record<Disposition, string>> = { keep: 'C', destroy: 'D', sort: 'T' };

/** C, D or T, as Quebec schedules write it. */
export function dispositionCode(disposition: Disposition): string {
  return DISPOSITION_CODES[disposition];
}

/** `Conservation`, `Destroy`, `Tri`… */
export function formatDisposition(disposition: Disposition, lang: Language = locale.current): string {
  return t(DISPOSITION_LABELS[disposition], undefined, lang);
}

/** `C — Conservation`, for a select or a sentence. */
export function dispositionWithCode(disposition: Disposition, lang: Language = locale.current): string {
  return `${dispositionCode(disposition)} — ${formatDisposition(disposition, lang)}`;
}

export const TRIGGER_KINDS: readonly TriggerKind[] = [
  'file_closed',
  'contract_ended',
  'last_activity',
  'birth_date',
  'file_date',
  'fixed_date',
];

export const TRIGGER_LABELS: Readonly<Record<TriggerKind, MessageKey>> = {
  file_closed: 'trigger.file_closed',
  contract_ended: 'trigger.contract_ended',
  last_activity: 'trigger.last_activity',
  birth_date: 'trigger.birth_date',
  file_date: 'trigger.file_date',
  fixed_date: 'trigger.fixed_date',
};

/** `Fermeture du dossier`, `The file’s date “closing”`, `Date fixe : 1 janvier 2030`. */
export function formatTrigger(trigger: TriggerEvent, lang: Language = locale.current): string {
  switch (trigger.event) {
    case 'file_date':
      return t('trigger.file_date.named', { field: trigger.field }, lang);
    case 'fixed_date':
      return t('trigger.fixed_date.on', { date: safeDate(trigger.date, lang) }, lang);
    default:
      return t(TRIGGER_LABELS[trigger.event], undefined, lang);
  }
}

function safeDate(date: string, lang: Language): string {
  try {
    return formatDate(date, { dateStyle: 'long' }, lang);
  } catch {
    return date;
  }
}

/** A calendar date (`YYYY-MM-DD`) as the locale writes it; the text as is if it is not one. */
export function formatDay(date: string, lang: Language = locale.current): string {
  return safeDate(date, lang);
}

export const COPY_LABELS: Readonly<Record<CopyKind, MessageKey>> = {
  principal: 'copy.principal',
  secondary: 'copy.secondary',
};

export function formatCopy(kind: CopyKind, lang: Language = locale.current): string {
  return t(COPY_LABELS[kind], undefined, lang);
}

export const SENSITIVITIES: readonly Sensitivity[] = [
  'public',
  'internal',
  'confidential',
  'personal',
  'highly_sensitive',
];

export const SENSITIVITY_LABELS: Readonly<Record<Sensitivity, MessageKey>> = {
  public: 'sensitivity.public',
  internal: 'sensitivity.internal',
  confidential: 'sensitivity.confidential',
  personal: 'sensitivity.personal',
  highly_sensitive: 'sensitivity.highly_sensitive',
};

export function formatSensitivity(level: Sensitivity, lang: Language = locale.current): string {
  return t(SENSITIVITY_LABELS[level], undefined, lang);
}

const MEDIA_LABELS: Readonly<Record<string, MessageKey>> = {
  PA: 'media.PA',
  DM: 'media.DM',
};

/** `PA,DM` → `papier (PA), numérique (DM)`; codes the UI does not know are shown as written. */
export function formatMedia(media: string, lang: Language = locale.current): string {
  const codes = media
    .split(/[,;]/)
    .map((code) => code.trim())
    .filter(Boolean);
  return codes
    .map((code) => {
      const key = MEDIA_LABELS[code.toUpperCase()];
      return key ? t(key, { code }, lang) : code;
    })
    .join(', ');
}

/** O / N flags of the schedule; `null` when the file left them empty. */
export function formatFlag(value: boolean | null, lang: Language = locale.current): string {
  if (value === null) return t('flag.unknown', undefined, lang);
  return t(value ? 'flag.yes' : 'flag.no', undefined, lang);
}
