import type { Clock } from '../core/clock.js';

/**
 * Test-only: real time run `speed` times as fast from `anchor` (epoch ms) on. Processes given the
 * same anchor and speed agree on the time without talking, so a sandbox and several worker
 * processes can share fast rate-limit minutes.
 */
export class ScaledClock implements Clock {
  constructor(
    private readonly anchor: number,
    private readonly speed: number,
  ) {}

  now(): Date {
    return new Date(this.anchor + (Date.now() - this.anchor) * this.speed);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms) / this.speed));
  }
}
