// The fake shell's file register (see fake-shell.ts): files with accents and long titles, persons
// with identifiers, the search syntax (words folded as the index folds them, "phrases",
// prefix*, -exclude, classe:/projet:/statut:/personne:/ref:/échéance:), facets, the sorts by
// column, snippets with UTF-8 byte offsets as tantivy gives them, due dates computed from the
// fake plan's explanation, imports with progress and cancel, exports; persons found as one types, attached to a file one at
// a time, edited and detached (a person no file needs any more is erased), with the core's
// refusals: a person already on the file, a key another person has, an identifier without a
// letter or digit, a purpose without text, no reason. A held file is refused by fake-shell.ts,
// which knows the holds.
//   register = demo (default: about forty files, and 84 closed ones falling due around today for the
//   destruction calendar) | big (a million: the table's speed) | empty
// An import of a path containing `bad` is refused with a list of problems; `missing` cannot be
// read; an export to a path containing `readonly` fails.
import type {
  Detached,
  DueDates,
  Explanation,
  FacetCount,
  FileDraft,
  FileFilter,
  FileHit,
  FilePerson,
  FileRecord,
  FileRow,
  FileSearchPage,
  FileStatus,
  Identifier,
  Period,
  Person,
  PersonEdit,
  PersonLink,
  RegisterImportReport,
  ReviewDecision,
  Sensitivity,
  Snippet,
  SortBy,
} from '../src/lib/types';
import { SENSITIVITIES } from '../src/lib/plan/format';
import { FILE_STATUSES } from '../src/lib/register/filter';
import { LINE_MAX, TEXT_MAX } from '../src/lib/limits';
import { explainFor, listClasses, projectsOf } from './fake-plan';

type Lang = 'fr' | 'en';

export interface RegisterContext {
  lang: () => Lang;
  emit: (event: string, payload: unknown) => void;
  cancelled: () => boolean;
  resetCancel: () => void;
  sleep: (ms: number) => Promise<unknown>;
}

function reject(code: string, fr: string, en: string, lang: Lang): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  throw { code, message: lang === 'fr' ? fr : en };
}

interface StoredPerson {
  id: number;
  key: string | null;
  lastName: string;
  firstName: string;
  birthDate: string | null;
  identifiers: Identifier[];
}

interface StoredFile {
  id: number;
  draft: FileDraft;
  status: FileStatus;
  persons: Omit<FilePerson, 'lastName' | 'firstName'>[];
  createdAt: string;
  updatedAt: string;
}

const state = {
  files: [] as StoredFile[],
  persons: [] as StoredPerson[],
  /** `big`: this many generated files come after the stored ones. */
  generated: 0,
  nextId: 1,
  nextPerson: 1,
};

// ----- folding, as the index folds words -----

/** Lower case, accents removed, one character at a time (so offsets map back to the text). */
function foldChar(char: string): string {
  return char.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function fold(text: string): string {
  let out = '';
  for (const char of text) out += foldChar(char);
  return out;
}

/** Words of a text with their UTF-16 start and end, folded. */
function words(text: string): { word: string; start: number; end: number }[] {
  const out: { word: string; start: number; end: number }[] = [];
  const pattern = /[\p{L}\p{N}]+/gu;
  for (const found of text.matchAll(pattern)) {
    const start = found.index;
    out.push({ word: fold(found[0]), start, end: start + found[0].length });
  }
  return out;
}

function utf8Offset(text: string, unit: number): number {
  return new TextEncoder().encode(text.slice(0, unit)).length;
}

// ----- the query -----

interface Term {
  negated: boolean;
  field: 'class' | 'project' | 'status' | 'person' | 'reference' | 'due' | 'sensitivity' | null;
  value: string;
  prefix: boolean;
  phrase: boolean;
}

const FIELDS: Record<string, Term['field']> = {
  classe: 'class',
  class: 'class',
  projet: 'project',
  project: 'project',
  statut: 'status',
  status: 'status',
  personne: 'person',
  person: 'person',
  ref: 'reference',
  reference: 'reference',
  référence: 'reference',
  echeance: 'due',
  échéance: 'due',
  due: 'due',
  sensibilite: 'sensitivity',
  sensibilité: 'sensitivity',
  sensitivity: 'sensitivity',
};

const STATUS_WORDS: Record<string, FileStatus> = {
  actif: 'active',
  active: 'active',
  semi_actif: 'semi_active',
  semi_active: 'semi_active',
  inactif: 'inactive',
  inactive: 'inactive',
};

function parseQuery(query: string, lang: Lang): Term[] {
  const terms: Term[] = [];
  const pattern = /(-?)(?:([\p{L}_]+):)?(?:"([^"]*)"|(\S+))/gu;
  for (const found of query.matchAll(pattern)) {
    const [, minus, name, quoted, bare] = found;
    const field = name ? FIELDS[name.toLowerCase()] : null;
    if (name && field === undefined) {
      reject('search_query_invalid', `La recherche ne connaît pas le champ « ${name} ».`, `The search has no field “${name}”.`, lang);
    }
    const raw = quoted ?? bare ?? '';
    const prefix = quoted === undefined && raw.endsWith('*') && raw.length > 1;
    terms.push({
      negated: minus === '-',
      field: field ?? null,
      value: fold(prefix ? raw.slice(0, -1) : raw),
      prefix,
      phrase: quoted !== undefined,
    });
  }
  return terms.filter((term) => term.value !== '');
}

// ----- files, generated and stored -----

const TITLES = [
  ['Contrat de déneigement des rues', 'Lévis'],
  ['Inspection des bâtiments municipaux', 'Québec'],
  ['Demande d’accès à l’information', 'Saint-Jérôme'],
  ['Entretien du réseau d’aqueduc', 'Trois-Rivières'],
  ['Subvention aux organismes communautaires', 'Rimouski'],
  ['Plainte au sujet du bruit', 'Sherbrooke'],
  ['Évaluation foncière', 'Gatineau'],
  ['Procès-verbal de la séance du conseil', 'Chicoutimi'],
];

const YEAR0 = 1996;

function classesWithRule(): string[] {
  return listClasses()
    .filter((c) => c.rules.length === 1 && c.active)
    .map((c) => c.code);
}

/** A class of the plan the harness runs with: `wanted` when it has a rule, else one that has. */
function classFor(wanted: string, salt: number): string {
  const codes = classesWithRule();
  if (codes.includes(wanted)) return wanted;
  return codes[salt % Math.max(1, codes.length)] ?? wanted;
}

