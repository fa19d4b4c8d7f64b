// The fake shell's destruction calendar (see fake-shell.ts): a due list of about forty files
// spread over thirty months (overdue, coming, waiting for their event), two holds, batches in
// every state — one proposed by `mroy`, so that hcote may approve it, one incomplete — and
// residual records of destroyed files. Refusals come with the core's codes and messages: a held
// file, a proposer who approves, a file already in a batch. Exports "write" nothing: a path
// containing `readonly` fails.
import type {
  Batch,
  BatchDetail,
  BatchFile,
  BatchKind,
  DestroyedFile,
  DueCalendar,
  DueFile,
  DueKind,
  DuePage,
  DueQuery,
  ExecutionReport,
  FileDecision,
  Hold,
  HoldKind,
  HoldTarget,
} from '../src/lib/types';

type Lang = 'fr' | 'en';

export interface DispositionContext {
  lang: () => Lang;
  user: () => string;
}

function reject(code: string, fr: string, en: string, lang: Lang): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  throw { code, message: lang === 'fr' ? fr : en };
}

const pad = (n: number): string => String(n).padStart(2, '0');

function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(Math.min(d, last))}`;
}

function todayIso(): string {
  const now = new Date();
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const TITLES = [
  'Revue de presse de l’été',
  'Concours pour un poste d’archiviste',
  'Dossier d’employé — évaluation annuelle',
  'Procès-verbaux du comité de circulation',
  'Demandes de permis de rénovation, secteur Lévis',
  'Correspondance avec le ministère des Transports du Québec',
];
const CLASSES: [string, string, DueFile['disposition']][] = [
  ['500-40-15', '5120', 'D'],
  ['300-20-05', '3020', 'D'],
  ['300-10-10', '3040', 'D'],
  ['100-30-10', '1080', 'C'],
  ['100-20-10', '1060', 'T'],
];

interface Store {
  files: DueFile[];
  holds: Hold[];
  batches: { batch: Batch; files: { reference: string; decision: FileDecision }[] }[];
  destroyed: DestroyedFile[];
  waiting: number;
}

let store: Store | null = null;

function seed(): Store {
  const today = todayIso();
  const files: DueFile[] = [];
  for (let i = 0; i < 42; i += 1) {
    const [klass, rule, disposition] = CLASSES[i % CLASSES.length] ?? ['500-40-15', '5120', 'D'];
    const due = addMonths(today, i - 12);
    files.push({
      id: i + 1,
      reference: `${klass.slice(0, 3)}-2015-${pad(i + 1)}`,
      title: `${TITLES[i % TITLES.length] ?? ''} ${2010 + (i % 9)}`,
      class: klass,
      project: i % 4 === 0 ? 'RH-2024' : null,
      rule,
      ruleVersion: 1 + (i % 2),
      closedOn: addMonths(due, -36),
      dueOn: due,
      disposition,
      heldBy: null,
      batch: null,
    });
  }
  const holds: Hold[] = [
    {
      id: 1,
      number: 'G-2026-0001',
      kind: 'litigation',
      reason: 'Poursuite 500-17-123456-261 : conserver tout le dossier',
      targetType: 'file',
      target: files[1]?.reference ?? '',
      placedBy: 'hcote',
      placedAt: '2026-09-14T13:02:00.000Z',
      releasedBy: null,
      releasedAt: null,
      releaseReason: null,
      requestRef: null,
    },
    {
      id: 2,
      number: 'G-2026-0002',
      kind: 'access_request',
      reason: 'Demande d’accès DA-2026-031',
      targetType: 'person',
      target: '#12',
      placedBy: 'sgagnon',
      placedAt: '2026-10-02T15:40:00.000Z',
      releasedBy: 'sgagnon',
      releasedAt: '2026-11-03T10:11:00.000Z',
      releaseReason: 'Demande fermée',
      requestRef: 'DA-2026-031',
    },
  ];
  const held = files[1];
  if (held) held.heldBy = 'G-2026-0001';
  const batch = (
    number: string,
    kind: BatchKind,
    state: Batch['state'],
    proposedBy: string,
    refs: string[],
  ): Store['batches'][number] => ({
    batch: {
      id: Number(number.slice(-4)),
      number,
      kind,
      state,
      note: '',
      proposedBy,
      proposedAt: '2026-11-20T14:03:00.000Z',
      decidedBy: state === 'proposed' ? null : 'hcote',
      decidedAt: state === 'proposed' ? null : '2026-11-21T09:30:00.000Z',
      decisionReason: state === 'proposed' ? null : 'Conforme au calendrier',
      executedBy: state === 'incomplete' || state === 'executed' ? proposedBy : null,
      executedAt: state === 'incomplete' || state === 'executed' ? '2026-11-22T08:00:00.000Z' : null,
      method: state === 'incomplete' || state === 'executed' ? 'Suppression sécurisée' : null,
      chainSeq: state === 'executed' ? 1284 : null,
      chainHash: state === 'executed' ? '9b2e4c6a8d0f1e3c5a7b9d1f3e5c7a9b1d3f5e7c9a1b3d5f7e9c1a3b5d7f9e1c' : null,
      certificateNumber: state === 'executed' ? 'CD-2026-0001' : state === 'incomplete' ? 'CD-2026-0002' : null,
      files: refs.length,
      approvedFiles: state === 'proposed' ? 0 : refs.length,
    },
    files: refs.map((reference) => ({ reference, decision: state === 'proposed' ? 'pending' : 'approved' })),
  });
  const proposed = [files[0]?.reference ?? '', files[5]?.reference ?? ''];
  for (const file of files) if (proposed.includes(file.reference)) file.batch = 'LOT-2026-0003';
  const destroyed: DestroyedFile[] = ['500-2012-07', '500-2012-08', '300-2011-02'].map((reference, i) => ({
    id: 900 + i,
    reference,
    class: reference.startsWith('500') ? '500-40-15' : '300-20-05',
    title: i === 2 ? null : `Revue de presse ${2012 + i}`,
    openedOn: '2012-01-04',
    closedOn: '2012-12-21',
    rule: reference.startsWith('500') ? '5120' : '3020',
    ruleVersion: 1,
    batch: 'LOT-2026-0001',
    proposedBy: 'mroy',
    approvedBy: 'hcote',
    executedBy: 'mroy',
    destroyedAt: '2026-11-22T08:00:00.000Z',
  }));
  return {
    files,
    holds,
    batches: [
      batch('LOT-2026-0001', 'destruction', 'executed', 'mroy', destroyed.map((d) => d.reference)),
      batch('LOT-2026-0002', 'destruction', 'incomplete', 'mroy', ['500-2013-01']),
      batch('LOT-2026-0003', 'destruction', 'proposed', 'mroy', proposed),
      batch('LOT-2026-0004', 'transfer', 'rejected', 'hcote', ['100-2010-03']),
    ],
    destroyed,
    waiting: 7,
  };
}

function data(): Store {
  store ??= seed();
  return store;
}

const KIND_CODES: Readonly<Record<DueKind, DueFile['disposition']>> = { destruction: 'D', transfer: 'C', review: 'T' };

function selected(query: DueQuery): DueFile[] {
  return data()
    .files.filter(
      (f) =>
        f.dueOn <= query.until &&
        (query.project === null || f.project === query.project) &&
        (query.kind === null || f.disposition === KIND_CODES[query.kind]),
    )
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.id - b.id);
}

function calendar(from: string, months: number, project: string | null): DueCalendar {
  const out: DueCalendar = { from, overdue: { destruction: 0, transfer: 0, review: 0 }, months: [], waiting: data().waiting };
  const start = from.slice(0, 7);
  for (let i = 0; i < months; i += 1) {
    out.months.push({ month: addMonths(`${start}-01`, i).slice(0, 7), destruction: 0, transfer: 0, review: 0 });
  }
  for (const file of data().files) {
    if (project !== null && file.project !== project) continue;
    const key = file.disposition === 'D' ? 'destruction' : file.disposition === 'C' ? 'transfer' : 'review';
    const month = out.months.find((m) => m.month === file.dueOn.slice(0, 7));
    if (file.dueOn < `${start}-01`) out.overdue[key] += 1;
    else if (month) month[key] += 1;
  }
  return out;
}

function batchOf(number: string, lang: Lang): Store['batches'][number] {
  const found = data().batches.find((b) => b.batch.number === number);
  if (!found) reject('unknown_batch', `Il n’y a pas de lot ${number}.`, `There is no disposition batch ${number}.`, lang);
  return found;
}

function detail(number: string, lang: Lang): BatchDetail {
  const { batch, files } = batchOf(number, lang);
  const rows: BatchFile[] = files.map(({ reference, decision }, i) => {
    const file = data().files.find((f) => f.reference === reference);
    return {
      fileId: file?.id ?? 1000 + i,
      reference,
      title: file?.title ?? null,
      class: file?.class ?? null,
      dueOn: file?.dueOn ?? null,
      decision,
      flags: file?.heldBy ? [{ kind: 'held', hold: file.heldBy, reason: 'Litige' }] : [],
    };
  });
  return { batch, files: rows };
}

function propose(kind: BatchKind, references: string[], note: string, ctx: DispositionContext): Batch {
  const lang = ctx.lang();
  if (references.length === 0) reject('batch_empty', 'Un lot doit contenir au moins un dossier.', 'A batch needs at least one file.', lang);
  for (const reference of references) {
    const file = data().files.find((f) => f.reference === reference);
    if (file?.heldBy) {
      reject(
        'file_held',
        `Le dossier ${reference} est sous la garde juridique ${file.heldBy} : il ne peut être modifié, détruit ni versé avant sa levée.`,
        `File ${reference} is under legal hold ${file.heldBy}: it cannot be changed, destroyed or transferred until the hold is released.`,
        lang,
      );
    }
    if (file?.batch) {
      reject('file_in_batch', `Le dossier ${reference} est déjà dans le lot ${file.batch}.`, `File ${reference} is already in batch ${file.batch}.`, lang);
    }
  }
  const number = `LOT-2026-${pad(data().batches.length + 1).padStart(4, '0')}`;
  const batch: Batch = {
    id: data().batches.length + 1,
    number,
    kind,
    state: 'proposed',
    note,
    proposedBy: ctx.user(),
    proposedAt: new Date().toISOString(),
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
    executedBy: null,
    executedAt: null,
    method: null,
    chainSeq: null,
    chainHash: null,
    certificateNumber: null,
    files: references.length,
    approvedFiles: 0,
  };
  data().batches.push({ batch, files: references.map((reference) => ({ reference, decision: 'pending' })) });
  for (const file of data().files) if (references.includes(file.reference)) file.batch = number;
  return batch;
}

function decide(number: string, approve: boolean, reason: string, ctx: DispositionContext): Batch {
  const lang = ctx.lang();
  const entry = batchOf(number, lang);
  if (entry.batch.proposedBy === ctx.user()) {
    reject(
      'separation_of_duties',
      `Vous avez proposé le lot ${number} : un autre utilisateur doit l’approuver ou le rejeter (séparation des tâches).`,
      `You proposed batch ${number}: another user must approve or reject it (separation of duties).`,
      lang,
    );
  }
  if (entry.batch.state !== 'proposed') reject('batch_state', `Le lot ${number} n’est plus proposé.`, `Batch ${number} is no longer proposed.`, lang);
  entry.batch.state = approve ? 'approved' : 'rejected';
  entry.batch.decidedBy = ctx.user();
  entry.batch.decidedAt = new Date().toISOString();
  entry.batch.decisionReason = reason || null;
  for (const file of entry.files) if (file.decision === 'pending') file.decision = approve ? 'approved' : 'rejected';
  entry.batch.approvedFiles = entry.files.filter((f) => f.decision === 'approved').length;
  if (!approve) for (const file of data().files) if (file.batch === number) file.batch = null;
  return entry.batch;
}

function execute(number: string, method: string, ctx: DispositionContext): ExecutionReport {
  const entry = batchOf(number, ctx.lang());
  const approved = entry.files.filter((f) => f.decision === 'approved').map((f) => f.reference);
  const now = new Date().toISOString();
  if (entry.batch.kind !== 'transfer') {
    for (const reference of approved) {
      const file = data().files.find((f) => f.reference === reference);
      if (!file) continue;
      data().destroyed.unshift({
        id: file.id,
        reference,
        class: file.class,
        title: file.title,
        openedOn: null,
        closedOn: file.closedOn,
        rule: file.rule,
        ruleVersion: file.ruleVersion,
        batch: number,
        proposedBy: entry.batch.proposedBy,
        approvedBy: entry.batch.decidedBy ?? '',
        executedBy: ctx.user(),
        destroyedAt: now,
      });
    }
  }
  data().files = data().files.filter((f) => !approved.includes(f.reference));
  Object.assign(entry.batch, {
    state: 'executed',
    executedBy: ctx.user(),
    executedAt: now,
    method: method || 'Suppression sécurisée',
    chainSeq: 1290,
    chainHash: '4d62522ef5a7c6b25abe2f0102e87af7749bc2c5a4bc33efed3dff9a0c1fe5b5',
    certificateNumber: entry.batch.kind === 'transfer' ? null : `C${entry.batch.kind === 'anonymisation' ? 'A' : 'D'}-2026-00${entry.batch.id}`,
  });
  return { batch: entry.batch, files: approved.length, persons: 2, leftOut: [], timingsMs: { rows: 41, index: 612, checkpoint: 8 } };
}

function placeHold(target: HoldTarget, kind: HoldKind, reason: string, ctx: DispositionContext): Hold {
  const number = `G-2026-${String(data().holds.length + 1).padStart(4, '0')}`;
  const hold: Hold = {
    id: data().holds.length + 1,
    number,
    kind,
    reason,
    targetType: target.type,
    target: target.type === 'person' ? `#${target.value}` : target.value,
    placedBy: ctx.user(),
    placedAt: new Date().toISOString(),
    releasedBy: null,
    releasedAt: null,
    releaseReason: null,
    requestRef: null,
  };
  data().holds.unshift(hold);
  if (target.type === 'file') {
    const file = data().files.find((f) => f.reference === target.value);
    if (file) file.heldBy = number;
  }
  return hold;
}

