import type { Clock } from '../core/clock.js';
import { KoppelError } from '../core/errors.js';
import { withLogFields, type Logger } from '../core/logging.js';
import { sleepUntilAborted } from './alarm.js';
import { decideRetry, describeError, type BackoffPolicy } from './job-retry.js';
import type { ClaimedJob, HeartbeatAnswer, JobQueue } from './port.js';

/** The code of the error a cancelled job's handler is aborted with. */
export const cancelledErrorCode = 'queue.cancelled';

export interface JobContext {
  /**
   * Aborts when the pool stops and its grace period is over, when the job's lease was lost, or
   * when someone cancelled the job (the reason then has the code `queue.cancelled`).
   */
  signal: AbortSignal;
  /**
   * Extend the lease now (the pool also does so on its own); false when the job is no longer ours
   * or was cancelled.
   */
  heartbeat(): Promise<boolean>;
}

export type JobHandler = (job: ClaimedJob, context: JobContext) => Promise<void>;

export interface JobRunnerDeps {
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
  workerId: string;
  leaseMs: number;
  heartbeatIntervalMs: number;
  backoff: BackoffPolicy;
  /** Aborts when the pool's grace period for stopping is over. */
  shutdown: AbortSignal;
}

/**
 * Run one claimed job to its outcome and record it: completed, queued again with backoff, or failed.
 * Never throws. The lease is renewed while the handler runs. An aborted handler is still awaited
 * (it is expected to stop promptly): recording the outcome while it may still be writing would let
 * another worker start the same job beside it. If the lease was lost nothing is recorded, since the
 * job is no longer ours. A job someone cancelled (its heartbeat says so) has its handler aborted
 * with `queue.cancelled` and is recorded cancelled, whatever the handler returned: never retried.
 */
export async function runJob(
  job: ClaimedJob,
  handler: JobHandler | undefined,
  deps: JobRunnerDeps,
): Promise<void> {
  const log = deps.logger.child({
    jobId: job.id,
    jobName: job.name,
    queue: job.queue,
    attempt: job.attempts,
  });
  if (!handler) {
    await failForGood(job, `No handler for job name "${job.name}" in this worker pool`, deps, log);
    return;
  }

  const controller = new AbortController();
  let leaseLost = false;
  let cancelled = false;
  const onShutdown = () =>
    controller.abort(
      new KoppelError('The worker pool is stopping', { code: 'queue.shutdown', kind: 'transient' }),
    );
  if (deps.shutdown.aborted) onShutdown();
  else deps.shutdown.addEventListener('abort', onShutdown, { once: true });

  const beat = async (): Promise<HeartbeatAnswer> => {
    const answer = await deps.queue.heartbeat(job.id, deps.workerId, deps.leaseMs);
    if (answer === 'lost' && !leaseLost) {
      leaseLost = true;
      log.warn('Job lease lost (reaped or taken over); aborting the handler');
      controller.abort(
        new KoppelError('The job lease was lost', { code: 'queue.lease_lost', kind: 'conflict' }),
      );
    }
    if (answer === 'cancel_requested' && !cancelled) {
      cancelled = true;
      log.info('Job cancelled on request; stopping the handler');
      // A decision, not a failure: kind conflict, which no retry policy retries.
      controller.abort(
        new KoppelError('The job was cancelled on request', { code: cancelledErrorCode, kind: 'conflict' }),
      );
    }
    return answer;
  };
  const heartbeat = async (): Promise<boolean> => (await beat()) === 'ours';

  const finished = new AbortController();
  const beating = keepAlive(deps, finished.signal, beat, log);
  let error: unknown;
  let succeeded = false;
  try {
    // Every line the handler's work logs names the job, whichever logger it goes through.
    await withLogFields({ jobId: job.id, jobName: job.name }, () =>
      Promise.resolve().then(() => handler(job, { signal: controller.signal, heartbeat })),
    );
    succeeded = true;
  } catch (e) {
    error = e;
  } finally {
    finished.abort();
    deps.shutdown.removeEventListener('abort', onShutdown);
  }
  await beating;

  try {
    if (leaseLost) return;
    if (cancelled) {
      const state = await deps.queue.fail(job.id, deps.workerId, {
        message: `Cancelled on request${succeeded ? '' : ` (${describeError(error)})`}`,
        retryAt: null,
      });
      if (state === 'cancelled') log.info('Job cancelled');
      else log.warn({ state }, 'Job was cancelled but could not be recorded as such');
      return;
    }
    if (succeeded) {
      if (await deps.queue.complete(job.id, deps.workerId)) log.debug('Job completed');
      else log.warn('Job finished but was no longer ours to complete');
      return;
    }
    if (deps.shutdown.aborted) {
      // Interrupted, not broken: back in line at once, for this or another worker.
      await deps.queue.fail(job.id, deps.workerId, {
        message: `Interrupted: the worker pool stopped (${describeError(error)})`,
        retryAt: deps.clock.now(),
      });
      log.info('Job interrupted by shutdown; queued again');
      return;
    }
    const decision = decideRetry(error, job.attempts, deps.backoff);
    if (!decision.retry) {
      await failForGood(job, describeError(error), deps, log, error);
      return;
    }
    const retryAt = new Date(deps.clock.now().getTime() + decision.delayMs);
    const state = await deps.queue.fail(job.id, deps.workerId, { message: describeError(error), retryAt });
    if (state === 'queued')
      log.warn({ err: error, retryAt: retryAt.toISOString() }, 'Job failed; will retry');
    else if (state === 'failed') log.error({ err: error }, 'Job failed; no attempts left');
  } catch (e) {
    // The store is unreachable: the lease runs out and the reaper puts the job back in line.
    log.error({ err: e }, 'Could not record the job outcome');
  }
}

async function failForGood(
  job: ClaimedJob,
  message: string,
  deps: JobRunnerDeps,
  log: Logger,
  error?: unknown,
): Promise<void> {
  try {
    await deps.queue.fail(job.id, deps.workerId, { message, retryAt: null });
    log.error({ err: error ?? message }, 'Job failed permanently');
  } catch (e) {
    log.error({ err: e }, 'Could not record the job outcome');
  }
}

async function keepAlive(
  deps: JobRunnerDeps,
  stop: AbortSignal,
  beat: () => Promise<HeartbeatAnswer>,
  log: Logger,
): Promise<void> {
  for (;;) {
    await sleepUntilAborted(deps.clock, deps.heartbeatIntervalMs, stop);
    if (stop.aborted) return;
    try {
      // A cancelled job keeps its lease until its handler has stopped; a lost one is not ours.
      if ((await beat()) === 'lost') return;
    } catch (e) {
      log.warn({ err: e }, 'Heartbeat failed; will try again');
    }
  }
}
