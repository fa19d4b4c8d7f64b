// The fake shell's destruction calendar (see fake-shell.ts), read from the fake register's own
// files (fake-register.ts: their final dates come from the fake plan's rules), so that the
// calendar, the due list and the register agree. On top of them: holds (one in force on a
// file, one on a class, one released), batches in every state — LOT-2026-0003 proposed by
// mtremblay for another user to decide, LOT-2026-0005 with a file held since its proposal and
// one no longer due, LOT-2026-0002 incomplete, LOT-2026-0006 approved, ready to run — and the
// residual records of the files already destroyed. Permissions, states and refusals follow
// greffier-core, with its codes and French and English messages: a held file, a file already in
// a batch or not due, a proposer who decides their own batch, a missing permission. Executing
// a batch takes its files out of the register. `incomplete=1` in the address stops every
// destruction once before the index merge (the batch is then `incomplete`; running it again
// finishes it); an execution sends its progress events (`slow=1`: slowly). The due list
// filters by class (with the classes under it) and says each file's clock as the fake
// register's file explains it. Exports "write" nothing: a path containing `readonly` fails.
import type {
  Batch,
  BatchDetail,
  BatchFile,
  BatchFlag,
  BatchKind,
  BatchProgress,
  DestroyedFile,
  DueCalendar,
  DueFile,
  DueKind,
  DuePage,
  DueQuery,
  ExecutionPhase,
  ExecutionReport,
  FileDecision,
  FileRecord,
  Hold,
  HoldKind,
  HoldTarget,
  Permission,
  ReviewDecision,
  Role,
  SessionInfo,
} from '../src/lib/types';
import { listClasses, projectsOf } from './fake-plan';
import { answerRegister, decideReview, disposeOf, dueSources, type DueSource, type RegisterContext } from './fake-register';

type Lang = 'fr' | 'en';

export interface DispositionContext {
  lang: () => Lang;
  session: () => SessionInfo | null;
  /** `incomplete=1`: a destruction stops once before the index merge. */
  stopOnce: boolean;
  /** Sends an event to the UI (the execution's progress); without it, none is sent. */
  emit?: (event: string, payload: unknown) => void;
  /** The long operations' progress, cancel and pace (the due list's export); none without it. */
  job?: RegisterContext;
}

function reject(code: string, fr: string, en: string, lang: Lang): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  throw { code, message: lang === 'fr' ? fr : en };
}

const ROLES: Readonly<Record<Role, [string, string]>> = {
  administrator: ['administrateur', 'administrator'],
  archivist: ['archiviste', 'archivist'],
  access_officer: ['responsable de l’accès', 'access officer'],
  auditor: ['auditeur', 'auditor'],
  clerk: ['commis', 'clerk'],
};