function generatedDraft(index: number): { draft: FileDraft; status: FileStatus } {
  const [subject, town] = TITLES[index % TITLES.length] ?? ['Dossier', 'Québec'];
  const year = YEAR0 + (index % 30);
  const codes = classesWithRule();
  const closed = index % 3 !== 0;
  const month = String((index % 12) + 1).padStart(2, '0');
  return {
    draft: {
      reference: `D-${year}-${String(index).padStart(7, '0')}`,
      class: codes[index % Math.max(1, codes.length)] ?? '100',
      rule: null,
      project: null,
      title: `${subject} — ${town}`,
      description: '',
      keywords: [],
      dates: {
        openedOn: `${year}-${month}-01`,
        closedOn: closed ? `${year + 1}-${month}-15` : null,
        contractEndedOn: null,
        lastActivityOn: null,
        other: {},
      },
      holder: '',
      location: '',
      medium: 'paper',
      sensitivity: index % 7 === 0 ? 'personal' : 'internal',
      notes: '',
      exception: null,
    },
    status: closed ? 'semi_active' : 'active',
  };
}

function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

function addPeriod(date: string, period: Period): string | null {
  switch (period.unit) {
    case 'years':
      return addMonths(date, period.count * 12);
    case 'months':
      return addMonths(date, period.count);
    default:
      return null;
  }
}

/** The core's `due_dates`. */
function dueDates(explanation: Explanation, draft: FileDraft, birth: string | null): DueDates {
  const trigger = explanation.trigger;
  const dates = draft.dates;
  const start =
    trigger.event === 'file_closed'
      ? dates.closedOn
      : trigger.event === 'contract_ended'
        ? dates.contractEndedOn
        : trigger.event === 'last_activity'
          ? (dates.lastActivityOn ?? dates.closedOn)
          : trigger.event === 'birth_date'
            ? birth
            : trigger.event === 'file_date'
              ? (dates.other[trigger.field] ?? null)
              : trigger.date;
  if (start === null) {
    return { triggerDate: null, activeUntil: null, semiActiveUntil: null, disposition: explanation.disposition, waitingFor: { kind: 'event', event: trigger } };
  }
  const open = explanation.active.unit === 'until_event' || explanation.active.unit === 'while_in_use';
  const activeUntil = open ? start : addPeriod(start, explanation.active);
  const semiActiveUntil = activeUntil === null ? null : addPeriod(activeUntil, explanation.semiActive);
  const waitingFor =
    activeUntil === null
      ? ({ kind: 'open_period', period: explanation.active } as const)
      : semiActiveUntil === null
        ? ({ kind: 'open_period', period: explanation.semiActive } as const)
        : null;
  return { triggerDate: start, activeUntil, semiActiveUntil, disposition: explanation.disposition, waitingFor };
}

// Explanations by class, project and level: the fake plan computes each once.
const explained = new Map<string, Explanation>();

function explanationOf(draft: FileDraft, lang: Lang): Explanation {
  const key = `${draft.class}|${draft.rule ?? ''}|${draft.project ?? ''}|${draft.sensitivity ?? ''}|${lang}|${JSON.stringify(draft.exception)}`;
  let found = explained.get(key);
  if (!found) {
    found = explainFor(
      { class: draft.class, project: draft.project, sensitivity: draft.sensitivity, rule: draft.rule, copy: null, fileException: draft.exception },
      lang,
    );
    explained.set(key, found);
  }
  return found;
}

function birthOf(file: StoredFile): string | null {
  const dates = file.persons
    .map((p) => state.persons.find((s) => s.id === p.personId)?.birthDate ?? null)
    .filter((d): d is string => d !== null)
    .sort();
  return dates[0] ?? null;
}

function levelOf(draft: FileDraft): Sensitivity {
  return draft.sensitivity ?? projectsOf().find((p) => p.code === draft.project)?.sensitivity ?? 'internal';
}

function rowOf(id: number, draft: FileDraft, status: FileStatus, birth: string | null, lang: Lang): FileRow {
  const explanation = explanationOf(draft, lang);
  const due = dueDates(explanation, draft, birth);
  return {
    id,
    reference: draft.reference,
    class: draft.class,
    project: draft.project,
    title: draft.title,
    openedOn: draft.dates.openedOn,
    closedOn: draft.dates.closedOn,
    status,
    sensitivity: levelOf(draft),
    disposition: due.disposition,
    semiActiveUntil: due.semiActiveUntil,
  };
}

function recordOf(file: StoredFile, lang: Lang): FileRecord {
  const explanation = explanationOf(file.draft, lang);
  const cls = listClasses().find((c) => c.code === file.draft.class);
  const rule = explanation.chain[0]?.source;
  return {
    id: file.id,
    reference: file.draft.reference,
    class: file.draft.class,
    classTitleFr: cls?.titleFr ?? '',
    classTitleEn: cls?.titleEn ?? '',
    rule: rule?.kind === 'rule' ? rule.number : '',
    ruleVersion: rule?.kind === 'rule' ? rule.version : 1,
    project: file.draft.project,
    title: file.draft.title,
    description: file.draft.description,
    keywords: file.draft.keywords,
    dates: file.draft.dates,
    holder: file.draft.holder,
    location: file.draft.location,
    medium: file.draft.medium,
    sensitivity: levelOf(file.draft),
    status: file.status,
    notes: file.draft.notes,
    exception: file.draft.exception,
    due: dueDates(explanation, file.draft, birthOf(file)),
    explanation,
    persons: file.persons.map((p) => {
      const person = state.persons.find((s) => s.id === p.personId);
      return { ...p, lastName: person?.lastName ?? '', firstName: person?.firstName ?? '' };
    }),
    createdAt: file.createdAt,
    updatedAt: file.updatedAt,
  };
}

// ----- the demo register -----

function draft(partial: Partial<FileDraft> & Pick<FileDraft, 'reference' | 'class' | 'title'>): FileDraft {
  return {
    rule: null,
    project: null,
    description: '',
    keywords: [],
    holder: '',
    location: '',
    medium: 'paper',
    sensitivity: null,
    notes: '',
    exception: null,
    ...partial,
    dates: { openedOn: null, closedOn: null, contractEndedOn: null, lastActivityOn: null, other: {}, ...partial.dates },
  };
}

function person(key: string | null, lastName: string, firstName: string, birthDate: string | null, identifiers: Identifier[]): number {
  // Never reused: an erased person's number stays theirs (holds and the audit trail name it).
  const id = state.nextPerson++;
  state.persons.push({ id, key, lastName, firstName, birthDate, identifiers });
  return id;
}

function store(d: FileDraft, status: FileStatus, persons: StoredFile['persons'] = []): void {
  const stamp = '2026-03-12T15:20:00Z';
  state.files.push({ id: state.nextId++, draft: d, status, persons, createdAt: stamp, updatedAt: '2026-05-02T13:45:00Z' });
}

