import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from './api';
import { flow, indexCatchUp, vaultJob } from './flow.svelte';
import { EMPTY_FILTER } from './register/filter';
import type { BackupReport, DueQuery } from './types';

const report: BackupReport = {
  path: '/media/usb/greffier-2026-05-09.greffier',
  bytes: 12_345_678,
  sha256: 'cd'.repeat(32),
  chainHead: { seq: 88, hash: 'ef'.repeat(32) },
};

describe('vaultJob', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
    vaultJob.finish();
  });

  it('follows the progress of its own operation only', async () => {
    let finish: (value: { ok: true; value: BackupReport }) => void = () => undefined;
    vi.spyOn(api, 'backupVault').mockReturnValueOnce(
      new Promise((resolve) => {
        finish = resolve;
      }),
    );
    const running = vaultJob.backup('/b.greffier');
    expect(vaultJob.kind).toBe('backup');
    expect(vaultJob.running).toBe(true);
    vaultJob.progress({ operation: 'backup', done: 40, total: 100 });
    vaultJob.progress({ operation: 'restore', done: 99, total: 100 });
    expect([vaultJob.done, vaultJob.total]).toEqual([40, 100]);
    finish({ ok: true, value: report });
    await expect(running).resolves.toEqual({ kind: 'done', value: report });
    expect(vaultJob.running).toBe(false);
    expect(vaultJob.backupOutcome).toEqual({ kind: 'done', value: report });
  });

  it('tells a cancelled backup from a failed one', async () => {
    vi.spyOn(api, 'backupVault')
      .mockResolvedValueOnce({ ok: false, error: { code: 'cancelled', message: 'Annulée.' } })
      .mockResolvedValueOnce({ ok: false, error: { code: 'io', message: 'Disque plein.' } });
    await expect(vaultJob.backup('/b')).resolves.toEqual({ kind: 'cancelled' });
    await expect(vaultJob.backup('/b')).resolves.toEqual({
      kind: 'failed',
      error: { code: 'io', message: 'Disque plein.' },
    });
  });

  it('asks the shell to cancel, once something runs', async () => {
    const cancel = vi.spyOn(api, 'cancelOperation').mockResolvedValue({ ok: true, value: null });
    await vaultJob.cancel();
    expect(cancel).not.toHaveBeenCalled();
    vaultJob.start('restore');
    await vaultJob.cancel();
    expect(cancel).toHaveBeenCalledOnce();
    expect(vaultJob.cancelling).toBe(true);
    vaultJob.finish();
    expect(vaultJob.cancelling).toBe(false);
  });

  it('leaves the operation under way alone when the shell refuses another as busy', async () => {
    let finish: (value: { ok: true; value: BackupReport }) => void = () => undefined;
    vi.spyOn(api, 'backupVault').mockReturnValueOnce(
      new Promise((resolve) => {
        finish = resolve;
      }),
    );
    const busy = { code: 'busy', message: 'Une autre opération est en cours.' };
    const exported = vi.spyOn(api, 'exportFiles').mockResolvedValueOnce({ ok: false, error: busy });
    const imported = vi.spyOn(api, 'importRegister').mockResolvedValueOnce({ ok: false, error: busy });
    const backup = vaultJob.backup('/b.greffier');
    vaultJob.progress({ operation: 'backup', done: 40, total: 100 });
    await expect(vaultJob.exportFiles(EMPTY_FILTER, '/e.csv')).resolves.toEqual({ kind: 'failed', error: busy });
    await expect(vaultJob.importRegister('/d.csv', null)).resolves.toEqual({ kind: 'failed', error: busy });
    expect(exported).toHaveBeenCalledOnce();
    expect(imported).toHaveBeenCalledOnce();
    expect([vaultJob.kind, vaultJob.done, vaultJob.total], 'the backup is still shown, and holds off the idle lock').toEqual([
      'backup',
      40,
      100,
    ]);
    finish({ ok: true, value: report });
    await expect(backup).resolves.toEqual({ kind: 'done', value: report });
    expect(vaultJob.running).toBe(false);
  });

  it('passes a missing passphrase to restore as null', async () => {
    const restore = vi
      .spyOn(api, 'restoreVault')
      .mockResolvedValue({ ok: false, error: { code: 'invalid_credentials', message: 'x' } });
    await vaultJob.restore('/b', 'pw', null);
    expect(restore).toHaveBeenCalledWith('/b', 'pw', null);
  });
});