/** The core's `Vault::require`. */
function require(permission: Permission, ctx: DispositionContext): SessionInfo {
  const lang = ctx.lang();
  const session = ctx.session();
  if (!session) reject('not_signed_in', 'Personne n’est connecté.', 'Nobody is signed in.', lang);
  if (!session.permissions.includes(permission)) {
    const [fr, en] = ROLES[session.role];
    reject(
      'permission_denied',
      `Permission refusée : il faut la permission « ${permission} », que le rôle ${fr} n'a pas. Adressez-vous à un administrateur.`,
      `Permission denied: this needs the "${permission}" permission, which the ${en} role does not have. Ask an administrator.`,
      lang,
    );
  }
  return session;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function todayIso(): string {
  const now = new Date();
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(Math.min(d, last))}`;
}

/** A moment some days before now, as the core stamps it. */
function daysAgo(days: number, hour = 14): string {
  const at = new Date();
  at.setDate(at.getDate() - days);
  at.setHours(hour, 3, 0, 0);
  return at.toISOString();
}

interface BatchEntry {
  reference: string;
  fileId: number;
  title: string | null;
  class: string | null;
  dueOn: string | null;
  decision: FileDecision;
}

interface StoredBatch {
  batch: Batch;
  files: BatchEntry[];
  /** `incomplete=1`: this destruction already stopped once. */
  stopped: boolean;
}

interface Store {
  holds: Hold[];
  batches: StoredBatch[];
  destroyed: DestroyedFile[];
}

let store: Store | null = null;

const DISPOSITION_OF: Readonly<Record<BatchKind, DueFile['disposition']>> = { destruction: 'D', anonymisation: 'D', transfer: 'C' };
const KIND_CODES: Readonly<Record<DueKind, DueFile['disposition']>> = { destruction: 'D', transfer: 'C', review: 'T' };
const OPEN_STATES: readonly Batch['state'][] = ['proposed', 'approved', 'incomplete'];

function newBatch(
  id: number,
  kind: BatchKind,
  state: Batch['state'],
  proposedBy: string,
  decidedBy: string | null,
  files: BatchEntry[],
  extra: Partial<Batch> = {},
): StoredBatch {
  const executed = state === 'executed' || state === 'incomplete';
  const batch: Batch = {
    id,
    number: `LOT-2026-${pad(id, 4)}`,
    kind,
    state,
    note: '',
    proposedBy,
    proposedAt: daysAgo(9 - id),
    decidedBy,
    decidedAt: decidedBy ? daysAgo(8 - id, 9) : null,
    decisionReason: decidedBy ? 'Conforme au calendrier de conservation' : null,
    executedBy: executed ? proposedBy : null,
    executedAt: executed ? daysAgo(7 - id, 8) : null,
    method: executed ? 'suppression sécurisée (secure_delete de SQLCipher, index fusionné, journal tronqué)' : null,
    chainSeq: state === 'executed' ? 1284 : null,
    chainHash: state === 'executed' ? '9b2e4c6a8d0f1e3c5a7b9d1f3e5c7a9b1d3f5e7c9a1b3d5f7e9c1a3b5d7f9e1c' : null,
    certificateNumber: state === 'executed' && kind !== 'transfer' ? `CD-2026-${pad(id, 4)}` : null,
    files: files.length,
    approvedFiles: files.filter((f) => f.decision === 'approved').length,
    ...extra,
  };
  return { batch, files, stopped: false };
}

function entry(file: DueSource | undefined, decision: FileDecision): BatchEntry[] {
  if (!file) return [];
  return [{ reference: file.reference, fileId: file.id, title: file.title, class: file.class, dueOn: file.dueOn, decision }];
}

function residual(file: { id: number; reference: string; class: string; title: string | null; openedOn: string | null; closedOn: string | null; rule: string; ruleVersion: number }, batch: Batch, executedBy: string, at: string): DestroyedFile {
  return {
    ...file,
    batch: batch.number,
    proposedBy: batch.proposedBy,
    approvedBy: batch.decidedBy ?? '',
    executedBy,
    destroyedAt: at,
  };
}

function seed(): Store {
  const today = todayIso();
  const files = dueSources('fr').filter((f) => f.dueOn !== null && f.dueOn <= today);
  const overdue = (code: DueFile['disposition']): DueSource[] =>
    files.filter((f) => f.disposition === code).sort((a, b) => (a.dueOn ?? '').localeCompare(b.dueOn ?? ''));
  const destroy = overdue('D');
  const transfer = overdue('C');
  const later = dueSources('fr').find((f) => f.disposition === 'C' && f.dueOn !== null && f.dueOn > addMonths(today, 2));
  // The class hold must not reach the files of the other batches: only LOT-2026-0005's first.
  const others = [destroy[0], destroy[2], destroy[3], transfer[0], transfer[1], transfer[2], transfer[4], later];
  const reached = new Set(others.flatMap((f) => (f ? ancestors(f.class) : [])));
  const heldSince = transfer.slice(3).find((f) => !reached.has(f.class));
  const heldClass = heldSince?.class ?? '';
  const holds: Hold[] = [
    {
      id: 1,
      number: 'H-2026-0001',
      kind: 'litigation',
      reason: 'Poursuite 500-17-123456-261 : conserver tout le dossier',
      targetType: 'file',
      target: destroy[1]?.reference ?? '',
      placedBy: 'hcote',
      placedAt: daysAgo(71),
      releasedBy: null,
      releasedAt: null,
      releaseReason: null,
      requestRef: null,
    },
    {
      id: 2,
      number: 'H-2026-0002',
      kind: 'access_request',
      reason: 'Demande d’accès DA-2026-031',
      targetType: 'person',
      target: 'person #1',
      placedBy: 'hcote',
      placedAt: daysAgo(53),
      releasedBy: 'hcote',
      releasedAt: daysAgo(21),
      releaseReason: 'Demande fermée, réponse transmise',
      requestRef: 'DA-2026-031',
    },
    {
      id: 3,
      number: 'H-2026-0003',
      kind: 'audit',
      reason: 'Vérification du Vérificateur général : pièces des exercices 2018 à 2021',
      targetType: 'class',
      target: heldClass,
      placedBy: 'mtremblay',
      placedAt: daysAgo(2),
      releasedBy: null,
      releasedAt: null,
      releaseReason: null,
      requestRef: null,
    },
  ];
  // The executed batch's files are gone from the register: only their residual records stay.
  const first = newBatch(1, 'destruction', 'executed', 'mtremblay', 'hcote', []);
  const gone = [
    { id: 9001, reference: 'D-2011-0007', class: destroy[0]?.class ?? '', title: 'Revue de presse — Québec', openedOn: '2009-01-05', closedOn: '2011-12-20', rule: destroy[0]?.rule ?? '', ruleVersion: 1 },
    { id: 9002, reference: 'D-2011-0008', class: destroy[0]?.class ?? '', title: 'Revue de presse — Lévis', openedOn: '2010-01-04', closedOn: '2011-12-21', rule: destroy[0]?.rule ?? '', ruleVersion: 1 },
    { id: 9003, reference: 'D-2012-0031', class: destroy[2]?.class ?? '', title: null, openedOn: '2008-09-02', closedOn: '2012-06-29', rule: destroy[2]?.rule ?? '', ruleVersion: 2 },
  ];
  first.files = gone.map((f) => ({ reference: f.reference, fileId: f.id, title: null, class: f.class, dueOn: null, decision: 'approved' }));
  first.batch.files = gone.length;
  first.batch.approvedFiles = gone.length;
  // The incomplete one deleted its rows (its residual records exist) but the index merge did not finish.
  const second = newBatch(2, 'destruction', 'incomplete', 'hcote', 'mtremblay', [
    { reference: 'D-2013-0044', fileId: 9004, title: null, class: destroy[0]?.class ?? null, dueOn: null, decision: 'approved' },
  ]);
  const destroyed = [
    ...gone.map((f) => residual(f, first.batch, 'mtremblay', first.batch.executedAt ?? '')),
    residual(
      { id: 9004, reference: 'D-2013-0044', class: destroy[0]?.class ?? '', title: 'Plainte au sujet du bruit — Sherbrooke', openedOn: '2011-03-14', closedOn: '2013-02-01', rule: destroy[0]?.rule ?? '', ruleVersion: 1 },
      second.batch,
      'hcote',
      second.batch.executedAt ?? '',
    ),
  ].reverse();
  return {
    holds,
    batches: [
      first,
      second,
      newBatch(3, 'destruction', 'proposed', 'mtremblay', null, [...entry(destroy[0], 'pending'), ...entry(destroy[2], 'pending'), ...entry(destroy[3], 'pending')], {
        note: 'Échus du trimestre',
      }),
      newBatch(4, 'transfer', 'rejected', 'hcote', 'mtremblay', entry(transfer[0], 'rejected'), {
        decisionReason: 'Attendre le nouveau bordereau de BAnQ',
      }),
      newBatch(5, 'transfer', 'proposed', 'mtremblay', null, [...entry(heldSince, 'pending'), ...entry(later, 'pending'), ...entry(transfer[1], 'pending')]),
      newBatch(6, 'transfer', 'approved', 'hcote', 'mtremblay', [...entry(transfer[2], 'approved'), ...entry(transfer[4], 'approved')]),
    ],
    destroyed,
  };
}

function data(): Store {
  store ??= seed();
  return store;
}

// ----- what holds and batches say about a file -----

/** The class and the classes above it. */
function ancestors(code: string): string[] {
  const parents = new Map(listClasses().map((c) => [c.code, c.parent]));
  const out: string[] = [];
  for (let at: string | null | undefined = code; at; at = parents.get(at)) out.push(at);
  return out;
}

/** The first hold in force on a file: on it, a person it is about, its class or one above, its project. */
function holdOn(file: DueSource): Hold | undefined {
  const classes = ancestors(file.class);
  return data().holds.find(
    (h) =>
      h.releasedAt === null &&
      ((h.targetType === 'file' && h.target === file.reference) ||
        (h.targetType === 'class' && classes.includes(h.target)) ||
        (h.targetType === 'project' && h.target === file.project) ||
        (h.targetType === 'person' && file.persons.some((p) => h.target === `person #${p}`))),
  );
}

