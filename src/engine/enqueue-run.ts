import type { Kysely } from 'kysely';
import type { Json } from '../core/json.js';
import type { EnqueueResult, EnqueueSpec, JobQueue } from '../queue/index.js';
import type { Database } from '../store/schema.js';
import { nextRunIsBackfill } from './backfill-state.js';
import {
  backfillQueue,
  engineQueue,
  flowLockKey,
  flowRunJob,
  recordsRunJob,
  recordsRunPriority,
  replayJob,
} from './job-names.js';
import type { ReplayPayload } from './job-handlers.js';
import type { RunTrigger } from './run-flow.js';

/** Which job a request for a run of the flow joins while one is waiting. */
function flowRunDedupeKey(flowId: string): string {
  return `${flowRunJob}:${flowId}`;
}

/**
 * A job that runs a flow, and never beside another run of the flow. A request (schedule, webhook,
 * manual) while a run waits joins that run: it will read everything the request is about. While a
 * run is going and none waits, a request queues one, since the going run may have read past the
 * change that prompted it. So at most one run waits behind a running one. The run keeps the
 * trigger of the request that queued it; a replay is its own job (replayJobSpec), never folded.
 */
export function flowRunJobSpec(
  flowId: string,
  trigger: RunTrigger,
  priority: number,
): Omit<EnqueueSpec, 'queue'> & Required<Pick<EnqueueSpec, 'payload' | 'dedupeKey' | 'lockKey'>> {
  return {
    name: flowRunJob,
    payload: { flowId, trigger },
    dedupeKey: flowRunDedupeKey(flowId),
    dedupeWhile: 'queued',
    lockKey: flowLockKey(flowId),
    priority,
  };
}

/** A job that replays dead letters of one flow, under the flow's lock. */
export function replayJobSpec(payload: ReplayPayload): Omit<EnqueueSpec, 'queue'> {
  // JSON round trip: a job payload is JSON, and leaves out filters that are not set.
  return {
    name: replayJob,
    payload: JSON.parse(JSON.stringify(payload)) as Json,
    lockKey: flowLockKey(payload.flowId),
    priority: 50,
  };
}

/**
 * Ask the running service for a run of a flow now. A run that will read as a backfill (an empty
 * cursor, or a backfill going on) waits in the backfill queue, which no worker serves with its
 * last free slot: the job named in the answer is the one that runs it.
 */
export async function enqueueFlowRun(
  db: Kysely<Database>,
  queue: JobQueue,
  flowId: string,
  trigger: RunTrigger,
  priority: number,
): Promise<EnqueueResult> {
  const lane = (await nextRunIsBackfill(db, flowId)) ? backfillQueue : engineQueue;
  return queue.enqueue({ ...flowRunJobSpec(flowId, trigger, priority), queue: lane });
}

/**
 * The job that sends the records webhooks named for the flow (webhook_keys) while its cursor is in
 * a backfill: in the engine queue (the slot kept for live work serves it), under the flow's lock
 * (a backfill gives the lock up when it sees this job wait), ahead of every other run. A burst of
 * deliveries joins the waiting job, which takes every key there is when it starts.
 */
export function recordsRunJobSpec(flowId: string): EnqueueSpec {
  return {
    name: recordsRunJob,
    queue: engineQueue,
    payload: { flowId },
    dedupeKey: `${recordsRunJob}:${flowId}`,
    dedupeWhile: 'queued',
    lockKey: flowLockKey(flowId),
    priority: recordsRunPriority,
  };
}
