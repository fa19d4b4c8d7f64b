// How the register's values read in French and English: statuses, media, consents, identifier
// kinds, categories of personal information, facet values, and what a file's due dates say.
import { formatNumber, locale, t, type MessageKey } from '../i18n';
import { formatDay, formatDisposition, formatPeriod, formatSensitivity, formatTrigger } from '../plan/format';
import type {
  Consent,
  DueDates,
  FacetName,
  FileStatus,
  IdentifierKind,
  InfoCategory,
  Language,
  Medium,
  PlanClass,
  Project,
} from '../types';
import { DUE_PENDING, isFileStatus, isSensitivity, NO_PROJECT, type FilterField } from './filter';

export const STATUS_LABELS: Readonly<Record<FileStatus, MessageKey>> = {
  active: 'fileStatus.active',
  semi_active: 'fileStatus.semi_active',
  inactive: 'fileStatus.inactive',
  on_hold: 'fileStatus.on_hold',
  destroyed: 'fileStatus.destroyed',
  transferred: 'fileStatus.transferred',
};

export function formatStatus(status: FileStatus, lang: Language = locale.current): string {
  return t(STATUS_LABELS[status], undefined, lang);
}

export const MEDIA: readonly Medium[] = ['paper', 'digital', 'hybrid'];

export const MEDIUM_LABELS: Readonly<Record<Medium, MessageKey>> = {
  paper: 'medium.paper',
  digital: 'medium.digital',
  hybrid: 'medium.hybrid',
};

/** The consents, in the order a form offers them. */
export const CONSENTS: readonly Consent[] = ['given', 'not_required', 'refused', 'withdrawn', 'unknown'];

export const CONSENT_LABELS: Readonly<Record<Consent, MessageKey>> = {
  given: 'consent.given',
  refused: 'consent.refused',
  withdrawn: 'consent.withdrawn',
  not_required: 'consent.not_required',
  unknown: 'consent.unknown',
};

/** The kinds of identifier, in the order a form offers them. */
export const IDENTIFIER_KINDS: readonly IdentifierKind[] = [
  'sin',
  'health_insurance',
  'driver_licence',
  'employee_number',
  'client_number',
  'other',
];

export const IDENTIFIER_LABELS: Readonly<Record<IdentifierKind, MessageKey>> = {
  sin: 'identifier.sin',
  health_insurance: 'identifier.health_insurance',
  driver_licence: 'identifier.driver_licence',
  client_number: 'identifier.client_number',
  employee_number: 'identifier.employee_number',
  other: 'identifier.other',
};

/** The core's categories of personal information (`INFO_CATEGORIES`), in its order. */
export const INFO_CATEGORIES: readonly InfoCategory[] = [
  'sin',
  'health_insurance_number',
  'driver_licence',
  'date_of_birth',
  'contact',
  'financial',
  'health',
  'family',
  'employment',
  'education',
  'judicial',
];

const CATEGORY_LABELS: Readonly<Record<string, MessageKey>> & Readonly<Record<InfoCategory, MessageKey>> = {
  sin: 'category.sin',
  health_insurance_number: 'category.health_insurance_number',
  driver_licence: 'category.driver_licence',
  date_of_birth: 'category.date_of_birth',
  contact: 'category.contact',
  financial: 'category.financial',
  health: 'category.health',
  family: 'category.family',
  employment: 'category.employment',
  education: 'category.education',
  judicial: 'category.judicial',
};

/** A category as people read it; one the UI does not know is shown as the core wrote it. */
export function formatCategory(category: string, lang: Language = locale.current): string {
  const key = CATEGORY_LABELS[category];
  return key ? t(key, undefined, lang) : category;
}

export const FACET_LABELS: Readonly<Record<FacetName, MessageKey>> = {
  class_code: 'register.facet.class_code',
  project: 'register.facet.project',
  status: 'register.facet.status',
  sensitivity: 'register.facet.sensitivity',
  due: 'register.facet.due',
};