function openBatchOf(reference: string): StoredBatch | undefined {
  return data().batches.find((b) => OPEN_STATES.includes(b.batch.state) && b.files.some((f) => f.reference === reference && f.decision !== 'rejected'));
}

/** The event that started a file's clock and its date, as the fake register's file explains them. */
function clockOf(reference: string, lang: Lang): Pick<DueFile, 'trigger' | 'triggerDate'> {
  const quiet: RegisterContext = {
    lang: () => lang,
    emit: () => undefined,
    cancelled: () => false,
    resetCancel: () => undefined,
    sleep: () => Promise.resolve(),
  };
  const answered = answerRegister('get_file', { reference }, quiet);
  if (answered instanceof Promise || !answered.handled) return { trigger: { event: 'file_closed' }, triggerDate: null };
  const record = answered.value as FileRecord;
  return { trigger: record.explanation.trigger, triggerDate: record.due.triggerDate };
}

/** A file of the due list; its clock is read for the files of a page only (`withClock`). */
function dueFileOf(file: DueSource): DueFile {
  return {
    id: file.id,
    reference: file.reference,
    title: file.title,
    class: file.class,
    project: file.project,
    rule: file.rule,
    ruleVersion: file.ruleVersion,
    closedOn: file.closedOn,
    dueOn: file.dueOn ?? '',
    disposition: file.disposition,
    heldBy: holdOn(file)?.number ?? null,
    batch: openBatchOf(file.reference)?.batch.number ?? null,
    trigger: { event: 'file_closed' },
    triggerDate: null,
  };
}

function withClock(file: DueFile, lang: Lang): DueFile {
  return { ...file, ...clockOf(file.reference, lang) };
}

/** The core's due list: files with a final date on or before `until`, soonest first. */
function selected(query: DueQuery, lang: Lang): DueFile[] {
  return dueSources(lang)
    .filter(
      (f) =>
        f.dueOn !== null &&
        f.dueOn <= query.until &&
        (query.project === null || f.project === query.project) &&
        (query.kind === null || f.disposition === KIND_CODES[query.kind]) &&
        (query.class == null || ancestors(f.class).includes(query.class)),
    )
    .sort((a, b) => (a.dueOn ?? '').localeCompare(b.dueOn ?? '') || a.id - b.id)
    .map(dueFileOf);
}

