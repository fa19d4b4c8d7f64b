import { describe, expect, it } from 'vitest';
import type { Explanation } from '../types';
import { overrideScope, precedence, sourceLevel, sourceReason, sourceScope, sourceTitle } from './explanation';

// Class A120 in project CLI-0142 at the level "personal", with an exception on the file: the
// chain as the core sends it, from the class rule to the most specific source.
const explanation: Explanation = {
  class: 'A120',
  project: 'CLI-0142',
  sensitivity: 'personal',
  copy: 'principal',
  active: { unit: 'years', count: 1 },
  semiActive: { unit: 'years', count: 10 },
  disposition: 'destroy',
  trigger: { event: 'file_closed' },
  chain: [
    {
      source: { kind: 'rule', number: '0002', version: 2, effectiveDate: '2026-11-23' },
      replacement: { active: { unit: 'while_in_use' }, semiActive: { unit: 'years', count: 7 }, disposition: 'keep' },
      decides: [],
    },
    {
      source: { kind: 'project_override', project: 'CLI-0142', id: 2, class: null, sensitivity: 'personal', reason: 'Loi 25' },
      replacement: { active: null, semiActive: { unit: 'years', count: 2 }, disposition: 'destroy' },
      decides: ['disposition'],
    },
    {
      source: { kind: 'project_override', project: 'CLI-0142', id: 1, class: 'A120', sensitivity: null, reason: 'Contrat' },
      replacement: { active: null, semiActive: { unit: 'years', count: 10 }, disposition: null },
      decides: ['semi_active'],
    },
    {
      source: { kind: 'file_exception', reason: 'Litige en cours' },
      replacement: { active: { unit: 'years', count: 1 }, semiActive: null, disposition: null },
      decides: ['active'],
    },
  ],
};

describe('precedence', () => {
  const steps = precedence(explanation);

  it('lists the file exception first, then the project calendar, then the class rule', () => {
    expect(steps.map((s) => s.rank)).toEqual([1, 2, 3, 4]);
    expect(steps.map((s) => sourceLevel(s.source))).toEqual(['file', 'project', 'project', 'rule']);
    // Among overrides, the more specific (the class) before the less (the level).
    expect(steps.map((s) => (s.source.kind === 'project_override' ? s.source.id : null))).toEqual([null, 1, 2, null]);
  });

  it('says which field each step decides, and which it says but loses', () => {
    expect(steps[0]?.fields).toEqual([
      { field: 'active', value: { unit: 'years', count: 1 }, decides: true },
      { field: 'semi_active', value: null, decides: false },
      { field: 'disposition', value: null, decides: false },
    ]);
    expect(steps[2]?.fields.find((f) => f.field === 'semi_active')).toEqual({
      field: 'semi_active',
      value: { unit: 'years', count: 2 },
      decides: false,
    });
    expect(steps.map((s) => s.overruled)).toEqual([false, false, false, true]);
  });

  it('does not reorder the core’s chain in place', () => {
    expect(explanation.chain[0]?.source.kind).toBe('rule');
  });

  it('with no project, is the class rule alone', () => {
    const alone = precedence({ ...explanation, chain: explanation.chain.slice(0, 1).map((s) => ({ ...s, decides: ['active', 'semi_active', 'disposition'] })) });
    expect(alone).toHaveLength(1);
    expect(alone[0]?.fields.every((f) => f.decides)).toBe(true);
  });
});

describe('naming the sources', () => {
  const [file, classOverride, levelOverride, rule] = precedence(explanation).map((s) => s.source);
  if (!file || !classOverride || !levelOverride || !rule) throw new Error('four steps');

  it('names a rule by number, version and effective date', () => {
    expect(sourceTitle(rule, 'en')).toBe('Rule 0002, version 2, effective November 23, 2026');
    expect(sourceTitle(rule, 'fr')).toBe('Règle 0002, version 2, en vigueur le 23 novembre 2026');
    expect(sourceReason(rule)).toBe('');
  });

  it('names an override by project and number, with its scope and reason', () => {
    expect(sourceTitle(classOverride, 'en')).toBe('Project CLI-0142, override #1');
    expect(sourceTitle(levelOverride, 'fr').replace(/\u00a0/g, ' ')).toBe('Projet CLI-0142, dérogation n° 2');
    expect(sourceScope(classOverride, 'en')).toBe('class A120');
    expect(sourceScope(levelOverride, 'fr')).toBe('niveau renseignements personnels');
    expect(sourceReason(levelOverride)).toBe('Loi 25');
    expect(overrideScope('A120', 'confidential', 'en')).toBe('class A120, level confidential');
  });

  it('names the file exception', () => {
    expect(sourceTitle(file, 'en')).toBe('Exception recorded on the file');
    expect(sourceScope(file, 'en')).toBe('');
    expect(sourceReason(file)).toBe('Litige en cours');
  });
});
