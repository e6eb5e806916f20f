import type { Kysely } from 'kysely';
import type { Job, JobQueue } from '../queue/index.js';
import type { Database } from '../store/schema.js';

/** A job as people see it: what it is for (its flow and pair), its state, and the runs it made. */
export interface JobView {
  id: string;
  name: string;
  queue: string;
  state: Job['state'];
  priority: number;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lastError: string | null;
  cancelRequestedAt: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** The flow a run or replay job is for; null for installation-wide jobs (the purge, …). */
  flowId: string | null;
  /** The pair it belongs to; null for installation-wide jobs. */
  pairId: string | null;
  /** The runs it made, oldest first: one per attempt that got as far as starting one. */
  runIds: string[];
}

/** One job with its flow, pair and runs; null when there is no such job. */
export async function jobView(db: Kysely<Database>, queue: JobQueue, id: string): Promise<JobView | null> {
  const job = await queue.get(id);
  if (!job) return null;
  const runs = await db
    .selectFrom('runs')
    .select(['id', 'pair_id'])
    .where('job_id', '=', id)
    .orderBy('id')
    .execute();
  const payload = job.payload as { flowId?: unknown } | null;
  const flowId = typeof payload?.flowId === 'string' ? payload.flowId : null;
  const flow =
    flowId === null
      ? undefined
      : await db.selectFrom('flows').select('pair_id').where('id', '=', flowId).executeTakeFirst();
  return {
    id: job.id,
    name: job.name,
    queue: job.queue,
    state: job.state,
    priority: job.priority,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    runAt: job.runAt.toISOString(),
    lastError: job.lastError,
    cancelRequestedAt: job.cancelRequestedAt?.toISOString() ?? null,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    flowId,
    // A deleted flow's jobs still belong to the pair their runs were in.
    pairId: flow?.pair_id ?? runs[0]?.pair_id ?? null,
    runIds: runs.map((r) => r.id),
  };
}
