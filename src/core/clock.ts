/** Time is the one thing tests may replace. Everything that needs "now" or a delay takes a Clock. */
export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A clock that tests move by hand; sleeps resolve when the clock passes their deadline. */
export class ManualClock implements Clock {
  private current: number;
  private sleepers: Array<{ until: number; resolve: () => void }> = [];

  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.push({ until: this.current + ms, resolve });
      this.wake();
    });
  }

  advance(ms: number): void {
    this.current += ms;
    this.wake();
  }

  set(to: Date | string): void {
    this.current = new Date(to).getTime();
    this.wake();
  }

  private wake(): void {
    const due = this.sleepers.filter((s) => s.until <= this.current);
    this.sleepers = this.sleepers.filter((s) => s.until > this.current);
    for (const s of due) s.resolve();
  }
}

export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}

export function addMs(iso: string, ms: number): string {
  return new Date(new Date(iso).getTime() + ms).toISOString();
}

/**
 * Another clock plus an offset that can be moved forward and a speed that can be turned up, so
 * "advance the clock" and "run the clock 60 times faster" work whether the base is a test's
 * ManualClock or the system clock (the sandboxes' control APIs use it).
 */
export class OffsetClock implements Clock {
  private offsetMs = 0;
  private factor = 1;
  /** Base time at the last speed change; time since then runs `factor` times as fast. */
  private anchor: number;

  constructor(private readonly base: Clock) {
    this.anchor = base.now().getTime();
  }

  now(): Date {
    return new Date(this.base.now().getTime() + this.offset);
  }

  /** A sleep of `ms` of this clock's time: shorter on the base clock when the clock runs fast. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.base.sleep(ms / this.factor, signal);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Run `factor` times as fast as the base clock from now on (1 = real time). */
  setSpeed(factor: number): void {
    if (!(factor > 0) || !Number.isFinite(factor))
      throw new RangeError(`Clock speed must be a positive number, got ${factor}`);
    this.offsetMs = this.offset;
    this.anchor = this.base.now().getTime();
    this.factor = factor;
  }

  get speed(): number {
    return this.factor;
  }

  /** How far this clock is ahead of its base: advances plus the time gained by running fast. */
  get offset(): number {
    return this.offsetMs + (this.base.now().getTime() - this.anchor) * (this.factor - 1);
  }
}