function calendar(from: string, months: number, project: string | null, lang: Lang): DueCalendar {
  const start = `${from.slice(0, 7)}-01`;
  const out: DueCalendar = { from: start, overdue: { destruction: 0, transfer: 0, review: 0 }, months: [], waiting: 0 };
  for (let i = 0; i < months; i += 1) {
    out.months.push({ month: addMonths(start, i).slice(0, 7), destruction: 0, transfer: 0, review: 0 });
  }
  for (const file of dueSources(lang)) {
    if (project !== null && file.project !== project) continue;
    if (file.dueOn === null) {
      out.waiting += 1;
      continue;
    }
    const key = file.disposition === 'D' ? 'destruction' : file.disposition === 'C' ? 'transfer' : 'review';
    const month = out.months.find((m) => m.month === file.dueOn?.slice(0, 7));
    if (file.dueOn < start) out.overdue[key] += 1;
    else if (month) month[key] += 1;
  }
  return out;
}

// ----- batches -----

function batchOf(number: string, lang: Lang): StoredBatch {
  const found = data().batches.find((b) => b.batch.number.toLowerCase() === number.trim().toLowerCase());
  if (!found) {
    reject(
      'unknown_batch',
      `Il n'y a pas de lot de disposition ${number}. \`greffier disposition list\` les affiche.`,
      `There is no disposition batch ${number}. \`greffier disposition list\` shows them.`,
      lang,
    );
  }
  return found;
}

const STATE_WORDS: Readonly<Record<Batch['state'], string>> = {
  proposed: 'proposed',
  approved: 'approved',
  rejected: 'rejected',
  incomplete: 'incomplete',
  executed: 'executed',
};

function refuseState(batch: Batch, expected: string, lang: Lang): never {
  const state = STATE_WORDS[batch.state];
  reject(
    'batch_state',
    `Le lot ${batch.number} est à l'état « ${state} » : il faut un lot à l'état « ${expected} ».`,
    `Batch ${batch.number} is ${state}: this needs a batch that is ${expected}.`,
    lang,
  );
}

/** What changed for a file since its batch was proposed: a hold, a due date moved, gone from the register. */
function flagsOf(entry: BatchEntry, lang: Lang): BatchFlag[] {
  const file = dueSources(lang).find((f) => f.reference === entry.reference);
  if (!file) return [{ kind: 'gone' }];
  const flags: BatchFlag[] = [];
  const hold = holdOn(file);
  if (hold) flags.push({ kind: 'held', hold: hold.number, reason: hold.reason });
  if (file.dueOn === null || file.dueOn > todayIso()) flags.push({ kind: 'no_longer_due', dueOn: file.dueOn });
  return flags;
}

function detail(number: string, lang: Lang): BatchDetail {
  const stored = batchOf(number, lang);
  const open = OPEN_STATES.includes(stored.batch.state) && stored.batch.state !== 'incomplete';
  const files: BatchFile[] = stored.files.map((f) => ({
    fileId: f.fileId,
    reference: f.reference,
    title: f.title,
    class: f.class,
    dueOn: dueSources(lang).find((s) => s.reference === f.reference)?.dueOn ?? f.dueOn,
    decision: f.decision,
    flags: open ? flagsOf(f, lang) : [],
  }));
  return { batch: stored.batch, files };
}

function propose(kind: BatchKind, references: string[], note: string, ctx: DispositionContext): Batch {
  const lang = ctx.lang();
  const session = require('propose_disposition', ctx);
  if (references.length === 0) reject('batch_empty', 'Un lot doit compter au moins un dossier.', 'A batch needs at least one file.', lang);
  const today = todayIso();
  const sources = dueSources(lang);
  const entries: BatchEntry[] = [];
  for (const asked of references) {
    const file = sources.find((f) => f.reference.toLowerCase() === asked.trim().toLowerCase());
    if (!file) reject('unknown_file', `Il n'y a pas de dossier ${asked}.`, `There is no file ${asked}.`, lang);
    const reference = file.reference;
    if (entries.some((e) => e.reference === reference)) continue;
    const expected = DISPOSITION_OF[kind];
    if (file.disposition !== expected) {
      reject(
        'wrong_disposition',
        `La disposition finale du dossier ${reference} est ${file.disposition}, non ${expected} : il ne peut entrer dans un lot de type « ${kind} ».`,
        `File ${reference}'s final disposition is ${file.disposition}, not ${expected}: it cannot go in a ${kind} batch.`,
        lang,
      );
    }
    if (file.dueOn === null) {
      reject(
        'file_not_due',
        `Le dossier ${reference} n'a pas encore de date de disposition finale (son événement n'est pas survenu) : il ne peut entrer dans un lot.`,
        `File ${reference} has no final disposition date yet (its event has not happened): it cannot go in a batch.`,
        lang,
      );
    }
    if (file.dueOn > today) {
      reject(
        'file_not_due',
        `Le dossier ${reference} n'est pas échu : sa date de disposition finale est le ${file.dueOn}. Seuls les dossiers échus à ce jour peuvent entrer dans un lot.`,
        `File ${reference} is not due: its final disposition date is ${file.dueOn}. Only files due by today can go in a batch.`,
        lang,
      );
    }
    const hold = holdOn(file);
    if (hold) {
      reject(
        'file_held',
        `Le dossier ${reference} est sous la mise en suspens ${hold.number} (${hold.reason}) : il ne peut être modifié, détruit ni versé avant la levée de la suspension.`,
        `File ${reference} is under legal hold ${hold.number} (${hold.reason}): it cannot be changed, destroyed or transferred until the hold is released.`,
        lang,
      );
    }
    if (kind === 'anonymisation' && !file.personal) {
      reject(
        'no_personal_information',
        `Le dossier ${reference} ne contient aucun renseignement personnel (aucune personne n'y est liée) : il n'y a rien à anonymiser. Détruisez-le, ou conservez-le par une décision de tri.`,
        `File ${reference} holds no personal information (no person is linked to it): there is nothing to anonymise. Destroy it, or keep it by a review decision.`,
        lang,
      );
    }
    const open = openBatchOf(reference);
    if (open) {
      reject('file_in_batch', `Le dossier ${reference} est déjà dans le lot ${open.batch.number}.`, `File ${reference} is already in batch ${open.batch.number}.`, lang);
    }
    entries.push({ reference, fileId: file.id, title: file.title, class: file.class, dueOn: file.dueOn, decision: 'pending' });
  }
  const stored = newBatch(data().batches.length + 1, kind, 'proposed', session.username, null, entries, {
    note: note.trim(),
    proposedAt: new Date().toISOString(),
  });
  data().batches.push(stored);
  return stored.batch;
}

