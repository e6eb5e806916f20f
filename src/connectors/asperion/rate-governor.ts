import type { Clock } from '../../core/clock.js';
import { memoryBudgetLedger, type BudgetKey, type BudgetLedger } from '../kit/api-budget.js';
import { budgetYield } from '../kit/budget-yield.js';
import {
  answerSlots,
  pauseSlots,
  takeSlots,
  type AsperionCallWindow,
  type AsperionRate,
  type CallAnswer,
  type SlotsOutcome,
} from './call-window.js';

export type { AsperionRate } from './call-window.js';

/**
 * Asperion publishes no rate limit (reference 1.8), so Koppel imposes its own: 5 calls per second
 * (300 a minute) per app and administration unless the connection says otherwise. That is gentle
 * for a bookkeeping SaaS and still moves a thousand invoices in under four minutes.
 */
export const defaultAsperionRate: AsperionRate = { requests: 5, windowSeconds: 1 };

interface Waiter {
  resolve: (heldUntil: number) => void;
  reject: (error: unknown) => void;
  /** How long this caller may wait for a slot before it gives up with `budgetYield`. */
  waitLimitMs: number;
}

interface PendingAnswer extends CallAnswer {
  written: { resolve: () => void; reject: (error: unknown) => void };
}

/**
 * The call budget of one app on one administration, shared by every caller of every process whose
 * ledger is the same (see AsperionCallWindow). Callers of this process are let through in the order
 * they asked. A 429 (a limit lower than ours) pauses everyone for Retry-After.
 *
 * The ledger is changed by one loop per governor, never by two callers of one process at once (they
 * would only make each other's compare-and-set fail). Each change carries everything that piled up
 * while the last one was written: the answers that came in and slots for every caller waiting. Under
 * load a call thus costs a fraction of a change; alone it costs two (its slot, its answer), as
 * before, and an answer is never held back waiting for company, so other processes get its slot
 * as soon as the window allows.
 */
export class AsperionRateGovernor {
  private readonly waiting: Waiter[] = [];
  private answers: PendingAnswer[] = [];
  private running: Promise<void> | undefined;
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

  /**
   * Wait for a slot; call the returned function once the answer (or the failure) is in. What it
   * returns settles when the answer is in the ledger. A caller whose wait would be longer than
   * `waitLimitMs` (a wide window that is full, a 429's pause) is refused with `budgetYield`
   * instead; it took no slot.
   */
  async acquire(waitLimitMs: number = Number.POSITIVE_INFINITY): Promise<() => Promise<void>> {
    const heldUntil = await new Promise<number>((resolve, reject) => {
      this.waiting.push({ resolve, reject, waitLimitMs });
      this.run();
    });
    let released: Promise<void> | undefined;
    return () =>
      (released ??= new Promise<void>((resolve, reject) => {
        const answeredAt = this.clock.now().getTime();
        this.answers.push({ heldUntil, answeredAt, written: { resolve, reject } });
        this.wakeUp?.();
        this.run();
      }));
  }

  /** Everyone, in every process, waits until `ms` from now (a 429's Retry-After). */
  async pause(ms: number): Promise<void> {
    const until = this.clock.now().getTime() + ms;
    await this.ledger.update<undefined, AsperionCallWindow>(this.key, (s) =>
      pauseSlots(s, this.clock.now().getTime(), this.rate, until),
    );
  }

  private run(): void {
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
      if (this.waiting.length > 0 || this.answers.length > 0) this.run();
    });
  }

  private async loop(): Promise<void> {
    while (this.waiting.length > 0 || this.answers.length > 0) {
      const answers = this.answers;
      this.answers = [];
      const wanted = this.waiting.length;
      let outcome: SlotsOutcome;
      try {
        outcome = await this.ledger.update<SlotsOutcome, AsperionCallWindow>(this.key, (s) => {
          const now = this.clock.now().getTime();
          const answered = answerSlots(s, now, this.rate, answers).state;
          return takeSlots(answered, now, this.rate, wanted);
        });
      } catch (error) {
        // The callers of this change hear of it. Its answers are not tried again: the change may
        // have been written after all (an error on the way back), and an answer counted twice would
        // free a slot still in flight. Left in flight, their slots come back as stale calls do.
        for (const a of answers) a.written.reject(error);
        for (const w of this.waiting.splice(0, wanted)) w.reject(error);
        return;
      }
      for (const a of answers) a.written.resolve();
      for (const w of this.waiting.splice(0, outcome.granted)) w.resolve(outcome.heldUntil);
      if (outcome.retryAt !== undefined) this.refuseLongWaits(outcome.retryAt);
      if (outcome.retryAt !== undefined && this.waiting.length > 0 && this.answers.length === 0)
        await this.sleepUntil(outcome.retryAt);
    }
  }

  /**
   * Callers that may not wait until `retryAt` (the soonest a slot can free: a lower bound of their
   * wait) give up now, so their runs can give their workers up rather than hold them.
   */
  private refuseLongWaits(retryAt: number): void {
    const waitMs = retryAt - this.clock.now().getTime();
    const refused = this.waiting.filter((w) => waitMs > w.waitLimitMs);
    if (refused.length === 0) return;
    this.waiting.splice(0, this.waiting.length, ...this.waiting.filter((w) => waitMs <= w.waitLimitMs));
    for (const w of refused)
      w.reject(
        budgetYield(
          'asperion',
          waitMs,
          'The call rate Koppel keeps for this Asperion administration is used up',
        ),
      );
  }

  /** Until the time named, or until a call of this process answers, whichever comes first. */
  private async sleepUntil(retryAt: number): Promise<void> {
    const answered = new Promise<void>((resolve) => (this.wakeUp = resolve));
    // The timer is cancelled when an answer comes first, so no idle timer keeps the process up.
    const timer = new AbortController();
    const ms = Math.max(1, retryAt - this.clock.now().getTime());
    await Promise.race([answered, this.clock.sleep(ms, timer.signal).catch(() => undefined)]);
    timer.abort();
    this.wakeUp = undefined;
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