function seedDemo(): void {
  const zoe = person('E-0412', 'Bélanger', 'Zoé', '1985-07-14', [
    { kind: 'sin', value: '046 454 286' },
    { kind: 'employee_number', value: 'E-0412' },
  ]);
  const eloise = person('C-2231', 'Lévesque-Gagnon', 'Éloïse', '1979-02-03', [{ kind: 'health_insurance', value: 'LEVE 7902 0312' }]);
  const francois = person(null, 'Côté', 'François', null, []);
  const louis = person(null, 'Bélanger', 'Louis', '1952-11-30', [{ kind: 'driver_licence', value: 'B4521-301152-07' }]);

  store(
    draft({
      reference: 'D-2019-0042',
      class: classFor('200-20-05', 1),
      title: 'Électricité à Québec : contrat de service pour l’éclairage des rues et des parcs du secteur Limoilou',
      description: 'Contrat de service avec Hydro-Québec pour l’entretien de l’éclairage public, avec les bons de commande et les factures mensuelles.',
      keywords: ['éclairage', 'Hydro-Québec', 'Limoilou'],
      dates: { openedOn: '2019-02-11', closedOn: '2021-12-17', contractEndedOn: null, lastActivityOn: null, other: {} },
      holder: 'Service des travaux publics',
      location: 'Hôtel de ville, salle 214, boîte 37',
      medium: 'hybrid',
    }),
    'semi_active',
  );
  store(
    draft({
      reference: 'RH-2010-0007',
      class: classFor('300-10', 2),
      title: 'Dossier de l’employée Zoé Bélanger',
      description: 'Embauche, évaluations annuelles, formations et mutation au Service de l’urbanisme (Québec).',
      dates: { openedOn: '2010-05-01', closedOn: null, contractEndedOn: '2024-06-30', lastActivityOn: null, other: {} },
      holder: 'Ressources humaines',
      location: 'Classeur RH-3, tiroir 2',
      sensitivity: 'personal',
    }),
    'semi_active',
    [
      {
        personId: zoe,
        categories: ['sin', 'employment', 'date_of_birth', 'health'],
        purposes: [
          { purpose: 'Gestion du dossier d’emploi', consent: 'given', consentDate: '2010-05-01', consentSource: 'formulaire d’embauche papier' },
          { purpose: 'Assurance collective', consent: 'not_required', consentDate: null, consentSource: '' },
        ],
      },
    ],
  );
  store(
    draft({
      reference: 'AI-2024-0311',
      class: classFor('500-20', 3),
      title: 'Demande d’accès de Mme Lévesque-Gagnon aux rapports d’inspection de son immeuble',
      description: 'Demande reçue le 4 mars 2024 ; réponse partielle, renseignements de tiers masqués. Québec, arrondissement de la Cité.',
      dates: { openedOn: '2024-03-04', closedOn: '2024-04-02', contractEndedOn: null, lastActivityOn: null, other: {} },
      sensitivity: 'personal',
      medium: 'digital',
    }),
    'semi_active',
    [
      {
        personId: eloise,
        categories: ['contact', 'health_insurance_number'],
        purposes: [{ purpose: 'Traitement de la demande d’accès', consent: 'not_required', consentDate: null, consentSource: 'Loi sur l’accès, art. 9' }],
      },
      {
        personId: louis,
        categories: ['contact'],
        purposes: [{ purpose: 'Renseignements d’un tiers, masqués dans la réponse', consent: 'refused', consentDate: '2024-03-18', consentSource: 'lettre du tiers' }],
      },
    ],
  );
  store(
    draft({
      reference: 'CLI-0142-001',
      class: classFor('600-10', 4),
      project: projectsOf()[0]?.code ?? null,
      title: 'Expertise du barrage de la rivière Etchemin — relevés, calculs et rapport final',
      description: 'Relevés sur le terrain, notes de calcul et rapport final remis au client.',
      dates: { openedOn: '2023-09-18', closedOn: null, contractEndedOn: null, lastActivityOn: null, other: {} },
      medium: 'digital',
    }),
    'active',
    [{ personId: francois, categories: ['contact'], purposes: [] }],
  );
  store(
    draft({
      reference: 'CM-2022-0118',
      class: classFor('100-20-05', 5),
      title: 'Procès-verbal de la séance ordinaire du conseil du 12 décembre 2022',
      dates: { openedOn: '2022-12-12', closedOn: '2022-12-20', contractEndedOn: null, lastActivityOn: null, other: {} },
    }),
    'inactive',
  );
  store(
    draft({
      reference: 'POL-2016-003',
      class: classFor('100-30', 6),
      title: 'Politique de gestion documentaire',
      description: 'Version 3 adoptée par le conseil ; remplace la version de 2011.',
      dates: { openedOn: '2016-01-15', closedOn: null, contractEndedOn: null, lastActivityOn: null, other: {} },
    }),
    'active',
  );
  for (let i = 0; i < 34; i += 1) {
    const { draft: d, status } = generatedDraft(i * 7919 + 13);
    store({ ...d, reference: `D-${d.dates.openedOn?.slice(0, 4) ?? '2000'}-${String(100 + i).padStart(4, '0')}` }, status);
  }
  seedDue();
}

/** How many files a month of the calendar gets, from eight months ago on (fiscal year ends, December and March, weigh more). */
const DUE_PER_MONTH = [2, 1, 3, 2, 0, 4, 2, 1, 5, 3, 2, 6, 1, 3, 2, 4, 0, 2, 7, 3, 1, 2, 4, 1, 3, 5, 2, 1, 3, 0, 2, 4, 1, 2];

/** Months of a period counted in months (`null`: not a length, e.g. 999 while in use). */
function monthsOf(period: Period): number | null {
  if (period.unit === 'years') return period.count * 12;
  if (period.unit === 'months') return period.count;
  return null;
}

/**
 * Closed files whose final disposition falls in the months around today, so that the
 * destruction calendar (fake-disposition.ts) has something to show: each file is closed on the
 * day that makes its class rule's periods end on the wanted date. Destruction, transfer and
 * review in about the proportions of a municipal schedule; one file in six in a project.
 */
