import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { KoppelError } from '../core/errors.js';
import type { JobQueue } from '../queue/index.js';
import { cancelledErrorCode } from '../queue/index.js';
import { getRun, updateRun, type RunRow } from '../store/repos/runs.js';
import type { Database } from '../store/schema.js';
import { assertTransition, runTransitions, type RunState } from './transitions.js';

export interface CancelRunResult {
  runId: string;
  jobId: string;
  /**
   * `requested`: the run's worker stops it at its job's next heartbeat, keeping what it stored;
   * `cancelled`: nothing was running it (its job had not started or was gone), so it is closed now.
   */
  outcome: 'requested' | 'cancelled';
}

const open: readonly string[] = ['queued', 'running'];

/**
 * Cancel a run through its job: `koppel runs cancel` and `POST /api/runs/{id}/cancel`. A run that
 * already ended cannot be cancelled (conflict). A run still marked running whose job no worker holds
 * any more (its process died) is closed as cancelled here, since no worker will close it.
 */
export async function cancelRun(
  db: Kysely<Database>,
  queue: JobQueue,
  clock: Clock,
  runId: string,
): Promise<CancelRunResult> {
  const run = await getRun(db, runId);
  if (!run) throw new KoppelError(`No run "${runId}"`, { code: 'run.not_found', kind: 'not_found' });
  if (!open.includes(run.state)) throw alreadyEnded(run);
  if (run.job_id === null)
    throw new KoppelError(`Run ${run.id} was not started through the job queue and cannot be cancelled`, {
      code: 'run.not_cancellable',
      kind: 'conflict',
    });
  const outcome = await queue.cancel(run.job_id);
  if (outcome === 'requested') return { runId: run.id, jobId: run.job_id, outcome };
  const at = clock.now().toISOString();
  assertTransition('run', runTransitions, run.state as RunState, 'cancelled');
  const closed = await updateRun(
    db,
    run.id,
    {
      state: 'cancelled',
      error_code: cancelledErrorCode,
      error_message: 'Cancelled on request while no worker was running it',
      finished_at: at,
    },
    run.state,
  );
  if (!closed) {
    // Its worker closed it in the meantime.
    const now = await getRun(db, run.id);
    if (now && !open.includes(now.state)) throw alreadyEnded(now);
  }
  return { runId: run.id, jobId: run.job_id, outcome: 'cancelled' };
}

function alreadyEnded(run: RunRow): KoppelError {
  return new KoppelError(`Run ${run.id} has already ended (${run.state})`, {
    code: 'run.finished',
    kind: 'conflict',
    details: { state: run.state },
  });
}
