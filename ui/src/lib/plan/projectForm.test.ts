import { describe, expect, it } from 'vitest';
import type { Project } from '../types';
import {
  checkOverride,
  checkProject,
  checkProjectEdit,
  draftOfProject,
  emptyOverride,
  inForce,
  isProjectCode,
  listedProjects,
  sensitivityChanged,
  sortedOverrides,
} from './projectForm';

const project: Project = {
  code: 'CLI-0142',
  name: 'Mandat Hydro-Sud',
  owner: 'mtremblay',
  sensitivity: 'confidential',
  active: true,
  createdAt: '2026-10-01T12:00:00Z',
  overrides: [
    {
      id: 1,
      class: 'A120',
      sensitivity: null,
      replacement: { active: null, semiActive: { unit: 'years', count: 10 }, disposition: null },
      reason: 'Contrat',
      author: 'hcote',
      createdAt: '2026-10-02T12:00:00Z',
      withdrawnAt: null,
    },
    {
      id: 2,
      class: null,
      sensitivity: 'personal',
      replacement: { active: null, semiActive: null, disposition: 'destroy' },
      reason: 'Loi 25',
      author: 'hcote',
      createdAt: '2026-10-03T12:00:00Z',
      withdrawnAt: '2026-11-01T12:00:00Z',
    },
    {
      id: 3,
      class: null,
      sensitivity: 'public',
      replacement: { active: null, semiActive: null, disposition: 'keep' },
      reason: 'Versement',
      author: 'hcote',
      createdAt: '2026-10-04T12:00:00Z',
      withdrawnAt: '2026-11-05T12:00:00Z',
    },
  ],
};

describe('checkProject', () => {
  const free = (): boolean => false;

  it('sends a trimmed project', () => {
    expect(checkProject({ code: ' P-12 ', name: ' Programme ', owner: ' hcote ', sensitivity: 'internal' }, free)).toEqual({
      project: { code: 'P-12', name: 'Programme', owner: 'hcote', sensitivity: 'internal' },
    });
  });

  it('asks for a valid, free code, a name and an owner', () => {
    expect(checkProject({ code: 'P 12', name: '', owner: '', sensitivity: 'public' }, free)).toEqual({
      problems: {
        code: { key: 'projectForm.codeFormat' },
        name: { key: 'validation.required' },
        owner: { key: 'validation.required' },
      },
    });
    expect(checkProject({ code: 'P-12', name: 'x', owner: 'y', sensitivity: 'public' }, () => true)).toEqual({
      problems: { code: { key: 'projectForm.codeTaken', params: { code: 'P-12' } } },
    });
    expect(isProjectCode('a.b_c-1')).toBe(true);
    expect(isProjectCode('x'.repeat(33))).toBe(false);
  });
});

describe('checkProjectEdit', () => {
  it('starts from the project and sends its name, owner and sensitivity, trimmed', () => {
    const draft = { ...draftOfProject(project), name: ' Mandat Hydro-Sud (phase 2) ', sensitivity: 'personal' as const };
    expect(draftOfProject(project)).toEqual({ code: 'CLI-0142', name: 'Mandat Hydro-Sud', owner: 'mtremblay', sensitivity: 'confidential' });
    expect(checkProjectEdit(draft, project)).toEqual({
      edit: { name: 'Mandat Hydro-Sud (phase 2)', owner: 'mtremblay', sensitivity: 'personal' },
    });
  });

  it('asks for a name and an owner', () => {
    expect(checkProjectEdit({ ...draftOfProject(project), name: ' ', owner: '' }, project)).toEqual({
      problems: { name: { key: 'validation.required' }, owner: { key: 'validation.required' } },
    });
  });

  it('says when nothing changed', () => {
    expect(checkProjectEdit({ ...draftOfProject(project), name: 'Mandat Hydro-Sud ' }, project)).toEqual({
      problems: { form: { key: 'projectForm.unchanged' } },
    });
  });

  it('tells a sensitivity change, which recomputes the files’ due dates', () => {
    expect(sensitivityChanged(draftOfProject(project), project)).toBe(false);
    expect(sensitivityChanged({ ...draftOfProject(project), sensitivity: 'public' }, project)).toBe(true);
  });
});

describe('listedProjects', () => {
  const closed: Project = { ...project, code: 'OLD-1', active: false };
  it('shows the closed projects, or only the open ones', () => {
    expect(listedProjects([project, closed], true).map((p) => p.code)).toEqual(['CLI-0142', 'OLD-1']);
    expect(listedProjects([project, closed], false).map((p) => p.code)).toEqual(['CLI-0142']);
  });
});

describe('checkOverride', () => {
  it('sends the scope, what it replaces (null for the rule’s) and the reason', () => {
    const draft = { ...emptyOverride('B210', 'personal'), reason: ' Tri demandé ' };
    draft.active = { unit: 'years', count: '3' };
    draft.disposition = 'sort';
    expect(checkOverride(draft, project)).toEqual({
      override: {
        class: 'B210',
        sensitivity: 'personal',
        replacement: { active: { unit: 'years', count: 3 }, semiActive: null, disposition: 'sort' },
        reason: 'Tri demandé',
      },
    });
  });

  it('needs a scope, something to replace and a reason', () => {
    expect(checkOverride(emptyOverride(), project)).toEqual({
      problems: {
        class: { key: 'overrideForm.scopeMissing' },
        form: { key: 'overrideForm.nothingReplaced' },
        reason: { key: 'overrideForm.reasonRequired' },
      },
    });
  });

  it('checks the periods it replaces', () => {
    const draft = { ...emptyOverride('', 'public'), reason: 'r' };
    draft.semiActive = { unit: 'months', count: 'six' };
    expect(checkOverride(draft, project)).toEqual({
      problems: { semiActive: { key: 'revise.monthsRange', params: { max: 10655 } } },
    });
  });

  it('refuses a second override in force for the same scope, not for a withdrawn one', () => {
    const same = { ...emptyOverride('a120'), reason: 'r', disposition: 'keep' as const };
    expect(checkOverride(same, project)).toEqual({
      problems: { class: { key: 'overrideForm.scopeTaken', params: { id: 1 } } },
    });
    const again = { ...emptyOverride('', 'personal'), reason: 'r', disposition: 'keep' as const };
    expect('override' in checkOverride(again, project)).toBe(true);
  });
});

describe('the calendar', () => {
  it('lists the overrides in force first, newest first, then the withdrawn ones', () => {
    expect(inForce(project).map((o) => o.id)).toEqual([1]);
    expect(sortedOverrides(project).map((o) => o.id)).toEqual([1, 3, 2]);
  });
});
