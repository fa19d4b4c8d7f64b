import { invoke, isTauri } from '@tauri-apps/api/core';
import { listen, type Event } from '@tauri-apps/api/event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api, AppEvent, ClientErrorCode, Command, toCommandError } from './api';
import { currentOf, RULE_0002 } from './plan/fixtures';
import type { AppStatus, FileDraft, PersonEdit, PersonLink, VaultProgress } from './types';
// The shell's source, to check that both sides name the same commands.
import shellLib from '../../../src-tauri/src/lib.rs?raw';

vi.mock('@tauri-apps/api/core', () => ({
  invoke: vi.fn(),
  isTauri: vi.fn(() => true),
}));

vi.mock('@tauri-apps/api/event', () => ({
  listen: vi.fn(),
}));

const invokeMock = vi.mocked(invoke);
const isTauriMock = vi.mocked(isTauri);
const listenMock = vi.mocked(listen);

const status: AppStatus = {
  version: '0.1.0',
  vaultDir: '/home/a/.local/share/greffier',
  vaultExists: true,
  unlocked: false,
  organisation: null,
  keyring: { osStore: true, description: 'Secret Service' },
  sqlcipherVersion: '4.20.0 community',
  session: null,
  idleLockMinutes: 15,
};

beforeEach(() => {
  invokeMock.mockReset();
  listenMock.mockReset();
  isTauriMock.mockReset().mockReturnValue(true);
});

describe('commands', () => {
  it('app_status is invoked by its Rust name and its answer passed through', async () => {
    invokeMock.mockResolvedValueOnce(status);
    await expect(api.appStatus()).resolves.toEqual({ ok: true, value: status });
    expect(invokeMock).toHaveBeenCalledExactlyOnceWith('app_status', undefined);
  });

  it('set_language sends the language under the camelCase key `lang`', async () => {
    invokeMock.mockResolvedValueOnce(null);
    await expect(api.setLanguage('en')).resolves.toEqual({ ok: true, value: null });
    expect(invokeMock).toHaveBeenCalledExactlyOnceWith('set_language', { lang: 'en' });
  });

  it('names exactly the commands the shell registers', () => {
    // The shell's own list, read from the source that registers them (generate_handler!).
    const handler = /generate_handler!\[([^\]]*)\]/.exec(shellLib)?.[1] ?? '';
    const registered = [...handler.matchAll(/commands::\w+::(\w+)/g)].map((m) => m[1]).sort();
    expect(registered.length).toBeGreaterThan(2);
    expect(Object.values(Command).sort()).toEqual(registered);
  });

  it('does not invoke at all outside the desktop shell', async () => {
    isTauriMock.mockReturnValue(false);
    const result = await api.appStatus();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe(ClientErrorCode.IpcUnavailable);
    expect(invokeMock).not.toHaveBeenCalled();
  });

  it('turns a rejection into a failed result, not a thrown error', async () => {
    invokeMock.mockRejectedValueOnce({ code: 'wrong_key', message: 'Clé incorrecte.' });
    await expect(api.appStatus()).resolves.toEqual({
      ok: false,
      error: { code: 'wrong_key', message: 'Clé incorrecte.' },
    });
  });
});

