import type { Clock } from '../core/clock.js';
import type { Json } from '../core/json.js';
import type { Logger } from '../core/logging.js';
import { Alarm } from './alarm.js';
import { latestFireTime } from './cron.js';
import type { EnqueueResult, EnqueueSpec, JobQueue, ScheduleMarks } from './port.js';

export interface Schedule {
  /** Stable identity of the schedule, e.g. `flow:<flow id>`; fire times are remembered under it. */
  key: string;
  /** Read in UTC; check it with validateCron when the configuration is loaded. */
  cron: string;
  /** Job name. */
  name: string;
  queue: string;
  payload: Json;
  lockKey?: string;
  priority?: number;
  /**
   * Default: one per fire time, so a fire is enqueued once however many schedulers run. Set it to
   * the key other requests for the same work use, and a fire joins such a job instead (with
   * `dedupeWhile: 'queued'`, only one that waits): runs that queue up behind a long one fold into
   * one rather than running back to back.
   */
  dedupeKey?: string;
  dedupeWhile?: EnqueueSpec['dedupeWhile'];
}

export interface SchedulerOptions {
  queue: JobQueue;
  /** Where the latest fire time handed out per schedule is remembered (StoreScheduleMarks). */
  marks: ScheduleMarks;
  clock: Clock;
  logger: Logger;
  /** Read again on every tick: schedules may change while the scheduler runs. */
  schedules: () => Promise<Schedule[]>;
  tickMs: number;
}

/**
 * Turns cron schedules into jobs. On every tick, for each schedule, the most recent fire time at or
 * before now is enqueued if no scheduler handed it out yet: the mark for the schedule moves forward
 * by compare-and-set first, so a fire time is enqueued at most once across restarts and across
 * several scheduler processes. After downtime only the latest missed fire is enqueued, not a burst.
 *
 * A schedule seen for the first time starts counting from that moment: its mark is set to now and
 * its first job comes at its next fire time (a nightly job added at noon does not run at once; use
 * trigger() for that). A crash between moving the mark and enqueueing loses that one fire rather
 * than risking it twice; the next fire time comes as usual.
 */
export class Scheduler {
  private readonly alarm = new Alarm();
  private readonly warnedInvalid = new Set<string>();
  private loop: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    if (this.loop || this.stopping) return;
    this.loop = this.tickLoop();
  }

  /** Stop ticking; resolves once a tick in progress has finished. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.alarm.ring();
    await this.loop;
  }

  /** Enqueue due fire times once. Returns how many jobs were enqueued. start() calls it every tickMs. */
  async tick(): Promise<number> {
    const { logger } = this.options;
    const now = this.options.clock.now();
    let schedules: Schedule[];
    try {
      schedules = await this.options.schedules();
    } catch (e) {
      logger.error({ err: e }, 'Reading the schedules failed');
      return 0;
    }
    let enqueued = 0;
    for (const schedule of schedules) {
      try {
        if (await this.fire(schedule, now)) enqueued++;
      } catch (e) {
        logger.error({ err: e, schedule: schedule.key }, 'Enqueueing a scheduled job failed');
      }
    }
    return enqueued;
  }

  /** Enqueue a job now, on demand: a schedule's job (no dedupe) or any job spec. */
  trigger(target: Schedule | EnqueueSpec): Promise<EnqueueResult> {
    return this.options.queue.enqueue(isSchedule(target) ? jobOf(target) : target);
  }

  private async fire(schedule: Schedule, now: Date): Promise<boolean> {
    const fireTime = this.latestFireTime(schedule, now);
    if (fireTime === undefined) return false;
    const { marks } = this.options;
    const last = await marks.last(schedule.key);
    if (last === null) {
      await marks.advance(schedule.key, now);
      return false;
    }
    if (fireTime === null || fireTime <= last) return false;
    if (!(await marks.advance(schedule.key, fireTime))) return false;
    const at = fireTime.toISOString();
    const result = await this.options.queue.enqueue({
      ...jobOf(schedule),
      dedupeKey: schedule.dedupeKey ?? `${schedule.key}@${at}`,
      ...(schedule.dedupeWhile === undefined ? {} : { dedupeWhile: schedule.dedupeWhile }),
    });
    this.options.logger.info(
      { schedule: schedule.key, fireTime: at, jobId: result.id, deduped: result.deduped },
      result.deduped ? 'Scheduled fire joined a waiting job' : 'Scheduled job enqueued',
    );
    return !result.deduped;
  }

  /** The latest fire time (null: none yet), or undefined for an invalid cron, reported once. */
  private latestFireTime(schedule: Schedule, now: Date): Date | null | undefined {
    try {
      return latestFireTime(schedule.cron, now);
    } catch (e) {
      const seen = `${schedule.key} ${schedule.cron}`;
      if (!this.warnedInvalid.has(seen)) {
        this.warnedInvalid.add(seen);
        this.options.logger.warn({ err: e, schedule: schedule.key }, 'Schedule skipped: invalid cron');
      }
      return undefined;
    }
  }

  private async tickLoop(): Promise<void> {
    while (!this.stopping) {
      await this.tick();
      if (this.stopping) break;
      await this.alarm.sleep(this.options.clock, this.options.tickMs);
    }
  }
}

function isSchedule(target: Schedule | EnqueueSpec): target is Schedule {
  return 'cron' in target && 'key' in target;
}

function jobOf(schedule: Schedule): EnqueueSpec {
  return {
    queue: schedule.queue,
    name: schedule.name,
    payload: schedule.payload,
    ...(schedule.lockKey === undefined ? {} : { lockKey: schedule.lockKey }),
    ...(schedule.priority === undefined ? {} : { priority: schedule.priority }),
  };
}
