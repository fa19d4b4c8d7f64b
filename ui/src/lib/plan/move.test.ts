import { describe, expect, it } from 'vitest';
import type { PlanClass } from '../types';
import { SAMPLE_PLAN } from './fixtures';
import { moveTargets, planMove, renamedCode, renamer, suggestCode, targetTree } from './move';
import { buildTree } from './tree';

// SAMPLE_PLAN: 100 > 100-10, 100-20 > (100-20-05, 100-20-10); 200 > 200-10 (retired); A120.
const tree = buildTree(SAMPLE_PLAN, 'fr');

let nextId = 100;
function cls(code: string, parent: string | null, active = true): PlanClass {
  nextId += 1;
  const depth = parent === null ? 0 : parent.split(/[-.]/).length;
  return { id: nextId, code, parent, depth, titleFr: code, titleEn: '', scopeNoteFr: '', scopeNoteEn: '', examples: '', active, rules: [] };
}

/** A plan in tree order, from [code, parent] pairs. */
function plan(...classes: [string, string | null, boolean?][]): ReturnType<typeof buildTree> {
  return buildTree(
    classes.map(([code, parent, active]) => cls(code, parent, active ?? true)),
    'fr',
  );
}

describe('renamedCode', () => {
  it.each([
    ['100-20', '100-20', '200-40', '200-40'],
    ['100-20-05', '100-20', '200-40', '200-40-05'],
    ['100-20-05-01', '100-20', '200-40', '200-40-05-01'],
    ['100-20-05', '100-20', '7', '7-05'],
    ['1.2.3', '1.2', '4.5', '4.5.3'],
    ['a120-1', 'A120', 'B140', 'B140-1'],
    // Positional codes: the parent's code without its padding zeros is replaced, the width kept.
    ['A123', 'A120', 'B140', 'B143'],
    ['A110', 'A100', 'B300', 'B310'],
    ['110', '100', '200', '210'],
    ['A123', 'A120', 'B1', 'B13'],
    ['A120', 'A100', 'B150', 'B1520'],
  ])('%s, when %s becomes %s: %s', (code, from, to, expected) => {
    expect(renamedCode(code, from, to)).toBe(expected);
  });

  it.each([
    ['200-10', '100-20', '300-40'],
    ['A123', 'A120', 'B1-4'],
  ])('%s does not follow %s becoming %s', (code, from, to) => {
    expect(renamedCode(code, from, to)).toBeNull();
  });
});

describe('planMove', () => {
  it('renames the class and replaces its old code at the start of every descendant’s', () => {
    expect(planMove(tree, '100-20', '200', '200-40')).toEqual({
      renames: [
        { from: '100-20', to: '200-40' },
        { from: '100-20-05', to: '200-40-05' },
        { from: '100-20-10', to: '200-40-10' },
      ],
      problems: {},
    });
  });

  it('renames only the branch: not the parent, not the siblings', () => {
    const { renames } = planMove(tree, '100', null, '900');
    expect(renames.map((r) => r.from)).toEqual(['100', '100-10', '100-20', '100-20-05', '100-20-10']);
    expect(renames.map((r) => r.to)).toEqual(['900', '900-10', '900-20', '900-20-05', '900-20-10']);
    expect(planMove(tree, '100-20-05', '100-20', '100-20-15').renames).toEqual([{ from: '100-20-05', to: '100-20-15' }]);
  });

  it('changes no code when the class only changes parent', () => {
    expect(planMove(tree, '100-20', null, '100-20')).toEqual({ renames: [], problems: {} });
  });

  it('moves positional codes with their width', () => {
    const positional = plan(['A100', null], ['A120', 'A100'], ['A123', 'A120'], ['B100', null], ['B110', 'B100']);
    expect(planMove(positional, 'A120', 'B100', 'B140').renames).toEqual([
      { from: 'A120', to: 'B140' },
      { from: 'A123', to: 'B143' },
    ]);
  });

  it('refuses to move a class into its own branch', () => {
    expect(planMove(tree, '100-20', '100-20-05', '100-20-05-01').problems).toEqual({
      parent: { key: 'moveForm.ownBranch', params: { parent: '100-20-05', code: '100-20' } },
    });
    expect(planMove(tree, '100-20', '100-20', '100-20-99').problems.parent).toEqual({
      key: 'moveForm.ownBranch',
      params: { parent: '100-20', code: '100-20' },
    });
  });

  it('refuses a retired parent, unless it is the current one', () => {
    expect(planMove(tree, 'A120', '200-10', '200-10-05').problems).toEqual({
      parent: { key: 'moveForm.parentRetired', params: { parent: '200-10' } },
    });
    const underRetired = plan(['200', null], ['200-10', '200', false], ['200-10-05', '200-10']);
    expect(planMove(underRetired, '200-10-05', '200-10', '200-10-07').problems).toEqual({});
  });

  it('refuses a code taken by a class outside the branch', () => {
    expect(planMove(tree, '100-20', '100', '100-10').problems).toEqual({
      code: { key: 'classForm.codeTaken', params: { code: '100-10' } },
    });
    // Case does not make a code another.
    expect(planMove(tree, '100-20', null, 'a120').problems.code?.key).toBe('classForm.codeTaken');
  });

  it('refuses a move that would give a subclass a code another class has', () => {
    const crowded = plan(['100', null], ['100-20', '100'], ['100-20-05', '100-20'], ['200', null], ['200-40-05', '200']);
    expect(planMove(crowded, '100-20', '200', '200-40').problems).toEqual({
      code: { key: 'moveForm.childTaken', params: { child: '100-20-05', renamed: '200-40-05' } },
    });
  });

  it('frees the codes of the branch as it moves', () => {
    // The class may take its own subclass's code, since that subclass moves on too.
    const chain = plan(['100', null], ['100-20', '100'], ['100-20-05', '100-20']);
    expect(planMove(chain, '100-20', '100', '100-20-05')).toEqual({
      renames: [
        { from: '100-20', to: '100-20-05' },
        { from: '100-20-05', to: '100-20-05-05' },
      ],
      problems: {},
    });
  });

  it('refuses a move that changes nothing', () => {
    expect(planMove(tree, '100-20', '100', '100-20').problems).toEqual({ code: { key: 'moveForm.unchanged' } });
    expect(planMove(tree, '100-20', '100', ' 100-20 ').problems).toEqual({ code: { key: 'moveForm.unchanged' } });
  });

  it('asks for a valid code that continues the new parent’s', () => {
    expect(planMove(tree, '100-20', '200', '').problems).toEqual({ code: { key: 'validation.required' } });
    expect(planMove(tree, '100-20', '200', '200 40').problems).toEqual({ code: { key: 'classForm.codeFormat' } });
    expect(planMove(tree, '100-20', '200', '300-40').problems).toEqual({
      code: { key: 'classForm.codeParent', params: { parent: '200' } },
    });
  });

  it('refuses a code whose subclasses could not follow it', () => {
    // A12 does not start with A1 and a separator, and the new code is not positional.
    const mixed = plan(['A1', null], ['A12', 'A1'], ['A12-5', 'A12']);
    expect(planMove(mixed, 'A1', null, 'B1-0').problems).toEqual({
      code: { key: 'moveForm.childInconsistent', params: { child: 'A12', renamed: 'B1-02', parent: 'B1-0' } },
    });
    const positional = plan(['A100', null], ['A120', 'A100'], ['A123', 'A120'], ['B100', null]);
    expect(planMove(positional, 'A120', null, 'B1-5').problems).toEqual({
      code: { key: 'moveForm.childStranded', params: { child: 'A123', code: 'A120' } },
    });
    const long = plan(['100', null], ['100-20', '100'], ['100-20-05', '100-20']);
    expect(planMove(long, '100-20', '100', `100-${'9'.repeat(27)}`).problems).toEqual({
      code: { key: 'moveForm.childFormat', params: { child: '100-20-05', renamed: `100-${'9'.repeat(27)}-05` } },
    });
  });

  it('refuses an unknown parent', () => {
    expect(planMove(tree, '100-20', '999', '999-10').problems).toEqual({
      parent: { key: 'moveForm.unknownParent', params: { parent: '999' } },
    });
  });
});

