import type { Clock } from '../../../core/clock.js';

/**
 * The injected clock plus an offset the control API can move forward, so "advance the clock" works
 * whether the sandbox runs on a test's ManualClock or on the system clock (§6.5).
 */
export class OffsetClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly base: Clock) {}

  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.base.sleep(ms, signal);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