describe('vaultJob, for a register import', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
    vaultJob.finish();
  });

  it('follows the phase, its share done and its rows, and keeps the outcome', async () => {
    const report = { files: 5, personsCreated: 0, personsReused: 0, links: 0, purposes: 0, indexed: 5 };
    let finish: (value: { ok: true; value: typeof report }) => void = () => undefined;
    const run = vi.spyOn(api, 'importRegister').mockReturnValueOnce(
      new Promise((resolve) => {
        finish = resolve;
      }),
    );
    const running = vaultJob.importRegister('/tmp/dossiers été.csv', null);
    expect(run).toHaveBeenCalledWith('/tmp/dossiers été.csv', null);
    expect(vaultJob.running, 'the idle lock waits for it').toBe(true);
    vaultJob.progress({ operation: 'import', phase: 'checking', rows: 300, done: 41_000, total: 96_000 });
    expect([vaultJob.phase, vaultJob.rows, vaultJob.done, vaultJob.total]).toEqual(['checking', 300, 41_000, 96_000]);
    vaultJob.progress({ operation: 'backup', done: 9, total: 10 });
    expect(vaultJob.done, 'another operation’s progress is not this one’s').toBe(41_000);
    vaultJob.progress({ operation: 'import', phase: 'indexing', rows: 5, done: 5, total: 8 });
    expect([vaultJob.phase, vaultJob.rows, vaultJob.total]).toEqual(['indexing', 5, 8]);
    finish({ ok: true, value: report });
    await expect(running).resolves.toEqual({ kind: 'done', value: report });
    expect(vaultJob.importOutcome).toEqual({ kind: 'done', value: report });
    expect([vaultJob.running, vaultJob.phase]).toEqual([false, null]);
  });

  it('tells a cancelled import (nothing imported) from a refused sheet', async () => {
    const problems = 'Le fichier a 2 problèmes ; rien n’a été importé :\n  - ligne 3…\n  - ligne 4…';
    vi.spyOn(api, 'importRegister')
      .mockResolvedValueOnce({ ok: false, error: { code: 'cancelled', message: 'Annulée.' } })
      .mockResolvedValueOnce({ ok: false, error: { code: 'register_file_invalid', message: problems } });
    await expect(vaultJob.importRegister('/d.csv', '/p.csv')).resolves.toEqual({ kind: 'cancelled' });
    await expect(vaultJob.importRegister('/d.csv', null)).resolves.toEqual({
      kind: 'failed',
      error: { code: 'register_file_invalid', message: problems },
    });
  });
});

describe('vaultJob, for an export', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
    vaultJob.finish();
  });

  it('counts the files written of all, and tells a cancelled export from a failed one', async () => {
    let finish: (value: { ok: true; value: number }) => void = () => undefined;
    const run = vi.spyOn(api, 'exportFiles').mockReturnValueOnce(
      new Promise((resolve) => {
        finish = resolve;
      }),
    );
    const running = vaultJob.exportFiles(EMPTY_FILTER, '/tmp/registre été.xlsx');
    expect(run).toHaveBeenCalledWith(EMPTY_FILTER, '/tmp/registre été.xlsx');
    expect(vaultJob.kind, 'the idle lock waits for it').toBe('export');
    vaultJob.progress({ operation: 'export', done: 5000, total: 12345 });
    vaultJob.progress({ operation: 'import', phase: 'writing', done: 9, total: 0 });
    expect([vaultJob.done, vaultJob.total, vaultJob.phase]).toEqual([5000, 12345, null]);
    finish({ ok: true, value: 12345 });
    await expect(running).resolves.toEqual({ kind: 'done', value: 12345 });
    expect(vaultJob.running).toBe(false);
    vi.spyOn(api, 'exportFiles')
      .mockResolvedValueOnce({ ok: false, error: { code: 'cancelled', message: 'Annulé.' } })
      .mockResolvedValueOnce({ ok: false, error: { code: 'io', message: 'Disque plein.' } });
    await expect(vaultJob.exportFiles(EMPTY_FILTER, '/e.csv')).resolves.toEqual({ kind: 'cancelled' });
    await expect(vaultJob.exportFiles(EMPTY_FILTER, '/e.csv')).resolves.toEqual({
      kind: 'failed',
      error: { code: 'io', message: 'Disque plein.' },
    });
  });
});