describe('where a class can go', () => {
  it('offers active classes outside the branch, and the current parent', () => {
    const targets = moveTargets(tree, '100-20');
    expect(targets).toEqual(['100', '100-10', '200', 'A120']);
    expect(targetTree(tree, '100-20').order).toEqual(targets);
    expect(targetTree(tree, '100-20').nodes).toBe(tree.nodes);
  });
});

describe('suggestCode', () => {
  it('keeps the code at the current place', () => {
    expect(suggestCode(tree, '100-20', '100')).toBe('100-20');
  });

  it('puts the class’s own last group after the new parent’s code', () => {
    expect(suggestCode(tree, '100-20', '200')).toBe('200-20');
    expect(suggestCode(tree, '100-20-05', '100')).toBe('100-05');
  });

  it('else numbers it after its new siblings', () => {
    const numbered = plan(['100', null], ['100-20', '100'], ['200', null], ['200-10', '200'], ['200-20', '200'], ['200-30', '200']);
    expect(suggestCode(numbered, '100-20', '200')).toBe('200-40');
    const byFives = plan(['100', null], ['100-05', '100'], ['100-10', '100'], ['200', null], ['200-10', '200']);
    expect(suggestCode(byFives, '200-10', '100')).toBe('100-15');
  });

  it('numbers a class moved to the top after the top classes', () => {
    expect(suggestCode(tree, '100-20', null)).toBe('300');
  });

  it('keeps a positional code that already sits right under its new parent', () => {
    const flat = plan(['A100', null], ['A120', null], ['B100', null]);
    expect(suggestCode(flat, 'A120', 'A100')).toBe('A120');
    const positional = plan(['A100', null], ['A120', 'A100'], ['B100', null], ['B110', 'B100'], ['B120', 'B100']);
    expect(suggestCode(positional, 'A120', 'B100')).toBe('B130');
    const empty = plan(['A100', null], ['A120', 'A100'], ['B100', null]);
    expect(suggestCode(empty, 'A120', 'B100')).toBe('B110');
  });

  it('always proposes a code the move accepts', () => {
    for (const code of tree.order) {
      for (const parent of [null, ...moveTargets(tree, code)]) {
        const suggested = suggestCode(tree, code, parent);
        if (parent === tree.nodes.get(code)?.cls.parent) continue;
        expect(planMove(tree, code, parent, suggested).problems, `${code} under ${String(parent)}: ${suggested}`).toEqual({});
      }
    }
  });
});

describe('renamer', () => {
  it('gives each moved code its new one and leaves the others', () => {
    const rename = renamer([
      { from: '100-20', to: '200-40' },
      { from: '100-20-05', to: '200-40-05' },
    ]);
    expect(['100-20', '100-20-05', '100', 'a120'].map(rename)).toEqual(['200-40', '200-40-05', '100', 'a120']);
  });
});
