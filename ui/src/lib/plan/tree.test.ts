import { describe, expect, it } from 'vitest';
import type { PlanClass } from '../types';
import { RULE_0002, SAMPLE_PLAN } from './fixtures';
import {
  ancestors,
  buildTree,
  classTitle,
  descendants,
  expandedToShow,
  filterTree,
  seriesTitleOf,
  toggled,
  treeMove,
  typeAhead,
  visibleRows,
} from './tree';

const rules = { '0002': RULE_0002 };
const tree = buildTree(SAMPLE_PLAN, 'fr', (c) => seriesTitleOf(c, rules));
const all = new Set(['100', '100-20', '200']);
const codes = (rows: { code: string }[]): string[] => rows.map((r) => r.code);

function bare(code: string, titleFr: string, titleEn: string): PlanClass {
  return { ...SAMPLE_PLAN[0], code, titleFr, titleEn } as PlanClass;
}

describe('classTitle', () => {
  it('uses the title in the current language', () => {
    expect(classTitle(bare('1', 'Finances', 'Finance'), 'fr')).toEqual({ text: 'Finances', lang: 'fr', source: 'own' });
    expect(classTitle(bare('1', 'Finances', 'Finance'), 'en')).toEqual({ text: 'Finance', lang: 'en', source: 'own' });
  });

  it('falls back to the other language, marked as such', () => {
    expect(classTitle(bare('1', 'Constitution', ''), 'en')).toEqual({ text: 'Constitution', lang: 'fr', source: 'other' });
    expect(classTitle(bare('1', '  ', 'Budget'), 'fr')).toEqual({ text: 'Budget', lang: 'en', source: 'other' });
  });

  it('then to the series title of the class rule, then to nothing', () => {
    expect(classTitle(bare('A120', '', ''), 'en', 'Mission et mandat')).toEqual({
      text: 'Mission et mandat',
      lang: null,
      source: 'rule',
    });
    expect(classTitle(bare('A120', '', ''), 'en')).toEqual({ text: '', lang: null, source: 'none' });
  });

  it('finds the series title through the class rules', () => {
    const a120 = SAMPLE_PLAN.find((c) => c.code === 'A120');
    if (!a120) throw new Error('A120 is in the sample');
    expect(seriesTitleOf(a120, rules)).toBe('Mission et mandat');
    expect(seriesTitleOf({ ...a120, rules: ['9999'] }, rules)).toBe('');
    expect(tree.nodes.get('A120')?.title.text).toBe('Mission et mandat');
  });
});

describe('buildTree', () => {
  it('links children to parents in plan order', () => {
    expect(tree.roots).toEqual(['100', '200', 'A120']);
    expect(tree.nodes.get('100')?.children).toEqual(['100-10', '100-20']);
    expect(tree.nodes.get('100-20-05')?.parent).toBe('100-20');
    expect(tree.order).toHaveLength(SAMPLE_PLAN.length);
  });

  it('puts a class whose parent is missing at the top rather than losing it', () => {
    const orphan = buildTree([{ ...SAMPLE_PLAN[3], parent: 'nowhere' } as PlanClass], 'fr');
    expect(orphan.roots).toEqual(['100-20-05']);
  });

  it('knows ancestors and descendants', () => {
    expect(ancestors(tree, '100-20-05')).toEqual(['100-20', '100']);
    expect(ancestors(tree, '100')).toEqual([]);
    expect([...descendants(tree, '100')].sort()).toEqual(['100-10', '100-20', '100-20-05', '100-20-10']);
  });
});

describe('filterTree', () => {
  it('is null for a blank query', () => {
    expect(filterTree(tree, '   ')).toBeNull();
  });

  it('ignores case and accents: "reglement" finds "Règlements"', () => {
    const found = filterTree(tree, 'reglement');
    expect([...(found?.matches ?? [])]).toEqual(['100-20-10']);
  });

  it('keeps the ancestors of a match visible', () => {
    const found = filterTree(tree, 'PROCÈS');
    expect([...(found?.matches ?? [])]).toEqual(['100-20-05']);
    expect([...(found?.shown ?? [])].sort()).toEqual(['100', '100-20', '100-20-05']);
  });

  it('searches codes, both titles and the rule title, every word', () => {
    expect([...(filterTree(tree, '100-20')?.matches ?? [])]).toEqual(['100-20', '100-20-05', '100-20-10']);
    expect([...(filterTree(tree, 'minutes')?.matches ?? [])]).toEqual(['100-20-05']);
    expect([...(filterTree(tree, 'mandat mission')?.matches ?? [])]).toEqual(['A120']);
    expect([...(filterTree(tree, 'conseil budget')?.matches ?? [])]).toEqual([]);
  });
});