function seedDue(): void {
  const now = new Date();
  const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-01`;
  const byDisposition = new Map<string, string[]>();
  for (const code of classesWithRule()) {
    const e = explanationOf(draft({ reference: 'x', class: code, title: 'x' }), 'fr');
    if (e.trigger.event !== 'file_closed' || monthsOf(e.active) === null || monthsOf(e.semiActive) === null) continue;
    byDisposition.set(e.disposition, [...(byDisposition.get(e.disposition) ?? []), code]);
  }
  const pick = (i: number): string | undefined => {
    const wanted = i % 10 < 6 ? 'destroy' : i % 10 < 8 ? 'keep' : 'sort';
    const codes = byDisposition.get(wanted) ?? byDisposition.get('destroy') ?? [...byDisposition.values()][0] ?? [];
    return codes[(i * 7) % Math.max(1, codes.length)];
  };
  const project = projectsOf()[0]?.code ?? null;
  let n = 0;
  DUE_PER_MONTH.forEach((count, month) => {
    for (let k = 0; k < count; k += 1) {
      const code = pick(n);
      if (code === undefined) return;
      const base = draft({ reference: 'x', class: code, title: 'x', project: n % 6 === 5 ? project : null });
      const e = explanationOf(base, 'fr');
      const length = (monthsOf(e.active) ?? 0) + (monthsOf(e.semiActive) ?? 0);
      const day = String(1 + ((n * 11) % 28)).padStart(2, '0');
      const due = `${addMonths(today, month - 8).slice(0, 8)}${day}`;
      const closedOn = addMonths(due, -length);
      const opened = addMonths(closedOn, -(14 + (n % 30)));
      const [subject, town] = TITLES[n % TITLES.length] ?? ['Dossier', 'Québec'];
      store(
        {
          ...base,
          reference: `D-${closedOn.slice(0, 4)}-${String(200 + n).padStart(4, '0')}`,
          title: `${subject} — ${town}`,
          dates: { openedOn: opened, closedOn, contractEndedOn: null, lastActivityOn: null, other: {} },
          sensitivity: n % 9 === 4 ? 'confidential' : null,
        },
        'semi_active',
      );
      n += 1;
    }
  });
}

export function setUpRegister(kind: string): void {
  if (kind === 'empty') return;
  seedDemo();
  if (kind === 'big') state.generated = 1_000_000 - state.files.length;
}

// ----- search -----

interface Candidate {
  id: number;
  draft: FileDraft;
  status: FileStatus;
  persons: StoredPerson[];
  birth: string | null;
}

function candidate(index: number): Candidate {
  const stored = state.files[index];
  if (stored) {
    const persons = stored.persons
      .map((p) => state.persons.find((s) => s.id === p.personId))
      .filter((p): p is StoredPerson => p !== undefined);
    return { id: stored.id, draft: stored.draft, status: stored.status, persons, birth: birthOf(stored) };
  }
  const { draft: d, status } = generatedDraft(index);
  return { id: 1_000_000 + index, draft: d, status, persons: [], birth: null };
}

function count(): number {
  return state.files.length + state.generated;
}

function textOf(c: Candidate): string {
  return [c.draft.reference, c.draft.title, c.draft.description, c.draft.keywords.join(' '), c.draft.notes, c.draft.holder, c.draft.location].join(' ');
}

function personText(c: Candidate): string {
  return c.persons.map((p) => `${p.lastName} ${p.firstName} ${p.birthDate ?? ''} ${p.identifiers.map((i) => i.value.replace(/[\s-]/g, '')).join(' ')}`).join(' ');
}

function classMatches(code: string, wanted: string): boolean {
  const c = code.toLowerCase();
  return c === wanted || c.startsWith(`${wanted}-`) || c.startsWith(`${wanted}.`);
}

function dueOf(c: Candidate, lang: Lang): string {
  const due = dueDates(explanationOf(c.draft, lang), c.draft, c.birth);
  return due.semiActiveUntil?.slice(0, 4) ?? 'pending';
}

function termMatches(term: Term, c: Candidate, lang: Lang): boolean {
  const value = term.value;
  const hasWord = (text: string): boolean => {
    if (term.phrase) return fold(text).includes(value);
    return words(text).some((w) => (term.prefix ? w.word.startsWith(value) : w.word === value || w.word === `${value}s` || `${w.word}s` === value));
  };
  switch (term.field) {
    case 'class':
      return classMatches(c.draft.class, value);
    case 'project':
      return (c.draft.project ?? 'none').toLowerCase() === value;
    case 'status':
      return c.status === (STATUS_WORDS[value] ?? value);
    case 'sensitivity':
      return levelOf(c.draft) === value;
    case 'due':
      return dueOf(c, lang) === value;
    case 'reference':
      return term.prefix ? fold(c.draft.reference).startsWith(value) : fold(c.draft.reference) === value;
    case 'person':
      return hasWord(personText(c));
    case null:
      return hasWord(textOf(c)) || hasWord(personText(c));
  }
}

function matches(c: Candidate, terms: Term[], filter: FileFilter, lang: Lang): boolean {
  if (filter.class && !classMatches(c.draft.class, filter.class.toLowerCase())) return false;
  if (filter.project && (c.draft.project ?? 'none').toLowerCase() !== filter.project.toLowerCase()) return false;
  if (filter.status && c.status !== filter.status) return false;
  if (filter.sensitivity && levelOf(c.draft) !== filter.sensitivity) return false;
  if (filter.due && dueOf(c, lang) !== filter.due) return false;
  return terms.every((term) => termMatches(term, c, lang) !== term.negated);
}

/** The fragment around the first word a query matched, with the UTF-8 byte ranges of each. */
function snippetOf(text: string, terms: Term[]): Snippet | null {
  const wanted = terms.filter((t) => !t.negated && t.field === null && !t.phrase);
  if (wanted.length === 0 || text === '') return null;
  const hits = words(text).filter((w) => wanted.some((t) => (t.prefix ? w.word.startsWith(t.value) : w.word === t.value)));
  const first = hits[0];
  if (!first) return null;
  const from = Math.max(0, text.lastIndexOf(' ', Math.max(0, first.start - 60)) + 1);
  const fragment = text.slice(from, from + 160);
  const highlights: [number, number][] = hits
    .filter((h) => h.start >= from && h.end <= from + fragment.length)
    .map((h) => [utf8Offset(fragment, h.start - from), utf8Offset(fragment, h.end - from)]);
  return { fragment, highlights };
}

const FACET_FIELDS = ['class_code', 'project', 'status', 'sensitivity', 'due'] as const;

/** A row's key for a sort, as the core's index keeps it (a final date awaited after every date). */
function sortKey(row: FileRow, by: SortBy): string | number {
  switch (by) {
    case 'reference':
      return row.reference;
    case 'class':
      return row.class;
    case 'title':
      return fold(row.title).slice(0, 48);
    case 'status':
      return FILE_STATUSES.indexOf(row.status);
    case 'sensitivity':
      return SENSITIVITIES.indexOf(row.sensitivity);
    case 'final':
      return row.semiActiveUntil ?? '\uffff';
  }
}

// The big register's last sorted search, so that its pages are not sorted again one by one.
let lastSorted: { key: string; found: Candidate[] } | null = null;

// The big register's facets without a filter are counted once.
let everyFacet: FacetCount[] | null = null;

function search(filter: FileFilter, offset: number, limit: number, withFacets: boolean, lang: Lang): FileSearchPage {
  const terms = parseQuery(filter.query, lang);
  const sort = filter.sort;
  const plain = terms.length === 0 && !filter.class && !filter.project && !filter.status && !filter.sensitivity && !filter.due && !sort;
  const counts = new Map<string, number>();
  const countIn = (c: Candidate): void => {
    const row = rowOf(c.id, c.draft, c.status, c.birth, lang);
    const values = [row.class.toLowerCase(), (row.project ?? 'none').toLowerCase(), row.status, row.sensitivity, row.semiActiveUntil?.slice(0, 4) ?? 'pending'];
    FACET_FIELDS.forEach((facet, i) => {
      const key = `${facet}\u0000${values[i] ?? ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    });
  };
  const facetsOut = (): FacetCount[] =>
    [...counts.entries()].map(([key, n]) => {
      const [facet, value] = key.split('\u0000') as [FacetCount['facet'], string];
      return { facet, value, count: n };
    });

  let total: number;
  let picked: Candidate[];
  if (plain) {
    total = count();
    picked = [];
    for (let index = offset; index < Math.min(total, offset + limit); index += 1) picked.push(candidate(index));
    if (withFacets) {
      if (!everyFacet || state.generated === 0) {
        for (let index = 0; index < total; index += 1) countIn(candidate(index));
        everyFacet = facetsOut();
      }
    }
  } else {
    const key = JSON.stringify([filter, lang]);
    let found: Candidate[] = [];
    if (!withFacets && state.generated > 0 && lastSorted?.key === key) {
      found = lastSorted.found;
    } else {
      for (let index = 0; index < count(); index += 1) {
        const c = candidate(index);
        if (!matches(c, terms, filter, lang)) continue;
        found.push(c);
        if (withFacets) countIn(c);
      }
    }
    if (sort && lastSorted?.found !== found) {
      // The sort is stable: ties keep the register's order.
      const keyed = found.map((c) => ({ c, k: sortKey(rowOf(c.id, c.draft, c.status, c.birth, lang), sort.by) }));
      const direction = sort.descending ? -1 : 1;
      keyed.sort((a, b) => (a.k < b.k ? -direction : a.k > b.k ? direction : 0));
      found = keyed.map((entry) => entry.c);
      lastSorted = state.generated > 0 ? { key, found } : null;
    }
    total = found.length;
    picked = found.slice(offset, offset + limit);
  }
  const hits: FileHit[] = picked.map((c, i) => ({
    row: rowOf(c.id, c.draft, c.status, c.birth, lang),
    score: 10 - (offset + i) / 1000,
    snippet: terms.length > 0 ? (snippetOf(c.draft.description, terms) ?? snippetOf(c.draft.title, terms)) : null,
  }));
  const facets = withFacets ? (plain && everyFacet ? everyFacet : facetsOut()) : [];
  return { total, offset, hits, facets: facets.sort((a, b) => a.facet.localeCompare(b.facet) || b.count - a.count || a.value.localeCompare(b.value)) };
}

