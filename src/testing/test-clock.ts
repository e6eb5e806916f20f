import type { Clock } from '../core/clock.js';

/**
 * Test-only: real time that tests can move forward, and sleeps that return almost at once while recording
 * how long the code wanted to wait (so backoff and Retry-After are asserted without waiting).
 */
export class FastClock implements Clock {
  readonly sleeps: number[] = [];
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Records the wait and yields to the event loop for at most 5 ms, so polling loops cannot spin. */
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5)));
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