describe('vaultJob, for the due list’s export', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
    vaultJob.finish();
  });

  it('runs as an export: its files written of all, Cancel, and no other operation meanwhile', async () => {
    const query: DueQuery = { until: '2026-12-31', project: null, kind: 'destruction', class: null };
    let finish: (value: { ok: true; value: number }) => void = () => undefined;
    const run = vi.spyOn(api, 'exportDue').mockReturnValueOnce(
      new Promise((resolve) => {
        finish = resolve;
      }),
    );
    const running = vaultJob.exportDue(query, '/tmp/échéances 2026.xlsx');
    expect(run).toHaveBeenCalledWith(query, '/tmp/échéances 2026.xlsx');
    expect(vaultJob.kind, 'the idle lock waits for it; Cancel stops it').toBe('export');
    vaultJob.progress({ operation: 'export', done: 5000, total: 7200 });
    expect([vaultJob.done, vaultJob.total]).toEqual([5000, 7200]);
    const backup = vi.spyOn(api, 'backupVault').mockResolvedValueOnce({ ok: false, error: { code: 'busy', message: 'Occupé.' } });
    await expect(vaultJob.backup('/s.greffier-backup')).resolves.toEqual({
      kind: 'failed',
      error: { code: 'busy', message: 'Occupé.' },
    });
    expect(backup).toHaveBeenCalled();
    expect([vaultJob.kind, vaultJob.done], 'the export keeps its progress').toEqual(['export', 5000]);
    finish({ ok: true, value: 7200 });
    await expect(running).resolves.toEqual({ kind: 'done', value: 7200 });
    expect(vaultJob.running).toBe(false);
    vi.spyOn(api, 'exportDue').mockResolvedValueOnce({ ok: false, error: { code: 'cancelled', message: 'Annulé.' } });
    await expect(vaultJob.exportDue(query, '/e.pdf')).resolves.toEqual({ kind: 'cancelled' });
  });
});

describe('indexCatchUp', () => {
  it('is under way from its first event to the one that says all done, and hears only its own', () => {
    expect(indexCatchUp.active).toBe(false);
    indexCatchUp.progress({ operation: 'index', done: 0, total: 1_000_000 });
    expect(indexCatchUp.active).toBe(true);
    indexCatchUp.progress({ operation: 'import', done: 1_000_000, total: 1_000_000 });
    indexCatchUp.progress({ operation: 'index', done: 340_000, total: 1_000_000 });
    expect([indexCatchUp.done, indexCatchUp.total, indexCatchUp.active]).toEqual([340_000, 1_000_000, true]);
    indexCatchUp.progress({ operation: 'index', done: 1_000_000, total: 1_000_000 });
    expect(indexCatchUp.active).toBe(false);
  });

  it('does not take a backup’s progress, nor give its own to the job under way', async () => {
    let finish: (value: { ok: true; value: BackupReport }) => void = () => undefined;
    vi.spyOn(api, 'backupVault').mockReturnValueOnce(
      new Promise((resolve) => {
        finish = resolve;
      }),
    );
    const running = vaultJob.backup('/b.greffier');
    const event = { operation: 'index', done: 5, total: 50 } as const;
    vaultJob.progress(event);
    indexCatchUp.progress(event);
    vaultJob.progress({ operation: 'backup', done: 7, total: 9 });
    indexCatchUp.progress({ operation: 'backup', done: 7, total: 9 });
    expect([vaultJob.done, vaultJob.total]).toEqual([7, 9]);
    expect([indexCatchUp.done, indexCatchUp.total]).toEqual([5, 50]);
    finish({ ok: true, value: report });
    await running;
    indexCatchUp.progress({ operation: 'index', done: 50, total: 50 });
  });
});

describe('flow', () => {
  it('clears what it said about the last lock, unlock, creation or restore', () => {
    flow.lockReason = 'idle';
    flow.keyringError = { code: 'keyring_entry_missing', message: 'x' };
    flow.created = { organisation: 'Ville', keyringSaved: false };
    flow.restoreFailed = 'échec';
    flow.lastUsername = 'hcote';
    flow.clearNotices();
    expect([flow.lockReason, flow.keyringError, flow.created, flow.restored, flow.restoreFailed]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(flow.lastUsername).toBe('hcote');
  });
});
