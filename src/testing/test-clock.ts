import type { Clock } from '../core/clock.js';

/**
 * Test-only: real time that tests can move forward, and sleeps that return at once while recording
 * how long the code wanted to wait (so backoff and Retry-After are asserted without waiting).
 */
export class FastClock implements Clock {
  readonly sleeps: number[] = [];
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return Promise.resolve();
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
