import type { Clock } from '../../core/clock.js';

/**
 * The injected clock plus an offset the control API can move (`POST /__sandbox/clock/advance`),
 * so a sandbox running on the system clock can still be sped through token ages and limit windows.
 */
export class SandboxClock implements Clock {
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

  get offset(): number {
    return this.offsetMs;
  }
}