// ----- changes -----

function findFile(reference: string, lang: Lang): StoredFile {
  const found = state.files.find((f) => f.draft.reference.toLowerCase() === reference.toLowerCase());
  if (!found) reject('unknown_file', `Il n’y a pas de dossier ${reference}.`, `There is no file ${reference}.`, lang);
  return found;
}

function checkDraft(d: FileDraft, editing: StoredFile | null, lang: Lang): void {
  if (d.reference.trim() === '' || Array.from(d.reference).length > 64) {
    reject('file_reference_invalid', `La référence « ${d.reference} » n’est pas valide : donnez de 1 à 64 caractères.`, `The reference “${d.reference}” is not valid: give 1 to 64 characters.`, lang);
  }
  const same = state.files.find((f) => f.draft.reference.toLowerCase() === d.reference.toLowerCase());
  if (same && same !== editing) {
    reject('file_reference_taken', `Il existe déjà un dossier ${d.reference}. Choisissez une autre référence.`, `There is already a file ${d.reference}. Choose another reference.`, lang);
  }
  if (d.title.trim() === '') reject('file_title_missing', `Le dossier ${d.reference} doit avoir un titre.`, `The file ${d.reference} needs a title.`, lang);
  // As the core bounds them (TextField in crates/core/src/register.rs); the inputs stop there.
  const bounded: [string, string, string, number][] = [
    [d.title, 'titre', 'title', LINE_MAX],
    [d.description, 'description', 'description', TEXT_MAX],
    [d.keywords.join('\n'), 'mots-clés', 'keywords', TEXT_MAX],
    [d.holder, 'détenteur', 'holder', LINE_MAX],
    [d.location, 'localisation', 'location', LINE_MAX],
    [d.notes, 'notes', 'notes', TEXT_MAX],
  ];
  for (const [text, fr, en, max] of bounded) {
    const length = Array.from(text.trim()).length;
    if (length > max) {
      reject(
        'text_too_long',
        `Le champ « ${fr} » compte ${String(length)} caractères, et en contient au plus ${String(max)}. Raccourcissez-le ; un texte plus long a sa place dans un document conservé avec le dossier.`,
        `The field “${en}” has ${String(length)} characters, and holds at most ${String(max)}. Shorten it; a longer text belongs in a document kept with the file.`,
        lang,
      );
    }
  }
  explanationOf(d, lang);
}

function stamp(): string {
  return new Date().toISOString();
}

/** An export "writes" the view's files in steps of 5,000 (the core's reports), a second or two in all. */
async function exportView(filter: FileFilter, path: string, ctx: RegisterContext): Promise<number> {
  const lang = ctx.lang();
  ctx.resetCancel();
  if (path.includes('readonly')) reject('io', `Impossible d’écrire ${path} : permission refusée.`, `Could not write ${path}: permission denied.`, lang);
  const total = search(filter, 0, 1, false, lang).total;
  const step = Math.max(1, Math.ceil(total / 12), 5000 * Number(total > 60_000));
  for (let done = 0; done < total; done += step) {
    if (ctx.cancelled()) reject('cancelled', 'Annulé ; rien n’a été modifié.', 'Cancelled; nothing was changed.', lang);
    ctx.emit('vault-progress', { operation: 'export', done, total });
    await ctx.sleep(120);
  }
  ctx.emit('vault-progress', { operation: 'export', done: total, total });
  return total;
}

