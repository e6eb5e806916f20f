import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logging.js';
import type { Store } from '../store/database.js';
import {
  purgeWorkersNotSeenSince,
  removeWorker,
  saveWorker,
  type RunningJobEntry,
} from '../store/repos/workers.js';
import { sleepUntilAborted } from './alarm.js';

/** A process not seen for this long is shown as gone: several missed refreshes, not one slow one. */
export const workerGoneAfterMs = 30_000;
/** Rows of gone processes (killed, crashed) are forgotten after a day. */
export const workerForgottenAfterMs = 24 * 60 * 60_000;

export interface ProcessRegistrationOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** The worker pool's id when there is one, so jobs' `locked_by` names this row. */
  id?: string;
  role: string;
  concurrency: number;
  /** What the process runs now; read at every refresh. */
  running: () => RunningJobEntry[];
  /** Default 5 s: well inside the 30 s after which a process counts as gone. */
  refreshIntervalMs?: number;
}

/**
 * This process's row in `workers`: written at start, refreshed every few seconds with what it runs,
 * deleted on a clean stop. A killed process leaves its row, which ages into "gone" and is purged.
 */
export class ProcessRegistration {
  readonly id: string;
  private readonly startedAt: string;
  private readonly done = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: ProcessRegistrationOptions) {
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.startedAt = options.clock.now().toISOString();
  }

  /** Register now (so the process is listed the moment it has started), then keep refreshing. */
  async start(): Promise<void> {
    await this.refresh();
    this.loop = this.refreshLoop();
  }

  async stop(): Promise<void> {
    this.done.abort();
    await this.loop;
    try {
      await removeWorker(this.options.store.db, this.id);
    } catch (e) {
      this.options.logger.warn({ err: e }, 'Could not remove this process from the worker registry');
    }
  }

  private async refreshLoop(): Promise<void> {
    const { clock, logger } = this.options;
    const interval = this.options.refreshIntervalMs ?? 5_000;
    while (!this.done.signal.aborted) {
      await sleepUntilAborted(clock, interval, this.done.signal);
      if (this.done.signal.aborted) break;
      try {
        await this.refresh();
      } catch (e) {
        // A database hiccup must not stop the process; the next refresh tries again.
        logger.warn({ err: e }, 'Refreshing this process in the worker registry failed');
      }
    }
  }

  private async refresh(): Promise<void> {
    const { store, clock } = this.options;
    const now = clock.now();
    await saveWorker(store.db, {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      role: this.options.role,
      startedAt: this.startedAt,
      lastSeenAt: now.toISOString(),
      concurrency: this.options.concurrency,
      running: this.options.running(),
    });
    await purgeWorkersNotSeenSince(store.db, new Date(now.getTime() - workerForgottenAfterMs).toISOString());
  }
}
