// The fake shell's classification plan, retention schedule and projects (see fake-shell.ts).
// The real BAnQ schedule is read from the repository (crates/core/tests/data) and parsed here
// the way the core's XML import reads it, so the harness shows real data.
//   plan = banq (default) | sample (a small bilingual hierarchy) | big (2,000 classes) | empty
// Moving a class and editing a project change the register's files too: fake-shell.ts does
// that part through the fake register's own commands (prepareMove, prepareProjectEdit).
import banqXml from '../../crates/core/tests/data/retention-schedule-banq.xml?raw';
import { continuesCode, isClassCode } from '../src/lib/plan/classForm';
import { renamedCode } from '../src/lib/plan/move';
import type {
  ClassDraft,
  CodeChange,
  CopyKind,
  CopyRule,
  Disposition,
  Explanation,
  ExplainQuery,
  ExplanationStep,
  ImportReport,
  NewOverride,
  NewProject,
  Period,
  Permission,
  PlanClass,
  Project,
  ProjectEdit,
  ProjectEditReport,
  RetentionRule,
  RuleContent,
  RuleRevision,
  Sensitivity,
} from '../src/lib/types';

type Lang = 'fr' | 'en';

export interface PlanContext {
  lang: () => Lang;
  user: () => string;
  /** Whether the signed-in session has `permission` (the moves and project edits check it). */
  can: (permission: Permission) => boolean;
  /** Whether `username` may own a project: an active user, or `current`, the owner it has. */
  mayOwn: (username: string, current: string | null) => boolean;
}

/** The core's `Vault::require` for the plan's newer commands. */
function requirePlan(ctx: PlanContext): void {
  if (ctx.can('manage_plan')) return;
  reject(
    'permission_denied',
    'Permission refusée : il faut la permission « manage_plan », que votre rôle n’a pas. Adressez-vous à un administrateur.',
    'Permission denied: this needs the "manage_plan" permission, which your role does not have. Ask an administrator.',
    ctx.lang(),
  );
}

/** A failure the way the real shell sends it. */
function reject(code: string, fr: string, en: string, lang: Lang): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  throw { code, message: lang === 'fr' ? fr : en };
}

// ----- codes and tree order (the core's compare_codes and tree) -----

function chunks(code: string): [boolean, string][] {
  const out: [boolean, string][] = [];
  for (const c of code) {
    const digit = /\d/.test(c);
    const last = out[out.length - 1];
    if (last?.[0] === digit) last[1] += c.toUpperCase();
    else out.push([digit, c.toUpperCase()]);
  }
  return out;
}

export function compareCodes(a: string, b: string): number {
  const [l, r] = [chunks(a), chunks(b)];
  for (let i = 0; i < Math.min(l.length, r.length); i += 1) {
    const [ld, lt] = l[i] ?? [false, ''];
    const [rd, rt] = r[i] ?? [false, ''];
    let order: number;
    if (ld && rd) {
      const [x, y] = [lt.replace(/^0+/, ''), rt.replace(/^0+/, '')];
      order = x.length - y.length || (x < y ? -1 : x > y ? 1 : 0) || lt.length - rt.length;
    } else {
      order = lt < rt ? -1 : lt > rt ? 1 : 0;
    }
    if (order !== 0) return order;
  }
  return l.length - r.length || (a < b ? -1 : a > b ? 1 : 0);
}

type StoredClass = Omit<PlanClass, 'depth' | 'rules'>;

const state = {
  classes: [] as StoredClass[],
  rules: new Map<string, RetentionRule>(),
  projects: [] as Project[],
  nextClassId: 1,
  nextOverrideId: 1,
};

function rulesOf(code: string): string[] {
  const out: string[] = [];
  for (const rule of [...state.rules.values()].sort((a, b) => a.number.localeCompare(b.number))) {
    const current = rule.versions.at(-1);
    if (current?.content.classes.some((c) => c.toUpperCase() === code.toUpperCase())) out.push(rule.number);
  }
  return out;
}

