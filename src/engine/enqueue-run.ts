import type { EnqueueResult, JobQueue } from '../queue/index.js';
import { engineQueue, flowLockKey, flowRunJob } from './job-handlers.js';
import type { RunTrigger } from './run-flow.js';

/**
 * Ask for a run of a flow now. While one is already waiting, asking again adds nothing (dedupe);
 * while one is running, the new one waits for it (lock key).
 */
export function enqueueFlowRun(
  queue: JobQueue,
  flowId: string,
  trigger: RunTrigger,
  priority: number,
  options: { queue?: string; maxAttempts?: number } = {},
): Promise<EnqueueResult> {
  return queue.enqueue({
    queue: options.queue ?? engineQueue,
    name: flowRunJob,
    payload: { flowId, trigger },
    dedupeKey: `${flowRunJob}:${flowId}:${options.queue ?? engineQueue}`,
    lockKey: flowLockKey(flowId),
    priority,
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
}
