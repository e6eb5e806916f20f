import { systemClock, type Clock } from '../core/clock.js';

/**
 * Test-only: time that only moves when someone sleeps (or the test advances it). A client and a
 * sandbox sharing one VirtualClock can wait out a whole day of rate-limit windows in milliseconds.
 */
export class VirtualClock implements Clock {
  private current: number;
  /** Set once time follows real time: the real epoch ms at which `current` held. */
  private realSince: number | undefined;

  constructor(start: string | Date = '2026-03-10T09:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current + (this.realSince === undefined ? 0 : Date.now() - this.realSince));
  }

  async sleep(ms: number): Promise<void> {
    if (this.realSince !== undefined) return systemClock.sleep(ms);
    this.current += Math.max(0, ms);
    await new Promise((resolve) => setImmediate(resolve));
  }

  advance(ms: number): void {
    this.current += ms;
  }

  /**
   * From now on time moves as real time does, and sleeps take it: for a benchmark of how long
   * waiting takes, where a sleep that moved the clock at once would also age calls still in flight.
   */
  followRealTime(): void {
    this.realSince ??= Date.now();
  }
}