async function importSheets(files: string | null, persons: string | null, ctx: RegisterContext): Promise<RegisterImportReport> {
  const lang = ctx.lang();
  ctx.resetCancel();
  const paths = [files, persons].filter((p): p is string => p !== null && p !== '');
  for (const path of paths) {
    if (!/\.(csv|xlsx)$/i.test(path)) {
      reject('unsupported_format', `Greffier importe le registre en .csv ou .xlsx.`, `Greffier imports the register as .csv or .xlsx.`, lang);
    }
    if (path.includes('missing')) reject('io', `Impossible de lire ${path} : fichier introuvable.`, `Could not read ${path}: no such file.`, lang);
  }
  // As the core reports: the sheets' bytes read while checking, the rows written of all, then
  // (with a persons sheet) the records left to index (the files persons rows name, and the
  // persons), then the commits, which Cancel no longer stops.
  const rows = 1200;
  const bytes = 96_000;
  const phases = persons ? (['checking', 'writing', 'indexing'] as const) : (['checking', 'writing'] as const);
  for (const phase of phases) {
    for (let done = 0; done <= rows; done += 100) {
      if (ctx.cancelled()) reject('cancelled', 'Opération annulée.', 'Operation cancelled.', lang);
      const share = phase === 'checking' ? { done: (done * bytes) / rows, total: bytes } : { done, total: rows };
      ctx.emit('vault-progress', { operation: 'import', phase, rows: done, ...share });
      await ctx.sleep(phase === 'checking' ? 90 : 50);
      if (phase === 'checking' && paths.some((p) => p.includes('bad')) && done >= 600) {
        reject(
          'register_file_invalid',
          `Le fichier a 4 problèmes ; rien n’a été importé. Corrigez-les et importez-le de nouveau :
  - ligne 3, colonne « classe » : le plan n’a pas de classe 999-99 ; corrigez le code ou ajoutez d’abord la classe au plan
  - ligne 4, colonne « référence » : la référence D-9 est déjà à la ligne 2 ; donnez à chaque dossier la sienne
  - ligne 7, colonne « fermeture » : « 31/02/2019 » n’est pas une date : écrivez AAAA-MM-JJ ou JJ/MM/AAAA
  - ligne 12, colonne « sensibilité » : « secret » n’est pas un niveau : public, interne, confidentiel, personnel ou très sensible`,
          `The file has 4 problems; nothing was imported. Correct them and import it again:
  - row 3, column “classe”: the plan has no class 999-99; correct the code or add the class to the plan first
  - row 4, column “référence”: the reference D-9 is already on row 2; give each file its own
  - row 7, column “fermeture”: “31/02/2019” is not a date: write YYYY-MM-DD or DD/MM/YYYY
  - row 12, column “sensibilité”: “secret” is not a level: public, internal, confidential, personal or highly sensitive`,
          lang,
        );
      }
    }
  }
  ctx.emit('vault-progress', { operation: 'import', phase: 'saving', rows, done: 0, total: 0 });
  await ctx.sleep(700);
  let added = 0;
  if (files) {
    for (let i = 0; i < 5; i += 1) {
      const { draft: d, status } = generatedDraft(state.files.length * 31 + i);
      store({ ...d, reference: `IMP-${String(state.nextId).padStart(5, '0')}` }, status);
      added += 1;
    }
  }
  everyFacet = null;
  return { files: added, personsCreated: persons ? 2 : 0, personsReused: persons ? 1 : 0, links: persons ? 3 : 0, purposes: persons ? 4 : 0, indexed: added + (persons ? 2 : 0) };
}

// ----- persons, one at a time -----

function findPerson(id: number, lang: Lang): StoredPerson {
  const found = state.persons.find((p) => p.id === id);
  if (!found) reject('unknown_person', `Il n’y a pas de personne n° ${id}.`, `There is no person #${id}.`, lang);
  return found;
}

/** A person as the core shows them: identifiers masked, with the files about them. */
function personOf(found: StoredPerson, lang: Lang): Person {
  return {
    id: found.id,
    key: found.key,
    lastName: found.lastName,
    firstName: found.firstName,
    birthDate: found.birthDate,
    identifiers: found.identifiers.map((i) => ({ kind: i.kind, masked: mask(i.value) })),
    files: state.files
      .filter((f) => f.persons.some((p) => p.personId === found.id))
      .map((f) => rowOf(f.id, f.draft, f.status, birthOf(f), lang)),
  };
}

function nameOf(p: { lastName: string; firstName: string }): string {
  return p.firstName ? `${p.firstName} ${p.lastName}` : p.lastName;
}

/** An identifier as the index keeps it: letters and digits, upper case. */
function normalized(value: string): string {
  return Array.from(value)
    .filter((c) => /[\p{L}\p{N}]/u.test(c))
    .join('')
    .toUpperCase();
}

/**
 * `find_persons`: every word of the query must start a word of the name, be the date of birth
 * (or its start), the key, or an identifier (spaces and dashes ignored); in the register's order.
 */
function findPersons(query: string, lang: Lang): Person[] {
  const terms = query.split(/\s+/).map((w) => w.trim()).filter((w) => w !== '');
  if (terms.length === 0) return [];
  const hits = state.persons.filter((p) => {
    const names = words(`${p.lastName} ${p.firstName}`).map((w) => w.word);
    const ids = [...p.identifiers.map((i) => normalized(i.value)), ...(p.key ? [normalized(p.key)] : [])];
    return terms.every((term) => {
      const word = fold(term);
      if (names.some((n) => n.startsWith(word))) return true;
      if (p.birthDate !== null && /^\d{4}(-\d{0,2}){0,2}$/.test(term) && p.birthDate.startsWith(term)) return true;
      const id = normalized(term);
      return id.length >= 3 && ids.some((v) => v.includes(id));
    });
  });
  return hits.slice(0, 50).map((p) => personOf(p, lang));
}

function linkedTo(file: StoredFile, id: number): boolean {
  return file.persons.some((p) => p.personId === id);
}

/** A file persons can be attached to or detached from (a held one is refused by fake-shell.ts). */
function changeableFile(reference: string, lang: Lang): StoredFile {
  const file = findFile(reference, lang);
  if (file.status === 'destroyed' || file.status === 'transferred') {
    const status = lang === 'fr' ? (file.status === 'destroyed' ? 'détruit' : 'versé') : file.status;
    reject(
      'file_final',
      `Le dossier ${file.draft.reference} est ${status} : il ne peut plus être modifié.`,
      `The file ${file.draft.reference} is ${status}: it can no longer be changed.`,
      lang,
    );
  }
  return file;
}

/** The core's `Fields::checked`: a last name, a key no other person has, identifiers with a letter or digit. */
function checkedFields(
  id: number | null,
  fields: { lastName: string; firstName: string; birthDate: string | null; externalKey: string | null },
  identifiers: Identifier[] | null,
  lang: Lang,
): Omit<StoredPerson, 'id' | 'identifiers'> & { identifiers: Identifier[] | null } {
  const lastName = fields.lastName.trim();
  if (lastName === '') reject('person_name_missing', 'Une personne doit avoir un nom de famille.', 'A person needs a last name.', lang);
  const trimmed = fields.externalKey?.trim() ?? '';
  const key = trimmed === '' ? null : trimmed;
  const holder = key === null ? undefined : state.persons.find((p) => p.key === key && p.id !== id);
  if (key !== null && holder) {
    const name = nameOf(holder);
    reject(
      'person_key_taken',
      `La clé « ${key} » appartient déjà à ${name} (personne n° ${holder.id}). Liez cette personne (--person ${holder.id}) ou choisissez une autre clé.`,
      `The key “${key}” already belongs to ${name} (person #${holder.id}). Attach that person (--person ${holder.id}) or choose another key.`,
      lang,
    );
  }
  const checked = identifiers?.map((i) => {
    const value = i.value.trim();
    if (normalized(value) === '') {
      reject(
        'identifier_invalid',
        `Un identifiant de type ${i.kind} n’a ni lettre ni chiffre. Donnez sa valeur, ou retirez l’identifiant.`,
        `An identifier of kind ${i.kind} has no letter or digit. Give its value, or leave the identifier out.`,
        lang,
      );
    }
    return { kind: i.kind, value };
  });
  return { key, lastName, firstName: fields.firstName.trim(), birthDate: fields.birthDate, identifiers: checked ?? null };
}

