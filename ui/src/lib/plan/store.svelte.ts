// What the plan's screens share and keep while the user moves between areas: the plan, the
// schedule's rules, the projects, and where the user was (tab, selected class, search, open
// branches, what the explain view was asked). Emptied when the session ends, so that the next
// person to sign in starts afresh and never sees the previous one's data.
import { api } from '../api';
import { afterFailure } from '../status.svelte';
import type { CodeChange, CommandError, CopyKind, PlanClass, Project, RetentionRule, Sensitivity } from '../types';
import { renamer } from './move';

export type PlanTab = 'classes' | 'projects' | 'explain' | 'transfer';

export const PLAN_TABS: readonly PlanTab[] = ['classes', 'projects', 'explain', 'transfer'];

/** What the explain view is asked. */
export interface ExplainAsk {
  class: string;
  rule: string;
  copy: CopyKind;
  project: string;
  sensitivity: Sensitivity | '';
}

const EMPTY_ASK: ExplainAsk = { class: '', rule: '', copy: 'principal', project: '', sensitivity: '' };

class PlanStore {
  classes = $state.raw<PlanClass[] | null>(null);
  rules = $state.raw<Readonly<Record<string, RetentionRule>>>({});
  loadError = $state.raw<CommandError | null>(null);
  loading = $state(false);

  projects = $state.raw<Project[] | null>(null);
  projectsError = $state.raw<CommandError | null>(null);
  projectsLoading = $state(false);

  tab = $state<PlanTab>('classes');
  selected = $state<string | null>(null);
  query = $state('');
  expanded = $state.raw<ReadonlySet<string>>(new Set());
  /** For a class with several rules, the one its panel shows. */
  shownRule = $state.raw<Readonly<Record<string, string>>>({});
  selectedProject = $state<string | null>(null);
  /** Whether the projects list shows the closed projects too. */
  showClosedProjects = $state(true);
  ask = $state<ExplainAsk>({ ...EMPTY_ASK });

  /** Reads the plan and the rules (again). */
  async load(): Promise<void> {
    this.loading = true;
    const [classes, rules] = await Promise.all([api.listClasses(), api.listRules()]);
    this.loading = false;
    if (!classes.ok) {
      this.failed(classes.error);
      return;
    }
    if (!rules.ok) {
      this.failed(rules.error);
      return;
    }
    this.loadError = null;
    this.rules = Object.fromEntries(rules.value.map((rule) => [rule.number, rule]));
    this.setClasses(classes.value);
  }

  /** Reads the plan again (after a class changed: its place in the tree may have moved). */
  async reloadClasses(): Promise<void> {
    const classes = await api.listClasses();
    if (classes.ok) this.setClasses(classes.value);
    else afterFailure(classes.error);
  }

  /**
   * After a move: reads the plan, the rules (they name their classes by code) and the projects
   * (their overrides too) again, and carries the selection, the open branches and the rule
   * shown over to the new codes.
   */
  async moved(renames: readonly CodeChange[]): Promise<void> {
    const [classes, rules] = await Promise.all([api.listClasses(), api.listRules()]);
    const rename = renamer(renames);
    this.expanded = new Set([...this.expanded].map(rename));
    this.shownRule = Object.fromEntries(Object.entries(this.shownRule).map(([code, rule]) => [rename(code), rule]));
    if (this.selected !== null) this.selected = rename(this.selected);
    if (this.ask.class !== '') this.ask = { ...this.ask, class: rename(this.ask.class) };
    if (rules.ok) this.rules = Object.fromEntries(rules.value.map((rule) => [rule.number, rule]));
    else afterFailure(rules.error);
    if (classes.ok) this.setClasses(classes.value);
    else afterFailure(classes.error);
    if (this.projects !== null) await this.loadProjects();
  }

  /** Fetches one rule the cache lacks (a class may name a rule added since the list was read). */
  async fetchRule(number: string): Promise<CommandError | null> {
    const rule = await api.getRule(number);
    if (!rule.ok) {
      afterFailure(rule.error);
      return rule.error;
    }
    this.putRule(rule.value);
    return null;
  }

  putRule(rule: RetentionRule): void {
    this.rules = { ...this.rules, [rule.number]: rule };
  }

  putClass(cls: PlanClass): void {
    if (!this.classes) return;
    this.classes = this.classes.map((c) => (c.id === cls.id ? cls : c));
  }

  async loadProjects(): Promise<void> {
    this.projectsLoading = true;
    const projects = await api.listProjects();
    this.projectsLoading = false;
    if (projects.ok) {
      this.projects = projects.value;
      this.projectsError = null;
    } else {
      this.projectsError = projects.error;
      afterFailure(projects.error);
    }
  }

  putProject(project: Project): void {
    const others = (this.projects ?? []).filter((p) => p.code !== project.code);
    this.projects = [...others, project].sort((a, b) => a.code.localeCompare(b.code));
  }

  /** Opens the explain view on a class (and a rule, a project…). */
  explain(ask: Partial<ExplainAsk>): void {
    this.ask = { ...EMPTY_ASK, ...ask };
    this.tab = 'explain';
  }

  /** Forgets everything: the session ended. */
  reset(): void {
    this.classes = null;
    this.rules = {};
    this.loadError = null;
    this.projects = null;
    this.projectsError = null;
    this.tab = 'classes';
    this.selected = null;
    this.query = '';
    this.expanded = new Set();
    this.shownRule = {};
    this.selectedProject = null;
    this.showClosedProjects = true;
    this.ask = { ...EMPTY_ASK };
  }

  private setClasses(classes: PlanClass[]): void {
    this.classes = classes;
    if (this.selected !== null && !classes.some((c) => c.code === this.selected)) this.selected = null;
  }

  private failed(error: CommandError): void {
    this.loadError = error;
    afterFailure(error);
  }
}

export const plan = new PlanStore();
