/**
 * The API budget of one app on one account (for Exact: client id × division, reference 3.1), as
 * plain data so that it can live in memory or in the database and be shared by every process.
 * The arithmetic is pure: `reserveCall` and `observeAnswer` turn one state into the next.
 */

/** Who is asking, most urgent first: waiting calls are let through in this order. */
export const apiPriorities = ['live', 'normal', 'backfill'] as const;
export type ApiPriority = (typeof apiPriorities)[number];

export interface BudgetWindow {
  limit: number;
  remaining: number;
  /** Epoch ms at which the window resets. */
  resetAt: number;
}

export interface BudgetState {
  minute: BudgetWindow | null;
  day: BudgetWindow | null;
  /** The minutely allowance last seen in a header (60 for new apps). */
  minuteLimit: number;
  /** Calls granted and not yet answered, by every process: at a minute boundary they land in the next. */
  inFlight: number;
  /** 4xx answers per endpoint in the calendar hour `hourStart` (Exact blocks after 10, reference 3.1). */
  errors: Record<string, { hourStart: number; count: number }>;
  /** Epoch ms of the last change. */
  updatedAt: number;
}

/** What backfill must leave for live work: a share of the day and a number of calls of every minute. */
export interface BudgetReserve {
  dayShare: number;
  minuteCalls: number;
}

export const defaultBudgetReserve: BudgetReserve = { dayShare: 0.2, minuteCalls: 10 };

export interface BudgetKey {
  app: string;
  clientId: string;
  /** The account the budget belongs to (an Exact division). */
  division: string;
}

/**
 * Where budgets are kept. `update` applies `change` atomically with respect to every other caller of
 * the same ledger (the database one: every process sharing the database); `change` may be called
 * more than once and must not have side effects. A key holds one kind of state: Exact's
 * `BudgetState`, or another app's own (Asperion's call window), named by the caller.
 */
export interface BudgetLedger {
  update<T, S = BudgetState>(
    key: BudgetKey,
    change: (state: S | null) => { state: S; result: T },
  ): Promise<T>;
}

/** A ledger for one process (tests, and connectors used without the engine). */
export function memoryBudgetLedger(): BudgetLedger {
  const states = new Map<string, unknown>();
  return {
    update<T, S>(key: BudgetKey, change: (state: S | null) => { state: S; result: T }) {
      const id = budgetKeyText(key);
      const { state, result } = change(structuredClone((states.get(id) as S | undefined) ?? null));
      states.set(id, state);
      return Promise.resolve(result);
    },
  };
}

export const budgetKeyText = (k: BudgetKey) => `${k.app}:${k.clientId}:${k.division}`;

const minuteMs = 60_000;
const hourMs = 3_600_000;

export function emptyBudget(now: number): BudgetState {
  return { minute: null, day: null, minuteLimit: 60, inFlight: 0, errors: {}, updatedAt: now };
}

export type ReserveOutcome =
  | { granted: true }
  | { granted: false; reason: 'minute'; retryAt: number }
  | { granted: false; reason: 'day' | 'day_reserve'; retryAt: number; limit: number }
  | { granted: false; reason: 'errors'; retryAt: number; count: number };

/** Windows whose reset has passed are forgotten; a count of calls in flight cannot outlive a minute. */
function expire(s: BudgetState, now: number): BudgetState {
  const next = { ...s };
  if (next.day && now >= next.day.resetAt) next.day = null;
  if (next.minute && now >= next.minute.resetAt) {
    // A call takes seconds, not a minute: calls still counted then belong to a process that died.
    if (now >= next.minute.resetAt + minuteMs) next.inFlight = 0;
    next.minute = null;
  }
  next.errors = Object.fromEntries(Object.entries(next.errors).filter(([, e]) => now - e.hourStart < hourMs));
  return next;
}

/**
 * Take one call for `priority` if the windows have room for it. Backfill may only use what is left
 * above the reserve for live work; the minute reserve is capped at half the allowance, so a small
 * allowance still lets backfill make progress.
 */
export function reserveCall(
  state: BudgetState | null,
  now: number,
  priority: ApiPriority,
  endpoint: string,
  options: { reserve: BudgetReserve; errorAllowance: number },
): { state: BudgetState; result: ReserveOutcome } {
  const s = expire(state ?? emptyBudget(now), now);
  const seen = s.errors[endpoint];
  if (seen && seen.count >= options.errorAllowance) {
    return {
      state: s,
      result: { granted: false, reason: 'errors', retryAt: seen.hourStart + hourMs, count: seen.count },
    };
  }
  const backfill = priority === 'backfill';
  if (s.day) {
    const dayFloor = backfill ? Math.ceil(s.day.limit * options.reserve.dayShare) : 0;
    if (s.day.remaining <= dayFloor) {
      const reason = s.day.remaining <= 0 ? 'day' : 'day_reserve';
      return { state: s, result: { granted: false, reason, retryAt: s.day.resetAt, limit: s.day.limit } };
    }
  }
  // Windows are fixed calendar minutes, so an unknown minute is opened here and every call counts
  // in it, including calls still in flight when the first answer arrives.
  s.minute ??= {
    limit: s.minuteLimit,
    remaining: s.minuteLimit - s.inFlight,
    resetAt: Math.floor(now / minuteMs) * minuteMs + minuteMs,
  };
  const minuteFloor = backfill ? Math.min(options.reserve.minuteCalls, Math.floor(s.minute.limit / 2)) : 0;
  if (s.minute.remaining <= minuteFloor) {
    // Wait for the next minute, plus a second for clock skew (reference 3.3).
    return { state: s, result: { granted: false, reason: 'minute', retryAt: s.minute.resetAt + 1_000 } };
  }
  s.minute = { ...s.minute, remaining: s.minute.remaining - 1 };
  if (s.day) s.day = { ...s.day, remaining: s.day.remaining - 1 };
  s.inFlight += 1;
  s.updatedAt = now;
  return { state: s, result: { granted: true } };
}