const CATEGORIES = ['sin', 'health_insurance_number', 'driver_licence', 'date_of_birth', 'contact', 'financial', 'health', 'family', 'employment', 'education', 'judicial'];

function attachPerson(reference: string, link: PersonLink, lang: Lang): FileRecord {
  const file = changeableFile(reference, lang);
  const categories: string[] = [];
  for (const category of link.categories.map((c) => c.trim()).filter((c) => c !== '')) {
    if (!CATEGORIES.includes(category)) {
      reject(
        'unknown_category',
        `« ${category} » n’est pas une catégorie de renseignements personnels. Utilisez l’une de : ${CATEGORIES.join(', ')}.`,
        `“${category}” is not a category of personal information. Use one of: ${CATEGORIES.join(', ')}.`,
        lang,
      );
    }
    if (!categories.includes(category)) categories.push(category);
  }
  const purposes = link.purposes.map((p) => {
    if (p.purpose.trim() === '') {
      reject('purpose_missing', 'Une finalité doit dire pourquoi les renseignements ont été recueillis.', 'A purpose needs a text saying why the information was collected.', lang);
    }
    return { ...p, purpose: p.purpose.trim(), consentSource: p.consentSource.trim() };
  });
  let personId: number;
  if ('existing' in link.person) {
    const found = findPerson(link.person.existing, lang);
    if (linkedTo(file, found.id)) {
      const name = nameOf(found);
      reject(
        'person_already_linked',
        `${name} (personne n° ${found.id}) est déjà liée au dossier ${file.draft.reference}. Modifiez la personne, ou détachez-la d’abord.`,
        `${name} (person #${found.id}) is already linked to the file ${file.draft.reference}. Edit the person, or detach them first.`,
        lang,
      );
    }
    personId = found.id;
  } else {
    const fields = checkedFields(null, link.person.new, link.person.new.identifiers, lang);
    personId = person(fields.key, fields.lastName, fields.firstName, fields.birthDate, fields.identifiers ?? []);
  }
  file.persons.push({ personId, categories, purposes });
  file.updatedAt = stamp();
  everyFacet = null;
  return recordOf(file, lang);
}

/** `edit_person` (a held file about the person is refused by fake-shell.ts). */
function editPerson(id: number, edit: PersonEdit, lang: Lang): Person {
  const found = findPerson(id, lang);
  const fields = checkedFields(id, edit, edit.identifiers, lang);
  found.key = fields.key;
  found.lastName = fields.lastName;
  found.firstName = fields.firstName;
  found.birthDate = fields.birthDate;
  if (fields.identifiers !== null) found.identifiers = fields.identifiers;
  for (const file of state.files.filter((f) => linkedTo(f, id))) file.updatedAt = stamp();
  everyFacet = null;
  return personOf(found, lang);
}

/** `detach_person`: with a reason; a person no file needs any more is erased with their identifiers. */
function detachPerson(reference: string, personId: number, reason: string, lang: Lang): Detached {
  if (reason.trim() === '') {
    reject('reason_missing', 'Donnez un motif : une mise en suspens se place et se lève avec un motif.', 'Give a reason: a hold is placed and released with one.', lang);
  }
  const file = changeableFile(reference, lang);
  findPerson(personId, lang);
  if (!linkedTo(file, personId)) {
    reject(
      'person_not_linked',
      `La personne n° ${personId} n’est pas liée au dossier ${file.draft.reference}. Vérifiez les personnes du dossier avec \`greffier files show\`.`,
      `Person #${personId} is not linked to the file ${file.draft.reference}. Check the file's persons with \`greffier files show\`.`,
      lang,
    );
  }
  file.persons = file.persons.filter((p) => p.personId !== personId);
  file.updatedAt = stamp();
  const personErased = !state.files.some((f) => linkedTo(f, personId));
  if (personErased) state.persons = state.persons.filter((p) => p.id !== personId);
  everyFacet = null;
  return { file: recordOf(file, lang), personErased };
}

/** The references of the files about a person (fake-shell.ts checks their holds before an edit). */
export function filesOfPerson(id: number): string[] {
  return state.files.filter((f) => linkedTo(f, id)).map((f) => f.draft.reference);
}

export function answerRegister(cmd: string, args: Record<string, unknown>, ctx: RegisterContext): { handled: boolean; value?: unknown } | Promise<{ handled: boolean; value?: unknown }> {
  const lang = ctx.lang();
  switch (cmd) {
    case 'search_files':
      return { handled: true, value: search(args.filter as FileFilter, Number(args.offset), Number(args.limit), Boolean(args.facets), lang) };
    case 'get_file':
      return { handled: true, value: recordOf(findFile(String(args.reference), lang), lang) };
    case 'create_file': {
      const d = args.draft as FileDraft;
      checkDraft(d, null, lang);
      store(d, 'active');
      everyFacet = null;
      return { handled: true, value: recordOf(findFile(d.reference, lang), lang) };
    }
    case 'update_file': {
      const file = findFile(String(args.reference), lang);
      const d = args.draft as FileDraft;
      checkDraft(d, file, lang);
      file.draft = d;
      file.updatedAt = stamp();
      everyFacet = null;
      return { handled: true, value: recordOf(file, lang) };
    }
    case 'close_file': {
      const file = findFile(String(args.reference), lang);
      if (file.draft.dates.closedOn) {
        reject('file_already_closed', `Le dossier ${file.draft.reference} est déjà fermé (le ${file.draft.dates.closedOn}).`, `The file ${file.draft.reference} is already closed (on ${file.draft.dates.closedOn}).`, lang);
      }
      const on = String(args.on);
      if (file.draft.dates.openedOn && on < file.draft.dates.openedOn) {
        reject('file_dates_inconsistent', `Le dossier ${file.draft.reference} serait fermé (${on}) avant d’être ouvert (${file.draft.dates.openedOn}). Corrigez les dates.`, `The file ${file.draft.reference} would close (${on}) before it opened (${file.draft.dates.openedOn}). Correct the dates.`, lang);
      }
      file.draft = { ...file.draft, dates: { ...file.draft.dates, closedOn: on } };
      if (file.status === 'active') file.status = 'semi_active';
      file.updatedAt = stamp();
      everyFacet = null;
      return { handled: true, value: recordOf(file, lang) };
    }
    case 'reopen_file': {
      const file = findFile(String(args.reference), lang);
      if (!file.draft.dates.closedOn) reject('file_not_closed', `Le dossier ${file.draft.reference} n’est pas fermé.`, `The file ${file.draft.reference} is not closed.`, lang);
      file.draft = { ...file.draft, dates: { ...file.draft.dates, closedOn: null } };
      file.status = 'active';
      file.updatedAt = stamp();
      everyFacet = null;
      return { handled: true, value: recordOf(file, lang) };
    }
    case 'get_person':
      return { handled: true, value: personOf(findPerson(Number(args.id), lang), lang) };
    case 'find_persons':
      return { handled: true, value: findPersons(String(args.query), lang) };
    case 'attach_person':
      return { handled: true, value: attachPerson(String(args.reference), args.link as PersonLink, lang) };
    case 'edit_person':
      return { handled: true, value: editPerson(Number(args.id), args.edit as PersonEdit, lang) };
    case 'detach_person':
      return { handled: true, value: detachPerson(String(args.reference), Number(args.personId), String(args.reason), lang) };
    case 'reveal_identifiers': {
      const found = state.persons.find((p) => p.id === Number(args.id));
      if (!found) reject('unknown_person', `Il n’y a pas de personne n° ${String(args.id)}.`, `There is no person #${String(args.id)}.`, lang);
      return { handled: true, value: found.identifiers };
    }
    case 'import_register':
      return importSheets((args.files as string | null) ?? null, (args.persons as string | null) ?? null, ctx).then((value) => ({ handled: true, value }));
    case 'export_files':
      return exportView(args.filter as FileFilter, String(args.path), ctx).then((value) => ({ handled: true, value }));
    default:
      return { handled: false };
  }
}

