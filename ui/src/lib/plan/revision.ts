// The "Revise rule" form: a draft made from the current version, its checks (comfort only: the
// core checks again), the content it sends, and the differences between two versions (shown
// in the form before sending, and in the history).
import { locale, t, type MessageKey } from '../i18n';
import type {
  CopyKind,
  Language,
  CopyRule,
  Disposition,
  Period,
  PeriodUnit,
  RuleContent,
  RuleRevision,
  RuleVersion,
  TriggerEvent,
  TriggerKind,
} from '../types';
import type { Problem } from '../validation';
import {
  dispositionWithCode,
  formatCopy,
  formatFlag,
  formatPeriod,
  formatTrigger,
  samePeriod,
  UNTIL_EVENT_CODE,
} from './format';
import { foldWhitespace } from './text';

/** Years below the variable code 888; months likewise (the core's `Period::is_valid`). */
export const MAX_YEARS = UNTIL_EVENT_CODE - 1;
export const MAX_MONTHS = UNTIL_EVENT_CODE * 12 - 1;

/** A period as a form holds it: a unit and, for years and months, the count as typed. */
export interface PeriodDraft {
  unit: PeriodUnit;
  count: string;
}

export function periodDraft(period: Period): PeriodDraft {
  return { unit: period.unit, count: 'count' in period ? String(period.count) : '' };
}

/** The period a draft says, or a problem with its count. */
export function readPeriod(draft: PeriodDraft): { period: Period } | { problem: Problem } {
  if (draft.unit === 'until_event' || draft.unit === 'while_in_use') {
    return { period: { unit: draft.unit } };
  }
  const max = draft.unit === 'years' ? MAX_YEARS : MAX_MONTHS;
  const text = draft.count.trim();
  const problem: Problem = {
    key: draft.unit === 'years' ? 'revise.yearsRange' : 'revise.monthsRange',
    params: { max },
  };
  if (!/^\d{1,5}$/.test(text)) return { problem };
  const count = Number(text);
  if (count > max) return { problem };
  return { period: { unit: draft.unit, count } };
}

export interface CopyDraft {
  kind: CopyKind;
  active: PeriodDraft;
  semiActive: PeriodDraft;
  disposition: Disposition;
}

export interface TriggerDraft {
  event: TriggerKind;
  /** For `file_date`: the name of the file's date. */
  field: string;
  /** For `fixed_date`: `YYYY-MM-DD`. */
  date: string;
}

export function triggerDraft(trigger: TriggerEvent): TriggerDraft {
  return {
    event: trigger.event,
    field: trigger.event === 'file_date' ? trigger.field : '',
    date: trigger.event === 'fixed_date' ? trigger.date : '',
  };
}

export interface RevisionDraft {
  copies: CopyDraft[];
  trigger: TriggerDraft;
  legalReference: string;
  periodRemarks: string;
  generalRemarks: string;
  effectiveDate: string;
  note: string;
}

/** Today as a calendar date on this computer (`YYYY-MM-DD`). */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A draft saying what `current` says, taking effect today (or on its own date, if later). */
export function draftFromVersion(current: RuleVersion, today: string): RevisionDraft {
  const content = current.content;
  return {
    copies: content.copies.map((copy) => ({
      kind: copy.kind,
      active: periodDraft(copy.active),
      semiActive: periodDraft(copy.semiActive),
      disposition: copy.disposition,
    })),
    trigger: triggerDraft(content.trigger),
    legalReference: content.legalReference,
    periodRemarks: content.periodRemarks,
    generalRemarks: content.generalRemarks,
    effectiveDate: today > current.effectiveDate ? today : current.effectiveDate,
    note: '',
  };
}

/** `true` for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  const found = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!found) return false;
  const [y, m, d] = [Number(found[1]), Number(found[2]), Number(found[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The fields of the form a problem can sit next to. */
