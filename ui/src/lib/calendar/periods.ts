// The destruction calendar's periods: the core counts what falls due month by month
// (`due_calendar`); the screen shows months, quarters or years, each with the dates its list
// covers. Pure functions, tested in periods.test.ts.
import type { MessageKey } from '../i18n';
import type { BatchKind, DueCalendar, DueCounts, DueFile, DueQuery, FileDecision } from '../types';

/** How a final disposition code is said. */
export const DISPOSITION_LABELS: Readonly<Record<DueFile['disposition'], MessageKey>> = {
  D: 'due.disposition.D',
  C: 'due.disposition.C',
  T: 'due.disposition.T',
};

/** How a file's decision in a batch is said. */
export const DECISION_LABELS: Readonly<Record<FileDecision, MessageKey>> = {
  pending: 'batch.decision.pending',
  approved: 'batch.decision.approved',
  rejected: 'batch.decision.rejected',
};

/** What executing a batch that erases will do. */
export const EXECUTE_HINTS: Readonly<Record<Exclude<BatchKind, 'transfer'>, MessageKey>> = {
  destruction: 'batch.executeHint.destruction',
  anonymisation: 'batch.executeHint.anonymisation',
};

export type Grouping = 'month' | 'quarter' | 'year';

export const GROUPINGS: readonly Grouping[] = ['month', 'quarter', 'year'];

/** One bar of the chart and one row of its table. */
export interface Period extends DueCounts {
  /** `2026-11`, `2026-Q4` or `2026`. */
  key: string;
  grouping: Grouping;
  year: number;
  /** 1–12 for a month, 1–4 for a quarter, 0 for a year. */
  part: number;
  /** The first and last days the period's list covers (YYYY-MM-DD). */
  from: string;
  until: string;
  total: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The last day of a month (`2024-02` → `2024-02-29`). */
export function lastDayOf(year: number, month: number): string {
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(day)}`;
}

function keyOf(year: number, month: number, grouping: Grouping): [string, number] {
  switch (grouping) {
    case 'month':
      return [`${year}-${pad(month)}`, month];
    case 'quarter': {
      const quarter = Math.floor((month - 1) / 3) + 1;
      return [`${year}-Q${quarter}`, quarter];
    }
    case 'year':
      return [String(year), 0];
  }
}

function rangeOf(year: number, part: number, grouping: Grouping): [string, string] {
  switch (grouping) {
    case 'month':
      return [`${year}-${pad(part)}-01`, lastDayOf(year, part)];
    case 'quarter':
      return [`${year}-${pad(part * 3 - 2)}-01`, lastDayOf(year, part * 3)];
    case 'year':
      return [`${year}-01-01`, `${year}-12-31`];
  }
}

/** The calendar's months grouped, in order; a period is only as long as the months counted. */
export function groupCalendar(calendar: DueCalendar, grouping: Grouping): Period[] {
  const periods: Period[] = [];
  for (const month of calendar.months) {
    const [y, m] = month.month.split('-').map(Number) as [number, number];
    const [key, part] = keyOf(y, m, grouping);
    let period = periods[periods.length - 1];
    if (period?.key !== key) {
      const [from, until] = rangeOf(y, part, grouping);
      period = { key, grouping, year: y, part, from, until, destruction: 0, transfer: 0, review: 0, total: 0 };
      periods.push(period);
    }
    period.destruction += month.destruction;
    period.transfer += month.transfer;
    period.review += month.review;
    period.total += month.destruction + month.transfer + month.review;
  }
  // The first and last periods cover only the months counted.
  const first = periods[0];
  const last = periods[periods.length - 1];
  const firstMonth = calendar.months[0]?.month;
  const lastMonth = calendar.months[calendar.months.length - 1]?.month;
  if (first && firstMonth) first.from = `${firstMonth}-01`;
  if (last && lastMonth) {
    const [y, m] = lastMonth.split('-').map(Number) as [number, number];
    last.until = lastDayOf(y, m);
  }
  return periods;
}

/**
 * The files behind a period: the due list is read soonest first, so they are the files due by
 * its last day after the `before` ones (due by the day before its first).
 */
export function periodQueries(period: Period, project: string | null): { before: DueQuery; through: DueQuery } {
  return {
    before: { until: dayBefore(period.from), project, kind: null, class: null },
    through: { until: period.until, project, kind: null, class: null },
  };
}

/** The first day of the month `months` after a date's month (`2026-11-23`, 24 → `2028-11-01`). */
export function monthStart(date: string, months = 0): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}-01`;
}

/** Today as YYYY-MM-DD, in the computer's time zone. */
export function today(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The batch a due file can go in: D is destroyed (or anonymised), C transferred; T needs a review decision first. */
export function batchKindOf(file: DueFile): BatchKind | null {
  if (file.disposition === 'D') return 'destruction';
  if (file.disposition === 'C') return 'transfer';
  return null;
}

/** Why a due file cannot be proposed, or `null` if it can be. */
export type Blocker = 'held' | 'in_batch' | 'not_due' | 'review';

export function blockerOf(file: DueFile, day: string): Blocker | null {
  if (file.heldBy !== null) return 'held';
  if (file.batch !== null) return 'in_batch';
  if (file.dueOn > day) return 'not_due';
  if (batchKindOf(file) === null) return 'review';
  return null;
}

/**
 * The kinds of batch the selected files can form together: all D (destruction, or
 * anonymisation for those holding personal information), or all C (transfer); none when mixed.
 */
export function proposableKinds(files: readonly DueFile[]): BatchKind[] {
  const kinds = new Set(files.map(batchKindOf));
  if (files.length === 0 || kinds.size !== 1) return [];
  const [kind] = [...kinds];
  if (kind === 'destruction') return ['destruction', 'anonymisation'];
  return kind ? [kind] : [];
}

/** The export formats of the due list, by the path's extension. */
export type DueFormat = 'csv' | 'xlsx' | 'pdf';

export function dueFormatOf(path: string): DueFormat | null {
  const found = /\.(csv|xlsx|pdf)$/i.exec(path.trim());
  return found ? (found[1]?.toLowerCase() as DueFormat) : null;
}

export const DUE_FORMATS: readonly DueFormat[] = ['csv', 'xlsx', 'pdf'];

/** The certificate's and the transfer slips' formats. */
export type CertificateFormat = 'pdf' | 'csv';

export const CERTIFICATE_FORMATS: readonly CertificateFormat[] = ['pdf', 'csv'];

export function certificateFormatOf(path: string): CertificateFormat | null {
  const found = /\.(pdf|csv)$/i.exec(path.trim());
  return found ? (found[1]?.toLowerCase() as CertificateFormat) : null;
}

/**
 * The path with the extension of `format`: one of `known` is replaced, a path without one gets
 * it, and a path ending in another extension (or a folder) is left for the user to fix.
 */
export function withFormat(path: string, format: string, known: readonly string[]): string {
  const trimmed = path.trim();
  if (trimmed === '' || /[\\/]$/.test(trimmed)) return path;
  const name = trimmed.split(/[\\/]/).pop() ?? '';
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : null;
  if (extension !== null && known.includes(extension)) return `${trimmed.slice(0, trimmed.length - extension.length)}${format}`;
  return extension === null ? `${trimmed}.${format}` : path;
}

/** The day before a date (`2026-03-01` → `2026-02-28`). */
export function dayBefore(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d - 1));
  return `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}`;
}