describe('the wrappers of the vault, session and users commands', () => {
  const setup = {
    organisation: 'Ville de Saint-Exemple',
    adminUsername: 'hcote',
    adminDisplayName: 'Hélène Côté',
    adminPassword: 'mot de passe solide',
    recoveryPassphrase: 'les archives de la ville sont en sûreté',
    samplePlan: false,
  };
  const newUser = {
    username: 'mtremblay',
    displayName: 'Marc Tremblay',
    role: 'archivist',
    password: 'un autre mot de passe',
  } as const;

  // [what, call, command, args] — the args object is exactly what the Rust command declares.
  it.each<[string, () => Promise<unknown>, string, unknown]>([
    ['createVault', () => api.createVault(setup), 'create_vault', { setup }],
    ['unlockWithKeyring', () => api.unlockWithKeyring(), 'unlock_with_keyring', undefined],
    [
      'unlockWithPassphrase',
      () => api.unlockWithPassphrase('phrase'),
      'unlock_with_passphrase',
      { passphrase: 'phrase' },
    ],
    ['lockVault', () => api.lockVault(), 'lock_vault', undefined],
    ['signIn', () => api.signIn('hcote', 'secret'), 'sign_in', { username: 'hcote', password: 'secret' }],
    ['signOut', () => api.signOut(), 'sign_out', undefined],
    ['listUsers', () => api.listUsers(), 'list_users', undefined],
    ['addUser', () => api.addUser(newUser), 'add_user', { user: newUser }],
    [
      'resetPassword',
      () => api.resetPassword('mtremblay', 'nouveau mot de passe'),
      'reset_password',
      { username: 'mtremblay', password: 'nouveau mot de passe' },
    ],
    [
      'setUserActive',
      () => api.setUserActive('mtremblay', false),
      'set_user_active',
      { username: 'mtremblay', active: false },
    ],
    ['backupVault', () => api.backupVault('/media/usb/b.greffier'), 'backup_vault', { path: '/media/usb/b.greffier' }],
    [
      'restoreVault without passphrase',
      () => api.restoreVault('/b.greffier', 'pw', null),
      'restore_vault',
      { path: '/b.greffier', password: 'pw', passphrase: null },
    ],
    [
      'restoreVault with passphrase',
      () => api.restoreVault('/b.greffier', 'pw', 'phrase'),
      'restore_vault',
      { path: '/b.greffier', password: 'pw', passphrase: 'phrase' },
    ],
    ['cancelOperation', () => api.cancelOperation(), 'cancel_operation', undefined],
    ['rotateKey', () => api.rotateKey('phrase'), 'rotate_key', { passphrase: 'phrase' }],
    [
      'changePassphrase',
      () => api.changePassphrase('old phrase', 'new phrase'),
      'change_passphrase',
      { current: 'old phrase', next: 'new phrase' },
    ],
    ['checkVault', () => api.checkVault(), 'check_vault', undefined],
    ['setIdleLock', () => api.setIdleLock(0), 'set_idle_lock', { minutes: 0 }],
    ['chooseFile', () => api.chooseFile('restore'), 'choose_file', { purpose: 'restore' }],
  ])('%s invokes %s with its arguments', async (_, callIt, command, args) => {
    invokeMock.mockResolvedValueOnce('answer');
    await expect(callIt()).resolves.toEqual({ ok: true, value: 'answer' });
    expect(invokeMock).toHaveBeenCalledExactlyOnceWith(command, args);
  });

  it('passes a structured answer through untouched', async () => {
    const created = { status: { ...status, unlocked: true }, keyringSaved: false };
    invokeMock.mockResolvedValueOnce(created);
    await expect(api.createVault(setup)).resolves.toEqual({ ok: true, value: created });
  });

  it('gives the cancelled backup its code, for the UI to tell apart from a failure', async () => {
    invokeMock.mockRejectedValueOnce({ code: 'cancelled', message: 'Sauvegarde annulée.' });
    await expect(api.backupVault('/b.greffier')).resolves.toEqual({
      ok: false,
      error: { code: 'cancelled', message: 'Sauvegarde annulée.' },
    });
  });

  it('gives a null path when the file chooser was cancelled', async () => {
    invokeMock.mockResolvedValueOnce(null);
    await expect(api.chooseFile('backup')).resolves.toEqual({ ok: true, value: null });
  });
});

