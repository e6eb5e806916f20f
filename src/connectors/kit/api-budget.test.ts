import { describe, expect, it } from 'vitest';
import { observeAnswer, reserveCall, viewBudget, type BudgetState } from './api-budget.js';

const t0 = Date.parse('2026-03-10T09:00:30.000Z');
const minuteEnd = Date.parse('2026-03-10T09:01:00.000Z');
const midnight = Date.parse('2026-03-11T00:00:00.000Z');
const options = { reserve: { dayShare: 0.2, minuteCalls: 10 }, errorAllowance: 8 };

function state(minuteRemaining: number, minuteLimit = 60, inFlight = 0): BudgetState {
  return {
    minute: { limit: minuteLimit, remaining: minuteRemaining, resetAt: minuteEnd },
    day: { limit: 5000, remaining: 4000, resetAt: midnight },
    minuteLimit,
    inFlight,
    errors: {},
    updatedAt: t0,
  };
}

describe('the API budget arithmetic', () => {
  it('keeps at most half of a small minute for live work, so backfill still moves', () => {
    expect(reserveCall(state(3, 6), t0, 'backfill', 'e', options).result).toMatchObject({ granted: false });
    expect(reserveCall(state(4, 6), t0, 'backfill', 'e', options).result).toEqual({ granted: true });
    expect(reserveCall(state(11), t0, 'backfill', 'e', options).result).toEqual({ granted: true });
    expect(reserveCall(state(10), t0, 'backfill', 'e', options).result).toEqual({
      granted: false,
      reason: 'minute',
      retryAt: minuteEnd + 1_000,
    });
    expect(reserveCall(state(1), t0, 'live', 'e', options).result).toEqual({ granted: true });
  });

  it('opens a new minute less the calls still in flight, and forgets a count older than a minute', () => {
    const justAfter = reserveCall(state(0, 60, 3), minuteEnd + 1_000, 'normal', 'e', options).state;
    expect(justAfter.minute?.remaining).toBe(56);
    const muchLater = reserveCall(state(0, 60, 3), minuteEnd + 61_000, 'normal', 'e', options).state;
    expect(muchLater.minute?.remaining).toBe(59);
  });

  it('takes a minutely 429 without daily headers as a spent minute, not a spent day', () => {
    const s = observeAnswer(state(30, 60, 1), t0, {
      endpoint: 'e',
      status: 429,
      minute: { limit: 60, remaining: 0, resetAt: minuteEnd },
      day: null,
    }).state;
    expect(s.minute?.remaining).toBe(0);
    expect(s.day?.remaining).toBe(4000);
    expect(s.inFlight).toBe(0);
  });

  it('takes calls still in flight off a newer window learnt from a header, which does not know them', () => {
    const next = { limit: 60, remaining: 59, resetAt: minuteEnd + 60_000 };
    // Three calls in flight; this answer is one of them, two may still land in the new minute.
    const s = observeAnswer(state(0, 60, 3), minuteEnd + 500, {
      endpoint: 'e',
      status: 200,
      minute: next,
      day: null,
    });
    expect(s.state.minute).toEqual({ ...next, remaining: 57 });
    const again = observeAnswer(s.state, minuteEnd + 600, {
      endpoint: 'e',
      status: 200,
      minute: { ...next, remaining: 58 },
      day: null,
    });
    expect(again.state.minute?.remaining).toBe(57);
  });

  it('shows the last seen windows, and a passed one as fresh with its next reset', () => {
    const s = observeAnswer(state(20), t0, { endpoint: 'e', status: 404, minute: null, day: null }).state;
    expect(viewBudget(s, t0)).toEqual({
      minute: { used: 40, left: 20, resetAt: minuteEnd },
      day: { used: 1000, left: 4000, resetAt: midnight },
      errorsLastHour: 1,
      updatedAt: t0,
    });
    expect(viewBudget(s, minuteEnd + 5_000).minute).toEqual({
      used: 0,
      left: 60,
      resetAt: minuteEnd + 60_000,
    });
    expect(viewBudget(s, t0 + 3_600_000).errorsLastHour).toBe(0);
  });
});
