import type { Clock } from '../core/clock.js';

/**
 * A poll loop's sleep that something else can cut short: the scheduler's and the worker pool's loops
 * sleep on the injected clock, and `stop()` or a freed worker slot rings the alarm. A ring while
 * nobody sleeps is remembered, so the next sleep returns at once instead of missing it.
 */
export class Alarm {
  private pending = false;
  private wake: (() => void) | undefined;

  ring(): void {
    const wake = this.wake;
    this.wake = undefined;
    if (wake) wake();
    else this.pending = true;
  }

  async sleep(clock: Clock, ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return;
    }
    const done = new AbortController();
    const rung = new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    try {
      await Promise.race([rung, sleepUntilAborted(clock, ms, done.signal)]);
    } finally {
      this.wake = undefined;
      done.abort();
    }
  }
}

/** Sleep on the clock; resolves (never rejects) after `ms` or as soon as `signal` aborts. */
export function sleepUntilAborted(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    // The system clock rejects when the signal aborts and clears its timer; a manual clock ignores it.
    clock.sleep(ms, signal).then(done, done);
  });
}
