// The project forms ("Add project", "Edit project") and the "Add override" form: drafts,
// checks (the core's, for comfort), and what they send; which projects the list shows.
import type {
  Disposition,
  NewOverride,
  NewProject,
  Period,
  PeriodUnit,
  Project,
  ProjectEdit,
  ProjectOverride,
  Sensitivity,
} from '../types';
import type { Problem } from '../validation';
import { readPeriod } from './revision';

// ----- projects -----

export interface ProjectDraft {
  code: string;
  name: string;
  owner: string;
  sensitivity: Sensitivity;
}

export type ProjectField = 'code' | 'name' | 'owner';

/** The core's project codes: 1 to 32 letters, digits, dashes, dots or underscores. */
export function isProjectCode(text: string): boolean {
  return /^[A-Za-z0-9._-]{1,32}$/.test(text.trim());
}

/** A form's problems, by field; `form` is about the whole form (nothing changed). */
export type ProjectProblems = Partial<Record<ProjectField | 'form', Problem>>;

export function checkProject(
  draft: ProjectDraft,
  taken: (code: string) => boolean,
): { project: NewProject } | { problems: ProjectProblems } {
  const problems: ProjectProblems = {};
  const code = draft.code.trim();
  if (code === '') problems.code = { key: 'validation.required' };
  else if (!isProjectCode(code)) problems.code = { key: 'projectForm.codeFormat' };
  else if (taken(code)) problems.code = { key: 'projectForm.codeTaken', params: { code } };
  const details = checkDetails(draft, problems);
  if (Object.keys(problems).length > 0) return { problems };
  return { project: { code, ...details } };
}

/** The "Edit project" form as the project stands. */
export function draftOfProject(project: Project): ProjectDraft {
  return { code: project.code, name: project.name, owner: project.owner, sensitivity: project.sensitivity };
}

/**
 * What "Edit project" sends (the code stays), or its problems: a name and an owner, and a
 * change to at least one of the three.
 */
export function checkProjectEdit(draft: ProjectDraft, project: Project): { edit: ProjectEdit } | { problems: ProjectProblems } {
  const problems: ProjectProblems = {};
  const edit = checkDetails(draft, problems);
  if (
    Object.keys(problems).length === 0 &&
    edit.name === project.name &&
    edit.owner === project.owner &&
    edit.sensitivity === project.sensitivity
  ) {
    problems.form = { key: 'projectForm.unchanged' };
  }
  if (Object.keys(problems).length > 0) return { problems };
  return { edit };
}

/** `true` when the draft gives the project another sensitivity: its files' due dates are computed again. */
export function sensitivityChanged(draft: ProjectDraft, project: Project): boolean {
  return draft.sensitivity !== project.sensitivity;
}

/** The projects the list shows: all of them, or only the open ones. */
export function listedProjects(projects: readonly Project[], showClosed: boolean): Project[] {
  return showClosed ? [...projects] : projects.filter((p) => p.active);
}

/** The name, owner and sensitivity of a draft, trimmed; their problems go into `problems`. */
function checkDetails(draft: ProjectDraft, problems: ProjectProblems): ProjectEdit {
  const name = draft.name.trim();
  const owner = draft.owner.trim();
  if (name === '') problems.name = { key: 'validation.required' };
  if (owner === '') problems.owner = { key: 'validation.required' };
  return { name, owner, sensitivity: draft.sensitivity };
}

// ----- overrides -----

/** A period an override may replace; `keep` leaves the rule's (or a less specific override's). */
export interface OptionalPeriodDraft {
  unit: PeriodUnit | 'keep';
  count: string;
}

export interface OverrideDraft {
  /** A class code, or '' for every class. */
  class: string;
  sensitivity: Sensitivity | '';
  active: OptionalPeriodDraft;
  semiActive: OptionalPeriodDraft;
  disposition: Disposition | '';
  reason: string;
}

export type OverrideField = 'class' | 'sensitivity' | 'active' | 'semiActive' | 'reason' | 'form';

export function emptyOverride(cls = '', sensitivity: Sensitivity | '' = ''): OverrideDraft {
  return {
    class: cls,
    sensitivity,
    active: { unit: 'keep', count: '' },
    semiActive: { unit: 'keep', count: '' },
    disposition: '',
    reason: '',
  };
}

function readOptional(draft: OptionalPeriodDraft): { period: Period | null } | { problem: Problem } {
  if (draft.unit === 'keep') return { period: null };
  return readPeriod({ unit: draft.unit, count: draft.count });
}

/**
 * The override the draft says, or its problems: a scope (a class, a level or both), something
 * to replace, a reason, and no other override in force for the same scope.
 */
export function checkOverride(
  draft: OverrideDraft,
  project: Project,
): { override: NewOverride } | { problems: Partial<Record<OverrideField, Problem>> } {
  const problems: Partial<Record<OverrideField, Problem>> = {};
  const cls = draft.class.trim() === '' ? null : draft.class.trim();
  const sensitivity = draft.sensitivity === '' ? null : draft.sensitivity;
  const active = readOptional(draft.active);
  const semiActive = readOptional(draft.semiActive);
  const disposition = draft.disposition === '' ? null : draft.disposition;
  if (cls === null && sensitivity === null) problems.class = { key: 'overrideForm.scopeMissing' };
  if ('problem' in active) problems.active = active.problem;
  if ('problem' in semiActive) problems.semiActive = semiActive.problem;
  if (
    'period' in active &&
    'period' in semiActive &&
    active.period === null &&
    semiActive.period === null &&
    disposition === null
  ) {
    problems.form = { key: 'overrideForm.nothingReplaced' };
  }
  if (draft.reason.trim() === '') problems.reason = { key: 'overrideForm.reasonRequired' };
  const clash = inForce(project).find(
    (o) => (o.class ?? '').toUpperCase() === (cls ?? '').toUpperCase() && o.sensitivity === sensitivity,
  );
  if (clash && problems.class === undefined) {
    problems.class = { key: 'overrideForm.scopeTaken', params: { id: clash.id } };
  }
  if (Object.keys(problems).length > 0 || !('period' in active) || !('period' in semiActive)) {
    return { problems };
  }
  return {
    override: {
      class: cls,
      sensitivity,
      replacement: { active: active.period, semiActive: semiActive.period, disposition },
      reason: draft.reason.trim(),
    },
  };
}

/** The overrides in force (not withdrawn). */
export function inForce(project: Project): ProjectOverride[] {
  return project.overrides.filter((o) => o.withdrawnAt === null);
}

/** Overrides in force first (newest first), then the withdrawn ones (most recently withdrawn first). */
export function sortedOverrides(project: Project): ProjectOverride[] {
  const active = inForce(project).sort((a, b) => b.id - a.id);
  const withdrawn = project.overrides
    .filter((o) => o.withdrawnAt !== null)
    .sort((a, b) => (b.withdrawnAt ?? '').localeCompare(a.withdrawnAt ?? '') || b.id - a.id);
  return [...active, ...withdrawn];
}
