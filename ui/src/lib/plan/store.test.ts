import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api';
import { RULE_0002, SAMPLE_PLAN } from './fixtures';
import { renamer } from './move';
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

  it('carries the selection, the open branches and the rule shown over to the moved codes', async () => {
    const renames = [
      { from: '100-20', to: '200-40' },
      { from: '100-20-05', to: '200-40-05' },
      { from: '100-20-10', to: '200-40-10' },
    ];
    const rename = renamer(renames);
    const moved = SAMPLE_PLAN.map((c) => ({
      ...c,
      code: rename(c.code),
      parent: c.code === '100-20' ? '200' : c.parent === null ? null : rename(c.parent),
    }));
    vi.spyOn(api, 'listClasses').mockResolvedValueOnce({ ok: true, value: moved });
    vi.spyOn(api, 'listRules').mockResolvedValueOnce({ ok: true, value: [RULE_0002] });
    const listProjects = vi.spyOn(api, 'listProjects');
    plan.selected = '100-20-05';
    plan.expanded = new Set(['100', '100-20']);
    plan.shownRule = { '100-20-05': '1001' };
    await plan.moved(renames);
    expect(plan.selected).toBe('200-40-05');
    expect([...plan.expanded]).toEqual(['100', '200-40']);
    expect(plan.shownRule).toEqual({ '200-40-05': '1001' });
    expect(plan.classes?.map((c) => c.code)).toContain('200-40-10');
    // The projects are read again only when they were read at all.
    expect(listProjects).not.toHaveBeenCalled();
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
    plan.showClosedProjects = false;
    plan.reset();
    expect([plan.classes, plan.rules, plan.query, plan.selected, plan.tab]).toEqual([null, {}, '', null, 'classes']);
    expect(plan.showClosedProjects).toBe(true);
  });
});