/** A proposed batch the session may decide (the core's `decidable`). */
function decidable(number: string, ctx: DispositionContext): [StoredBatch, SessionInfo] {
  const lang = ctx.lang();
  const session = require('approve_disposition', ctx);
  const stored = batchOf(number, lang);
  if (stored.batch.state !== 'proposed') refuseState(stored.batch, 'proposed', lang);
  if (stored.batch.proposedBy === session.username) {
    reject(
      'separation_of_duties',
      `Vous avez proposé le lot ${stored.batch.number} : un autre utilisateur doit l'approuver ou le rejeter (séparation des tâches).`,
      `You proposed batch ${stored.batch.number}: another user must approve or reject it (separation of duties).`,
      lang,
    );
  }
  return [stored, session];
}

function decideFiles(number: string, references: string[], decision: FileDecision, reason: string, ctx: DispositionContext): Batch {
  const lang = ctx.lang();
  const [stored, session] = decidable(number, ctx);
  if (decision === 'rejected' && reason.trim() === '') {
    reject('reason_missing', 'Donnez un motif : une mise en suspens se place et se lève avec un motif.', 'Give a reason: a hold is placed and released with one.', lang);
  }
  for (const reference of references) {
    const found = stored.files.find((f) => f.reference.toLowerCase() === reference.trim().toLowerCase());
    if (!found) {
      reject('file_not_in_batch', `Le dossier ${reference} n'est pas dans le lot ${stored.batch.number}.`, `File ${reference} is not in batch ${stored.batch.number}.`, lang);
    }
    const flag = decision === 'approved' ? flagsOf(found, lang)[0] : undefined;
    if (flag) {
      const [fr, en] =
        flag.kind === 'held'
          ? [`mise en suspens ${flag.hold} (${flag.reason})`, `hold ${flag.hold} (${flag.reason})`]
          : flag.kind === 'no_longer_due'
            ? flag.dueOn
              ? [`il n'est plus échu (échéance au ${flag.dueOn})`, `it is no longer due (${flag.dueOn})`]
              : ["il n'est plus échu (aucune date de disposition)", 'it is no longer due (no disposition date)']
            : ['il a quitté le registre', 'it left the register'];
      reject(
        'file_flagged',
        `Le dossier ${found.reference} du lot ${stored.batch.number} ne peut être approuvé : ${fr}. Rejetez-le, ou levez la suspension, puis décidez de nouveau.`,
        `File ${found.reference} of batch ${stored.batch.number} cannot be approved: ${en}. Reject it, or release the hold, then decide again.`,
        lang,
      );
    }
  }
  for (const file of stored.files) {
    if (references.some((r) => r.trim().toLowerCase() === file.reference.toLowerCase())) file.decision = decision;
  }
  const pending = stored.files.filter((f) => f.decision === 'pending').length;
  const approved = stored.files.filter((f) => f.decision === 'approved').length;
  if (pending === 0) {
    Object.assign(stored.batch, {
      state: approved > 0 ? 'approved' : 'rejected',
      decidedBy: session.username,
      decidedAt: new Date().toISOString(),
      decisionReason: reason.trim(),
    });
  }
  stored.batch.approvedFiles = approved;
  return stored.batch;
}

function rejectBatch(number: string, reason: string, ctx: DispositionContext): Batch {
  const lang = ctx.lang();
  if (reason.trim() === '') reject('reason_missing', 'Donnez un motif : une mise en suspens se place et se lève avec un motif.', 'Give a reason: a hold is placed and released with one.', lang);
  const [stored, session] = decidable(number, ctx);
  for (const file of stored.files) file.decision = 'rejected';
  Object.assign(stored.batch, {
    state: 'rejected',
    decidedBy: session.username,
    decidedAt: new Date().toISOString(),
    decisionReason: reason.trim(),
    approvedFiles: 0,
  });
  return stored.batch;
}