/** The plan in tree order, each class followed by its subclasses, siblings by code. */
export function listClasses(): PlanClass[] {
  const children = new Map<string | null, StoredClass[]>();
  for (const cls of state.classes) {
    const key = cls.parent;
    children.set(key, [...(children.get(key) ?? []), cls]);
  }
  for (const list of children.values()) list.sort((a, b) => compareCodes(a.code, b.code));
  const out: PlanClass[] = [];
  const walk = (parent: string | null, depth: number): void => {
    for (const cls of children.get(parent) ?? []) {
      out.push({ ...cls, depth, rules: rulesOf(cls.code) });
      walk(cls.code, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

function findClass(code: string): StoredClass | undefined {
  return state.classes.find((c) => c.code.toUpperCase() === code.trim().toUpperCase());
}

function classOut(code: string): PlanClass {
  const found = listClasses().find((c) => c.code === code);
  if (!found) throw new Error(`no class ${code}`);
  return found;
}

function addStoredClass(draft: ClassDraft): StoredClass {
  const cls: StoredClass = {
    id: state.nextClassId++,
    code: draft.code,
    parent: draft.parent,
    titleFr: draft.titleFr,
    titleEn: draft.titleEn,
    scopeNoteFr: draft.scopeNoteFr,
    scopeNoteEn: draft.scopeNoteEn,
    examples: draft.examples,
    active: true,
  };
  state.classes.push(cls);
  return cls;
}

// ----- the XML exchange format -----

function periodOf(text: string): Period {
  const n = Number(text.trim());
  if (n === 888) return { unit: 'until_event' };
  if (n === 999) return { unit: 'while_in_use' };
  return { unit: 'years', count: n };
}

const DISPOSITIONS: Record<string, Disposition> = { C: 'keep', D: 'destroy', T: 'sort' };

function parseSchedule(xml: string): { number: string; content: RuleContent }[] {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const text = (parent: Element, name: string): string =>
    parent.querySelector(`:scope > ${name}`)?.textContent.trim() ?? '';
  const orNull = (value: string): string | null => (value === '' ? null : value);
  const flag = (value: string): boolean | null => (value === 'O' ? true : value === 'N' ? false : null);
  return [...doc.querySelectorAll('ROWSET > ROW')].map((row) => {
    const copies: CopyRule[] = [...row.querySelectorAll(':scope > DELAI > DELAI_ROW')].map((d) => ({
      kind: text(d, 'TYPEDOSS') === 'S' ? 'secondary' : 'principal',
      delayNumber: orNull(text(d, 'NUMDELAI')),
      media: text(d, 'SUPPDOSS'),
      active: periodOf(text(d, 'PERIOACTIF')),
      semiActive: periodOf(text(d, 'PERIOSMACT')),
      disposition: DISPOSITIONS[text(d, 'ID_REF_DISPOSITION').toUpperCase()] ?? 'keep',
      mediaRemark: orNull(text(d, 'REM_SUPPDOSS')),
      activeRemark: orNull(text(d, 'REM_PERIOACTIF')),
      semiActiveRemark: orNull(text(d, 'REM_PERIOSMACT')),
      dispositionRemark: orNull(text(d, 'REM_DISPOINACT')),
    }));
    return {
      number: text(row, 'NUMREGLE'),
      content: {
        organisationId: text(row, 'ID_ORGANISME'),
        transactionType: text(row, 'TYPE_TRANS'),
        collection: text(row, 'RECUEIL'),
        collectionNumber: text(row, 'NO_RECUEIL'),
        seriesTitle: text(row, 'TITRESER'),
        description: text(row, 'DESCSERIE'),
        processActivity: text(row, 'PROCACTIVI'),
        holdingUnits: text(row, 'NOMUNITE'),
        documentTypes: text(row, 'TYPESDOC'),
        legalReference: text(row, 'REFLEGALE'),
        essential: flag(text(row, 'DOCUMESSEN')),
        confidential: flag(text(row, 'DOCUMCONFI')),
        periodRemarks: text(row, 'REMARQDELA'),
        generalRemarks: text(row, 'REMARQGEN'),
        grillechan: text(row, 'GRILLECHAN'),
        classes: text(row, 'CODECLASS')
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
        trigger: { event: 'file_closed' },
        copies,
      },
    };
  });
}

function today(): string {
  const now = new Date();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function importRules(rows: { number: string; content: RuleContent }[], author: string): ImportReport {
  const report: ImportReport = {
    rules: rows.length,
    copies: rows.reduce((n, r) => n + r.content.copies.length, 0),
    created: 0,
    revised: 0,
    unchanged: 0,
    classesCreated: 0,
  };
  const at = new Date().toISOString();
  for (const { number, content } of rows) {
    for (const code of content.classes) {
      if (!findClass(code)) {
        addStoredClass({ code, parent: null, titleFr: content.seriesTitle, titleEn: '', scopeNoteFr: '', scopeNoteEn: '', examples: '' });
        report.classesCreated += 1;
      }
    }
    const existing = state.rules.get(number);
    const current = existing?.versions.at(-1);
    if (!existing || !current) {
      state.rules.set(number, {
        number,
        versions: [{ version: 1, effectiveDate: today(), author, recordedAt: at, origin: 'import', note: '', content }],
      });
      report.created += 1;
    } else if (JSON.stringify(current.content) === JSON.stringify(content)) {
      report.unchanged += 1;
    } else {
      existing.versions.push({
        version: current.version + 1,
        effectiveDate: today() > current.effectiveDate ? today() : current.effectiveDate,
        author,
        recordedAt: at,
        origin: 'import',
        note: '',
        content,
      });
      report.revised += 1;
    }
  }
  return report;
}

// ----- the starting plans -----

const SAMPLE: [string, string | null, string, string, string?][] = [
  ['100', null, 'Administration générale', 'General administration', 'Documents sur la gestion générale de l’organisme.'],
  ['100-10', '100', 'Constitution et mission', 'Incorporation and mission'],
  ['100-20', '100', 'Conseil municipal', 'Municipal council', 'Séances, procès-verbaux et résolutions du conseil.'],
  ['100-20-05', '100-20', 'Procès-verbaux', 'Minutes'],
  ['100-20-10', '100-20', 'Résolutions et règlements', 'Resolutions and by-laws'],
  ['100-30', '100', 'Politiques et directives', 'Policies and directives'],
  ['200', null, 'Finances', 'Finance'],
  ['200-10', '200', 'Budget', 'Budget'],
  ['200-20', '200', 'Comptabilité', 'Accounting'],
  ['200-20-05', '200-20', 'Comptes fournisseurs', 'Accounts payable'],
  ['200-20-10', '200-20', 'Paie', 'Payroll'],
  ['300', null, 'Ressources humaines', 'Human resources'],
  ['300-10', '300', 'Dossiers des employés', 'Employee files', 'Un dossier par personne employée.'],
  ['300-20', '300', 'Recrutement', 'Recruitment'],
  ['400', null, 'Affaires juridiques', 'Legal affairs'],
  ['400-10', '400', 'Contrats et ententes', 'Contracts and agreements'],
  ['400-20', '400', 'Litiges', 'Litigation'],
  ['500', null, 'Services aux citoyens', 'Citizen services'],
  ['500-10', '500', 'Plaintes et requêtes', 'Complaints and requests'],
  ['500-20', '500', 'Demandes d’accès à l’information', 'Access to information requests'],
  ['600', null, 'Mandats d’expertise', 'Expert mandates', 'Dossiers des clients et des mandats confiés.'],
  ['600-10', '600', 'Dossiers clients', 'Client files'],
  ['600-20', '600', 'Rapports d’expertise', 'Expert reports'],
];

function sampleRule(number: string, title: string, classes: string[], active: Period, semi: Period, disposition: Disposition, extra: Partial<RuleContent> = {}): { number: string; content: RuleContent } {
  const copy = (kind: CopyKind, d: Disposition, s: Period): CopyRule => ({
    kind,
    delayNumber: null,
    media: 'PA,DM',
    active,
    semiActive: s,
    disposition: d,
    mediaRemark: null,
    activeRemark: null,
    semiActiveRemark: null,
    dispositionRemark: null,
  });
  return {
    number,
    content: {
      organisationId: '9999',
      transactionType: 'A',
      collection: '',
      collectionNumber: '',
      seriesTitle: title,
      description: '',
      processActivity: '',
      holdingUnits: 'Greffe',
      documentTypes: '',
      legalReference: '',
      essential: false,
      confidential: false,
      periodRemarks: '',
      generalRemarks: '',
      grillechan: 'N',
      classes,
      trigger: { event: 'file_closed' },
      copies: [copy('principal', disposition, semi), copy('secondary', 'destroy', { unit: 'years', count: 0 })],
      ...extra,
    },
  };
}

function loadSample(author: string): void {
  for (const [code, parent, fr, en, note] of SAMPLE) {
    addStoredClass({ code, parent, titleFr: fr, titleEn: en, scopeNoteFr: note ?? '', scopeNoteEn: '', examples: '' });
  }
  importRules(
    [
      sampleRule('1001', 'Procès-verbaux du conseil', ['100-20-05'], { unit: 'while_in_use' }, { unit: 'years', count: 0 }, 'keep', { legalReference: 'Loi sur les cités et villes, art. 83' }),
      sampleRule('1002', 'Résolutions et règlements', ['100-20-10'], { unit: 'while_in_use' }, { unit: 'years', count: 0 }, 'keep'),
      sampleRule('1003', 'Politiques', ['100-30', '100-10'], { unit: 'until_event' }, { unit: 'years', count: 5 }, 'sort', { periodRemarks: 'R1: Jusqu’au remplacement de la politique. R2: Conserver un exemplaire de chaque version.' }),
      sampleRule('2001', 'Budget', ['200-10'], { unit: 'years', count: 2 }, { unit: 'years', count: 5 }, 'keep'),
      sampleRule('2002', 'Comptes fournisseurs', ['200-20-05'], { unit: 'years', count: 2 }, { unit: 'years', count: 5 }, 'destroy', { legalReference: 'Loi sur l’administration fiscale, art. 35' }),
      sampleRule('2003', 'Paie', ['200-20-10'], { unit: 'years', count: 1 }, { unit: 'years', count: 6 }, 'destroy'),
      sampleRule('3001', 'Dossiers des employés', ['300-10'], { unit: 'until_event' }, { unit: 'years', count: 7 }, 'sort', { trigger: { event: 'contract_ended' } }),
      sampleRule('3002', 'Recrutement', ['300-20'], { unit: 'months', count: 6 }, { unit: 'years', count: 1 }, 'destroy'),
      sampleRule('4001', 'Contrats', ['400-10'], { unit: 'until_event' }, { unit: 'years', count: 10 }, 'destroy', { trigger: { event: 'contract_ended' } }),
      sampleRule('5001', 'Demandes d’accès', ['500-20'], { unit: 'years', count: 1 }, { unit: 'years', count: 2 }, 'destroy'),
      sampleRule('6001', 'Dossiers clients', ['600-10', '600-20'], { unit: 'until_event' }, { unit: 'years', count: 5 }, 'destroy', { trigger: { event: 'file_date', field: 'fin du mandat' } }),
    ],
    author,
  );
}

function loadBig(): void {
  for (let a = 1; a <= 10; a += 1) {
    const top = `${a}00`;
    addStoredClass({ code: top, parent: null, titleFr: `Fonction ${a}`, titleEn: `Function ${a}`, scopeNoteFr: '', scopeNoteEn: '', examples: '' });
    for (let b = 1; b <= 10; b += 1) {
      const mid = `${top}-${b * 10}`;
      addStoredClass({ code: mid, parent: top, titleFr: `Activité ${a}.${b} — règlement et suivi`, titleEn: `Activity ${a}.${b}`, scopeNoteFr: '', scopeNoteEn: '', examples: '' });
      for (let c = 1; c <= 19; c += 1) {
        const leaf = `${mid}-${String(c).padStart(2, '0')}`;
        addStoredClass({ code: leaf, parent: mid, titleFr: `Dossier ${a}.${b}.${c} — éléments de gestion`, titleEn: '', scopeNoteFr: '', scopeNoteEn: '', examples: '' });
      }
    }
  }
}

function seedProjects(author: string): void {
  const withRule = listClasses().filter((c) => c.rules.length === 1);
  const first = withRule[0]?.code ?? null;
  const second = withRule[3]?.code ?? null;
  const at = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString();
  state.projects = [
    {
      code: 'CLI-0142',
      name: 'Mandat d’expertise — Hydro-Sud',
      owner: 'mtremblay',
      sensitivity: 'confidential',
      active: true,
      createdAt: at(40),
      overrides: [
        {
          id: state.nextOverrideId++,
          class: first,
          sensitivity: null,
          replacement: { active: null, semiActive: { unit: 'years', count: 10 }, disposition: null },
          reason: 'Le contrat du client exige dix ans de conservation après la fin du mandat.',
          author,
          createdAt: at(39),
          withdrawnAt: null,
        },
        {
          id: state.nextOverrideId++,
          class: null,
          sensitivity: 'personal',
          replacement: { active: null, semiActive: { unit: 'years', count: 2 }, disposition: 'destroy' },
          reason: 'Renseignements personnels : détruire dès que la fin visée est accomplie.',
          author,
          createdAt: at(30),
          withdrawnAt: null,
        },
        {
          id: state.nextOverrideId++,
          class: second,
          sensitivity: 'confidential',
          replacement: { active: null, semiActive: null, disposition: 'keep' },
          reason: 'Versement aux archives du client demandé puis abandonné.',
          author,
          createdAt: at(20),
          withdrawnAt: at(5),
        },
      ],
    },
    {
      code: 'PRG-SUBV',
      name: 'Programme de subventions aux organismes',
      owner: 'hcote',
      sensitivity: 'internal',
      active: true,
      createdAt: at(90),
      overrides: [],
    },
  ];
}

export function setUp(kind: string, author: string): void {
  if (kind === 'empty') return;
  if (kind === 'sample') loadSample(author);
  else if (kind === 'big') loadBig();
  else importRules(parseSchedule(banqXml), author);
  seedProjects(author);
}

// ----- the commands -----

/** For the fake register (fake-register.ts): a file's calendar explained, and the projects. */
export function explainFor(query: ExplainQuery, lang: Lang): Explanation {
  return explain(query, lang);
}

export function projectsOf(): readonly Project[] {
  return state.projects;
}

function explain(query: ExplainQuery, lang: Lang): Explanation {
  const cls = listClasses().find((c) => c.code.toUpperCase() === query.class.trim().toUpperCase());
  if (!cls) reject('unknown_class', `Le plan n’a pas de classe ${query.class}.`, `The plan has no class ${query.class}.`, lang);
  let number: string;
  if (query.rule) {
    if (!cls.rules.includes(query.rule)) {
      reject('rule_ambiguous', `La règle ${query.rule} ne s’applique pas à la classe ${cls.code}.`, `The rule ${query.rule} does not apply to the class ${cls.code}.`, lang);
    }
    number = query.rule;
  } else if (cls.rules.length === 1 && cls.rules[0]) {
    number = cls.rules[0];
  } else if (cls.rules.length === 0) {
    reject('class_has_no_rule', `La classe ${cls.code} n’a pas de règle de conservation : donnez-lui-en une (une règle dont les classes la nomment) avant de demander laquelle s’applique.`, `The class ${cls.code} has no retention rule: give it one (a rule whose classes name it) before asking which rule applies.`, lang);
  } else {
    reject('rule_ambiguous', `Plusieurs règles s’appliquent à la classe ${cls.code} (${cls.rules.join(', ')}) : nommez celle que vous voulez.`, `Several rules apply to the class ${cls.code} (${cls.rules.join(', ')}): name the one you mean.`, lang);
  }
  const rule = state.rules.get(number);
  const version = rule?.versions.at(-1);
  if (!rule || !version) reject('unknown_rule', `Pas de règle ${number}.`, `No rule ${number}.`, lang);
  const kind = query.copy ?? 'principal';
  const copy = version.content.copies.find((c) => c.kind === kind);
  if (!copy) reject('unknown_rule', `La règle ${number} n’a pas d’exemplaire ${kind === 'principal' ? 'principal' : 'secondaire'}.`, `The rule ${number} has no ${kind} copy.`, lang);
  const project = query.project ? state.projects.find((p) => p.code === query.project) : undefined;
  if (query.project && !project) reject('unknown_project', `Il n’y a pas de projet ${query.project}.`, `There is no project ${query.project}.`, lang);
  const sensitivity = query.sensitivity ?? project?.sensitivity ?? null;
  const chain: ExplanationStep[] = [
    {
      source: { kind: 'rule', number, version: version.version, effectiveDate: version.effectiveDate },
      replacement: { active: copy.active, semiActive: copy.semiActive, disposition: copy.disposition },
      decides: [],
    },
  ];
  if (project) {
    const specificity = (o: { class: string | null; sensitivity: Sensitivity | null }): number =>
      (o.class ? 2 : 0) + (o.sensitivity ? 1 : 0);
    const applicable = project.overrides
      .filter((o) => o.withdrawnAt === null)
      .filter((o) => o.class === null || o.class.toUpperCase() === cls.code.toUpperCase())
      .filter((o) => o.sensitivity === null || o.sensitivity === sensitivity)
      .sort((a, b) => specificity(a) - specificity(b));
    for (const o of applicable) {
      chain.push({
        source: { kind: 'project_override', project: project.code, id: o.id, class: o.class, sensitivity: o.sensitivity, reason: o.reason },
        replacement: o.replacement,
        decides: [],
      });
    }
  }
  // A file's own exception (a review decision) beats every other source.
  if (query.fileException) {
    chain.push({
      source: { kind: 'file_exception', reason: query.fileException.reason },
      replacement: query.fileException.replacement,
      decides: [],
    });
  }
  const deciders = [0, 0, 0];
  let active = copy.active;
  let semiActive = copy.semiActive;
  let disposition = copy.disposition;
  chain.forEach((step, index) => {
    if (step.replacement.active) {
      active = step.replacement.active;
      deciders[0] = index;
    }
    if (step.replacement.semiActive) {
      semiActive = step.replacement.semiActive;
      deciders[1] = index;
    }
    if (step.replacement.disposition) {
      disposition = step.replacement.disposition;
      deciders[2] = index;
    }
  });
  (['active', 'semi_active', 'disposition'] as const).forEach((field, i) => {
    chain[deciders[i] ?? 0]?.decides.push(field);
  });
  return { class: cls.code, project: project?.code ?? null, sensitivity, copy: kind, active, semiActive, disposition, trigger: version.content.trigger, chain };
}

function checkDraft(draft: ClassDraft, editing: string | null, lang: Lang): void {
  if (!isClassCode(draft.code)) {
    reject('class_code_invalid', `Le code de classe « ${draft.code} » n’est pas valide : utilisez de 1 à 32 lettres et chiffres, en groupes reliés par - ou . (comme 100-20-05 ou A120).`, `The class code “${draft.code}” is not valid: use 1 to 32 letters and digits, in groups joined by - or . (such as 100-20-05 or A120).`, lang);
  }
  const same = findClass(draft.code);
  if (same && same.code !== editing) {
    reject('class_code_taken', `Le plan a déjà une classe ${draft.code}. Choisissez un autre code, ou modifiez cette classe.`, `The plan already has a class ${draft.code}. Choose another code, or edit that class.`, lang);
  }
  if (draft.parent !== null) {
    const parent = findClass(draft.parent);
    if (!parent) reject('unknown_class', `Le plan n’a pas de classe ${draft.parent}.`, `The plan has no class ${draft.parent}.`, lang);
    if (!parent.active && parent.code !== findClass(editing ?? '')?.parent) {
      reject('class_parent_retired', `La classe ${parent.code} est retirée : on ne peut pas y ajouter de sous-classe.`, `The class ${parent.code} is retired: a new subclass cannot go under it.`, lang);
    }
    if (!continuesCode(draft.code, parent.code)) {
      reject('class_code_inconsistent', `Le code ${draft.code} ne prolonge pas celui de son parent ${parent.code} : le code d’une sous-classe commence par celui de son parent (100 > 100-20 > 100-20-05 ; codes positionnels comme A100 > A120 > A123). Changez le code ou choisissez un autre parent.`, `The code ${draft.code} does not continue its parent's code ${parent.code}: a child's code starts with its parent's (100 > 100-20 > 100-20-05; positional codes such as A100 > A120 > A123). Change the code or choose another parent.`, lang);
    }
  }
  if (draft.titleFr.trim() === '') reject('class_title_missing', `La classe ${draft.code} doit avoir un titre en français.`, `The class ${draft.code} needs a French title.`, lang);
}

// ----- moving a branch, editing and closing a project (the core's move_class, edit_project) -----

/** A move checked the way the core checks it; `apply` makes it. */
export interface PreparedMove {
  /** Every class of the branch, the moved one first, with its code before and after. */
  changes: CodeChange[];
  apply: () => void;
}

export function prepareMove(args: Record<string, unknown>, ctx: PlanContext): PreparedMove {
  const lang = ctx.lang();
  requirePlan(ctx);
  const plan = listClasses();
  const code = String(args.code).trim();
  const cls = plan.find((c) => c.code.toUpperCase() === code.toUpperCase());
  if (!cls) reject('unknown_class', `Le plan n’a pas de classe ${code}.`, `The plan has no class ${code}.`, lang);
  const newCode = String(args.newCode).trim();
  if (!isClassCode(newCode)) {
    reject('class_code_invalid', `Le code de classe « ${newCode} » n’est pas valide : utilisez de 1 à 32 lettres et chiffres, en groupes reliés par - ou . (comme 100-20-05 ou A120).`, `The class code “${newCode}” is not valid: use 1 to 32 letters and digits, in groups joined by - or . (such as 100-20-05 or A120).`, lang);
  }
  const wanted = typeof args.newParent === 'string' && args.newParent.trim() !== '' ? args.newParent.trim() : null;
  const parent = wanted === null ? null : plan.find((c) => c.code.toUpperCase() === wanted.toUpperCase());
  if (parent === undefined) reject('unknown_class', `Le plan n’a pas de classe ${String(wanted)}.`, `The plan has no class ${String(wanted)}.`, lang);
  // The branch: the class and what follows it in tree order, deeper than it.
  const start = plan.indexOf(cls);
  const after = plan.slice(start + 1).findIndex((c) => c.depth <= cls.depth);
  const branch = plan.slice(start, after === -1 ? plan.length : start + 1 + after);
  if (parent && branch.some((c) => c.id === parent.id)) {
    reject('class_move_into_own_branch', `La classe ${cls.code} ne peut pas être déplacée sous ${parent.code} : c’est la classe elle-même ou l’une de ses sous-classes. Choisissez un parent hors de la branche de ${cls.code}, ou aucun pour la placer au sommet du plan.`, `The class ${cls.code} cannot move under ${parent.code}: that is the class itself or one of its subclasses. Choose a parent outside the branch of ${cls.code}, or none to move it to the top of the plan.`, lang);
  }
  const sameParent = (cls.parent ?? '').toUpperCase() === (parent?.code ?? '').toUpperCase();
  if (sameParent && cls.code === newCode) {
    reject('class_move_unchanged', `La classe ${cls.code} a déjà ce code et ce parent : le déplacement ne change rien. Donnez un autre code ou un autre parent.`, `The class ${cls.code} already has that code and that parent: the move changes nothing. Give another code or another parent.`, lang);
  }
  if (parent) {
    if (!continuesCode(newCode, parent.code)) {
      reject('class_code_inconsistent', `Le code ${newCode} ne prolonge pas celui de son parent ${parent.code} : le code d’une sous-classe commence par celui de son parent (100 > 100-20 > 100-20-05 ; codes positionnels comme A100 > A120 > A123). Changez le code ou choisissez un autre parent.`, `The code ${newCode} does not continue its parent's code ${parent.code}: a child's code starts with its parent's (100 > 100-20 > 100-20-05; positional codes such as A100 > A120 > A123). Change the code or choose another parent.`, lang);
    }
    if (!parent.active && !sameParent) {
      reject('class_parent_retired', `La classe ${parent.code} est retirée : on ne peut pas y ajouter de sous-classe. Réactivez-la, ou choisissez un autre parent.`, `The class ${parent.code} is retired: a new subclass cannot go under it. Reactivate it, or choose another parent.`, lang);
    }
  }
  const renamed = new Map<string, string>();
  const changes: CodeChange[] = [];
  for (const member of branch) {
    let to = newCode;
    if (member.id !== cls.id) {
      const parentCode = member.parent === null ? '' : (renamed.get(member.parent) ?? '');
      const next = renamedCode(member.code, cls.code, newCode);
      if (next === null || !isClassCode(next) || !isClassCode(parentCode) || !continuesCode(next, parentCode)) {
        const shown = next ?? member.code;
        reject('class_code_inconsistent', `Le déplacement numéroterait la sous-classe ${member.code} « ${shown} », qui n’est pas un code valide sous ${parentCode} (32 caractères au plus, prolongeant le code de son parent). Choisissez un nouveau code dans le style des codes de la branche, ou renumérotez d’abord ${member.code}.`, `The move would number the subclass ${member.code} “${shown}”, which is not a valid code under ${parentCode} (at most 32 characters, continuing its parent's code). Choose a new code in the style of the branch's codes, or renumber ${member.code} first.`, lang);
      }
      to = next;
    }
    renamed.set(member.code, to);
    changes.push({ from: member.code, to });
  }
  const others = new Map(plan.filter((c) => !branch.includes(c)).map((c) => [c.code.toUpperCase(), c.code]));
  for (const change of changes) {
    const holder = others.get(change.to.toUpperCase());
    if (holder !== undefined) {
      reject('class_code_taken', `Le déplacement donnerait à la classe ${change.from} le code ${change.to}, que la classe ${holder} a déjà. Choisissez un autre code, ou déplacez ou renumérotez d’abord ${holder}.`, `The move would give the class ${change.from} the code ${change.to}, which the class ${holder} already has. Choose another new code, or move or renumber ${holder} first.`, lang);
    }
  }
  return {
    changes,
    apply: () => {
      const rename = (code: string): string => renamed.get(code) ?? code;
      for (const stored of state.classes) {
        if (stored.id === cls.id) stored.parent = parent?.code ?? null;
        else if (stored.parent !== null) stored.parent = rename(stored.parent);
        stored.code = rename(stored.code);
      }
      // The rules and the overrides name their classes by id in the core, so they follow.
      for (const rule of state.rules.values()) {
        for (const version of rule.versions) version.content.classes = version.content.classes.map(rename);
      }
      for (const project of state.projects) {
        for (const o of project.overrides) if (o.class !== null) o.class = rename(o.class);
      }
    },
  };
}

/** An edit of a project checked the way the core checks it; `apply` makes it. */
export interface PreparedProjectEdit {
  before: Project;
  /** `false` when the edit changes nothing (the core then writes nothing). */
  changes: boolean;
  apply: () => ProjectEditReport;
}

export function prepareProjectEdit(args: Record<string, unknown>, ctx: PlanContext): PreparedProjectEdit {
  const lang = ctx.lang();
  requirePlan(ctx);
  const project = findProject(String(args.code), lang);
  const edit = args.edit as ProjectEdit;
  const name = edit.name.trim();
  const owner = edit.owner.trim();
  if (name === '') reject('project_name_missing', `Le projet ${project.code} doit avoir un nom.`, `The project ${project.code} needs a name.`, lang);
  if (!ctx.mayOwn(owner, project.owner)) {
    reject('unknown_user', `Aucun utilisateur actif ${owner} ne peut être responsable du projet. Vérifiez le nom avec \`greffier user list\`.`, `There is no active user ${owner} to own the project. Check the name with \`greffier user list\`.`, lang);
  }
  const before: Project = JSON.parse(JSON.stringify(project)) as Project;
  const changes = name !== project.name || owner !== project.owner || edit.sensitivity !== project.sensitivity;
  return {
    before,
    changes,
    apply: () => {
      Object.assign(project, { name, owner, sensitivity: edit.sensitivity });
      return { project, filesSensitivityChanged: 0, filesHeld: 0, filesRecomputed: 0 };
    },
  };
}

function findProject(code: string, lang: Lang): Project {
  const project = state.projects.find((p) => p.code.toUpperCase() === code.trim().toUpperCase());
  if (!project) {
    reject('unknown_project', `Il n’y a pas de projet ${code}. Vérifiez le code avec \`greffier project list\`.`, `There is no project ${code}. Check the code with \`greffier project list\`.`, lang);
  }
  return project;
}

/** The core's refusal of a new file in a closed project (`project_closed`). */
export function refuseClosedProject(code: string, lang: Lang): void {
  const project = state.projects.find((p) => p.code.toUpperCase() === code.trim().toUpperCase());
  if (!project || project.active) return;
  reject('project_closed', `Le projet ${project.code} est fermé : on ne peut plus y classer de dossier. Rouvrez-le (\`greffier project reopen ${project.code}\`) ou choisissez un autre projet.`, `The project ${project.code} is closed: no file can be filed in it. Reopen it (\`greffier project reopen ${project.code}\`) or choose another project.`, lang);
}

const BAD_CSV_FR = `Le fichier a 3 problèmes ; rien n’a été importé. Corrigez-les et importez-le de nouveau :
  - ligne 4, colonne « parent » : la classe 100-90 n’est ni dans le plan ni plus haut dans le fichier ; ajoutez-la d’abord ou corrigez le code
  - ligne 7, colonne « code » : la classe 200-20 est déjà à la ligne 6 ; donnez à chaque classe une seule ligne
  - ligne 12, colonne « actif » : « 7 ans et demi » n’est pas une période : écrivez un nombre entier d’années, 888 ou 999`;
const BAD_CSV_EN = `The file has 3 problems; nothing was imported. Correct them and import it again:
  - row 4, column “parent”: the class 100-90 is neither in the plan nor higher up in the file; add it first or correct the code
  - row 7, column “code”: the class 200-20 is already on row 6; give each class one row
  - row 12, column “active”: “7 and a half years” is not a period: write a whole number of years, 888 or 999`;

export function answerPlan(cmd: string, args: Record<string, unknown>, ctx: PlanContext): { handled: boolean; value?: unknown } {
  const lang = ctx.lang();
  switch (cmd) {
    case 'list_classes':
      return { handled: true, value: listClasses() };
    case 'list_rules':
      return { handled: true, value: [...state.rules.values()].sort((a, b) => a.number.localeCompare(b.number)) };
    case 'get_rule': {
      const rule = state.rules.get(String(args.number));
      if (!rule) reject('unknown_rule', `Le calendrier n’a pas de règle ${String(args.number)}.`, `The schedule has no rule ${String(args.number)}.`, lang);
      return { handled: true, value: rule };
    }
    case 'revise_rule': {
      const number = String(args.number);
      const revision = args.revision as RuleRevision;
      const rule = state.rules.get(number);
      const current = rule?.versions.at(-1);
      if (!rule || !current) reject('unknown_rule', `Pas de règle ${number}.`, `No rule ${number}.`, lang);
      if (revision.effectiveDate < current.effectiveDate) {
        reject('effective_date_too_early', `Une nouvelle version de la règle ${number} ne peut pas entrer en vigueur le ${revision.effectiveDate}, avant sa version actuelle ${current.version} (${current.effectiveDate}). Donnez une date à partir du ${current.effectiveDate}.`, `A new version of rule ${number} cannot take effect on ${revision.effectiveDate}, before its current version ${current.version} (${current.effectiveDate}). Give a date on or after ${current.effectiveDate}.`, lang);
      }
      if (JSON.stringify(revision.content) === JSON.stringify(current.content)) {
        reject('rule_unchanged', `La révision de la règle ${number} ne change rien : elle dit exactement ce que dit la version en vigueur.`, `The revision of rule ${number} changes nothing: it says exactly what the current version says.`, lang);
      }
      rule.versions.push({
        version: current.version + 1,
        effectiveDate: revision.effectiveDate,
        author: ctx.user(),
        recordedAt: new Date().toISOString(),
        origin: 'revision',
        note: revision.note,
        content: revision.content,
      });
      return { handled: true, value: rule };
    }
    case 'add_class': {
      const draft = args.draft as ClassDraft;
      checkDraft(draft, null, lang);
      addStoredClass(draft);
      return { handled: true, value: classOut(draft.code) };
    }
    case 'edit_class': {
      const code = String(args.code);
      const draft = args.draft as ClassDraft;
      const cls = findClass(code);
      if (!cls) reject('unknown_class', `Le plan n’a pas de classe ${code}.`, `The plan has no class ${code}.`, lang);
      checkDraft(draft, cls.code, lang);
      for (const child of state.classes.filter((c) => c.parent === cls.code)) child.parent = draft.code;
      Object.assign(cls, draft);
      return { handled: true, value: classOut(cls.code) };
    }
    case 'move_class': {
      // Without the register (fake-shell.ts refiles the files): the plan's side only.
      const move = prepareMove(args, ctx);
      move.apply();
      return { handled: true, value: { classes: move.changes, files: 0 } };
    }
    case 'set_class_active': {
      const code = String(args.code);
      const cls = findClass(code);
      if (!cls) reject('unknown_class', `Le plan n’a pas de classe ${code}.`, `The plan has no class ${code}.`, lang);
      const child = state.classes.find((c) => c.parent === cls.code && c.active);
      if (!args.active && child) {
        reject('class_has_active_children', `La classe ${cls.code} a encore la sous-classe active ${child.code}. Retirez d’abord ses sous-classes.`, `The class ${cls.code} still has the active subclass ${child.code}. Retire its subclasses first.`, lang);
      }
      cls.active = Boolean(args.active);
      return { handled: true, value: classOut(cls.code) };
    }
    case 'import_plan': {
      const path = String(args.path);
      const extension = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
      if (!['xml', 'csv', 'xlsx'].includes(extension)) {
        reject('unsupported_format', `Greffier importe et exporte le plan en .xml (le format d’échange québécois), .csv ou .xlsx, et « ${extension} » n’est rien de cela. Enregistrez le fichier dans l’un de ces formats.`, `Greffier imports and exports the plan as .xml (the Quebec exchange format), .csv or .xlsx, and “${extension}” is none of them. Save the file in one of these formats.`, lang);
      }
      if (path.includes('missing')) {
        reject('io', `Impossible de lire ${path} : fichier introuvable.`, `Could not read ${path}: no such file.`, lang);
      }
      if (path.includes('bad')) reject('plan_file_invalid', BAD_CSV_FR, BAD_CSV_EN, lang);
      if (extension === 'xml') return { handled: true, value: importRules(parseSchedule(banqXml), ctx.user()) };
      const before = state.classes.length;
      loadSample(ctx.user());
      return { handled: true, value: { rules: 11, copies: 22, created: 11, revised: 0, unchanged: 0, classesCreated: state.classes.length - before, classesUpdated: 0 } };
    }
    case 'export_plan':
      if (String(args.path).includes('readonly')) {
        reject('io', `Impossible d’écrire ${String(args.path)} : permission refusée.`, `Could not write ${String(args.path)}: permission denied.`, lang);
      }
      return { handled: true, value: null };
    case 'list_projects':
      return { handled: true, value: [...state.projects].sort((a, b) => a.code.localeCompare(b.code)) };
    case 'add_project': {
      const input = args.project as NewProject;
      if (state.projects.some((p) => p.code.toUpperCase() === input.code.toUpperCase())) {
        reject('project_code_taken', `Il y a déjà un projet ${input.code}. Choisissez un autre code.`, `There is already a project ${input.code}. Choose another code.`, lang);
      }
      const project: Project = { ...input, active: true, createdAt: new Date().toISOString(), overrides: [] };
      state.projects.push(project);
      return { handled: true, value: project };
    }
    case 'edit_project': {
      const edit = prepareProjectEdit(args, ctx);
      return { handled: true, value: edit.changes ? edit.apply() : { project: edit.before, filesSensitivityChanged: 0, filesHeld: 0, filesRecomputed: 0 } };
    }
    case 'set_project_active': {
      requirePlan(ctx);
      const project = findProject(String(args.code), lang);
      project.active = Boolean(args.active);
      return { handled: true, value: project };
    }
    case 'add_override': {
      const project = state.projects.find((p) => p.code === args.project);
      const input = args.override as NewOverride;
      if (!project) reject('unknown_project', `Il n’y a pas de projet ${String(args.project)}.`, `There is no project ${String(args.project)}.`, lang);
      if (input.class !== null && !findClass(input.class)) {
        reject('unknown_class', `Le plan n’a pas de classe ${input.class}.`, `The plan has no class ${input.class}.`, lang);
      }
      project.overrides.push({
        id: state.nextOverrideId++,
        class: input.class === null ? null : (findClass(input.class)?.code ?? input.class),
        sensitivity: input.sensitivity,
        replacement: input.replacement,
        reason: input.reason,
        author: ctx.user(),
        createdAt: new Date().toISOString(),
        withdrawnAt: null,
      });
      return { handled: true, value: project };
    }
    case 'withdraw_override': {
      const project = state.projects.find((p) => p.code === args.project);
      const found = project?.overrides.find((o) => o.id === Number(args.id) && o.withdrawnAt === null);
      if (!project || !found) reject('unknown_override', `Pas de dérogation n° ${String(args.id)} en vigueur.`, `No override #${String(args.id)} in force.`, lang);
      found.withdrawnAt = new Date().toISOString();
      return { handled: true, value: project };
    }
    case 'explain':
      return { handled: true, value: explain(args.query as ExplainQuery, lang) };
    default:
      return { handled: false };
  }
}
