import { KoppelError } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import {
  apiPriorities,
  countRetry,
  defaultBudgetReserve,
  memoryBudgetLedger,
  observeAnswer,
  reserveCall,
  type ApiPriority,
  type BudgetKey,
  type BudgetLedger,
  type BudgetReserve,
  type BudgetState,
  type BudgetWindow,
} from '../kit/api-budget.js';
import { budgetYield } from '../kit/budget-yield.js';

const minuteMs = 60_000;
/** Exact blocks an endpoint after 10 error answers in an hour (reference 3.1); stop before that. */
const defaultErrorAllowance = 8;

export interface GovernorOptions {
  /** Where the budget is kept; the engine passes one in the database so processes share it. */
  ledger?: BudgetLedger;
  key?: BudgetKey;
  reserve?: BudgetReserve;
  errorAllowance?: number;
}

interface Waiter {
  rank: number;
  seq: number;
}

/**
 * The API budget of one app on one division (reference 3.1–3.3): a fixed calendar minute and a UTC
 * day, learned from the `X-RateLimit-*` headers of every answer and kept in a ledger. A call is sent
 * only when both windows have room: otherwise the governor waits for the minute to turn, and refuses
 * (rate_limited, with the time until midnight UTC) when the day is spent. Granted calls count in the
 * ledger at once, so concurrent callers, in this process or another on the same ledger, cannot
 * overshoot between two answers. It also counts the 4xx answers per endpoint and stops calling an
 * endpoint before Exact's hourly error block.
 *
 * Waiting calls go in priority order (live, normal, backfill; first come first served within one):
 * only the first in line asks the ledger, so a live call waits for at most the one reservation under
 * way. Backfill may use only what is above the reserve kept for live work.
 */
export class ExactRateGovernor {
  private readonly ledger: BudgetLedger;
  private readonly key: BudgetKey;
  private readonly reserve: BudgetReserve;
  private readonly errorAllowance: number;
  private last: BudgetState | null = null;
  private readonly waiting: Waiter[] = [];
  private seq = 0;
  private wakers: Array<() => void> = [];

  constructor(
    private readonly clock: Clock,
    options: GovernorOptions = {},
  ) {
    this.ledger = options.ledger ?? memoryBudgetLedger();
    this.key = options.key ?? { app: 'exact-online', clientId: '', division: '' };
    this.reserve = options.reserve ?? defaultBudgetReserve;
    this.errorAllowance = options.errorAllowance ?? defaultErrorAllowance;
  }

  /**
   * Wait until one more call of `priority` fits the budget, and count it. A wait for the minute
   * longer than `waitLimitMs` is not slept: it throws `budgetYield` with the time to wait, and
   * nothing is counted (the day's and the error block's refusals stay errors of their own).
   */
  async acquire(
    endpoint: string,
    priority: ApiPriority = 'normal',
    waitLimitMs: number = Number.POSITIVE_INFINITY,
  ): Promise<void> {
    const me: Waiter = { rank: apiPriorities.indexOf(priority), seq: this.seq++ };
    this.waiting.push(me);
    try {
      for (;;) {
        while (!this.isFirst(me)) await new Promise<void>((resolve) => this.wakers.push(resolve));
        const outcome = await this.ledger.update(this.key, (s) => {
          const r = reserveCall(s, this.clock.now().getTime(), priority, endpoint, {
            reserve: this.reserve,
            errorAllowance: this.errorAllowance,
          });
          return { state: r.state, result: { ...r, state: r.state } };
        });
        this.last = outcome.state;
        const r = outcome.result;
        if (r.granted) return;
        const waitMs = r.retryAt - this.clock.now().getTime();
        if (r.reason === 'errors') {
          throw new KoppelError(
            `${endpoint} answered ${r.count} errors this hour; calls wait for the next hour to avoid Exact's error block`,
            { code: 'exact.error_budget', kind: 'rate_limited', retryAfterMs: waitMs },
          );
        }
        if (r.reason === 'day') {
          throw new KoppelError(`The daily API limit of ${r.limit} calls for this division is used up`, {
            code: 'exact.daily_limit',
            kind: 'rate_limited',
            retryAfterMs: waitMs,
          });
        }
        if (r.reason === 'day_reserve') {
          throw new KoppelError(
            `Backfill stopped: the rest of today's ${r.limit} API calls for this division is kept for live work`,
            { code: 'exact.daily_reserve', kind: 'rate_limited', retryAfterMs: waitMs },
          );
        }
        if (waitMs > waitLimitMs)
          throw budgetYield('exact-online', waitMs, `The Exact minute budget for this division is spent`);
        await this.clock.sleep(Math.max(0, waitMs));
      }
    } finally {
      this.waiting.splice(this.waiting.indexOf(me), 1);
      const wake = this.wakers;
      this.wakers = [];
      for (const w of wake) w();
    }
  }