// ----- what the destruction calendar reads and changes (fake-disposition.ts) -----

/** A file of the register as the due list sees it. */
export interface DueSource {
  id: number;
  reference: string;
  title: string;
  class: string;
  project: string | null;
  rule: string;
  ruleVersion: number;
  openedOn: string | null;
  closedOn: string | null;
  /** The final disposition date; `null` while the file waits for its event. */
  dueOn: string | null;
  disposition: 'C' | 'D' | 'T';
  status: FileStatus;
  /** Whether persons are linked to it (only those files can be anonymised). */
  personal: boolean;
  /** The persons linked to it, by number (a hold on a person holds their files). */
  persons: number[];
  /** Its residual record keeps no title (confidential or more sensitive). */
  confidential: boolean;
}

const DISPOSITION_CODES: Readonly<Record<FileRow['disposition'], DueSource['disposition']>> = {
  destroy: 'D',
  keep: 'C',
  sort: 'T',
};

/** The stored files still in the register (neither destroyed nor transferred). */
export function dueSources(lang: Lang): DueSource[] {
  return state.files
    .filter((f) => f.status !== 'destroyed' && f.status !== 'transferred')
    .map((f) => {
      const explanation = explanationOf(f.draft, lang);
      const due = dueDates(explanation, f.draft, birthOf(f));
      const rule = explanation.chain[0]?.source;
      return {
        id: f.id,
        reference: f.draft.reference,
        title: f.draft.title,
        class: f.draft.class,
        project: f.draft.project,
        rule: rule?.kind === 'rule' ? rule.number : '',
        ruleVersion: rule?.kind === 'rule' ? rule.version : 1,
        openedOn: f.draft.dates.openedOn,
        closedOn: f.draft.dates.closedOn,
        dueOn: due.semiActiveUntil,
        disposition: DISPOSITION_CODES[due.disposition],
        status: f.status,
        personal: f.persons.length > 0,
        persons: f.persons.map((p) => p.personId),
        confidential: ['confidential', 'highly_sensitive'].includes(levelOf(f.draft)),
      };
    });
}

/** An executed batch: a destroyed file leaves the register (its residual record stays with the calendar). */
export function disposeOf(reference: string, how: 'destroyed' | 'transferred'): void {
  const index = state.files.findIndex((f) => f.draft.reference === reference);
  const file = state.files[index];
  if (!file) return;
  if (how === 'destroyed') state.files.splice(index, 1);
  else file.status = 'transferred';
  everyFacet = null;
}

/**
 * The core's `decide_review`: a file whose final disposition is review (T) gets an exception
 * (destroy, keep permanently, keep longer) or another rule of its class, with a justification.
 */
export function decideReview(reference: string, decision: ReviewDecision, justification: string, lang: Lang): FileRecord {
  const file = findFile(reference, lang);
  if (justification.trim() === '') {
    reject('reason_missing', 'Donnez un motif : une mise en suspens se place et se lève avec un motif.', 'Give a reason: a hold is placed and released with one.', lang);
  }
  const explanation = explanationOf(file.draft, lang);
  const due = dueDates(explanation, file.draft, birthOf(file));
  if (due.disposition !== 'sort') {
    const code = DISPOSITION_CODES[due.disposition];
    reject('not_in_review', `La disposition finale du dossier ${reference} est ${code}, non le tri (T) : il n'y a rien à décider.`, `File ${reference}'s final disposition is ${code}, not review (T): there is nothing to decide.`, lang);
  }
  const why = (what: string): string => `${what} — ${justification.trim()}`;
  const none = { active: null, semiActive: null, disposition: null };
  let next: FileDraft = { ...file.draft };
  switch (decision.kind) {
    case 'destroy':
      next = { ...next, exception: { replacement: { ...none, disposition: 'destroy' }, reason: why('review: destroy') } };
      break;
    case 'keep_permanently':
      next = { ...next, exception: { replacement: { ...none, disposition: 'keep' }, reason: why('review: keep permanently') } };
      break;
    case 'extend': {
      if (!due.activeUntil || !due.semiActiveUntil) {
        reject('file_not_due', `Le dossier ${reference} n'a pas encore de date de disposition finale (son événement n'est pas survenu) : il ne peut entrer dans un lot.`, `File ${reference} has no final disposition date yet (its event has not happened): it cannot go in a batch.`, lang);
      }
      if (decision.until <= due.semiActiveUntil) {
        reject('invalid_argument', `Le dossier ${reference} est déjà conservé jusqu'au ${due.semiActiveUntil} : prolongez-le à une date postérieure, non au ${decision.until}.`, `File ${reference} is already kept until ${due.semiActiveUntil}: extend it to a date after that, not ${decision.until}.`, lang);
      }
      let months = 0;
      while (addMonths(due.activeUntil, months) < decision.until) months += 1;
      next = { ...next, exception: { replacement: { ...none, semiActive: { unit: 'months', count: months } }, reason: why(`review: extended to ${decision.until}`) } };
      break;
    }
    case 'reassign_rule':
      next = { ...next, rule: decision.rule.trim(), exception: null };
      break;
  }
  explanationOf(next, lang);
  file.draft = next;
  file.updatedAt = stamp();
  everyFacet = null;
  return recordOf(file, lang);
}

/** All but the last three letters and digits hidden, as the core masks. */
function mask(value: string): string {
  const total = Array.from(value).filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
  let seen = 0;
  return Array.from(value)
    .map((c) => {
      if (!/[\p{L}\p{N}]/u.test(c)) return c;
      seen += 1;
      return seen + 3 > total ? c : '•';
    })
    .join('');
}
