import type { Clock } from '../core/clock.js';

/**
 * Test-only: time that only moves when someone sleeps (or the test advances it). A client and a
 * sandbox sharing one VirtualClock can wait out a whole day of rate-limit windows in milliseconds.
 */
export class VirtualClock implements Clock {
  private current: number;

  constructor(start: string | Date = '2026-03-10T09:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  async sleep(ms: number): Promise<void> {
    this.current += Math.max(0, ms);
    await new Promise((resolve) => setImmediate(resolve));
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
