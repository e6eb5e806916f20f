import { KoppelError } from '../core/errors.js';
import type { Json } from '../core/json.js';
import type { JobTable } from '../store/schema.js';
import { jobStates, type Job, type JobState } from './port.js';

/** A stored jobs row as the port's Job: JSON parsed, timestamps as Dates. */
export function toJob(row: JobTable): Job {
  return {
    id: row.id,
    queue: row.queue,
    name: row.name,
    payload: JSON.parse(row.payload) as Json,
    dedupeKey: row.dedupe_key,
    lockKey: row.lock_key,
    state: toJobState(row.state),
    priority: Number(row.priority),
    runAt: new Date(row.run_at),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until === null ? null : new Date(row.locked_until),
    lastError: row.last_error,
    cancelRequestedAt: row.cancel_requested_at === null ? null : new Date(row.cancel_requested_at),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
  };
}

function toJobState(state: string): JobState {
  if ((jobStates as readonly string[]).includes(state)) return state as JobState;
  throw new KoppelError(`Unknown job state "${state}" in the jobs table`, {
    code: 'queue.unknown_state',
    kind: 'internal',
  });
}
