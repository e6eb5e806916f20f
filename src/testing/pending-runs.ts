import { flowRunJob, recordsRunJob } from '../engine/job-names.js';
import type { JobQueue } from '../queue/port.js';

/**
 * Flow-run jobs queued or running, read through the queue port: on PostgreSQL the jobs live in
 * pg-boss, so a count of the `jobs` table would say "none" while a run is still going.
 */
export async function pendingFlowRuns(queue: JobQueue): Promise<number> {
  let pending = 0;
  for (const state of ['queued', 'running'] as const) {
    const jobs = await queue.list({ state, limit: 10_000 });
    pending += jobs.filter((job) => job.name === flowRunJob || job.name === recordsRunJob).length;
  }
  return pending;
}