export const FIELD_LABELS: Readonly<Record<FilterField, MessageKey>> = {
  class: 'register.facet.class_code',
  project: 'register.facet.project',
  status: 'register.facet.status',
  sensitivity: 'register.facet.sensitivity',
  due: 'register.facet.due',
};

/** What the plan and the projects say, to show codes as they are written and with a title. */
export interface Lookup {
  classes: readonly PlanClass[] | null;
  projects: readonly Project[] | null;
}

/**
 * A facet value (or a filter's) as people read it. The index keeps codes in lower case, so a
 * class or a project is shown as the plan writes it when the plan is known.
 */
export function facetValueLabel(
  field: FilterField,
  value: string,
  lookup: Lookup = { classes: null, projects: null },
  lang: Language = locale.current,
): string {
  switch (field) {
    case 'class':
      return lookup.classes?.find((c) => c.code.toLowerCase() === value.toLowerCase())?.code ?? value.toUpperCase();
    case 'project':
      if (value === NO_PROJECT) return t('register.facet.noProject', undefined, lang);
      return lookup.projects?.find((p) => p.code.toLowerCase() === value.toLowerCase())?.code ?? value.toUpperCase();
    case 'status':
      return isFileStatus(value) ? formatStatus(value, lang) : value;
    case 'sensitivity':
      return isSensitivity(value) ? formatSensitivity(value, lang) : value;
    case 'due':
      return value === DUE_PENDING ? t('register.facet.pending', undefined, lang) : value;
  }
}

/** The title of a class for a facet's second line, in the interface's language when it has one. */
export function classTitle(
  code: string,
  classes: readonly PlanClass[] | null,
  lang: Language = locale.current,
): string {
  const found = classes?.find((c) => c.code.toLowerCase() === code.toLowerCase());
  if (!found) return '';
  return (lang === 'en' ? found.titleEn || found.titleFr : found.titleFr || found.titleEn).trim();
}

/** Whether `count` takes the singular: 0 and 1 in French, 1 in English. */
export function isOne(count: number, lang: Language = locale.current): boolean {
  return new Intl.PluralRules(lang === 'fr' ? 'fr-CA' : 'en-CA').select(count) === 'one';
}

/** `1 000 000 dossiers`, `1 file`. */
export function formatFileCount(count: number, lang: Language = locale.current): string {
  const one = isOne(count, lang);
  return t(one ? 'register.count.one' : 'register.count.other', { count: formatNumber(count, undefined, lang) }, lang);
}

/**
 * A refused sheet's message as lines: the sentence, then one problem a line (`  - row 3, …`),
 * marked as items so that a long one wraps under its own text.
 */
export function problemLines(message: string): { text: string; item: boolean }[] {
  return message
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const item = /^\s*[-•]\s+/.exec(line);
      return item ? { text: line.slice(item[0].length), item: true } : { text: line.trim(), item: false };
    });
}

/**
 * What a file's calendar says in one line: the date and kind of its final disposition, or what
 * it waits for (`Waiting for: the file’s closing`).
 */
export function dueSummary(due: DueDates, lang: Language = locale.current): string {
  if (due.semiActiveUntil !== null) {
    return t(
      'due.finalOn',
      { date: formatDay(due.semiActiveUntil, lang), disposition: formatDisposition(due.disposition, lang) },
      lang,
    );
  }
  return waitingText(due, lang);
}

/** Why a file has no final disposition date yet; empty when it has one. */
export function waitingText(due: DueDates, lang: Language = locale.current): string {
  const waiting = due.waitingFor;
  if (waiting === null) return '';
  if (waiting.kind === 'event') {
    return t('due.waitingEvent', { event: formatTrigger(waiting.event, lang) }, lang);
  }
  return t('due.waitingPeriod', { period: formatPeriod(waiting.period, lang) }, lang);
}
