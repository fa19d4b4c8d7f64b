// What the batch open lets the signed-in user do, from its state, its files' flags and the
// session: decide (never the proposer: separation of duties), file by file or whole, execute or
// finish an incomplete execution, then save its certificate or its transfer slips. The core
// decides for real and refuses with its own message; this only chooses what to show.
import { can } from '../access';
import type { BatchDetail, BatchFile, BatchKind, BatchProgress, ExecutionPhase, SessionInfo } from '../types';

/** Who may decide a proposed batch: `own` (its proposer), `yes`, `no` (no permission); `null` when it is not proposed. */
export type Decider = 'own' | 'yes' | 'no' | null;

export interface BatchActions {
  decide: Decider;
  /** Pending files that can be approved (no flag). */
  approvable: string[];
  /** Pending files whose flag stops the whole approval until they are rejected. */
  flagged: string[];
  /** `run` an approved batch, `finish` an incomplete one; `null`: nothing to execute here. */
  execute: 'run' | 'finish' | null;
  /** What an executed batch gives to save. */
  output: 'certificate' | 'slips' | null;
}

function pending(files: readonly BatchFile[]): BatchFile[] {
  return files.filter((file) => file.decision === 'pending');
}

export function batchActions(detail: BatchDetail, session: SessionInfo): BatchActions {
  const { batch, files } = detail;
  let decide: Decider = null;
  if (batch.state === 'proposed') {
    if (batch.proposedBy === session.username) decide = 'own';
    else decide = can(session, 'approve_disposition') ? 'yes' : 'no';
  }
  const waiting = pending(files);
  const mayExecute = can(session, 'propose_disposition');
  return {
    decide,
    approvable: waiting.filter((file) => file.flags.length === 0).map((file) => file.reference),
    flagged: waiting.filter((file) => file.flags.length > 0).map((file) => file.reference),
    execute: !mayExecute ? null : batch.state === 'approved' ? 'run' : batch.state === 'incomplete' ? 'finish' : null,
    output: batch.state !== 'executed' ? null : batch.kind === 'transfer' ? 'slips' : 'certificate',
  };
}

/** The dates a batch's files are due, as one span for its summary (`null` when none is known). */
export function dueSpan(files: readonly BatchFile[]): { first: string; last: string } | null {
  const dates = files.map((file) => file.dueOn).filter((date): date is string => date !== null).sort();
  const first = dates[0];
  const last = dates[dates.length - 1];
  return first && last ? { first, last } : null;
}

/** The phases an execution goes through, in order: a transfer has no checkpoint of the log. */
export function executionPhases(kind: BatchKind): ExecutionPhase[] {
  return kind === 'transfer' ? ['checking', 'files', 'index'] : ['checking', 'files', 'index', 'checkpoint'];
}

/** Where a running execution is, for its progress bar: its step, and the files done when the phase counts them. */
export interface ExecutionStep {
  phase: ExecutionPhase;
  /** 1-based. */
  step: number;
  steps: number;
  done: number;
  /** 0 when the phase has no count (the bar is then indeterminate). */
  total: number;
}

/**
 * The step a progress event says the execution is at (before any event: the first). A phase
 * the kind does not have is shown as the last step rather than past it.
 */
export function executionStep(kind: BatchKind, progress: BatchProgress | null): ExecutionStep {
  const phases = executionPhases(kind);
  const phase = progress?.phase ?? 'checking';
  const index = phases.indexOf(phase);
  return {
    phase,
    step: index < 0 ? phases.length : index + 1,
    steps: phases.length,
    done: progress?.done ?? 0,
    total: progress?.total ?? 0,
  };
}
