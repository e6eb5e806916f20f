import type { Json } from '../core/json.js';
import type { EnqueueResult, EnqueueSpec, JobQueue } from '../queue/index.js';
import { engineQueue, flowLockKey, flowRunJob, replayJob } from './job-names.js';
import type { ReplayPayload } from './job-handlers.js';
import type { RunTrigger } from './run-flow.js';

/** A job that runs a flow: deduplicated while one waits, and never beside another run of the flow. */
export function flowRunJobSpec(
  flowId: string,
  trigger: RunTrigger,
  priority: number,
): Omit<EnqueueSpec, 'queue'> {
  return {
    name: flowRunJob,
    payload: { flowId, trigger },
    dedupeKey: `${flowRunJob}:${flowId}`,
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

/** Ask the running service for a run of a flow now. */
export function enqueueFlowRun(
  queue: JobQueue,
  flowId: string,
  trigger: RunTrigger,
  priority: number,
): Promise<EnqueueResult> {
  return queue.enqueue({ ...flowRunJobSpec(flowId, trigger, priority), queue: engineQueue });
}