export type RevisionField =
  | `copy-${number}-active`
  | `copy-${number}-semiActive`
  | 'triggerField'
  | 'triggerDate'
  | 'effectiveDate'
  | 'note'
  | 'form';

export type RevisionProblems = Partial<Record<RevisionField, Problem>>;

function readTrigger(draft: TriggerDraft): { trigger: TriggerEvent } | { field: RevisionField; problem: Problem } {
  switch (draft.event) {
    case 'file_date':
      return draft.field.trim() === ''
        ? { field: 'triggerField', problem: { key: 'revise.triggerFieldRequired' } }
        : { trigger: { event: 'file_date', field: draft.field.trim() } };
    case 'fixed_date':
      return isIsoDate(draft.date.trim())
        ? { trigger: { event: 'fixed_date', date: draft.date.trim() } }
        : { field: 'triggerDate', problem: { key: 'revise.dateFormat' } };
    default:
      return { trigger: { event: draft.event } };
  }
}

/**
 * The content the draft says, built on `base` (everything the form does not edit is kept as
 * it is), or the problems that stop it. Texts lose the white space at either end, as the core
 * stores them.
 */
export function contentFromDraft(
  draft: RevisionDraft,
  base: RuleContent,
): { content: RuleContent } | { problems: RevisionProblems } {
  const problems: RevisionProblems = {};
  const copies: CopyRule[] = [];
  draft.copies.forEach((copy, index) => {
    const original = base.copies[index];
    const active = readPeriod(copy.active);
    const semiActive = readPeriod(copy.semiActive);
    if ('problem' in active) problems[`copy-${index}-active`] = active.problem;
    if ('problem' in semiActive) problems[`copy-${index}-semiActive`] = semiActive.problem;
    if (original && 'period' in active && 'period' in semiActive) {
      copies.push({
        ...original,
        active: active.period,
        semiActive: semiActive.period,
        disposition: copy.disposition,
      });
    }
  });
  const trigger = readTrigger(draft.trigger);
  if ('problem' in trigger) problems[trigger.field] = trigger.problem;
  if (Object.keys(problems).length > 0 || !('trigger' in trigger)) return { problems };
  return {
    content: {
      ...base,
      copies,
      trigger: trigger.trigger,
      legalReference: draft.legalReference.trim(),
      periodRemarks: draft.periodRemarks.trim(),
      generalRemarks: draft.generalRemarks.trim(),
    },
  };
}

/**
 * Every check of the form: periods and the trigger's detail, a note (the history says why),
 * an effective date no earlier than the current version's, and at least one change.
 */
export function checkRevision(
  draft: RevisionDraft,
  current: RuleVersion,
): { revision: RuleRevision } | { problems: RevisionProblems } {
  const built = contentFromDraft(draft, current.content);
  const problems: RevisionProblems = 'problems' in built ? { ...built.problems } : {};
  const date = draft.effectiveDate.trim();
  if (!isIsoDate(date)) {
    problems.effectiveDate = { key: 'revise.dateFormat' };
  } else if (date < current.effectiveDate) {
    problems.effectiveDate = {
      key: 'revise.dateTooEarly',
      params: { version: current.version, date: current.effectiveDate },
    };
  }
  if (draft.note.trim() === '') problems.note = { key: 'revise.noteRequired' };
  if ('content' in built && diffContent(current.content, built.content).length === 0) {
    problems.form = { key: 'revise.unchanged' };
  }
  if (Object.keys(problems).length > 0 || !('content' in built)) return { problems };
  return { revision: { effectiveDate: date, note: draft.note.trim(), content: built.content } };
}

/** The order in which a form's problems are met, for focusing the first. */
export function firstProblem(problems: RevisionProblems, copies: number): RevisionField | null {
  const order: RevisionField[] = [];
  for (let i = 0; i < copies; i += 1) order.push(`copy-${i}-active`, `copy-${i}-semiActive`);
  order.push('triggerField', 'triggerDate', 'effectiveDate', 'note', 'form');
  return order.find((field) => problems[field] !== undefined) ?? null;
}