  /** A call that got no answer at all (a network failure). */
  async abandon(): Promise<void> {
    this.last = await this.ledger.update(this.key, (s) => observeAnswer(s, this.clock.now().getTime(), null));
  }

  /** Learn from an answer. A minutely 429 carries no daily headers: a missing header is not a zero. */
  async observe(endpoint: string, status: number, headers: Headers): Promise<void> {
    const answer = {
      endpoint,
      status,
      minute: readWindow(headers, 'X-RateLimit-Minutely-'),
      day: readWindow(headers, 'X-RateLimit-'),
    };
    this.last = await this.ledger.update(this.key, (s) =>
      observeAnswer(s, this.clock.now().getTime(), answer),
    );
  }

  /**
   * Whether a failed call to `endpoint` may be tried again without nearing Exact's error block;
   * when it may, the retry is counted as an error of the endpoint (see `countRetry`).
   */
  async allowRetry(endpoint: string): Promise<boolean> {
    return this.ledger.update(this.key, (s) =>
      countRetry(s, this.clock.now().getTime(), endpoint, this.errorAllowance),
    );
  }

  /** How long until a refused call may be tried again. */
  retryAfterMs(): number {
    const now = this.clock.now().getTime();
    return Math.max(1_000, (this.last?.minute?.resetAt ?? now + minuteMs) - now + 1_000);
  }

  /** Used and left as this process last saw them (`koppel budget` reads the ledger). */
  snapshot(): { minute: BudgetWindow | null; day: BudgetWindow | null } {
    return {
      minute: this.last?.minute ? { ...this.last.minute } : null,
      day: this.last?.day ? { ...this.last.day } : null,
    };
  }

  /** Strict priority order: a waiter that cannot go only holds up waiters that could not go either. */
  private isFirst(me: Waiter): boolean {
    return this.waiting.every((w) => w === me || w.rank > me.rank || (w.rank === me.rank && w.seq > me.seq));
  }
}

function readWindow(headers: Headers, prefix: string): BudgetWindow | null {
  const limit = headers.get(`${prefix}Limit`);
  const remaining = headers.get(`${prefix}Remaining`);
  const reset = headers.get(`${prefix}Reset`);
  if (limit === null || remaining === null || reset === null) return null;
  const w = { limit: Number(limit), remaining: Number(remaining), resetAt: Number(reset) };
  return Number.isFinite(w.limit) && Number.isFinite(w.remaining) && Number.isFinite(w.resetAt) ? w : null;
}

/** One governor per ledger, app and division in this process, shared by every caller. */
const governors = new WeakMap<BudgetLedger, Map<string, ExactRateGovernor>>();
const processLedger = memoryBudgetLedger();

export function governorFor(
  clientId: string,
  division: number,
  clock: Clock,
  budget?: { ledger: BudgetLedger; reserve: BudgetReserve },
): ExactRateGovernor {
  const ledger = budget?.ledger ?? processLedger;
  let byKey = governors.get(ledger);
  if (!byKey) governors.set(ledger, (byKey = new Map()));
  const key = `${clientId}:${division}`;
  let g = byKey.get(key);
  if (!g) {
    g = new ExactRateGovernor(clock, {
      ledger,
      ...(budget ? { reserve: budget.reserve } : {}),
      key: { app: 'exact-online', clientId, division: String(division) },
    });
    byKey.set(key, g);
  }
  return g;
}
