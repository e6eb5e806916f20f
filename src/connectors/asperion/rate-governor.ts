import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { memoryBudgetLedger, type BudgetKey, type BudgetLedger } from '../kit/api-budget.js';

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
 * The calls of one app on one administration, as plain data in a ledger (the database's: shared by
 * every process on it). A call holds a slot from the moment it is let through until one window after
 * its answer came back, so no window on the server's side can see more than `requests` calls,
 * whatever the transit time and however the server aligns its windows.
 */
export interface AsperionCallWindow {
  /** Calls let through and not answered yet: grant id → epoch ms when let through. */
  inFlight: Record<string, number>;
  /** Answer times (epoch ms) within the last window, oldest first. */
  answered: number[];
  /** Epoch ms until which nobody calls (a 429's Retry-After). */
  pausedUntil: number;
}

/**
 * A call in flight longer than this belongs to a process that died holding it (a call takes
 * seconds, not a minute, as Exact's budget also assumes): its slot is given back, or a killed worker
 * would shrink the rate of the next one. A live call that does take longer is still counted for a
 * window once its answer is in.
 */
export const staleCallMs = 60_000;
/**
 * How soon a full window with every slot in flight is looked at again: another process's answer
 * frees a slot without waking this one.
 */
const fullPollMs = 100;

export type SlotOutcome = { granted: true } | { granted: false; retryAt: number };

function expire(state: AsperionCallWindow | null, now: number, windowMs: number): AsperionCallWindow {
  const s = state ?? { inFlight: {}, answered: [], pausedUntil: 0 };
  return {
    inFlight: Object.fromEntries(Object.entries(s.inFlight).filter(([, at]) => now - at < staleCallMs)),
    answered: s.answered.filter((at) => at > now - windowMs),
    pausedUntil: s.pausedUntil,
  };
}

/** Let call `id` through if the window has room; else say when to look again. */
export function takeSlot(
  state: AsperionCallWindow | null,
  now: number,
  rate: AsperionRate,
  id: string,
): { state: AsperionCallWindow; result: SlotOutcome } {
  const windowMs = rate.windowSeconds * 1000;
  const s = expire(state, now, windowMs);
  if (now < s.pausedUntil) return { state: s, result: { granted: false, retryAt: s.pausedUntil } };
  if (Object.keys(s.inFlight).length + s.answered.length < rate.requests) {
    s.inFlight[id] = now;
    return { state: s, result: { granted: true } };
  }
  const retryAt =
    s.answered.length > 0 ? s.answered[0]! + windowMs + 1 : now + Math.min(fullPollMs, windowMs);
  return { state: s, result: { granted: false, retryAt } };
}

/** Call `id` has its answer (or failed): its slot stays taken for one window from now. */
export function answerSlot(
  state: AsperionCallWindow | null,
  now: number,
  rate: AsperionRate,
  id: string,
): { state: AsperionCallWindow; result: undefined } {
  const s = expire(state, now, rate.windowSeconds * 1000);
  delete s.inFlight[id];
  s.answered = [...s.answered, now].sort((a, b) => a - b);
  return { state: s, result: undefined };
}

/**
 * The call budget of one app on one administration, shared by every caller of every process whose
 * ledger is the same (see AsperionCallWindow). Callers of this process are let through in the order
 * they asked. A 429 (a limit lower than ours) pauses everyone for Retry-After.
 */
export class AsperionRateGovernor {
  private queue: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private rate: AsperionRate = defaultAsperionRate,
    private readonly ledger: BudgetLedger = memoryBudgetLedger(),
    private readonly key: BudgetKey = { app: 'asperion', clientId: '', division: '' },
  ) {}

  configure(rate: AsperionRate): void {
    this.rate = rate;
  }

  get current(): AsperionRate {
    return { ...this.rate };
  }

  /** Wait for a slot; call the returned function once the answer (or the failure) is in. */
  async acquire(): Promise<() => Promise<void>> {
    const id = randomUUID();
    const turn = this.queue.then(() => this.waitForSlot(id));
    // The next caller waits for this one to get its slot, not for its call to finish.
    this.queue = turn.catch(() => undefined);
    await turn;
    let released: Promise<void> | undefined;
    return () =>
      (released ??= this.ledger
        .update<undefined, AsperionCallWindow>(this.key, (s) =>
          answerSlot(s, this.clock.now().getTime(), this.rate, id),
        )
        .finally(() => this.wakeUp?.()));
  }

  /** Everyone, in every process, waits until `ms` from now (a 429's Retry-After). */
  async pause(ms: number): Promise<void> {
    const until = this.clock.now().getTime() + ms;
    await this.ledger.update<undefined, AsperionCallWindow>(this.key, (s) => {
      const state = s ?? { inFlight: {}, answered: [], pausedUntil: 0 };
      return { state: { ...state, pausedUntil: Math.max(state.pausedUntil, until) }, result: undefined };
    });
  }

  private async waitForSlot(id: string): Promise<void> {
    for (;;) {
      const outcome = await this.ledger.update<SlotOutcome, AsperionCallWindow>(this.key, (s) =>
        takeSlot(s, this.clock.now().getTime(), this.rate, id),
      );
      if (outcome.granted) return;
      // Wait for the time named, or for a call of this process to answer, whichever comes first.
      const released = new Promise<void>((resolve) => (this.wakeUp = resolve));
      // The timer is cancelled when a release comes first, so no idle timer keeps the process up.
      const timer = new AbortController();
      const ms = Math.max(1, outcome.retryAt - this.clock.now().getTime());
      await Promise.race([released, this.clock.sleep(ms, timer.signal).catch(() => undefined)]);
      timer.abort();
      this.wakeUp = undefined;
    }
  }
}

/**
 * One governor per ledger, app (client id) and administration in this process. Without a ledger
 * (a connector used without the engine) the governors of one clock share one in memory: a process
 * has one real clock, and tests that each inject their own time get their own governors.
 */
const governorsByLedger = new WeakMap<BudgetLedger, Map<string, AsperionRateGovernor>>();
const memoryLedgers = new WeakMap<Clock, BudgetLedger>();

export function asperionGovernorFor(
  clientId: string,
  administrationId: number,
  clock: Clock,
  /** Given: the governor takes this rate (the latest configuration wins); absent: it keeps its own. */
  rate?: AsperionRate,
  /** The ledger shared by every process on the database (the connector context's budget ledger). */
  shared?: BudgetLedger,
): AsperionRateGovernor {
  let ledger = shared ?? memoryLedgers.get(clock);
  if (!ledger) memoryLedgers.set(clock, (ledger = memoryBudgetLedger()));
  let governors = governorsByLedger.get(ledger);
  if (!governors) governorsByLedger.set(ledger, (governors = new Map()));
  const key = `${clientId}:${administrationId}`;
  let g = governors.get(key);
  if (!g)
    governors.set(
      key,
      (g = new AsperionRateGovernor(clock, rate ?? defaultAsperionRate, ledger, {
        app: 'asperion',
        clientId,
        division: String(administrationId),
      })),
    );
  else if (rate) g.configure(rate);
  return g;
}
