import { api, must, type Schemas } from '../../api/client';
import { t } from '../../texts';

export type ReplayMode = 'current' | 'as-was';

const ended = new Set(['completed', 'failed', 'cancelled']);
const pollMs = 500;
const waitAtMostMs = 120_000;

/**
 * What a queued replay made of its dead letters, in one sentence: it waits for each job, then counts
 * the records of its runs. A record that went through (created, updated, unchanged, skipped)
 * resolved its dead letter; one that failed again left it open with its new error.
 */
export async function replayOutcome(queued: Schemas['ReplayQueued']): Promise<string> {
  if (queued.matched === 0) return t.deadLetters.nothingToReplay;
  const until = Date.now() + waitAtMostMs;
  let through = 0;
  let failed = 0;
  for (const { jobId } of queued.jobs) {
    let job = await readJob(jobId);
    while (!ended.has(job.state)) {
      if (Date.now() > until) return t.deadLetters.stillRunning(queued.matched);
      await new Promise((r) => setTimeout(r, pollMs));
      job = await readJob(jobId);
    }
    // A job that could not run (or was cancelled) made no runs to count: say why instead.
    if (job.state !== 'completed') return t.deadLetters.replayEnded(job.state, job.lastError);
    for (const runId of job.runIds) {
      const run = await must(api.GET('/api/runs/{id}', { params: { path: { id: runId } } }));
      const c = run.counts;
      through += c.created + c.updated + c.unchanged + c.skipped;
      failed += c.deadLettered + c.failed;
    }
  }
  return t.deadLetters.outcome(queued.matched, through, failed);
}

function readJob(id: string) {
  return must(api.GET('/api/jobs/{id}', { params: { path: { id } } }));
}

/** Replay one dead letter and say how it went. */
export async function replayOne(id: string, mode: ReplayMode): Promise<string> {
  const queued = await must(
    api.POST('/api/dead-letters/{id}/replay', { params: { path: { id } }, body: { mode } }),
  );
  return replayOutcome(queued as Schemas['ReplayQueued']);
}

/** Replay every open dead letter of a flow with one error code and say how it went. */
export async function replayGroup(flow: string, code: string, mode: ReplayMode): Promise<string> {
  const queued = await must(api.POST('/api/dead-letters/replay', { body: { flow, code, mode } }));
  return replayOutcome(queued as Schemas['ReplayQueued']);
}
