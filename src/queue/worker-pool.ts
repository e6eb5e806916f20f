import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logging.js';
import { Alarm, sleepUntilAborted } from './alarm.js';
import type { BackoffPolicy } from './job-retry.js';
import { runJob, type JobHandler } from './job-runner.js';
import type { ClaimedJob, JobQueue } from './port.js';

/**
 * How long a claimed job stays its worker's without a heartbeat. Heartbeats renew it, so it only
 * has to outlast a few missed beats; kept short because it is how long a job of a process that was
 * killed waits before another worker takes it over.
 */
export const jobLeaseMs = 15_000;

/**
 * How often a running job renews its lease: under a third of the lease, so two beats may be
 * missed (a slow database, a long synchronous stretch) before it runs out. Also how soon a job
 * someone cancelled learns it, since the answer to a heartbeat carries the cancel request.
 */
export const jobHeartbeatIntervalMs = 4_000;

export interface WorkerPoolOptions {
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
  /** Most jobs running at once in this pool. */
  concurrency: number;
  /** The queues this pool serves. */
  queues: string[];
  /**
   * Slots kept for some of the queues: jobs of the pool's other queues never take the last `slots`
   * free ones, so work of `forQueues` (live runs) finds a worker within a poll while long work
   * (backfills) fills the rest. The other queues always keep at least one slot, so a pool of one
   * still serves them. Absent: every slot serves every queue.
   */
  reserve?: { slots: number; forQueues: string[] };
  /** By job name. A claimed job with no handler here fails with a message saying so. */
  handlers: Record<string, JobHandler>;
  /** How long to wait before asking again when no job was due. */
  pollIntervalMs: number;
  /** How long a claimed job stays ours without a heartbeat. */
  leaseMs: number;
  backoff: BackoffPolicy;
  /** Default: a third of the lease, so two heartbeats may be missed before it runs out. */
  heartbeatIntervalMs?: number;
  /**
   * How often to put jobs of dead workers back in line; default: every poll, so a job whose lease
   * ran out is claimable at the next poll after that, not up to a reap interval later.
   */
  reapIntervalMs?: number;
  /** Default: host, process id and a random suffix. */
  workerId?: string;
}

/**
 * In-process workers: claims due jobs up to `concurrency`, runs their handlers with a renewed lease,
 * and records each outcome (see runJob). A failed job retries with capped exponential backoff unless
 * its error says retrying cannot help. The pool also reaps jobs whose workers died.
 */
export class WorkerPool {
  readonly workerId: string;
  private readonly running = new Set<Promise<void>>();
  private readonly claimed = new Map<string, { job: ClaimedJob; since: Date }>();
  private readonly alarm = new Alarm();
  private readonly shutdown = new AbortController();
  private readonly heartbeatIntervalMs: number;
  private readonly reapIntervalMs: number;
  private loop: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  private stopping = false;
  private loopEnded = false;
  private lastReap: number | undefined;

