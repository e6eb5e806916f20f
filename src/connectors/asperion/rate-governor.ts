import type { Clock } from '../../core/clock.js';

/** A self-imposed rate: at most `requests` calls in any `windowSeconds` seconds. */
export interface AsperionRate {
  requests: number;
  windowSeconds: number;
}

/**
 * Asperion publishes no rate limit (reference 1.8), so Koppel imposes its own: 5 calls per second
 * (300 a minute) per app and administration unless the connection says otherwise. That is gentle
 * for a bookkeeping SaaS and still moves a thousand invoices in under four minutes.
 */
export const defaultAsperionRate: AsperionRate = { requests: 5, windowSeconds: 1 };

/**
 * The call budget of one app on one administration in this process, shared by every caller. A call
 * holds a slot from the moment it is let through until one window after its answer came back, so no
 * window on the server's side can see more than `requests` calls, whatever the transit time and
 * however the server aligns its windows. Callers are let through in the order they asked. A 429
 * (another process of the same app, or a limit lower than ours) pauses everyone for Retry-After.
 */
export class AsperionRateGovernor {
  /** Answer times (epoch ms) of calls within the last window, oldest first. */
  private answered: number[] = [];
  private inFlight = 0;
  private pausedUntil = 0;
  private queue: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private rate: AsperionRate = defaultAsperionRate,
  ) {}

  configure(rate: AsperionRate): void {
    this.rate = rate;
  }

  get current(): AsperionRate {
    return { ...this.rate };
  }

  /** Wait for a slot; call the returned function once the answer (or the failure) is in. */
  async acquire(): Promise<() => void> {
    const turn = this.queue.then(() => this.waitForSlot());
    // The next caller waits for this one to get its slot, not for its call to finish.
    this.queue = turn.catch(() => undefined);
    await turn;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.answered.push(this.clock.now().getTime());
      this.wakeUp?.();
    };
  }

  /** Everyone waits until `ms` from now (a 429's Retry-After). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now().getTime() + ms);
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.clock.now().getTime();
      const windowMs = this.rate.windowSeconds * 1000;
      while (this.answered.length > 0 && this.answered[0]! <= now - windowMs) this.answered.shift();
      if (now < this.pausedUntil) {
        await this.clock.sleep(this.pausedUntil - now);
        continue;
      }
      if (this.inFlight + this.answered.length < this.rate.requests) {
        this.inFlight++;
        return;
      }
      // Full: wait for the oldest answer to leave the window, or for a call in flight to answer.
      const released = new Promise<void>((resolve) => (this.wakeUp = resolve));
      const waits: Array<Promise<void>> = [released];
      // The timer is cancelled when a release comes first, so no idle timer keeps the process up.
      const timer = new AbortController();
      if (this.answered.length > 0) {
        const ms = this.answered[0]! + windowMs - now + 1;
        waits.push(this.clock.sleep(ms, timer.signal).catch(() => undefined));
      }
      await Promise.race(waits);
      timer.abort();
      this.wakeUp = undefined;
    }
  }
}

/**
 * One governor per app (client id) and administration in this process. Kept per clock: a process has
 * one real clock, and tests that each inject their own time get their own governors.
 */
const governorsByClock = new WeakMap<Clock, Map<string, AsperionRateGovernor>>();

export function asperionGovernorFor(
  clientId: string,
  administrationId: number,
  clock: Clock,
  /** Given: the governor takes this rate (the latest configuration wins); absent: it keeps its own. */
  rate?: AsperionRate,
): AsperionRateGovernor {
  const key = `${clientId}:${administrationId}`;
  let governors = governorsByClock.get(clock);
  if (!governors) governorsByClock.set(clock, (governors = new Map()));
  let g = governors.get(key);
  if (!g) governors.set(key, (g = new AsperionRateGovernor(clock, rate ?? defaultAsperionRate)));
  else if (rate) g.configure(rate);
  return g;
}
