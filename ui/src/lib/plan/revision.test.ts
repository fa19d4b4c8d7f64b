import { describe, expect, it } from 'vitest';
import type { RetentionRule, RuleVersion } from '../types';
import { currentOf, RULE_0002 } from './fixtures';
import {
  checkRevision,
  contentFromDraft,
  describeChange,
  diffContent,
  draftFromVersion,
  firstProblem,
  isIsoDate,
  localToday,
  readPeriod,
  versionChanges,
  type RevisionDraft,
} from './revision';

const current = currentOf(RULE_0002);

function draft(edit: (d: RevisionDraft) => void = () => undefined): RevisionDraft {
  const d = draftFromVersion(current, '2026-12-01');
  edit(d);
  return d;
}

describe('the draft', () => {
  it('says what the current version says, from today', () => {
    const d = draft();
    expect(d.copies).toEqual([
      { kind: 'principal', active: { unit: 'while_in_use', count: '' }, semiActive: { unit: 'years', count: '5' }, disposition: 'keep' },
      { kind: 'secondary', active: { unit: 'while_in_use', count: '' }, semiActive: { unit: 'years', count: '0' }, disposition: 'destroy' },
    ]);
    expect(d.trigger).toEqual({ event: 'file_closed', field: '', date: '' });
    expect(d.effectiveDate).toBe('2026-12-01');
    expect(d.note).toBe('');
  });

  it('takes effect on the current version’s date when that is later than today', () => {
    expect(draftFromVersion(current, '2026-01-01').effectiveDate).toBe('2026-11-23');
  });

  it('writes today as a local calendar date', () => {
    expect(localToday(new Date(2027, 0, 5, 23, 59))).toBe('2027-01-05');
  });
});

describe('readPeriod', () => {
  it('reads counts of years and months, and the variable codes', () => {
    expect(readPeriod({ unit: 'years', count: ' 7 ' })).toEqual({ period: { unit: 'years', count: 7 } });
    expect(readPeriod({ unit: 'months', count: '18' })).toEqual({ period: { unit: 'months', count: 18 } });
    expect(readPeriod({ unit: 'until_event', count: 'ignored' })).toEqual({ period: { unit: 'until_event' } });
  });

  it('refuses what is not a whole number below the variable codes', () => {
    for (const count of ['', '-1', '2.5', 'cinq', '888', '999']) {
      expect(readPeriod({ unit: 'years', count }), count).toEqual({
        problem: { key: 'revise.yearsRange', params: { max: 887 } },
      });
    }
    expect(readPeriod({ unit: 'months', count: '10656' })).toHaveProperty('problem.key', 'revise.monthsRange');
  });
});

describe('checkRevision', () => {
  it('sends the whole content with the edits, the note and the date', () => {
    const checked = checkRevision(
      draft((d) => {
        const principal = d.copies[0];
        if (principal) principal.semiActive.count = '7';
        d.note = '  Nouvelle exigence  ';
      }),
      current,
    );
    expect('revision' in checked).toBe(true);
    if (!('revision' in checked)) return;
    expect(checked.revision.effectiveDate).toBe('2026-12-01');
    expect(checked.revision.note).toBe('Nouvelle exigence');
    const sent = checked.revision.content;
    expect(sent.copies[0]?.semiActive).toEqual({ unit: 'years', count: 7 });
    // Everything the form does not edit goes back as it was.
    expect({ ...sent, copies: [] }).toEqual({ ...current.content, copies: [] });
    expect(sent.copies[0]).toEqual({ ...current.content.copies[0], semiActive: { unit: 'years', count: 7 } });
    expect(sent.copies[1]).toEqual(current.content.copies[1]);
  });

  it('requires a note', () => {
    const checked = checkRevision(
      draft((d) => {
        if (d.copies[0]) d.copies[0].disposition = 'sort';
        d.note = '   ';
      }),
      current,
    );
    expect(checked).toEqual({ problems: { note: { key: 'revise.noteRequired' } } });
  });

  it('refuses an effective date before the current version’s, or not a date', () => {
    const early = checkRevision(
      draft((d) => {
        d.legalReference = 'Loi sur les archives, art. 7';
        d.note = 'Référence';
        d.effectiveDate = '2026-11-22';
      }),
      current,
    );
    expect(early).toEqual({
      problems: { effectiveDate: { key: 'revise.dateTooEarly', params: { version: 1, date: '2026-11-23' } } },
    });
    const sameDay = checkRevision(
      draft((d) => {
        d.legalReference = 'Loi sur les archives, art. 7';
        d.note = 'Référence';
        d.effectiveDate = '2026-11-23';
      }),
      current,
    );
    expect('revision' in sameDay).toBe(true);
    for (const bad of ['2026-02-30', '23/11/2026', '']) {
      const checked = checkRevision(
        draft((d) => {
          d.note = 'x';
          d.effectiveDate = bad;
        }),
        current,
      );
      expect(checked, bad).toHaveProperty('problems.effectiveDate.key', 'revise.dateFormat');
    }
  });

  it('says when nothing changed', () => {
    expect(checkRevision(draft((d) => (d.note = 'rien')), current)).toEqual({
      problems: { form: { key: 'revise.unchanged' } },
    });
  });

  it('places period and trigger problems on their fields, in form order', () => {
    const checked = checkRevision(
      draft((d) => {
        if (d.copies[1]) d.copies[1].active = { unit: 'months', count: 'x' };
        d.trigger = { event: 'file_date', field: ' ', date: '' };
      }),
      current,
    );
    expect('problems' in checked).toBe(true);
    if (!('problems' in checked)) return;
    expect(Object.keys(checked.problems).sort()).toEqual(['copy-1-active', 'note', 'triggerField']);
    expect(firstProblem(checked.problems, 2)).toBe('copy-1-active');
  });

  it('builds the trigger with its detail', () => {
    const fileDate = contentFromDraft(
      draft((d) => (d.trigger = { event: 'file_date', field: ' fin du mandat ', date: '' })),
      current.content,
    );
    expect(fileDate).toHaveProperty('content.trigger', { event: 'file_date', field: 'fin du mandat' });
    const fixed = contentFromDraft(
      draft((d) => (d.trigger = { event: 'fixed_date', field: '', date: '2030-01-01' })),
      current.content,
    );
    expect(fixed).toHaveProperty('content.trigger', { event: 'fixed_date', date: '2030-01-01' });
    const wrong = contentFromDraft(
      draft((d) => (d.trigger = { event: 'fixed_date', field: '', date: '2030-13-01' })),
      current.content,
    );
    expect(wrong).toEqual({ problems: { triggerDate: { key: 'revise.dateFormat' } } });
  });

  it('knows real dates', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2027-02-29')).toBe(false);
  });
});