describe('the wrappers of the plan, schedule and projects commands', () => {
  const draft = {
    code: '100-20',
    parent: '100',
    titleFr: 'Conseil municipal',
    titleEn: 'Municipal council',
    scopeNoteFr: '',
    scopeNoteEn: '',
    examples: '',
  };
  const revision = {
    effectiveDate: '2026-12-01',
    note: 'Nouvelle exigence',
    content: currentOf(RULE_0002).content,
  };
  const project = { code: 'CLI-0142', name: 'Mandat', owner: 'hcote', sensitivity: 'confidential' } as const;
  const edit = { name: 'Mandat Hydro-Sud', owner: 'mtremblay', sensitivity: 'personal' } as const;
  const override = {
    class: 'A120',
    sensitivity: null,
    replacement: { active: null, semiActive: { unit: 'years', count: 7 }, disposition: null },
    reason: 'Contrat',
  } as const;
  const query = {
    class: 'A120',
    project: 'CLI-0142',
    sensitivity: 'personal',
    rule: null,
    copy: null,
    fileException: null,
  } as const;

  // [what, call, command, args] — the args object is exactly what the Rust command declares.
  it.each<[string, () => Promise<unknown>, string, unknown]>([
    ['listClasses', () => api.listClasses(), 'list_classes', undefined],
    ['listRules', () => api.listRules(), 'list_rules', undefined],
    ['getRule', () => api.getRule('0002'), 'get_rule', { number: '0002' }],
    ['reviseRule', () => api.reviseRule('0002', revision), 'revise_rule', { number: '0002', revision }],
    ['addClass', () => api.addClass(draft), 'add_class', { draft }],
    ['editClass', () => api.editClass('100-20', draft), 'edit_class', { code: '100-20', draft }],
    ['setClassActive', () => api.setClassActive('100-20', false), 'set_class_active', { code: '100-20', active: false }],
    [
      'moveClass',
      () => api.moveClass('100-20', '200', '200-40'),
      'move_class',
      { code: '100-20', newParent: '200', newCode: '200-40' },
    ],
    ['moveClass to the top', () => api.moveClass('100-20', null, '700'), 'move_class', { code: '100-20', newParent: null, newCode: '700' }],
    ['importPlan', () => api.importPlan('/plan.xml'), 'import_plan', { path: '/plan.xml' }],
    ['exportPlan', () => api.exportPlan('/plan.xlsx', 'xlsx'), 'export_plan', { path: '/plan.xlsx', format: 'xlsx' }],
    ['listProjects', () => api.listProjects(), 'list_projects', undefined],
    ['addProject', () => api.addProject(project), 'add_project', { project }],
    ['editProject', () => api.editProject('CLI-0142', edit), 'edit_project', { code: 'CLI-0142', edit }],
    ['setProjectActive', () => api.setProjectActive('CLI-0142', false), 'set_project_active', { code: 'CLI-0142', active: false }],
    // `override` is a Rust keyword: the command's argument is `r#override`, which Tauri unraws.
    ['addOverride', () => api.addOverride('CLI-0142', override), 'add_override', { project: 'CLI-0142', override }],
    ['withdrawOverride', () => api.withdrawOverride('CLI-0142', 3), 'withdraw_override', { project: 'CLI-0142', id: 3 }],
    ['explain', () => api.explain(query), 'explain', { query }],
    ['chooseFile for a plan', () => api.chooseFile('plan_import'), 'choose_file', { purpose: 'plan_import' }],
  ])('%s invokes %s with its arguments', async (_, callIt, command, args) => {
    invokeMock.mockResolvedValueOnce('answer');
    await expect(callIt()).resolves.toEqual({ ok: true, value: 'answer' });
    expect(invokeMock).toHaveBeenCalledExactlyOnceWith(command, args);
  });

  it('passes an import’s refusal through, every problem of its message kept', async () => {
    const message = 'Le fichier a 2 problèmes ; rien n’a été importé :\n  - ligne 4, colonne « parent » : …\n  - ligne 7 : …';
    invokeMock.mockRejectedValueOnce({ code: 'plan_file_invalid', message });
    await expect(api.importPlan('/plan.csv')).resolves.toEqual({
      ok: false,
      error: { code: 'plan_file_invalid', message },
    });
  });
});