describe('visibleRows', () => {
  it('shows the top classes when nothing is open', () => {
    const rows = visibleRows(tree, new Set());
    expect(codes(rows)).toEqual(['100', '200', 'A120']);
    expect(rows[0]).toMatchObject({ level: 1, hasChildren: true, expanded: false, posinset: 1, setsize: 3 });
    expect(rows[2]).toMatchObject({ hasChildren: false, expanded: false });
  });

  it('shows the children of open classes, with their level and place', () => {
    const rows = visibleRows(tree, all);
    expect(codes(rows)).toEqual(['100', '100-10', '100-20', '100-20-05', '100-20-10', '200', '200-10', 'A120']);
    expect(rows[3]).toMatchObject({ code: '100-20-05', level: 3, posinset: 1, setsize: 2, parent: '100-20' });
  });

  it('with a filter, shows only matches and their ancestors, counted among themselves', () => {
    const rows = visibleRows(tree, all, filterTree(tree, 'verbaux'));
    expect(codes(rows)).toEqual(['100', '100-20', '100-20-05']);
    expect(rows.map((r) => r.match)).toEqual([false, false, true]);
    expect(rows[1]).toMatchObject({ posinset: 1, setsize: 1 });
  });

  it('opens the branches that lead to a class', () => {
    expect([...expandedToShow(tree, new Set(), '100-20-10')].sort()).toEqual(['100', '100-20']);
    expect([...toggled(new Set(['100']), '100', false)]).toEqual([]);
    expect([...toggled(new Set(), '200', true)]).toEqual(['200']);
  });
});

describe('treeMove (the WAI-ARIA tree keys)', () => {
  const rows = visibleRows(tree, new Set(['100']));
  // 100, 100-10, 100-20 (closed), 200 (closed), A120

  it('moves up and down, and stops at either end', () => {
    expect(treeMove(rows, '100', 'ArrowDown')).toEqual({ kind: 'focus', code: '100-10' });
    expect(treeMove(rows, '100-10', 'ArrowUp')).toEqual({ kind: 'focus', code: '100' });
    expect(treeMove(rows, '100', 'ArrowUp')).toEqual({ kind: 'focus', code: '100' });
    expect(treeMove(rows, 'A120', 'ArrowDown')).toEqual({ kind: 'focus', code: 'A120' });
  });

  it('goes to the first and last rows with Home and End', () => {
    expect(treeMove(rows, '100-20', 'Home')).toEqual({ kind: 'focus', code: '100' });
    expect(treeMove(rows, '100-20', 'End')).toEqual({ kind: 'focus', code: 'A120' });
  });

  it('Right opens a closed class, then goes to its first child', () => {
    expect(treeMove(rows, '100-20', 'ArrowRight')).toEqual({ kind: 'expand', code: '100-20' });
    expect(treeMove(rows, '100', 'ArrowRight')).toEqual({ kind: 'focus', code: '100-10' });
    expect(treeMove(rows, '100-10', 'ArrowRight')).toBeNull();
  });

  it('Left closes an open class, else goes to the parent', () => {
    expect(treeMove(rows, '100', 'ArrowLeft')).toEqual({ kind: 'collapse', code: '100' });
    expect(treeMove(rows, '100-20', 'ArrowLeft')).toEqual({ kind: 'focus', code: '100' });
    expect(treeMove(rows, 'A120', 'ArrowLeft')).toBeNull();
  });

  it('starts from the first row when nothing has focus, and ignores other keys', () => {
    expect(treeMove(rows, null, 'ArrowDown')).toEqual({ kind: 'focus', code: '100' });
    expect(treeMove(rows, '100', 'x')).toBeNull();
    expect(treeMove([], '100', 'ArrowDown')).toBeNull();
  });
});

describe('typeAhead', () => {
  const rows = visibleRows(tree, all);

  it('finds the next row whose code or title starts with what was typed', () => {
    expect(typeAhead(tree, rows, '100', '2')).toBe('200');
    expect(typeAhead(tree, rows, '100', 'f')).toBe('200');
    expect(typeAhead(tree, rows, null, 'p')).toBe('100-20-05');
  });

  it('moves on with a repeated letter, wrapping round', () => {
    expect(typeAhead(tree, rows, '100', '1')).toBe('100-10');
    expect(typeAhead(tree, rows, '100-20-10', '1')).toBe('100');
  });

  it('ignores accents and keeps a longer prefix on the current row', () => {
    expect(typeAhead(tree, rows, '100-20-10', 'RÉ')).toBe('100-20-10');
    expect(typeAhead(tree, rows, '100', 'zz')).toBeNull();
  });
});