// ----- differences between two versions -----

/** The texts and flags of a rule, in the order the class panel shows them. */
export const CONTENT_TEXT_FIELDS = [
  'seriesTitle',
  'description',
  'processActivity',
  'documentTypes',
  'holdingUnits',
  'legalReference',
  'periodRemarks',
  'generalRemarks',
  'organisationId',
  'transactionType',
  'collection',
  'collectionNumber',
  'grillechan',
] as const satisfies readonly (keyof RuleContent)[];

export type ContentTextField = (typeof CONTENT_TEXT_FIELDS)[number];

export const FIELD_LABELS: Readonly<Record<ContentTextField | 'essential' | 'confidential' | 'classes' | 'trigger', MessageKey>> = {
  seriesTitle: 'rule.field.seriesTitle',
  description: 'rule.field.description',
  processActivity: 'rule.field.processActivity',
  documentTypes: 'rule.field.documentTypes',
  holdingUnits: 'rule.field.holdingUnits',
  legalReference: 'rule.field.legalReference',
  periodRemarks: 'rule.field.periodRemarks',
  generalRemarks: 'rule.field.generalRemarks',
  organisationId: 'rule.field.organisationId',
  transactionType: 'rule.field.transactionType',
  collection: 'rule.field.collection',
  collectionNumber: 'rule.field.collectionNumber',
  grillechan: 'rule.field.grillechan',
  essential: 'rule.field.essential',
  confidential: 'rule.field.confidential',
  classes: 'rule.field.classes',
  trigger: 'rule.field.trigger',
};

export type CopyField = 'active' | 'semiActive' | 'disposition' | 'media' | 'delayNumber';

export const COPY_FIELD_LABELS: Readonly<Record<CopyField, MessageKey>> = {
  active: 'rule.copy.active',
  semiActive: 'rule.copy.semiActive',
  disposition: 'rule.copy.disposition',
  media: 'rule.copy.media',
  delayNumber: 'rule.copy.delayNumber',
};

/** One difference between two versions. */
export type Change =
  | { kind: 'text'; field: ContentTextField; before: string; after: string }
  | { kind: 'flag'; field: 'essential' | 'confidential'; before: boolean | null; after: boolean | null }
  | { kind: 'classes'; before: string[]; after: string[] }
  | { kind: 'trigger'; before: TriggerEvent; after: TriggerEvent }
  | { kind: 'period'; copy: number; copyKind: CopyKind; field: 'active' | 'semiActive'; before: Period; after: Period }
  | { kind: 'disposition'; copy: number; copyKind: CopyKind; before: Disposition; after: Disposition }
  | { kind: 'copyText'; copy: number; copyKind: CopyKind; field: 'media' | 'delayNumber'; before: string; after: string }
  | { kind: 'copyAdded'; copy: number; copyKind: CopyKind }
  | { kind: 'copyRemoved'; copy: number; copyKind: CopyKind };

