// What the batch open lets the signed-in user do, from its state, its files' flags and the
// session: decide (never the proposer: separation of duties), file by file or whole, execute or
// finish an incomplete execution, then save its certificate or its transfer slips. The core
// decides for real and refuses with its own message; this only chooses what to show.
import { can } from '../access';
import type { BatchDetail, BatchFile, SessionInfo } from '../types';

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
