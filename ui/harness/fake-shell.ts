// A fake Tauri shell for the harness: answers every command of src/lib/api.ts from an
// in-memory vault, emits `vault-progress`, and fails the way the real core does (codes and
// translated messages). Query parameters choose the starting point:
//   scenario = first-run | locked | locked-keyring | signin | home   (default first-run)
//   lang     = fr | en   (stored as the UI's language before it starts)
//   slow     = 1: a backup takes minutes, to look at its progress bar
//   nokeyring = 1: create_vault reports that the key could not be put in a keyring
//   as       = a username of the fake vault: who is signed in for scenario=home (default hcote)
//   plan     = banq (the real BAnQ schedule, default) | sample | big (2,000 classes) | empty
//   register = demo (default) | big (a million files) | empty: the register (fake-register.ts)
//   incomplete = 1: a destruction stops once before its index merge (fake-disposition.ts)
// The destruction calendar's commands are answered by fake-disposition.ts. Moving a class and
// editing a project reach the register too: the plan's side is fake-plan.ts's, and the files
// follow here, through the fake register's own commands (as the core does in one transaction).
// A new file (or a file moved) into a closed project is refused with `project_closed`.
// Attaching a person to a held file, removing one from it, or editing a person one of whose files
// is held is refused with `file_held`, as the core does (the holds are fake-disposition.ts's).
import type {
  AppStatus,
  BackupReport,
  CheckReport,
  FileDraft,
  FileFilter,
  FileRecord,
  FileRow,
  FileSearchPage,
  Hold,
  Language,
  MoveReport,
  NewUser,
  ProjectEdit,
  ProjectEditReport,
  SessionInfo,
  User,
  VaultSetup,
} from '../src/lib/types';
import { answerDisposition, type DispositionContext } from './fake-disposition';
import {
  answerPlan,
  prepareMove,
  prepareProjectEdit,
  projectsOf,
  refuseClosedProject,
  setUp,
  type PlanContext,
} from './fake-plan';
import { answerRegister, filesOfPerson, setUpRegister, type RegisterContext } from './fake-register';