const DEFAULT_METHODS: Readonly<Record<BatchKind, string>> = {
  destruction: 'secure deletion (SQLCipher secure_delete, index merged, log truncated)',
  transfer: 'transfer to archives',
  anonymisation: 'persons unlinked and their names replaced by [anonymisé] in the text',
};

function execute(number: string, method: string, ctx: DispositionContext): ExecutionReport {
  const lang = ctx.lang();
  const session = require('propose_disposition', ctx);
  const stored = batchOf(number, lang);
  const batch = stored.batch;
  if (batch.state !== 'approved' && batch.state !== 'incomplete') refuseState(batch, 'approved', lang);
  const now = new Date().toISOString();
  const timingsMs = { rows: 38.4 + stored.files.length * 2.1, index: 612.7, checkpoint: 7.9 };
  if (batch.state === 'approved') {
    const approved = stored.files.filter((f) => f.decision === 'approved');
    const sources = dueSources(lang);
    for (const file of approved) {
      const source = sources.find((s) => s.reference === file.reference);
      const hold = source ? holdOn(source) : undefined;
      if (source && hold) {
        reject(
          'file_held',
          `Le dossier ${file.reference} est sous la mise en suspens ${hold.number} (${hold.reason}) : il ne peut être modifié, détruit ni versé avant la levée de la suspension.`,
          `File ${file.reference} is under legal hold ${hold.number} (${hold.reason}): it cannot be changed, destroyed or transferred until the hold is released.`,
          lang,
        );
      }
    }
    const leftOut: string[] = [];
    const persons = new Set<number>();
    let done = 0;
    for (const file of approved) {
      const source = sources.find((s) => s.reference === file.reference);
      if (source?.dueOn == null || source.dueOn > todayIso() || source.disposition !== DISPOSITION_OF[batch.kind]) {
        file.decision = 'rejected';
        leftOut.push(file.reference);
        continue;
      }
      if (batch.kind !== 'transfer') {
        data().destroyed.unshift(
          residual({ ...source, title: source.confidential ? null : source.title }, batch, session.username, now),
        );
      }
      disposeOf(file.reference, batch.kind === 'transfer' ? 'transferred' : 'destroyed');
      for (const person of source.persons) persons.add(person);
      done += 1;
    }
    Object.assign(batch, {
      executedBy: session.username,
      executedAt: now,
      method: method.trim() || DEFAULT_METHODS[batch.kind],
      approvedFiles: stored.files.filter((f) => f.decision === 'approved').length,
    });
    if (ctx.stopOnce && batch.kind !== 'transfer' && !stored.stopped) {
      stored.stopped = true;
      batch.state = 'incomplete';
      batch.certificateNumber = `C${batch.kind === 'anonymisation' ? 'A' : 'D'}-2026-${pad(batch.id, 4)}`;
      reject(
        'batch_incomplete',
        `Le lot ${batch.number} a été exécuté, mais la fusion de l'index de recherche n'a pas abouti : aucun certificat n'est encore délivré. Fermez les autres fenêtres et commandes Greffier, libérez de l'espace disque s'il est plein, puis relancez \`greffier disposition execute ${batch.number}\`.`,
        `Batch ${batch.number} was executed, but the merge of the search index did not complete: no certificate is issued yet. Close other Greffier windows and commands, free disk space if it is full, then run \`greffier disposition execute ${batch.number}\` again.`,
        lang,
      );
    }
    finish(batch);
    // The persons no file left in the register needs any more lose their identifiers.
    const needed = new Set(dueSources(lang).flatMap((s) => s.persons));
    const erased = batch.kind === 'transfer' ? 0 : [...persons].filter((p) => !needed.has(p)).length;
    return { batch, files: done, persons: erased, leftOut, timingsMs };
  }
  // Incomplete: the rows are gone; the index and the checkpoint are finished now.
  finish(batch);
  return { batch, files: batch.approvedFiles, persons: 0, leftOut: [], timingsMs: { rows: 0, index: timingsMs.index, checkpoint: timingsMs.checkpoint } };
}

/**
 * The execution's progress events, played after the fact (the fake's execution is instant):
 * each phase, and the files as they go, as the core sends them. `slow=1` in the address
 * stretches it to about a minute, to look at the progress bar.
 */
async function playProgress(report: ExecutionReport, ctx: DispositionContext): Promise<ExecutionReport> {
  const emit = ctx.emit;
  if (!emit) return report;
  const pause = new URLSearchParams(window.location.search).get('slow') === '1' ? 4000 : 150;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const send = async (phase: ExecutionPhase, done: number, total: number): Promise<void> => {
    emit('vault-progress', { operation: 'execute', phase, done, total } satisfies BatchProgress);
    await sleep(pause);
  };
  const kind = report.batch.kind;
  if (report.timingsMs.rows > 0) {
    const approved = report.files + report.leftOut.length;
    await send('checking', 0, approved);
    await send('checking', approved, approved);
    for (let done = 0; done < report.files; done += 1) await send('files', done, report.files);
    await send('files', report.files, report.files);
  }
  await send('index', 0, 0);
  if (kind !== 'transfer') await send('checkpoint', 0, 0);
  return report;
}