function releaseHold(number: string, reason: string, ctx: DispositionContext): Hold {
  const lang = ctx.lang();
  const hold = data().holds.find((h) => h.number === number);
  if (!hold) reject('unknown_hold', `Il n’y a pas de garde ${number}.`, `There is no hold ${number}.`, lang);
  if (hold.releasedAt) reject('hold_released', `La garde ${number} a déjà été levée.`, `Hold ${number} was already released.`, lang);
  Object.assign(hold, { releasedBy: ctx.user(), releasedAt: new Date().toISOString(), releaseReason: reason });
  for (const file of data().files) if (file.heldBy === number) file.heldBy = null;
  return hold;
}

function exported(path: string, lang: Lang): void {
  if (path.includes('readonly')) {
    reject('io', `Impossible d’écrire ${path} : permission refusée.`, `Could not write ${path}: permission denied.`, lang);
  }
}

export function answerDisposition(
  cmd: string,
  args: Record<string, unknown>,
  ctx: DispositionContext,
): { handled: boolean; value?: unknown } {
  const lang = ctx.lang();
  const str = (name: string): string => {
    const value = args[name];
    return typeof value === 'string' ? value : '';
  };
  switch (cmd) {
    case 'due_calendar':
      return { handled: true, value: calendar(str('from'), Number(args.months), (args.project as string | null) ?? null) };
    case 'due_files': {
      const all = selected(args.query as DueQuery);
      const offset = Number(args.offset);
      const page: DuePage = { total: all.length, offset, files: all.slice(offset, offset + Number(args.limit)) };
      return { handled: true, value: page };
    }
    case 'export_due':
      exported(str('path'), lang);
      return { handled: true, value: selected(args.query as DueQuery).length };
    case 'list_holds':
      return { handled: true, value: data().holds.filter((h) => args.includeReleased === true || h.releasedAt === null) };
    case 'holds_on_file':
      return { handled: true, value: data().holds.filter((h) => h.target === str('reference') && h.releasedAt === null) };
    case 'place_hold':
      return { handled: true, value: placeHold(args.target as HoldTarget, args.kind as HoldKind, str('reason'), ctx) };
    case 'release_hold':
      return { handled: true, value: releaseHold(str('number'), str('reason'), ctx) };
    case 'list_batches':
      return { handled: true, value: [...data().batches].reverse().map((b) => b.batch) };
    case 'get_batch':
      return { handled: true, value: detail(str('number'), lang) };
    case 'propose_batch':
      return { handled: true, value: propose(args.kind as BatchKind, args.references as string[], str('note'), ctx) };
    case 'propose_due': {
      const free = selected(args.query as DueQuery).filter((f) => !f.heldBy && !f.batch && f.dueOn <= todayIso());
      return { handled: true, value: propose(args.kind as BatchKind, free.map((f) => f.reference), str('note'), ctx) };
    }
    case 'approve_batch':
      return { handled: true, value: decide(str('number'), true, str('reason'), ctx) };
    case 'reject_batch':
      return { handled: true, value: decide(str('number'), false, str('reason'), ctx) };
    case 'decide_files': {
      const entry = batchOf(str('number'), lang);
      for (const file of entry.files) {
        if ((args.references as string[]).includes(file.reference)) file.decision = args.decision as FileDecision;
      }
      return { handled: true, value: entry.batch };
    }
    case 'execute_batch':
      return { handled: true, value: execute(str('number'), str('method'), ctx) };
    case 'destroyed_files': {
      const text = str('text').toLowerCase();
      return {
        handled: true,
        value: data().destroyed.filter((d) => `${d.reference} ${d.class} ${d.title ?? ''}`.toLowerCase().includes(text)),
      };
    }
    case 'export_certificate':
      exported(str('path'), lang);
      return { handled: true, value: batchOf(str('number'), lang).batch.certificateNumber ?? 'CD-2026-0001' };
    case 'decide_review': {
      const file = data().files.find((f) => f.reference === str('reference'));
      if (!file) reject('unknown_file', `Il n’y a pas de dossier ${str('reference')}.`, `There is no file ${str('reference')}.`, lang);
      if (str('justification').trim() === '') reject('reason_missing', 'Donnez une justification.', 'Give a justification.', lang);
      const decision = args.decision as { kind: string; until?: string };
      if (decision.kind === 'extend' && decision.until) file.dueOn = decision.until;
      file.disposition = decision.kind === 'keep_permanently' ? 'C' : decision.kind === 'extend' ? 'T' : 'D';
      return { handled: true, value: { reference: file.reference } };
    }
    case 'export_transfer_slips':
      exported(str('path'), lang);
      return { handled: true, value: 2 };
    default:
      return { handled: false };
  }
}