interface Internals {
  invoke: (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;
  transformCallback: (callback: (payload: unknown) => void, once?: boolean) => number;
}


const params = new URLSearchParams(location.search);
const scenario = params.get('scenario') ?? 'first-run';
const slow = params.get('slow') === '1';
const lang0 = params.get('lang');
if (lang0 === 'fr' || lang0 === 'en') localStorage.setItem('greffier.locale', lang0);

const PASSWORD = 'mot de passe solide';
const PASSPHRASE = 'les archives de la ville sont en sûreté';
const ADMIN: SessionInfo = {
  username: 'hcote',
  displayName: 'Hélène Côté',
  role: 'administrator',
  permissions: [
    'manage_users',
    'view_users',
    'manage_vault',
    'check_vault',
    'view_audit',
    'export_audit',
    'view_plan',
    'manage_plan',
    'view_register',
    'manage_register',
    'reveal_identifiers',
    'manage_holds',
    'propose_disposition',
    'approve_disposition',
  ],
};

let lang: Language = 'fr';
const state = {
  vaultExists: scenario !== 'first-run',
  unlocked: ['signin', 'home'].includes(scenario),
  organisation: 'Ville de Saint-Exemple',
  session: null as SessionInfo | null,
  idleLockMinutes: 15,
  keyringWorks: scenario !== 'locked',
  cancel: false,
  users: [
    user(1, 'hcote', 'Hélène Côté', 'administrator', true, '2026-03-02T14:05:00Z'),
    user(2, 'mtremblay', 'Marc-André Tremblay', 'archivist', true, '2026-03-09T13:30:00Z'),
    user(3, 'sgagnon', 'Sophie Gagnon', 'access_officer', false, '2026-04-15T18:45:00Z'),
    user(4, 'lpoirier', 'Louise Poirier', 'auditor', true, '2026-06-01T12:10:00Z'),
  ],
};

function user(id: number, username: string, displayName: string, role: User['role'], active: boolean, createdAt: string): User {
  return { id, username, displayName, role, active, createdAt };
}

/** The permissions greffier_core::access grants each role. */
function sessionOf(found: User): SessionInfo {
  const permissions: Record<User['role'], SessionInfo['permissions']> = {
    administrator: ADMIN.permissions,
    auditor: ['view_users', 'check_vault', 'view_audit', 'export_audit', 'view_plan', 'view_register'],
    archivist: [
      'view_plan',
      'manage_plan',
      'view_register',
      'manage_register',
      'reveal_identifiers',
      'manage_holds',
      'propose_disposition',
      'approve_disposition',
    ],
    access_officer: ['view_plan', 'view_register', 'reveal_identifiers', 'manage_holds'],
    clerk: ['view_plan', 'view_register', 'manage_register'],
  };
  return {
    username: found.username,
    displayName: found.displayName,
    role: found.role,
    permissions: permissions[found.role],
  };
}

if (scenario !== 'first-run') {
  setUp(params.get('plan') ?? 'banq', ADMIN.username);
  setUpRegister(params.get('register') ?? 'demo');
}

if (scenario === 'home') {
  const who = state.users.find((u) => u.username === (params.get('as') ?? ADMIN.username));
  state.session = who ? sessionOf(who) : ADMIN;
}

function status(): AppStatus {
  return {
    version: '0.1.0',
    vaultDir: '/home/hcote/.local/share/greffier',
    vaultExists: state.vaultExists,
    unlocked: state.unlocked,
    organisation: state.unlocked ? state.organisation : null,
    keyring: { osStore: true, description: 'Secret Service (GNOME Keyring)' },
    sqlcipherVersion: '4.6.1 community',
    session: state.unlocked ? state.session : null,
    idleLockMinutes: state.idleLockMinutes,
  };
}

const MESSAGES: Record<string, [string, string]> = {
  keyring_entry_missing: [
    'Le trousseau du système ne contient pas la clé de ce coffre. Déverrouillez-le avec la phrase de récupération ; la clé sera remise dans le trousseau.',
    'The system keyring does not hold this vault’s key. Unlock it with the recovery passphrase; the key will be put back in the keyring.',
  ],
  wrong_passphrase: [
    'Phrase de récupération incorrecte. Vérifiez les espaces et les accents, puis réessayez.',
    'Wrong recovery passphrase. Check the spaces and accents, then try again.',
  ],
  invalid_credentials: [
    'Nom d’utilisateur ou mot de passe incorrect. Vérifiez-les, puis réessayez.',
    'Wrong user name or password. Check them, then try again.',
  ],
  username_taken: [
    'Le nom d’utilisateur « {x} » est déjà pris. Choisissez-en un autre.',
    'The username “{x}” is already taken. Choose another one.',
  ],
  cancelled: ['Opération annulée.', 'Operation cancelled.'],
  busy: [
    'Une autre opération est en cours. Attendez qu’elle se termine, puis réessayez.',
    'Another operation is running. Wait for it to finish, then try again.',
  ],
  backup_destination_exists: [
    'Le fichier de destination existe déjà. Choisissez un autre nom : une sauvegarde n’en écrase jamais une autre.',
    'The destination file already exists. Choose another name: a backup never overwrites another.',
  ],
};

function fail(code: string, x = ''): never {
  const pair = MESSAGES[code] ?? [code, code];
  // The real shell rejects with this plain object (CommandError), not with an Error.
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  throw { code, message: pair[lang === 'fr' ? 0 : 1].replace('{x}', x) };
}

const cancelled = (): boolean => state.cancel;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let nextCallback = 1;
const callbacks = new Map<number, (payload: unknown) => void>();
const listeners = new Map<number, { event: string; handler: number }>();

function emit(event: string, payload: unknown): void {
  for (const [id, listener] of listeners) {
    if (listener.event === event) callbacks.get(listener.handler)?.({ event, id, payload });
  }
}

async function backup(path: string): Promise<BackupReport> {
  if (path.endsWith('exists.greffier')) fail('backup_destination_exists');
  state.cancel = false;
  const total = 48_000_000;
  const steps = slow ? 600 : 20;
  for (let i = 0; i <= steps; i += 1) {
    if (cancelled()) fail('cancelled');
    emit('vault-progress', { operation: 'backup', done: Math.round((total * i) / steps), total });
    await sleep(slow ? 500 : 60);
  }
  return {
    path,
    bytes: total,
    sha256: '3f7a9c2e1b4d8f60a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1',
    chainHead: { seq: 1284, hash: '9b2e4c6a8d0f1e3c5a7b9d1f3e5c7a9b1d3f5e7c9a1b3d5f7e9c1a3b5d7f9e1c' },
  };
}

const check: CheckReport = {
  integrity: ['ok'],
  cipherIntegrity: [],
  audit: {
    events: 1284,
    head: { seq: 1284, hash: '9b2e4c6a8d0f1e3c5a7b9d1f3e5c7a9b1d3f5e7c9a1b3d5f7e9c1a3b5d7f9e1c' },
    systemSigned: 12,
    erasedDetails: 0,
    problem: null,
  },
};

const planContext: PlanContext = {
  lang: () => lang,
  user: () => state.session?.username ?? 'hcote',
  can: (permission) => state.session?.permissions.includes(permission) ?? false,
  mayOwn: (username, current) => state.users.some((u) => u.username === username && (u.active || u.username === current)),
};

const registerContext: RegisterContext = {
  lang: () => lang,
  emit,
  cancelled,
  resetCancel: () => {
    state.cancel = false;
  },
  sleep,
};

const dispositionContext: DispositionContext = {
  lang: () => lang,
  session: () => state.session,
  stopOnce: params.get('incomplete') === '1',
  emit,
  job: registerContext,
};

/** A register command that answers at once (all those used below), through JSON as over the IPC. */
function registerNow(cmd: string, args: Record<string, unknown>): unknown {
  const answered = answerRegister(cmd, JSON.parse(JSON.stringify(args)) as Record<string, unknown>, registerContext);
  if (answered instanceof Promise || !answered.handled) throw new Error(`${cmd} does not answer at once`);
  return JSON.parse(JSON.stringify(answered.value)) as unknown;
}

/** Every file of the register the filter selects, still in it (not destroyed or transferred). */
function filesWhere(filter: Partial<FileFilter>): FileRow[] {
  const rows: FileRow[] = [];
  const all: FileFilter = { query: '', class: null, project: null, status: null, sensitivity: null, due: null, sort: null, ...filter };
  for (let offset = 0; ; offset += 500) {
    const page = registerNow('search_files', { filter: all, offset, limit: 500, facets: false }) as FileSearchPage;
    rows.push(...page.hits.map((hit) => hit.row));
    if (page.hits.length < 500 || rows.length >= page.total) break;
  }
  return rows.filter((row) => row.status !== 'destroyed' && row.status !== 'transferred');
}

/** The records of `rows` (a file the fake cannot open, such as a generated one, is left out). */
function recordsOf(rows: readonly FileRow[]): FileRecord[] {
  return rows.flatMap((row) => {
    try {
      return [registerNow('get_file', { reference: row.reference }) as FileRecord];
    } catch {
      return [];
    }
  });
}

/** A file's draft read back from its record; a level equal to the one it would inherit is taken as inherited. */
function draftOf(record: FileRecord): FileDraft {
  const inherited = projectsOf().find((p) => p.code === record.project)?.sensitivity ?? 'internal';
  return {
    reference: record.reference,
    class: record.class,
    rule: record.rule,
    project: record.project,
    title: record.title,
    description: record.description,
    keywords: record.keywords,
    dates: record.dates,
    holder: record.holder,
    location: record.location,
    medium: record.medium,
    sensitivity: record.sensitivity === inherited ? null : record.sensitivity,
    notes: record.notes,
    exception: record.exception,
  };
}

/** `move_class`: the plan's side (fake-plan.ts), then the branch's files under the new codes. */
function moveClass(args: Record<string, unknown>): MoveReport {
  const move = prepareMove(args, planContext);
  const rows = move.changes.flatMap((change) =>
    filesWhere({ class: change.from }).filter((row) => row.class.toUpperCase() === change.from.toUpperCase()),
  );
  // Read while the classes still have their old codes: a record explains its class.
  const records = recordsOf(rows);
  move.apply();
  for (const record of records) {
    const to = move.changes.find((c) => c.from.toUpperCase() === record.class.toUpperCase())?.to;
    if (to !== undefined && to !== record.class) {
      registerNow('update_file', { reference: record.reference, draft: { ...draftOf(record), class: to } });
    }
  }
  return { classes: move.changes, files: rows.length };
}

/**
 * `edit_project`: the project's side (fake-plan.ts); with another level, the project's files at
 * its former level take the new one, unless a legal hold is in force on them, and the due
 * dates that change are counted.
 */
function editProject(args: Record<string, unknown>): ProjectEditReport {
  const edit = prepareProjectEdit(args, planContext);
  const unchanged = { project: edit.before, filesSensitivityChanged: 0, filesHeld: 0, filesRecomputed: 0 };
  if (!edit.changes) return unchanged;
  const level = (args.edit as ProjectEdit).sensitivity;
  const former = edit.before.sensitivity;
  const records = level === former ? [] : recordsOf(filesWhere({ project: edit.before.code }).filter((r) => r.sensitivity === former));
  const report = edit.apply();
  for (const record of records) {
    const holds = answerDisposition('holds_on_file', { reference: record.reference }, dispositionContext).value as Hold[];
    if (holds.length > 0) {
      report.filesHeld += 1;
      continue;
    }
    // The core stores each file's level: those that had the project's former one take the new one.
    const after = registerNow('update_file', {
      reference: record.reference,
      draft: { ...draftOf(record), sensitivity: level },
    }) as FileRecord;
    report.filesSensitivityChanged += 1;
    if (JSON.stringify(after.due) !== JSON.stringify(record.due)) report.filesRecomputed += 1;
  }
  return report;
}

/** A closed project takes no new file: filing one in it, or moving one into it, is refused. */
function refuseNewFileInClosedProject(cmd: string, args: Record<string, unknown>): void {
  const draft = args.draft as FileDraft;
  if (!draft.project) return;
  const current = cmd === 'update_file' ? (registerNow('get_file', { reference: args.reference }) as FileRecord).project : null;
  if (current?.toUpperCase() !== draft.project.toUpperCase()) refuseClosedProject(draft.project, lang);
}

/** The core's `refuse_if_held`: a file under a hold in force cannot change. */
function refuseHeld(reference: string): void {
  const holds = answerDisposition('holds_on_file', { reference }, dispositionContext).value as Hold[];
  const hold = holds[0];
  if (!hold) return;
  // The real shell rejects with this plain object (CommandError), not with an Error.
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  throw {
    code: 'file_held',
    message:
      lang === 'fr'
        ? `Le dossier ${reference} est sous la mise en suspens ${hold.number} (${hold.reason}) : il ne peut être modifié, détruit ni versé avant la levée de la suspension.`
        : `File ${reference} is under legal hold ${hold.number} (${hold.reason}): it cannot be changed, destroyed or transferred until the hold is released.`,
  };
}

/** Attaching, editing and detaching persons need manage_register, and no hold on the files they touch. */
function refusePersonChange(cmd: string, args: Record<string, unknown>): void {
  if (!(state.session?.permissions.includes('manage_register') ?? false)) {
    const role = state.session?.role ?? 'clerk';
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw {
      code: 'permission_denied',
      message:
        lang === 'fr'
          ? `Permission refusée : il faut la permission « manage_register », que le rôle ${role} n’a pas. Adressez-vous à un administrateur.`
          : `Permission denied: this needs the "manage_register" permission, which the ${role} role does not have. Ask an administrator.`,
    };
  }
  const references = cmd === 'edit_person' ? filesOfPerson(Number(args.id)) : [String(args.reference)];
  for (const reference of references) refuseHeld(reference);
}

async function answer(cmd: string, args: Record<string, unknown>): Promise<unknown> {
  await sleep(cmd === 'create_vault' || cmd.startsWith('unlock') ? 500 : cmd === 'import_plan' ? 700 : cmd === 'execute_batch' ? 1500 : 120);
  if (cmd === 'move_class') return moveClass(args);
  if (cmd === 'edit_project') return editProject(args);
  if (cmd === 'create_file' || cmd === 'update_file') refuseNewFileInClosedProject(cmd, args);
  if (cmd === 'attach_person' || cmd === 'edit_person' || cmd === 'detach_person') refusePersonChange(cmd, args);
  const planned = answerPlan(cmd, args, planContext);
  if (planned.handled) return planned.value;
  const registered = await answerRegister(cmd, args, registerContext);
  if (registered.handled) return registered.value;
  const disposed = answerDisposition(cmd, args, dispositionContext);
  if (disposed.handled) return disposed.value;
  switch (cmd) {
    case 'app_status':
      return status();
    case 'set_language':
      lang = args.lang === 'en' ? 'en' : 'fr';
      return null;
    case 'create_vault': {
      const setup = args.setup as VaultSetup;
      state.vaultExists = true;
      state.unlocked = true;
      state.organisation = setup.organisation;
      state.users = [user(1, setup.adminUsername, setup.adminDisplayName, 'administrator', true, new Date().toISOString())];
      return { status: status(), keyringSaved: params.get('nokeyring') !== '1' };
    }
    case 'unlock_with_keyring':
      if (!state.keyringWorks) fail('keyring_entry_missing');
      state.unlocked = true;
      return status();
    case 'unlock_with_passphrase':
      if (args.passphrase !== PASSPHRASE) fail('wrong_passphrase');
      state.unlocked = true;
      return status();
    case 'lock_vault':
      state.unlocked = false;
      state.session = null;
      return status();
    case 'sign_in': {
      const found = state.users.find((u) => u.username === args.username && u.active);
      if (!found || args.password !== PASSWORD) fail('invalid_credentials');
      state.session = sessionOf(found);
      return status();
    }
    case 'sign_out':
      state.session = null;
      return status();
    case 'list_users':
      return state.users;
    case 'add_user': {
      const input = args.user as NewUser;
      if (state.users.some((u) => u.username === input.username)) fail('username_taken', input.username);
      const added = user(state.users.length + 1, input.username, input.displayName, input.role, true, new Date().toISOString());
      state.users.push(added);
      return added;
    }
    case 'reset_password':
      return null;
    case 'set_user_active':
      state.users = state.users.map((u) => (u.username === args.username ? { ...u, active: Boolean(args.active) } : u));
      return null;
    case 'backup_vault':
      return backup(String(args.path));
    case 'cancel_operation':
      state.cancel = true;
      return null;
    case 'restore_vault':
      if (args.password !== PASSWORD) fail('invalid_credentials');
      state.session = null;
      return {
        report: {
          backupCreatedAt: '2026-05-01T21:30:00Z',
          backupChainHead: { seq: 1190, hash: 'aa'.repeat(32) },
          previousSavedAs: '/home/hcote/.local/share/greffier/vault-before-restore-2026-05-09.db',
          recoveryFileFromBackup: true,
        },
        status: status(),
      };
    case 'rotate_key':
    case 'change_passphrase':
      if ((args.passphrase ?? args.current) !== PASSPHRASE) fail('wrong_passphrase');
      return null;
    case 'check_vault':
      await sleep(600);
      return check;
    case 'set_idle_lock':
      state.idleLockMinutes = Number(args.minutes);
      return status();
    case 'choose_file':
      switch (args.purpose) {
        case 'backup':
          return '/media/hcote/USB/greffier-2026-05-09.greffier';
        case 'plan_import':
          return '/home/hcote/Documents/retention-schedule-banq.xml';
        case 'plan_export':
          return '/home/hcote/Documents/plan-2026-05-09.xlsx';
        case 'due_export':
          return '/home/hcote/Documents/echeances-2026-11-24.csv';
        case 'certificate_export':
          return '/home/hcote/Documents/Certificats/certificat-de-destruction.pdf';
        default:
          return '/media/hcote/USB/greffier-2026-05-01.greffier';
      }
    case 'plugin:event|listen': {
      const id = nextCallback++;
      listeners.set(id, { event: String(args.event), handler: Number(args.handler) });
      return id;
    }
    case 'plugin:event|unlisten':
      listeners.delete(Number(args.eventId));
      return null;
    default:
      // Tauri rejects an unknown command with a bare string.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw `command ${cmd} not found`;
  }
}

const internals: Internals = {
  // Through JSON both ways, as the real IPC: the UI never shares an object with the fake vault.
  invoke: (cmd, args = {}) =>
    answer(cmd, JSON.parse(JSON.stringify(args)) as Record<string, unknown>).then((value) =>
      value === undefined ? value : (JSON.parse(JSON.stringify(value)) as unknown),
    ),
  transformCallback: (callback) => {
    const id = nextCallback++;
    callbacks.set(id, callback);
    return id;
  },
};
const host = window as unknown as Record<string, unknown>;
host.isTauri = true;
// For scripts that drive the harness: e.g. `__harness.keyringWorks = false` loses the key.
host.__harness = state;
host.__TAURI_INTERNALS__ = internals;
host.__TAURI_EVENT_PLUGIN_INTERNALS__ = {
  unregisterListener: (_event: string, id: number) => {
    listeners.delete(id);
  },
};
