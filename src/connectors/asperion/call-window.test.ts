import { describe, expect, it } from 'vitest';
import {
  answerSlots,
  answerSlices,
  inFlightSliceMs,
  pauseSlots,
  staleCallMs,
  takeSlots,
  type AsperionCallWindow,
} from './call-window.js';

const rate = { requests: 2, windowSeconds: 1 };

describe('the shared call window', () => {
  it('counts calls in flight and answered, and frees an answer one window after the end of its slice', () => {
    const a = takeSlots(null, 0, rate, 1);
    const b = takeSlots(a.state, 10, rate, 1);
    expect(b.result.granted).toBe(1);
    // Every slot in flight: nothing is known to free, so look again soon.
    expect(takeSlots(b.state, 20, rate, 1).result).toMatchObject({ granted: 0, retryAt: 120 });
    // Answered at 500: its slice of 50 ms ends at 550, so it holds its slot until 1,550.
    const s = answerSlots(b.state, 500, rate, [{ heldUntil: a.result.heldUntil, answeredAt: 500 }]).state;
    expect(takeSlots(s, 600, rate, 1).result).toMatchObject({ granted: 0, retryAt: 1_550 });
    expect(takeSlots(s, 1_549, rate, 1).result.granted).toBe(0);
    expect(takeSlots(s, 1_550, rate, 1).result).toEqual({ granted: 1, heldUntil: a.result.heldUntil });
  });

  it('holds an answer at least one window, wherever in its slice it came', () => {
    const windowMs = rate.windowSeconds * 1000;
    const one = { requests: 1, windowSeconds: 1 };
    for (const answeredAt of [500, 549, 550]) {
      const taken = takeSlots(null, 0, one, 1);
      const s = answerSlots(taken.state, answeredAt, one, [
        { heldUntil: taken.result.heldUntil, answeredAt },
      ]).state;
      expect(takeSlots(s, answeredAt + windowMs, one, 1).result.granted).toBe(0);
      expect(takeSlots(s, answeredAt + windowMs + windowMs / answerSlices, one, 1).result.granted).toBe(1);
    }
  });

  it('lets several callers through in one change, as many as there is room for', () => {
    const first = takeSlots(null, 0, { requests: 3, windowSeconds: 1 }, 5);
    expect(first.result).toMatchObject({ granted: 3, retryAt: 100 });
    expect(takeSlots(first.state, 1, { requests: 3, windowSeconds: 1 }, 1).result.granted).toBe(0);
  });

  it('keeps the same small state at any rate', () => {
    const fast = { requests: 1_000_000, windowSeconds: 1 };
    let s: AsperionCallWindow | null = null;
    for (let at = 0; at < 3_000; at++) {
      const taken = takeSlots(s, at, fast, 5);
      s = answerSlots(
        taken.state,
        at,
        fast,
        Array.from({ length: 5 }, () => ({ heldUntil: taken.result.heldUntil, answeredAt: at })),
      ).state;
    }
    // 15,000 calls, 5,000 of them answered within the last window: still a count per slice.
    expect(s!.answered.length).toBeLessThanOrEqual(answerSlices + 1);
    expect(s!.answered.reduce((n, [, calls]) => n + calls, 0)).toBeGreaterThanOrEqual(5_000);
    expect(s!.inFlight).toEqual([]);
  });

  it('gives back the slot of a call a dead process left in flight, after staleCallMs and at most a slice later', () => {
    const s = takeSlots(null, 0, rate, 2).state;
    expect(takeSlots(s, staleCallMs, rate, 1).result.granted).toBe(0);
    expect(takeSlots(s, staleCallMs + inFlightSliceMs, rate, 2).result.granted).toBe(2);
  });

  it('counts the answer of a call already given back as stale as answered all the same', () => {
    const taken = takeSlots(null, 0, rate, 2);
    const late = staleCallMs + inFlightSliceMs + 10;
    const s = answerSlots(taken.state, late, rate, [
      { heldUntil: taken.result.heldUntil, answeredAt: late },
    ]).state;
    expect(takeSlots(s, late, rate, 2).result.granted).toBe(1);
  });

  it('lets nobody through while paused, and says until when', () => {
    const s = pauseSlots(null, 0, rate, 30_000).state;
    expect(takeSlots(s, 29_999, rate, 1).result).toMatchObject({ granted: 0, retryAt: 30_000 });
    expect(takeSlots(s, 30_000, rate, 1).result.granted).toBe(1);
  });

  it('reads the state an earlier version left in the database as it says', () => {
    const old = {
      inFlight: { 'grant-1': 0 },
      answered: [500],
      pausedUntil: 0,
    } as unknown as AsperionCallWindow;
    expect(takeSlots(old, 600, rate, 1).result).toMatchObject({ granted: 0, retryAt: 1_501 });
    expect(takeSlots(old, 1_501, rate, 1).result.granted).toBe(1);
    expect(takeSlots(old, staleCallMs, rate, 2).result.granted).toBe(2);
  });
});