  constructor(private readonly options: WorkerPoolOptions) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? Math.max(1, Math.floor(options.leaseMs / 3));
    this.reapIntervalMs = options.reapIntervalMs ?? options.pollIntervalMs;
  }

  /** Jobs currently running in this pool. */
  get activeCount(): number {
    return this.running.size;
  }

  /** The jobs this pool runs now, with when it claimed them (for the process registry). */
  get runningJobs(): ReadonlyArray<{ job: ClaimedJob; since: Date }> {
    return [...this.claimed.values()];
  }

  /** Whether the pool claims jobs: started, not stopping, and its poll loop has not ended. */
  get polling(): boolean {
    return this.loop !== undefined && !this.stopping && !this.loopEnded;
  }

  /** Start polling. A pool runs once: after stop() it does not start again. */
  start(): void {
    if (this.loop || this.stopping) return;
    this.options.logger.info({ workerId: this.workerId, queues: this.options.queues }, 'Worker pool started');
    this.loop = this.pollLoop().finally(() => {
      this.loopEnded = true;
    });
  }

  /**
   * Stop claiming, then wait for running handlers. After `graceMs` their signals abort; the pool
   * still waits for them to return and queues their jobs again at once. Resolves when every job
   * this pool held has its outcome recorded. A handler that ignores its signal keeps stop() waiting
   * rather than letting another worker start its job beside it; if the process is killed meanwhile,
   * the job's lease runs out and the reaper queues it again.
   */
  stop(options: { graceMs: number }): Promise<void> {
    this.stopped ??= this.drain(this.options.clock.now().getTime() + options.graceMs);
    return this.stopped;
  }

  private async drain(graceEndsAt: number): Promise<void> {
    const { clock } = this.options;
    this.stopping = true;
    this.alarm.ring();
    await this.loop;
    const allDone = Promise.all(this.running);
    const graceOver = new AbortController();
    const timedOut = await Promise.race([
      allDone.then(() => false),
      sleepUntilAborted(clock, Math.max(0, graceEndsAt - clock.now().getTime()), graceOver.signal).then(
        () => true,
      ),
    ]);
    graceOver.abort();
    if (timedOut) {
      this.options.logger.warn({ jobs: this.running.size }, 'Grace period over; aborting running jobs');
      this.shutdown.abort();
      await Promise.all(this.running);
    }
    if (this.loop) this.options.logger.info({ workerId: this.workerId }, 'Worker pool stopped');
  }

  private async pollLoop(): Promise<void> {
    const { clock, logger } = this.options;
    while (!this.stopping) {
      await this.reapIfDue();
      const free = this.options.concurrency - this.running.size;
      if (free > 0) {
        try {
          const jobs = await this.claim(free);
          // Claimed jobs are ours even if stop() came meanwhile: run them, stop() waits for them.
          for (const job of jobs) this.launch(job);
        } catch (e) {
          logger.error({ err: e }, 'Claiming jobs failed; will try again');
        }
      }
      if (this.stopping) break;
      // A finished job rings the alarm: a slot is free and more work may be due.
      await this.alarm.sleep(clock, this.options.pollIntervalMs);
    }
  }

  /** Up to `free` due jobs, of the pool's other queues no more than their slots have room for. */
  private async claim(free: number): Promise<ClaimedJob[]> {
    const { queue, queues, leaseMs, reserve } = this.options;
    const claim = (from: string[], limit: number) =>
      queue.claim(this.workerId, { queues: from, leaseMs, limit });
    if (!reserve || reserve.slots <= 0) return claim(queues, free);
    const kept = queues.filter((q) => reserve.forQueues.includes(q));
    const others = [...this.claimed.values()].filter((c) => !kept.includes(c.job.queue)).length;
    const room = Math.max(1, this.options.concurrency - reserve.slots) - others;
    // Any job may take a slot the other queues have room for; the rest go to the kept queues only.
    const limit = Math.min(free, room);
    const jobs = limit > 0 ? await claim(queues, limit) : [];
    // Fewer than asked: nothing else is due in any queue, so the kept ones have nothing either.
    if (limit > 0 && jobs.length < limit) return jobs;
    const left = free - jobs.length;
    return left > 0 && kept.length > 0 ? [...jobs, ...(await claim(kept, left))] : jobs;
  }

  private launch(job: ClaimedJob): void {
    this.claimed.set(job.id, { job, since: this.options.clock.now() });
    const run = runJob(job, this.options.handlers[job.name], {
      queue: this.options.queue,
      clock: this.options.clock,
      logger: this.options.logger,
      workerId: this.workerId,
      leaseMs: this.options.leaseMs,
      heartbeatIntervalMs: this.heartbeatIntervalMs,
      backoff: this.options.backoff,
      shutdown: this.shutdown.signal,
    }).finally(() => {
      this.claimed.delete(job.id);
      this.running.delete(run);
      this.alarm.ring();
    });
    this.running.add(run);
  }

  private async reapIfDue(): Promise<void> {
    const now = this.options.clock.now().getTime();
    if (this.lastReap !== undefined && now - this.lastReap < this.reapIntervalMs) return;
    this.lastReap = now;
    try {
      const reaped = await this.options.queue.reapExpired();
      if (reaped > 0) this.options.logger.warn({ reaped }, 'Jobs of lost workers queued again');
    } catch (e) {
      this.options.logger.error({ err: e }, 'Reaping expired jobs failed');
    }
  }
}
