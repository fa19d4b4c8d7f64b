import { describe, expect, it } from 'vitest';
import type { Batch, BatchDetail, BatchFile, SessionInfo } from '../types';
import { batchActions, dueSpan, executionPhases, executionStep } from './batch';

const ARCHIVIST: SessionInfo = {
  username: 'mtremblay',
  displayName: 'Marc-André Tremblay',
  role: 'archivist',
  permissions: ['view_register', 'manage_holds', 'propose_disposition', 'approve_disposition'],
};
const AUDITOR: SessionInfo = { username: 'lpoirier', displayName: 'Louise Poirier', role: 'auditor', permissions: ['view_register'] };

function batch(over: Partial<Batch>): Batch {
  return {
    id: 3,
    number: 'LOT-2026-0003',
    kind: 'destruction',
    state: 'proposed',
    note: '',
    proposedBy: 'hcote',
    proposedAt: '2026-11-20T14:03:00Z',
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
    executedBy: null,
    executedAt: null,
    method: null,
    chainSeq: null,
    chainHash: null,
    certificateNumber: null,
    files: 3,
    approvedFiles: 0,
    ...over,
  };
}

function file(reference: string, over: Partial<BatchFile> = {}): BatchFile {
  return { fileId: 1, reference, title: 'Titre', class: '100', dueOn: '2026-01-31', decision: 'pending', flags: [], ...over };
}

function detail(over: Partial<Batch>, files: BatchFile[] = [file('A'), file('B')]): BatchDetail {
  return { batch: batch(over), files };
}

describe('batchActions', () => {
  it('never lets the proposer decide, whatever their permissions', () => {
    expect(batchActions(detail({ proposedBy: 'mtremblay' }), ARCHIVIST).decide).toBe('own');
    expect(batchActions(detail({}), ARCHIVIST).decide).toBe('yes');
    expect(batchActions(detail({}), AUDITOR).decide).toBe('no');
    expect(batchActions(detail({ state: 'approved' }), ARCHIVIST).decide).toBeNull();
  });

  it('sets the flagged pending files apart: they stop the whole approval', () => {
    const files = [
      file('A'),
      file('B', { flags: [{ kind: 'held', hold: 'H-2026-0003', reason: 'Vérification' }] }),
      file('C', { flags: [{ kind: 'no_longer_due', dueOn: '2027-03-01' }] }),
      file('D', { decision: 'rejected', flags: [{ kind: 'gone' }] }),
    ];
    const actions = batchActions(detail({}, files), ARCHIVIST);
    expect(actions.approvable).toEqual(['A']);
    expect(actions.flagged).toEqual(['B', 'C']);
  });

  it('runs an approved batch, finishes an incomplete one, and only with propose_disposition', () => {
    expect(batchActions(detail({ state: 'approved' }), ARCHIVIST).execute).toBe('run');
    expect(batchActions(detail({ state: 'incomplete' }), ARCHIVIST).execute).toBe('finish');
    expect(batchActions(detail({ state: 'approved' }), AUDITOR).execute).toBeNull();
    expect(batchActions(detail({ state: 'rejected' }), ARCHIVIST).execute).toBeNull();
    expect(batchActions(detail({ state: 'executed' }), ARCHIVIST).execute).toBeNull();
  });

  it('offers a certificate for what erases, slips for a transfer, once executed', () => {
    expect(batchActions(detail({ state: 'executed' }), AUDITOR).output).toBe('certificate');
    expect(batchActions(detail({ state: 'executed', kind: 'anonymisation' }), AUDITOR).output).toBe('certificate');
    expect(batchActions(detail({ state: 'executed', kind: 'transfer' }), AUDITOR).output).toBe('slips');
    expect(batchActions(detail({ state: 'incomplete' }), AUDITOR).output).toBeNull();
  });
});

describe('dueSpan', () => {
  it('gives the first and last due dates, leaving out the unknown', () => {
    const files = [file('A', { dueOn: '2026-03-02' }), file('B', { dueOn: null }), file('C', { dueOn: '2025-12-31' })];
    expect(dueSpan(files)).toEqual({ first: '2025-12-31', last: '2026-03-02' });
    expect(dueSpan([file('B', { dueOn: null })])).toBeNull();
  });
});

describe('the execution’s progress', () => {
  it('has a step per phase, the transfer one fewer', () => {
    expect(executionPhases('destruction')).toEqual(['checking', 'files', 'index', 'checkpoint']);
    expect(executionPhases('anonymisation')).toHaveLength(4);
    expect(executionPhases('transfer')).toEqual(['checking', 'files', 'index']);
  });

  it('starts at the first step before any event', () => {
    expect(executionStep('destruction', null)).toEqual({ phase: 'checking', step: 1, steps: 4, done: 0, total: 0 });
  });

  it('follows the events, with the files counted where the phase counts them', () => {
    const files = executionStep('destruction', { operation: 'execute', phase: 'files', done: 250, total: 10_000 });
    expect(files).toEqual({ phase: 'files', step: 2, steps: 4, done: 250, total: 10_000 });
    const index = executionStep('destruction', { operation: 'execute', phase: 'index', done: 0, total: 0 });
    expect([index.step, index.total]).toEqual([3, 0]);
    const last = executionStep('transfer', { operation: 'execute', phase: 'index', done: 0, total: 0 });
    expect([last.step, last.steps]).toEqual([3, 3]);
  });

  it('never shows a step past the last', () => {
    const odd = executionStep('transfer', { operation: 'execute', phase: 'checkpoint', done: 0, total: 0 });
    expect([odd.step, odd.steps]).toEqual([3, 3]);
  });
});