describe('differences between versions', () => {
  const after = {
    ...current.content,
    legalReference: 'Loi sur les archives',
    essential: null,
    trigger: { event: 'contract_ended' as const },
    copies: [
      { ...current.content.copies[0], semiActive: { unit: 'years', count: 7 } },
      { ...current.content.copies[1], disposition: 'sort' },
    ],
  } as RuleVersion['content'];

  it('lists each change, copies first, then the trigger and the texts', () => {
    expect(diffContent(current.content, after).map((c) => c.kind)).toEqual([
      'period',
      'disposition',
      'trigger',
      'text',
      'flag',
    ]);
    expect(diffContent(current.content, current.content)).toEqual([]);
  });

  it('notices added or removed copies and changed classes', () => {
    const one = { ...current.content, copies: current.content.copies.slice(0, 1), classes: ['A120', 'A130'] };
    expect(diffContent(current.content, one)).toEqual([
      { kind: 'copyRemoved', copy: 1, copyKind: 'secondary' },
      { kind: 'classes', before: ['A120'], after: ['A120', 'A130'] },
    ]);
    expect(diffContent(one, current.content)[0]).toEqual({ kind: 'copyAdded', copy: 1, copyKind: 'secondary' });
  });

  it('reads each change in French and English', () => {
    const [period, disposition, trigger, text, flag] = diffContent(current.content, after);
    if (!period || !disposition || !trigger || !text || !flag) throw new Error('five changes');
    expect(describeChange(period, 'en')).toEqual({
      label: 'Principal copy — Semi-active period',
      before: '5 years',
      after: '7 years',
    });
    expect(describeChange(period, 'fr')).toEqual({
      label: 'Exemplaire principal — Période semi-active',
      before: '5 ans',
      after: '7 ans',
    });
    expect(describeChange(disposition, 'en')).toEqual({
      label: 'Secondary copies — Disposition',
      before: 'D — Destroy',
      after: 'T — Sort or sample',
    });
    expect(describeChange(trigger, 'en')).toEqual({
      label: 'Clock starts at',
      before: 'File closed',
      after: 'End of the contract or employment',
    });
    expect(describeChange(text, 'en')).toEqual({ label: 'Legal reference', before: '(empty)', after: 'Loi sur les archives' });
    expect(describeChange(flag, 'en')).toEqual({ label: 'Essential records', before: 'Yes', after: 'Not stated' });
  });

  it('gives a version’s changes from the one before it', () => {
    const rule: RetentionRule = {
      number: '0002',
      versions: [current, { ...current, version: 2, origin: 'revision', note: 'n', content: after }],
    };
    expect(versionChanges(rule.versions, 0)).toEqual([]);
    expect(versionChanges(rule.versions, 1)).toHaveLength(5);
  });
});