function sameTrigger(a: TriggerEvent, b: TriggerEvent): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What changed from `before` to `after`, in the order the panel shows the fields. */
export function diffContent(before: RuleContent, after: RuleContent): Change[] {
  const changes: Change[] = [];
  const copies = Math.max(before.copies.length, after.copies.length);
  for (let copy = 0; copy < copies; copy += 1) {
    const a = before.copies[copy];
    const b = after.copies[copy];
    if (!a && b) {
      changes.push({ kind: 'copyAdded', copy, copyKind: b.kind });
      continue;
    }
    if (a && !b) {
      changes.push({ kind: 'copyRemoved', copy, copyKind: a.kind });
      continue;
    }
    if (!a || !b) continue;
    for (const field of ['active', 'semiActive'] as const) {
      if (!samePeriod(a[field], b[field])) {
        changes.push({ kind: 'period', copy, copyKind: b.kind, field, before: a[field], after: b[field] });
      }
    }
    if (a.disposition !== b.disposition) {
      changes.push({ kind: 'disposition', copy, copyKind: b.kind, before: a.disposition, after: b.disposition });
    }
    if (a.media !== b.media) {
      changes.push({ kind: 'copyText', copy, copyKind: b.kind, field: 'media', before: a.media, after: b.media });
    }
    if ((a.delayNumber ?? '') !== (b.delayNumber ?? '')) {
      changes.push({
        kind: 'copyText',
        copy,
        copyKind: b.kind,
        field: 'delayNumber',
        before: a.delayNumber ?? '',
        after: b.delayNumber ?? '',
      });
    }
  }
  if (!sameTrigger(before.trigger, after.trigger)) {
    changes.push({ kind: 'trigger', before: before.trigger, after: after.trigger });
  }
  for (const field of CONTENT_TEXT_FIELDS) {
    if (before[field] !== after[field]) {
      changes.push({ kind: 'text', field, before: before[field], after: after[field] });
    }
  }
  for (const field of ['essential', 'confidential'] as const) {
    if (before[field] !== after[field]) {
      changes.push({ kind: 'flag', field, before: before[field], after: after[field] });
    }
  }
  if (before.classes.join('\n') !== after.classes.join('\n')) {
    changes.push({ kind: 'classes', before: before.classes, after: after.classes });
  }
  return changes;
}

/** The changes a version made to the one before it (none for the first). */
export function versionChanges(versions: readonly RuleVersion[], index: number): Change[] {
  const version = versions[index];
  const previous = versions[index - 1];
  return version && previous ? diffContent(previous.content, version.content) : [];
}

/** A change as a line of text: what changed (`Exemplaire principal — période semi-active`), before and after. */
export interface ChangeText {
  label: string;
  before: string;
  after: string;
}

export function describeChange(change: Change, lang: Language = locale.current): ChangeText {
  const copyLabel = (kind: CopyKind, field: CopyField): string =>
    t('rule.change.copyField', { copy: formatCopy(kind, lang), field: t(COPY_FIELD_LABELS[field], undefined, lang) }, lang);
  const empty = t('rule.change.empty', undefined, lang);
  const text = (value: string): string => (value.trim() === '' ? empty : foldWhitespace(value));
  switch (change.kind) {
    case 'period':
      return {
        label: copyLabel(change.copyKind, change.field),
        before: formatPeriod(change.before, lang),
        after: formatPeriod(change.after, lang),
      };
    case 'disposition':
      return {
        label: copyLabel(change.copyKind, 'disposition'),
        before: dispositionWithCode(change.before, lang),
        after: dispositionWithCode(change.after, lang),
      };
    case 'copyText':
      return { label: copyLabel(change.copyKind, change.field), before: text(change.before), after: text(change.after) };
    case 'copyAdded':
      return { label: formatCopy(change.copyKind, lang), before: empty, after: t('rule.change.copyAdded', undefined, lang) };
    case 'copyRemoved':
      return { label: formatCopy(change.copyKind, lang), before: t('rule.change.copyRemoved', undefined, lang), after: empty };
    case 'trigger':
      return {
        label: t(FIELD_LABELS.trigger, undefined, lang),
        before: formatTrigger(change.before, lang),
        after: formatTrigger(change.after, lang),
      };
    case 'text':
      return { label: t(FIELD_LABELS[change.field], undefined, lang), before: text(change.before), after: text(change.after) };
    case 'flag':
      return {
        label: t(FIELD_LABELS[change.field], undefined, lang),
        before: formatFlag(change.before, lang),
        after: formatFlag(change.after, lang),
      };
    case 'classes':
      return {
        label: t(FIELD_LABELS.classes, undefined, lang),
        before: change.before.join(', ') || empty,
        after: change.after.join(', ') || empty,
      };
  }
}
