import type { Job, JobState } from '../port.js';
import type { KoppelJobData } from './names.js';

/** The columns of pgboss.job (and pgboss.archive) that Koppel reads. */
export const bossJobColumns = `id, name, data, state, retry_count, retry_limit, start_after, started_on,
  started_on + expire_in as locked_until, created_on, completed_on, output`;

export interface BossJobRow {
  id: string;
  name: string;
  data: KoppelJobData;
  state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  retry_count: number;
  retry_limit: number;
  start_after: Date;
  started_on: Date | null;
  locked_until: Date | null;
  created_on: Date;
  completed_on: Date | null;
  output: { message?: string; value?: { message?: string } } | null;
}

const stateOf: Record<BossJobRow['state'], JobState> = {
  created: 'queued',
  retry: 'queued',
  active: 'running',
  completed: 'completed',
  cancelled: 'cancelled',
  failed: 'failed',
};

/** pg-boss states in each Koppel state, for filters. */
export const bossStatesOf: Record<JobState, string[]> = {
  queued: ['created', 'retry'],
  running: ['active'],
  completed: ['completed'],
  failed: ['failed'],
  cancelled: ['cancelled'],
};

/**
 * A pg-boss row as Koppel's Job. Attempts: pg-boss counts `retry_count` up on every fetch but the
 * first (it tells a retry by `started_on` being set), so a job that ever started has made
 * retry_count + 1 attempts; `retry_limit` is maxAttempts − 1.
 */
export function jobOf(row: BossJobRow): Job {
  const state = stateOf[row.state];
  const running = state === 'running';
  const ended = state === 'completed' || state === 'failed' || state === 'cancelled';
  const times = [row.created_on, row.started_on, row.completed_on].filter((t): t is Date => t !== null);
  return {
    id: row.id,
    queue: row.data.queue,
    name: row.data.name,
    payload: row.data.payload,
    dedupeKey: row.data.dedupeKey ?? null,
    lockKey: row.data.lockKey ?? null,
    state,
    priority: row.data.priority,
    runAt: row.start_after,
    attempts: row.started_on === null ? 0 : row.retry_count + 1,
    maxAttempts: row.retry_limit + 1,
    lockedBy: running ? (row.data.lockedBy ?? null) : null,
    lockedUntil: running ? row.locked_until : null,
    lastError: row.output?.message ?? row.output?.value?.message ?? null,
    cancelRequestedAt: row.data.cancelRequestedAt ? new Date(row.data.cancelRequestedAt) : null,
    createdAt: row.created_on,
    updatedAt: new Date(Math.max(...times.map((t) => t.getTime()))),
    finishedAt: ended ? row.completed_on : null,
  };
}