function finish(batch: Batch): void {
  Object.assign(batch, {
    state: 'executed',
    chainSeq: 1290 + batch.id,
    chainHash: '4d62522ef5a7c6b25abe2f0102e87af7749bc2c5a4bc33efed3dff9a0c1fe5b5',
    certificateNumber: batch.kind === 'transfer' ? null : `C${batch.kind === 'anonymisation' ? 'A' : 'D'}-2026-${pad(batch.id, 4)}`,
  });
}

// ----- holds -----

function placeHold(target: HoldTarget, kind: HoldKind, reason: string, requestRef: string | null, ctx: DispositionContext): Hold {
  const lang = ctx.lang();
  const session = require('manage_holds', ctx);
  if (reason.trim() === '') reject('reason_missing', 'Donnez un motif : une mise en suspens se place et se lève avec un motif.', 'Give a reason: a hold is placed and released with one.', lang);
  let label: string;
  switch (target.type) {
    case 'file': {
      const file = dueSources(lang).find((f) => f.reference.toLowerCase() === target.value.trim().toLowerCase());
      if (!file) reject('unknown_file', `Il n'y a pas de dossier ${target.value}.`, `There is no file ${target.value}.`, lang);
      label = file.reference;
      break;
    }
    case 'person':
      if (target.value < 1 || target.value > 3) {
        reject('unknown_person', `Il n'y a pas de personne n° ${target.value}. \`greffier person find\` donne son numéro.`, `There is no person #${target.value}. \`greffier person find\` gives their number.`, lang);
      }
      label = `person #${target.value}`;
      break;
    case 'class': {
      const cls = listClasses().find((c) => c.code.toLowerCase() === target.value.trim().toLowerCase());
      if (!cls) reject('unknown_class', `Le plan n’a pas de classe ${target.value}.`, `The plan has no class ${target.value}.`, lang);
      label = cls.code;
      break;
    }
    case 'project': {
      const project = projectsOf().find((p) => p.code.toLowerCase() === target.value.trim().toLowerCase());
      if (!project) reject('unknown_project', `Il n’y a pas de projet ${target.value}.`, `There is no project ${target.value}.`, lang);
      label = project.code;
      break;
    }
  }
  const hold: Hold = {
    id: data().holds.length + 1,
    number: `H-2026-${pad(data().holds.length + 1, 4)}`,
    kind,
    reason: reason.trim(),
    targetType: target.type,
    target: label,
    placedBy: session.username,
    placedAt: new Date().toISOString(),
    releasedBy: null,
    releasedAt: null,
    releaseReason: null,
    requestRef: requestRef && requestRef.trim() !== '' ? requestRef.trim() : null,
  };
  data().holds.push(hold);
  return hold;
}

function releaseHold(number: string, reason: string, ctx: DispositionContext): Hold {
  const lang = ctx.lang();
  const session = require('manage_holds', ctx);
  if (reason.trim() === '') reject('reason_missing', 'Donnez un motif : une mise en suspens se place et se lève avec un motif.', 'Give a reason: a hold is placed and released with one.', lang);
  const hold = data().holds.find((h) => h.number.toLowerCase() === number.trim().toLowerCase());
  if (!hold) reject('unknown_hold', `Il n'y a pas de mise en suspens ${number}. \`greffier hold list\` les affiche.`, `There is no hold ${number}. \`greffier hold list\` shows them.`, lang);
  if (hold.releasedAt) reject('hold_released', `La mise en suspens ${hold.number} est déjà levée.`, `Hold ${hold.number} was already released.`, lang);
  Object.assign(hold, { releasedBy: session.username, releasedAt: new Date().toISOString(), releaseReason: reason.trim() });
  return hold;
}

/** The due list's export "writes" its files in a dozen steps, as the core reports them, a second
 * and a half in all; Cancel stops it with nothing written. */
async function exportSteps(total: number, job: RegisterContext): Promise<number> {
  const lang = job.lang();
  job.resetCancel();
  const step = Math.max(1, Math.ceil(total / 12));
  for (let done = 0; done < total; done += step) {
    if (job.cancelled()) reject('cancelled', 'Annulé ; rien n’a été écrit.', 'Cancelled; nothing was written.', lang);
    job.emit('vault-progress', { operation: 'export', done, total });
    await job.sleep(120);
  }
  job.emit('vault-progress', { operation: 'export', done: total, total });
  return total;
}

function written(path: string, lang: Lang): void {
  if (path.includes('readonly')) {
    reject('io', `Impossible d’écrire ${path} : permission refusée.`, `Could not write ${path}: permission denied.`, lang);
  }
}