export interface Answer {
  endpoint: string;
  status: number;
  minute: BudgetWindow | null;
  day: BudgetWindow | null;
}

/** Learn from an answer (or from a call that got none: `answer` null). A missing header is not a zero. */
export function observeAnswer(
  state: BudgetState | null,
  now: number,
  answer: Answer | null,
): { state: BudgetState; result: BudgetState } {
  const s = expire(state ?? emptyBudget(now), now);
  s.inFlight = Math.max(0, s.inFlight - 1);
  s.updatedAt = now;
  if (!answer) return { state: s, result: s };
  if (answer.minute) {
    s.minuteLimit = answer.minute.limit;
    s.minute = merge(s.minute, answer.minute, s.inFlight);
  }
  if (answer.day) s.day = merge(s.day, answer.day);
  if (answer.status === 429) {
    const resetAt = answer.minute?.resetAt ?? Math.ceil((now + 1) / minuteMs) * minuteMs;
    s.minute = { limit: s.minute?.limit ?? s.minuteLimit, remaining: 0, resetAt };
  }
  if ([400, 401, 403, 404].includes(answer.status)) {
    const hourStart = Math.floor(now / hourMs) * hourMs;
    const seen = s.errors[answer.endpoint];
    s.errors[answer.endpoint] = {
      hourStart,
      count: seen && seen.hourStart === hourStart ? seen.count + 1 : 1,
    };
  }
  return { state: s, result: s };
}

/**
 * Count a failed call about to be tried again as an error of its endpoint, if that leaves room for
 * the retry itself: retries of 5xx answers are counted as if they were 4xx ones, so a retrying
 * client cannot push the endpoint into the hourly error block. Refused, nothing is counted.
 */
export function countRetry(
  state: BudgetState | null,
  now: number,
  endpoint: string,
  errorAllowance: number,
): { state: BudgetState; result: boolean } {
  const s = expire(state ?? emptyBudget(now), now);
  const hourStart = Math.floor(now / hourMs) * hourMs;
  const seen = s.errors[endpoint];
  const count = seen && seen.hourStart === hourStart ? seen.count : 0;
  // After this one, the retry must still be granted: reserveCall refuses at the allowance.
  if (count + 1 >= errorAllowance) return { state: s, result: false };
  s.errors[endpoint] = { hourStart, count: count + 1 };
  s.updatedAt = now;
  return { state: s, result: true };
}

/**
 * Within one window the lower count wins: ours includes calls granted but not yet answered (by
 * every process on the ledger), the header calls of anyone else using the same app. A header of a
 * newer minute does not know the calls still in flight, which may land in it, so `inFlight` is
 * taken off (some of them may have landed already: the error is on the safe side). A new day
 * starts with nearly all of it left, so there the count is taken as it is.
 */
function merge(ours: BudgetWindow | null, theirs: BudgetWindow, inFlight = 0): BudgetWindow {
  if (!ours || ours.resetAt !== theirs.resetAt) return { ...theirs, remaining: theirs.remaining - inFlight };
  return { ...theirs, remaining: Math.min(ours.remaining, theirs.remaining) };
}

export interface BudgetView {
  minute: { used: number; left: number; resetAt: number } | null;
  day: { used: number; left: number; resetAt: number } | null;
  errorsLastHour: number;
  updatedAt: number;
}

/** Used and left as last seen; a window whose reset has passed shows as fresh, with its next reset. */
export function viewBudget(state: BudgetState, now: number): BudgetView {
  const window = (w: BudgetWindow | null, length: number, fallbackLimit: number | null) => {
    if (w && now < w.resetAt) return { used: w.limit - w.remaining, left: w.remaining, resetAt: w.resetAt };
    const limit = w?.limit ?? fallbackLimit;
    if (limit === null) return null;
    return { used: 0, left: limit, resetAt: Math.floor(now / length) * length + length };
  };
  return {
    minute: window(state.minute, minuteMs, state.minuteLimit),
    day: window(state.day, 24 * hourMs, null),
    errorsLastHour: Object.values(state.errors)
      .filter((e) => now - e.hourStart < hourMs)
      .reduce((n, e) => n + e.count, 0),
    updatedAt: state.updatedAt,
  };
}