describe('the wrappers of the register commands', () => {
  // `PersonRef` is externally tagged in Rust (`{ "existing": 7 }` or `{ "new": {…} }`).
  const link: PersonLink = {
    person: { new: { lastName: 'Bélanger', firstName: 'Zoé', birthDate: null, externalKey: null, identifiers: [{ kind: 'sin', value: '046 454 286' }] } },
    categories: ['sin', 'employment'],
    purposes: [{ purpose: 'Dossier d’emploi', consent: 'given', consentDate: '2010-05-01', consentSource: 'formulaire' }],
  };
  // `identifiers: null` keeps the person's identifiers.
  const personEdit: PersonEdit = { lastName: 'Bélanger', firstName: 'Zoé', birthDate: '1985-07-15', externalKey: 'E-0412', identifiers: null };
  const filter = {
    query: 'quebec',
    class: '100-20',
    project: null,
    status: 'active',
    sensitivity: null,
    due: '2031',
    sort: { by: 'title', descending: true },
  } as const;
  const draft: FileDraft = {
    reference: 'D-2026-0001',
    class: '100-20-10',
    rule: null,
    project: null,
    title: 'Directive sur le télétravail',
    description: '',
    keywords: ['télétravail'],
    dates: { openedOn: '2026-01-05', closedOn: null, contractEndedOn: null, lastActivityOn: null, other: {} },
    holder: '',
    location: '',
    medium: 'digital',
    sensitivity: null,
    notes: '',
    exception: null,
  };

  // [what, call, command, args] — the args object is exactly what the Rust command declares.
  it.each<[string, () => Promise<unknown>, string, unknown]>([
    ['searchFiles', () => api.searchFiles(filter, 200, 100, false), 'search_files', { filter, offset: 200, limit: 100, facets: false }],
    ['getFile', () => api.getFile('D-1'), 'get_file', { reference: 'D-1' }],
    ['createFile', () => api.createFile(draft), 'create_file', { draft }],
    ['updateFile', () => api.updateFile('D-1', draft), 'update_file', { reference: 'D-1', draft }],
    ['closeFile', () => api.closeFile('D-1', '2026-12-31'), 'close_file', { reference: 'D-1', on: '2026-12-31' }],
    ['reopenFile', () => api.reopenFile('D-1'), 'reopen_file', { reference: 'D-1' }],
    ['findPersons', () => api.findPersons('Bélanger'), 'find_persons', { query: 'Bélanger' }],
    ['getPerson', () => api.getPerson(7), 'get_person', { id: 7 }],
    ['revealIdentifiers', () => api.revealIdentifiers(7), 'reveal_identifiers', { id: 7 }],
    ['attachPerson', () => api.attachPerson('D-1', link), 'attach_person', { reference: 'D-1', link }],
    ['editPerson', () => api.editPerson(7, personEdit), 'edit_person', { id: 7, edit: personEdit }],
    ['detachPerson', () => api.detachPerson('D-1', 7, 'erreur'), 'detach_person', { reference: 'D-1', personId: 7, reason: 'erreur' }],
    ['importRegister', () => api.importRegister('/d.csv', null), 'import_register', { files: '/d.csv', persons: null }],
    ['exportFiles', () => api.exportFiles(filter, '/d.xlsx'), 'export_files', { filter, path: '/d.xlsx' }],
  ])('%s invokes %s with its arguments', async (_, callIt, command, args) => {
    invokeMock.mockResolvedValueOnce('answer');
    await expect(callIt()).resolves.toEqual({ ok: true, value: 'answer' });
    expect(invokeMock).toHaveBeenCalledExactlyOnceWith(command, args);
  });

  it('passes a cancelled import through with its code, for the UI to tell apart from a failure', async () => {
    invokeMock.mockRejectedValueOnce({ code: 'cancelled', message: 'Opération annulée.' });
    await expect(api.importRegister('/d.csv', '/p.csv')).resolves.toEqual({
      ok: false,
      error: { code: 'cancelled', message: 'Opération annulée.' },
    });
  });
});

