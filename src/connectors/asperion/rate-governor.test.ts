import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { memoryBudgetLedger, type BudgetLedger } from '../kit/api-budget.js';
import type { AsperionCallWindow } from './call-window.js';
import { AsperionRateGovernor, asperionGovernorFor } from './rate-governor.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A memory ledger that counts its changes (each is one transaction in the database's). */
function countingLedger(): { ledger: BudgetLedger; changes: () => number } {
  const inner = memoryBudgetLedger();
  let changes = 0;
  return {
    ledger: { update: (key, change) => (changes++, inner.update(key, change)) },
    changes: () => changes,
  };
}

describe('the Asperion rate governor', () => {
  it('holds a slot from the call until one window after its answer, and lets callers through in order', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const g = new AsperionRateGovernor(clock, { requests: 2, windowSeconds: 1 });
    const first = await g.acquire();
    const second = await g.acquire();
    const order: string[] = [];
    const third = g.acquire().then((release) => (order.push('third'), release));
    const fourth = g.acquire().then((release) => (order.push('fourth'), release));
    clock.advance(5_000);
    await tick();
    // Both slots are still in flight: time alone frees nothing.
    expect(order).toEqual([]);
    // Answered at 5,000 (a slice of 50 ms ending at 5,050): the slot frees at 6,050.
    await first();
    await tick();
    clock.advance(1_049);
    await tick();
    expect(order).toEqual([]);
    clock.advance(1);
    await tick();
    expect(order).toEqual(['third']);
    await second();
    clock.advance(1_049);
    await tick();
    expect(order).toEqual(['third']);
    clock.advance(50);
    await tick();
    expect(order).toEqual(['third', 'fourth']);
    (await third)();
    (await fourth)();
  });

  it('takes the slots of callers waiting together in one change, and writes answers with them', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const { ledger, changes } = countingLedger();
    const g = new AsperionRateGovernor(clock, { requests: 100, windowSeconds: 1 }, ledger);
    const releases = await Promise.all(Array.from({ length: 10 }, () => g.acquire()));
    // The first caller's change was under way when the other nine came: they share the next one.
    expect(changes()).toBe(2);
    await Promise.all([...releases.map((release) => release()), g.acquire()]);
    expect(changes()).toBeLessThanOrEqual(4);
    // Every answer is in the ledger once its release has settled: one call left in flight.
    const state = await ledger.update<AsperionCallWindow, AsperionCallWindow>(
      { app: 'asperion', clientId: '', division: '' },
      (s) => ({ state: s!, result: s! }),
    );
    expect(state.inFlight.reduce((n, [, calls]) => n + calls, 0)).toBe(1);
    expect(state.answered.reduce((n, [, calls]) => n + calls, 0)).toBe(10);
  });

  it('writes an answer at once when nobody of this process is waiting, so other processes get its slot', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const ledger = memoryBudgetLedger();
    const key = { app: 'asperion', clientId: 'app', division: '1' };
    const here = new AsperionRateGovernor(clock, { requests: 1, windowSeconds: 1 }, ledger, key);
    const there = new AsperionRateGovernor(clock, { requests: 1, windowSeconds: 1 }, ledger, key);
    await (
      await here.acquire()
    )();
    let through = false;
    const waiting = there.acquire().then((release) => ((through = true), release));
    clock.advance(1_049);
    await tick();
    expect(through).toBe(false);
    clock.advance(1);
    (await waiting)();
    expect(through).toBe(true);
  });

  it('tells the callers of a change that failed, and goes on with the next change', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const inner = memoryBudgetLedger();
    let failures = 1;
    const ledger: BudgetLedger = {
      update: (key, change) =>
        failures-- > 0 ? Promise.reject(new Error('database gone')) : inner.update(key, change),
    };
    const g = new AsperionRateGovernor(clock, { requests: 1, windowSeconds: 1 }, ledger);
    await expect(g.acquire()).rejects.toThrow('database gone');
    const release = await g.acquire();
    await release();
    // The answer is in: the only slot is held for a window, not in flight for good.
    let through = false;
    const waiting = g.acquire().then((r) => ((through = true), r));
    clock.advance(1_050);
    (await waiting)();
    expect(through).toBe(true);
  });

  it('pauses every caller for a Retry-After, and is one per app and administration', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const g = asperionGovernorFor('app', 1, clock, { requests: 10, windowSeconds: 1 });
    expect(asperionGovernorFor('app', 1, clock)).toBe(g);
    expect(g.current).toEqual({ requests: 10, windowSeconds: 1 });
    expect(asperionGovernorFor('app', 2, clock)).not.toBe(g);
    await g.pause(30_000);
    let through = false;
    const waiting = g.acquire().then((release) => ((through = true), release));
    clock.advance(29_000);
    await tick();
    expect(through).toBe(false);
    clock.advance(1_000);
    (await waiting)();
    expect(through).toBe(true);
  });

  it('refuses a caller that may not wait that long with a yield, taking no slot, while others wait', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const g = new AsperionRateGovernor(clock, { requests: 1, windowSeconds: 60 });
    const first = await g.acquire(5_000);
    await first();
    // The window's one slot is held for a minute after its answer: a backfill gives up at once.
    await expect(g.acquire(5_000)).rejects.toMatchObject({ code: 'budget.yield', kind: 'rate_limited' });
    let through = false;
    const patient = g.acquire().then((release) => ((through = true), release));
    await tick();
    expect(through).toBe(false);
    // Its answer's slice of the window ends within the window, so two windows free it surely.
    clock.advance(120_000);
    (await patient)();
    expect(through).toBe(true);
    // A pause longer than the limit is refused the same way; a short one is waited out.
    await g.pause(30_000);
    await expect(g.acquire(5_000)).rejects.toMatchObject({ code: 'budget.yield' });
  });
});
