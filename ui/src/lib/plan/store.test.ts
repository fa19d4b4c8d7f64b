import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api';
import { RULE_0002, SAMPLE_PLAN } from './fixtures';
import { plan } from './store.svelte';

describe('the plan store', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
    plan.reset();
  });

  it('reads the plan and the rules together, the rules by number', async () => {
    vi.spyOn(api, 'listClasses').mockResolvedValueOnce({ ok: true, value: SAMPLE_PLAN });
    vi.spyOn(api, 'listRules').mockResolvedValueOnce({ ok: true, value: [RULE_0002] });
    await plan.load();
    expect(plan.classes).toHaveLength(SAMPLE_PLAN.length);
    expect(Object.keys(plan.rules)).toEqual(['0002']);
    expect(plan.loadError).toBeNull();
  });

  it('keeps the failure to show it, and forgets a selection the plan no longer has', async () => {
    vi.spyOn(api, 'listClasses').mockResolvedValueOnce({ ok: false, error: { code: 'permission_denied', message: 'Non.' } });
    vi.spyOn(api, 'listRules').mockResolvedValueOnce({ ok: true, value: [] });
    await plan.load();
    expect(plan.loadError).toEqual({ code: 'permission_denied', message: 'Non.' });

    plan.selected = 'gone';
    vi.spyOn(api, 'listClasses').mockResolvedValueOnce({ ok: true, value: SAMPLE_PLAN });
    await plan.reloadClasses();
    expect(plan.selected).toBeNull();
  });

  it('keeps the projects sorted by code as they are added', () => {
    const project = { name: 'n', owner: 'o', sensitivity: 'public', active: true, createdAt: '', overrides: [] } as const;
    plan.putProject({ ...project, code: 'P-2', overrides: [] });
    plan.putProject({ ...project, code: 'P-1', overrides: [] });
    plan.putProject({ ...project, code: 'P-2', name: 'renamed', overrides: [] });
    expect(plan.projects?.map((p) => `${p.code} ${p.name}`)).toEqual(['P-1 n', 'P-2 renamed']);
  });

  it('opens the explain view on a question', () => {
    plan.explain({ class: 'A120', rule: '0002' });
    expect(plan.tab).toBe('explain');
    expect(plan.ask).toEqual({ class: 'A120', rule: '0002', copy: 'principal', project: '', sensitivity: '' });
  });

  it('forgets everything when the session ends', () => {
    plan.putRule(RULE_0002);
    plan.query = 'mission';
    plan.selected = 'A120';
    plan.tab = 'projects';
    plan.reset();
    expect([plan.classes, plan.rules, plan.query, plan.selected, plan.tab]).toEqual([null, {}, '', null, 'classes']);
  });
});