describe('onVaultProgress', () => {
  it('listens to vault-progress and hands each payload over', async () => {
    const unlisten = vi.fn();
    let deliver: (event: Event<VaultProgress>) => void = () => undefined;
    listenMock.mockImplementationOnce((_name, handler) => {
      deliver = handler;
      return Promise.resolve(unlisten);
    });
    const seen: VaultProgress[] = [];
    const stop = await api.onVaultProgress((p) => seen.push(p));
    expect(listenMock).toHaveBeenCalledOnce();
    expect(listenMock.mock.calls[0]?.[0]).toBe(AppEvent.VaultProgress);
    expect(AppEvent.VaultProgress).toBe('vault-progress');

    const payload: VaultProgress = { operation: 'backup', done: 3, total: 10 };
    deliver({ event: 'vault-progress', id: 1, payload });
    expect(seen).toEqual([payload]);

    stop();
    expect(unlisten).toHaveBeenCalledOnce();
  });

  it('does nothing outside the desktop shell', async () => {
    isTauriMock.mockReturnValue(false);
    const stop = await api.onVaultProgress(() => undefined);
    expect(listenMock).not.toHaveBeenCalled();
    expect(() => {
      stop();
    }).not.toThrow();
  });

  it('survives a refused listen (no event permission): no progress, no crash', async () => {
    listenMock.mockRejectedValueOnce('event.listen not allowed');
    const stop = await api.onVaultProgress(() => undefined);
    expect(() => {
      stop();
    }).not.toThrow();
  });
});

describe('toCommandError', () => {
  const unexpected = ClientErrorCode.Unexpected;

  it.each<[string, unknown, { code: string; message: string }]>([
    [
      'a CommandError, keeping only its two fields',
      { code: 'vault_missing', message: 'Aucun coffre.', detail: { secret: 1 } },
      { code: 'vault_missing', message: 'Aucun coffre.' },
    ],
    [
      'a bare string, as Tauri sends for an unknown command',
      'command app_stat not found',
      { code: unexpected, message: 'command app_stat not found' },
    ],
    ['an Error', new TypeError('boom'), { code: unexpected, message: 'boom' }],
    [
      'an object with a non-string code',
      { code: 42, message: 'x' },
      { code: unexpected, message: '{"code":42,"message":"x"}' },
    ],
    ['an object without a message', { code: 'x' }, { code: unexpected, message: '{"code":"x"}' }],
    ['null', null, { code: unexpected, message: 'null' }],
    ['undefined', undefined, { code: unexpected, message: 'undefined' }],
    ['a number', 404, { code: unexpected, message: '404' }],
    ['a bigint', 7n, { code: unexpected, message: '7' }],
    ['a symbol', Symbol('ipc'), { code: unexpected, message: 'Symbol(ipc)' }],
  ])('maps %s', (_, reason, expected) => {
    expect(toCommandError(reason)).toEqual(expected);
  });

  it('survives a value that cannot be serialised', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(toCommandError(cyclic)).toEqual({ code: unexpected, message: '[object Object]' });
  });
});

describe('the wrappers of the destruction calendar', () => {
  it('send their arguments under the names the shell reads', async () => {
    const query = { until: '2026-11-24', project: null, kind: 'destruction' as const };
    invokeMock.mockResolvedValue(null);
    await api.dueFiles(query, 100, 50);
    expect(invokeMock).toHaveBeenLastCalledWith('due_files', { query, offset: 100, limit: 50 });
    await api.dueCalendar('2026-11-01', 24, 'PRJ-01');
    expect(invokeMock).toHaveBeenLastCalledWith('due_calendar', { from: '2026-11-01', months: 24, project: 'PRJ-01' });
    await api.placeHold({ type: 'class', value: '300-10' }, 'litigation', 'Poursuite', null);
    expect(invokeMock).toHaveBeenLastCalledWith('place_hold', {
      target: { type: 'class', value: '300-10' },
      kind: 'litigation',
      reason: 'Poursuite',
      requestRef: null,
    });
    await api.decideFiles('LOT-2026-0001', ['D-1'], 'rejected', 'Sous suspension');
    expect(invokeMock).toHaveBeenLastCalledWith('decide_files', {
      number: 'LOT-2026-0001',
      references: ['D-1'],
      decision: 'rejected',
      reason: 'Sous suspension',
    });
    await api.exportCertificate('LOT-2026-0001', '/tmp/certificat.pdf');
    expect(invokeMock).toHaveBeenLastCalledWith('export_certificate', {
      number: 'LOT-2026-0001',
      path: '/tmp/certificat.pdf',
    });
  });
});