export function answerDisposition(cmd: string, args: Record<string, unknown>, ctx: DispositionContext): { handled: boolean; value?: unknown } {
  const lang = ctx.lang();
  const str = (name: string): string => {
    const value = args[name];
    return typeof value === 'string' ? value : '';
  };
  const read = (): void => void require('view_register', ctx);
  switch (cmd) {
    case 'due_calendar':
      read();
      return { handled: true, value: calendar(str('from'), Number(args.months), (args.project as string | null) ?? null, lang) };
    case 'due_files': {
      read();
      const all = selected(args.query as DueQuery, lang);
      const offset = Number(args.offset);
      const files = all.slice(offset, offset + Number(args.limit)).map((f) => withClock(f, lang));
      const page: DuePage = { total: all.length, offset, files };
      return { handled: true, value: page };
    }
    case 'export_due': {
      read();
      const path = str('path');
      const count = selected(args.query as DueQuery, lang).length;
      if (path.toLowerCase().endsWith('.pdf') && count > 10_000) {
        reject('invalid_argument', `La liste des échéances compte ${count} dossiers et un PDF en liste au plus 10000.`, `The due list has ${count} files and a PDF lists at most 10000.`, lang);
      }
      written(path, lang);
      return { handled: true, value: ctx.job ? exportSteps(count, ctx.job) : count };
    }
    case 'list_holds':
      read();
      return { handled: true, value: data().holds.filter((h) => args.includeReleased === true || h.releasedAt === null).slice().reverse() };
    case 'holds_on_file': {
      read();
      const file = dueSources(lang).find((f) => f.reference === str('reference'));
      const hold = file ? holdOn(file) : undefined;
      return { handled: true, value: hold ? [hold] : [] };
    }
    case 'place_hold':
      return { handled: true, value: placeHold(args.target as HoldTarget, args.kind as HoldKind, str('reason'), (args.requestRef as string | null) ?? null, ctx) };
    case 'release_hold':
      return { handled: true, value: releaseHold(str('number'), str('reason'), ctx) };
    case 'list_batches':
      read();
      return { handled: true, value: [...data().batches].reverse().map((b) => b.batch) };
    case 'get_batch':
      read();
      return { handled: true, value: detail(str('number'), lang) };
    case 'propose_batch':
      return { handled: true, value: propose(args.kind as BatchKind, args.references as string[], str('note'), ctx) };
    case 'propose_due': {
      require('propose_disposition', ctx);
      const kind = args.kind as BatchKind;
      const query = args.query as DueQuery;
      const today = todayIso();
      const sources = dueSources(lang);
      const free = selected({ ...query, until: query.until < today ? query.until : today, kind: kind === 'transfer' ? 'transfer' : 'destruction' }, lang)
        .filter((f) => !f.heldBy && !f.batch)
        .filter((f) => kind !== 'anonymisation' || sources.find((s) => s.reference === f.reference)?.personal === true)
        .slice(0, Number(args.limit));
      return { handled: true, value: propose(kind, free.map((f) => f.reference), str('note'), ctx) };
    }
    case 'approve_batch': {
      const [stored] = decidable(str('number'), ctx);
      const pending = stored.files.filter((f) => f.decision === 'pending').map((f) => f.reference);
      return { handled: true, value: decideFiles(str('number'), pending, 'approved', str('reason'), ctx) };
    }
    case 'reject_batch':
      return { handled: true, value: rejectBatch(str('number'), str('reason'), ctx) };
    case 'decide_files':
      return { handled: true, value: decideFiles(str('number'), args.references as string[], args.decision as FileDecision, str('reason'), ctx) };
    case 'execute_batch': {
      const report = execute(str('number'), str('method'), ctx);
      return { handled: true, value: playProgress(report, ctx) };
    }
    case 'choose_file':
      // The transfer slips' save dialog; the shell answers the other purposes.
      if (args.purpose !== 'transfer_slips') return { handled: false };
      return { handled: true, value: `/home/hcote/Documents/Versements/${lang === 'fr' ? 'bordereaux-de-versement' : 'transfer-slips'}-2026-11-24.pdf` };
    case 'destroyed_files': {
      read();
      const text = str('text').trim().toLowerCase();
      const found = data().destroyed.filter((d) => `${d.reference}\u0000${d.class}\u0000${d.title ?? ''}`.toLowerCase().includes(text));
      return { handled: true, value: found.slice(0, Number(args.limit)) };
    }
    case 'export_certificate': {
      read();
      const stored = batchOf(str('number'), lang);
      if (stored.batch.state !== 'executed' || stored.batch.kind === 'transfer' || !stored.batch.certificateNumber) {
        reject(
          'no_certificate',
          `Le lot ${stored.batch.number} n'a pas de certificat : seul un lot de destruction ou d'anonymisation exécuté en a un.`,
          `Batch ${stored.batch.number} has no certificate: only an executed destruction or anonymisation batch has one.`,
          lang,
        );
      }
      written(str('path'), lang);
      return { handled: true, value: stored.batch.certificateNumber };
    }
    case 'export_transfer_slips': {
      read();
      const stored = batchOf(str('number'), lang);
      if (stored.batch.state !== 'executed' || stored.batch.kind !== 'transfer') refuseState(stored.batch, 'executed', lang);
      written(str('path'), lang);
      return { handled: true, value: Math.max(1, Math.ceil(stored.batch.approvedFiles / 2)) };
    }
    case 'decide_review': {
      require('manage_register', ctx);
      return { handled: true, value: decideReview(str('reference'), args.decision as ReviewDecision, str('justification'), lang) };
    }
    default:
      return { handled: false };
  }
}
