/** A self-imposed rate: at most `requests` calls in any `windowSeconds` seconds. */
export interface AsperionRate {
  requests: number;
  windowSeconds: number;
}

/** Calls counted together: [epoch ms from which they no longer count, how many]. */
export type CallCount = [until: number, calls: number];

/**
 * The calls of one app on one administration, as plain data in a ledger (the database's: shared by
 * every process on it). A call holds a slot from the moment it is let through until one window after
 * its answer came back, so no window on the server's side can see more than `requests` calls,
 * whatever the transit time and however the server aligns its windows.
 *
 * Calls are counted per slice of time, not one by one, so the state keeps the same small size at
 * any rate: it is read, changed and written on every call, by every process.
 */
export interface AsperionCallWindow {
  /** Calls let through and not answered yet, by the slice of time they were let through in. */
  inFlight: CallCount[];
  /** Answered calls still holding their slot, by the slice of time they were answered in; soonest first. */
  answered: CallCount[];
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
/** Calls let through within this span share one count: a stale call is given back up to this much late. */
export const inFlightSliceMs = staleCallMs / 10;
/**
 * Answers within a twentieth of the window share one count, which frees at the slice's end plus a
 * window: never earlier than one window after any of its answers, at most a slice later.
 */
export const answerSlices = 20;
/**
 * How soon a full window with every slot in flight is looked at again: another process's answer
 * frees a slot without waking this one.
 */
const fullPollMs = 100;

/** One answer of this process: the in-flight count its call was in, and when its answer came. */
export interface CallAnswer {
  heldUntil: number;
  answeredAt: number;
}

export interface SlotsOutcome {
  /** How many of the slots asked for were given, in the order asked. */
  granted: number;
  /** The in-flight count the granted calls are in: their answers name it (`CallAnswer.heldUntil`). */
  heldUntil: number;
  /** When slots were refused: when to look again. */
  retryAt?: number;
}

const total = (counts: CallCount[]) => counts.reduce((n, [, calls]) => n + calls, 0);

/** Adds `calls` to the count ending at `until`, keeping the counts in order of `until`. */
function add(counts: CallCount[], until: number, calls: number): CallCount[] {
  const next = counts.map(([u, c]): CallCount => [u, u === until ? c + calls : c]);
  if (!counts.some(([u]) => u === until)) next.push([until, calls]);
  return next.sort((a, b) => a[0] - b[0]);
}

/** The end of the slice of length `sliceMs` that `at` falls in: strictly after `at`. */
const sliceEnd = (at: number, sliceMs: number) => (Math.floor(at / sliceMs) + 1) * sliceMs;

/** The state of an earlier version: a call's grant id and times one by one. */
interface CallListWindow {
  inFlight: Record<string, number>;
  answered: number[];
  pausedUntil: number;
}

/** A state written by an earlier version (still in the database after an upgrade) is counted as it says. */
function upgrade(s: AsperionCallWindow | CallListWindow, windowMs: number): AsperionCallWindow {
  if (Array.isArray(s.inFlight)) return s as AsperionCallWindow;
  const old = s as CallListWindow;
  let inFlight: CallCount[] = [];
  for (const at of Object.values(old.inFlight)) inFlight = add(inFlight, at + staleCallMs, 1);
  let answered: CallCount[] = [];
  for (const at of old.answered) answered = add(answered, at + windowMs + 1, 1);
  return { inFlight, answered, pausedUntil: old.pausedUntil };
}

function current(state: AsperionCallWindow | null, now: number, windowMs: number): AsperionCallWindow {
  const s = state ? upgrade(state, windowMs) : { inFlight: [], answered: [], pausedUntil: 0 };
  const live = (counts: CallCount[]) => counts.filter(([until, calls]) => until > now && calls > 0);
  return { inFlight: live(s.inFlight), answered: live(s.answered), pausedUntil: s.pausedUntil };
}

/**
 * The answers of this process go from in flight to answered: each holds its slot until one window
 * after it came. An answer whose in-flight count was already given back as stale is counted as
 * answered all the same.
 */
export function answerSlots(
  state: AsperionCallWindow | null,
  now: number,
  rate: AsperionRate,
  answers: CallAnswer[],
): { state: AsperionCallWindow; result: undefined } {
  const windowMs = rate.windowSeconds * 1000;
  const s = current(state, now, windowMs);
  for (const { heldUntil, answeredAt } of answers) {
    s.inFlight = s.inFlight.map(([until, calls]): CallCount => [
      until,
      until === heldUntil ? Math.max(0, calls - 1) : calls,
    ]);
    const frees = sliceEnd(answeredAt, windowMs / answerSlices) + windowMs;
    if (frees > now) s.answered = add(s.answered, frees, 1);
  }
  return { state: current(s, now, windowMs), result: undefined };
}

/** Let up to `wanted` calls through, as many as the window has room for; say when to look again. */
export function takeSlots(
  state: AsperionCallWindow | null,
  now: number,
  rate: AsperionRate,
  wanted: number,
): { state: AsperionCallWindow; result: SlotsOutcome } {
  const windowMs = rate.windowSeconds * 1000;
  const s = current(state, now, windowMs);
  const heldUntil = sliceEnd(now, inFlightSliceMs) + staleCallMs;
  if (now < s.pausedUntil) return { state: s, result: { granted: 0, heldUntil, retryAt: s.pausedUntil } };
  const room = Math.max(0, rate.requests - total(s.inFlight) - total(s.answered));
  const granted = Math.min(wanted, room);
  if (granted > 0) s.inFlight = add(s.inFlight, heldUntil, granted);
  if (granted === wanted) return { state: s, result: { granted, heldUntil } };
  // The soonest answered count to free is the soonest change this process can know of.
  const retryAt = s.answered[0]?.[0] ?? now + Math.min(fullPollMs, windowMs);
  return { state: s, result: { granted, heldUntil, retryAt } };
}

/** Everyone waits until `until` (a 429's Retry-After). */
export function pauseSlots(
  state: AsperionCallWindow | null,
  now: number,
  rate: AsperionRate,
  until: number,
): { state: AsperionCallWindow; result: undefined } {
  const s = current(state, now, rate.windowSeconds * 1000);
  return { state: { ...s, pausedUntil: Math.max(s.pausedUntil, until) }, result: undefined };
}
