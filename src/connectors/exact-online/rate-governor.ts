import { KoppelError } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';

interface Window {
  limit: number;
  remaining: number;
  /** Epoch ms at which the window resets. */
  resetAt: number;
}

const minuteMs = 60_000;
/** Exact blocks an endpoint after 10 error answers in an hour (reference 3.1); stop before that. */
const defaultErrorAllowance = 8;

/**
 * The API budget of one app on one division (reference 3.1–3.3): a fixed calendar minute and a UTC
 * day, learned from the `X-RateLimit-*` headers of every answer. A call is sent only when both
 * windows have room: otherwise the governor waits for the minute to turn, and refuses (rate_limited,
 * with the time until midnight UTC) when the day is spent. Calls it lets through count against its
 * own copy at once, so concurrent callers cannot overshoot between two answers. It also counts the
 * 4xx answers per endpoint and stops calling an endpoint before Exact's hourly error block.
 */
export class ExactRateGovernor {
  private minute: Window | null = null;
  private day: Window | null = null;
  private readonly errors = new Map<string, { hourStart: number; count: number }>();
  /** The minutely allowance last seen in a header (reference 3.1: 60 for new apps). */
  private minuteLimit = 60;
  /** Calls sent and not yet answered: at a window boundary they may land in the next window. */
  private inFlight = 0;

  constructor(
    private readonly clock: Clock,
    private readonly errorAllowance = defaultErrorAllowance,
  ) {}

  /** Wait until one more call fits the budget, and count it. */
  async acquire(endpoint: string): Promise<void> {
    this.checkErrorBudget(endpoint);
    for (;;) {
      const now = this.clock.now().getTime();
      if (this.day && now >= this.day.resetAt) this.day = null;
      if (this.minute && now >= this.minute.resetAt) this.minute = null;
      if (this.day && this.day.remaining <= 0) {
        throw new KoppelError(`The daily API limit of ${this.day.limit} calls for this division is used up`, {
          code: 'exact.daily_limit',
          kind: 'rate_limited',
          retryAfterMs: this.day.resetAt - now,
        });
      }
      // Windows are fixed calendar minutes, so an unknown minute is opened here and every call
      // counts in it, including calls still in flight when the first answer arrives.
      this.minute ??= {
        limit: this.minuteLimit,
        remaining: this.minuteLimit - this.inFlight,
        resetAt: Math.floor(now / minuteMs) * minuteMs + minuteMs,
      };
      if (this.minute.remaining > 0) break;
      // Fixed calendar minutes: wait for the next one, plus a second for clock skew (reference 3.3).
      await this.clock.sleep(this.minute.resetAt - now + 1_000);
    }
    this.minute!.remaining--;
    if (this.day) this.day.remaining--;
    this.inFlight++;
  }

  /** A call that got no answer at all (a network failure). */
  abandon(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** Learn from an answer. A minutely 429 carries no daily headers: a missing header is not a zero. */
  observe(endpoint: string, status: number, headers: Headers): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const minute = readWindow(headers, 'X-RateLimit-Minutely-');
    if (minute) {
      this.minuteLimit = minute.limit;
      this.minute = merge(this.minute, minute);
    }
    const day = readWindow(headers, 'X-RateLimit-');
    if (day) this.day = merge(this.day, day);
    if (status === 429) {
      const now = this.clock.now().getTime();
      const resetAt = minute?.resetAt ?? Math.ceil((now + 1) / minuteMs) * minuteMs;
      this.minute = { limit: this.minute?.limit ?? 60, remaining: 0, resetAt };
    }
    if ([400, 401, 403, 404].includes(status)) this.countError(endpoint);
  }

  /** How long until a refused call may be tried again. */
  retryAfterMs(): number {
    const now = this.clock.now().getTime();
    return Math.max(1_000, (this.minute?.resetAt ?? now + minuteMs) - now + 1_000);
  }

  /** Used and left, for `koppel budget` and the dashboard. */
  snapshot(): { minute: Window | null; day: Window | null } {
    return { minute: this.minute && { ...this.minute }, day: this.day && { ...this.day } };
  }

  private countError(endpoint: string): void {
    const hourStart = Math.floor(this.clock.now().getTime() / 3_600_000) * 3_600_000;
    const seen = this.errors.get(endpoint);
    this.errors.set(
      endpoint,
      seen && seen.hourStart === hourStart ? { hourStart, count: seen.count + 1 } : { hourStart, count: 1 },
    );
  }

  private checkErrorBudget(endpoint: string): void {
    const now = this.clock.now().getTime();
    const seen = this.errors.get(endpoint);
    if (!seen || now - seen.hourStart >= 3_600_000 || seen.count < this.errorAllowance) return;
    throw new KoppelError(
      `${endpoint} answered ${seen.count} errors this hour; calls wait for the next hour to avoid Exact's error block`,
      {
        code: 'exact.error_budget',
        kind: 'rate_limited',
        retryAfterMs: seen.hourStart + 3_600_000 - now,
      },
    );
  }
}

function readWindow(headers: Headers, prefix: string): Window | null {
  const limit = headers.get(`${prefix}Limit`);
  const remaining = headers.get(`${prefix}Remaining`);
  const reset = headers.get(`${prefix}Reset`);
  if (limit === null || remaining === null || reset === null) return null;
  const w = { limit: Number(limit), remaining: Number(remaining), resetAt: Number(reset) };
  return Number.isFinite(w.limit) && Number.isFinite(w.remaining) && Number.isFinite(w.resetAt) ? w : null;
}

/** Within one window, the lower count wins: ours includes calls still in flight, theirs other processes. */
function merge(ours: Window | null, theirs: Window): Window {
  if (!ours || ours.resetAt !== theirs.resetAt) return theirs;
  return { ...theirs, remaining: Math.min(ours.remaining, theirs.remaining) };
}

/** One governor per app and division in this process, shared by every caller. */
const governors = new Map<string, ExactRateGovernor>();

export function governorFor(clientId: string, division: number, clock: Clock): ExactRateGovernor {
  const key = `${clientId}:${division}`;
  let g = governors.get(key);
  if (!g) governors.set(key, (g = new ExactRateGovernor(clock)));
  return g;
}
