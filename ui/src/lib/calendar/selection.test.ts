import { describe, expect, it } from 'vitest';
import type { DueFile } from '../types';
import { pageSelected, proposeAllKinds, proposeAllQuery, selectable, toggleFile, togglePage } from './selection';

const DAY = '2026-11-24';

function file(reference: string, over: Partial<DueFile> = {}): DueFile {
  return {
    id: 1,
    reference,
    title: 'Titre',
    class: '100',
    project: null,
    rule: '1',
    ruleVersion: 1,
    closedOn: null,
    dueOn: '2026-01-31',
    disposition: 'D',
    heldBy: null,
    batch: null,
    trigger: { event: 'file_closed' },
    triggerDate: null,
    ...over,
  };
}

const PAGE = [file('A'), file('B', { heldBy: 'H-2026-0001' }), file('C'), file('D', { dueOn: '2027-01-01' })];

describe('the due list’s selection', () => {
  it('only offers the files that can go in a batch today', () => {
    expect(selectable(PAGE, DAY).map((f) => f.reference)).toEqual(['A', 'C']);
  });

  it('selects and unselects one file', () => {
    const one = toggleFile({}, file('A'));
    expect(Object.keys(one)).toEqual(['A']);
    expect(toggleFile(one, file('A'))).toEqual({});
  });

  it('selects a page, keeps other pages’ files, and unselects only the page', () => {
    const elsewhere = toggleFile({}, file('Z'));
    const all = togglePage(elsewhere, PAGE, DAY);
    expect(Object.keys(all).sort()).toEqual(['A', 'C', 'Z']);
    expect(pageSelected(all, PAGE, DAY)).toBe(true);
    expect(Object.keys(togglePage(all, PAGE, DAY))).toEqual(['Z']);
  });

  it('completes a page partly selected rather than clearing it', () => {
    const part = toggleFile({}, file('A'));
    expect(pageSelected(part, PAGE, DAY)).toBe(false);
    expect(Object.keys(togglePage(part, PAGE, DAY)).sort()).toEqual(['A', 'C']);
  });

  it('never counts a page with nothing selectable as selected', () => {
    expect(pageSelected({}, [file('B', { batch: 'LOT-1' })], DAY)).toBe(false);
  });
});

describe('proposing every file the filter selects', () => {
  it('needs the filter to name one disposition', () => {
    expect(proposeAllKinds('destruction')).toEqual(['destruction', 'anonymisation']);
    expect(proposeAllKinds('transfer')).toEqual(['transfer']);
    expect(proposeAllKinds('review')).toEqual([]);
    expect(proposeAllKinds(null)).toEqual([]);
  });

  it('never reaches past today, and reads the batch’s disposition', () => {
    const query = { until: '2027-06-30', project: 'CLI-0142', kind: null, class: null };
    expect(proposeAllQuery(query, 'anonymisation', DAY)).toEqual({
      until: DAY,
      project: 'CLI-0142',
      kind: 'destruction',
      class: null,
    });
    expect(proposeAllQuery({ ...query, until: '2026-03-31' }, 'transfer', DAY)).toEqual({
      until: '2026-03-31',
      project: 'CLI-0142',
      kind: 'transfer',
      class: null,
    });
  });

  it('keeps the class the list is filtered by', () => {
    const query = { until: '2027-06-30', project: null, kind: 'destruction' as const, class: '500-10' };
    expect(proposeAllQuery(query, 'destruction', DAY).class).toBe('500-10');
  });
});
