import { describe, expect, it } from 'vitest';
import type { DueCalendar, DueFile } from '../types';
import {
  batchKindOf,
  blockerOf,
  CERTIFICATE_FORMATS,
  certificateFormatOf,
  dayBefore,
  DUE_FORMATS,
  dueFormatOf,
  groupCalendar,
  lastDayOf,
  monthStart,
  periodQueries,
  proposableKinds,
  today,
  withFormat,
} from './periods';

function calendar(from: string, counts: [number, number, number][]): DueCalendar {
  return {
    from,
    overdue: { destruction: 7, transfer: 1, review: 0 },
    waiting: 3,
    months: counts.map(([destruction, transfer, review], i) => ({
      month: monthStart(from, i).slice(0, 7),
      destruction,
      transfer,
      review,
    })),
  };
}

function file(over: Partial<DueFile>): DueFile {
  return {
    id: 1,
    reference: 'R-1',
    title: 'Titre',
    class: '100',
    project: null,
    rule: '1',
    ruleVersion: 1,
    closedOn: null,
    dueOn: '2026-01-31',
    disposition: 'D',
    heldBy: null,
    trigger: { event: 'file_closed' },
    triggerDate: null,
    batch: null,
    ...over,
  };
}

describe('groupCalendar', () => {
  const months = calendar('2026-11-01', Array.from({ length: 24 }, (_, i) => [i, i % 2, 1]));

  it('keeps months as they are, with their last day', () => {
    const periods = groupCalendar(months, 'month');
    expect(periods).toHaveLength(24);
    expect(periods[3]).toMatchObject({ key: '2027-02', from: '2027-02-01', until: '2027-02-28', destruction: 3 });
    expect(periods[15]?.until).toBe('2028-02-29');
  });

  it('sums months into quarters, the first and last cut to the months counted', () => {
    const periods = groupCalendar(months, 'quarter');
    expect(periods.map((p) => p.key)).toEqual([
      '2026-Q4', '2027-Q1', '2027-Q2', '2027-Q3', '2027-Q4', '2028-Q1', '2028-Q2', '2028-Q3', '2028-Q4',
    ]);
    // November and December 2026 (destruction 0 + 1; transfer 0 + 1; review 1 + 1).
    expect(periods[0]).toMatchObject({ from: '2026-11-01', until: '2026-12-31', destruction: 1, transfer: 1, review: 2, total: 4 });
    expect(periods[1]).toMatchObject({ from: '2027-01-01', until: '2027-03-31', destruction: 2 + 3 + 4 });
    expect(periods[8]).toMatchObject({ from: '2028-10-01', until: '2028-10-31', destruction: 23 });
  });

  it('sums into years, and every count is kept', () => {
    const periods = groupCalendar(months, 'year');
    expect(periods.map((p) => [p.key, p.from, p.until])).toEqual([
      ['2026', '2026-11-01', '2026-12-31'],
      ['2027', '2027-01-01', '2027-12-31'],
      ['2028', '2028-01-01', '2028-10-31'],
    ]);
    const sum = (list: { total: number }[]): number => list.reduce((n, p) => n + p.total, 0);
    expect(sum(periods)).toBe(sum(groupCalendar(months, 'month')));
  });

  it('reads a period’s files as those due through it after those due before it', () => {
    const [q1] = groupCalendar(calendar('2027-01-01', [[1, 0, 0], [0, 1, 0], [0, 0, 1]]), 'quarter');
    expect(q1).toBeDefined();
    if (!q1) return;
    expect(periodQueries(q1, 'CLI-0142')).toEqual({
      before: { until: '2026-12-31', project: 'CLI-0142', kind: null, class: null },
      through: { until: '2027-03-31', project: 'CLI-0142', kind: null, class: null },
    });
  });

  it('gives nothing for no months', () => {
    expect(groupCalendar(calendar('2026-11-01', []), 'quarter')).toEqual([]);
  });
});

describe('dates', () => {
  it('knows month ends and leap years', () => {
    expect(lastDayOf(2024, 2)).toBe('2024-02-29');
    expect(lastDayOf(2100, 2)).toBe('2100-02-28');
    expect(lastDayOf(2026, 12)).toBe('2026-12-31');
  });

  it('moves by months across years', () => {
    expect(monthStart('2026-11-23')).toBe('2026-11-01');
    expect(monthStart('2026-11-23', 2)).toBe('2027-01-01');
    expect(monthStart('2026-01-15', -1)).toBe('2025-12-01');
  });

  it('steps back a day across months and years', () => {
    expect(dayBefore('2024-03-01')).toBe('2024-02-29');
    expect(dayBefore('2027-01-01')).toBe('2026-12-31');
  });

  it('writes today in the local calendar', () => {
    expect(today(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});

describe('proposing', () => {
  it('says why a file cannot go in a batch', () => {
    expect(blockerOf(file({}), '2026-11-24')).toBeNull();
    expect(blockerOf(file({ heldBy: 'G-1', batch: 'LOT-1' }), '2026-11-24')).toBe('held');
    expect(blockerOf(file({ batch: 'LOT-1' }), '2026-11-24')).toBe('in_batch');
    expect(blockerOf(file({ dueOn: '2026-12-01' }), '2026-11-24')).toBe('not_due');
    expect(blockerOf(file({ disposition: 'T' }), '2026-11-24')).toBe('review');
  });

  it('offers the kinds the selection can form', () => {
    expect(batchKindOf(file({ disposition: 'C' }))).toBe('transfer');
    expect(proposableKinds([file({}), file({ id: 2 })])).toEqual(['destruction', 'anonymisation']);
    expect(proposableKinds([file({ disposition: 'C' })])).toEqual(['transfer']);
    expect(proposableKinds([file({}), file({ disposition: 'C' })])).toEqual([]);
    expect(proposableKinds([file({ disposition: 'T' })])).toEqual([]);
    expect(proposableKinds([])).toEqual([]);
  });

  it('reads the export format from the path', () => {
    expect(dueFormatOf('/tmp/échéances.XLSX')).toBe('xlsx');
    expect(dueFormatOf('liste.pdf ')).toBe('pdf');
    expect(dueFormatOf('liste.ods')).toBeNull();
    expect(certificateFormatOf('certificat.csv')).toBe('csv');
    expect(certificateFormatOf('certificat.docx')).toBeNull();
  });

  it('puts the chosen format’s extension on a path, or leaves a foreign one to fix', () => {
    expect(withFormat('/tmp/échéances.csv', 'xlsx', DUE_FORMATS)).toBe('/tmp/échéances.xlsx');
    expect(withFormat('/tmp/échéances', 'pdf', DUE_FORMATS)).toBe('/tmp/échéances.pdf');
    expect(withFormat('/tmp/certificat de destruction été.PDF', 'csv', CERTIFICATE_FORMATS)).toBe(
      '/tmp/certificat de destruction été.csv',
    );
    expect(withFormat('/tmp/liste.ods', 'csv', DUE_FORMATS)).toBe('/tmp/liste.ods');
    expect(withFormat('/tmp/lots.2026/', 'csv', DUE_FORMATS)).toBe('/tmp/lots.2026/');
    expect(withFormat('C:\\Archives\\lot', 'pdf', CERTIFICATE_FORMATS)).toBe('C:\\Archives\\lot.pdf');
    expect(withFormat('', 'csv', DUE_FORMATS)).toBe('');
  });
});
