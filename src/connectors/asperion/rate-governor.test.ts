import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import {
  AsperionRateGovernor,
  answerSlot,
  asperionGovernorFor,
  staleCallMs,
  takeSlot,
} from './rate-governor.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

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
    await first();
    await tick();
    clock.advance(999);
    await tick();
    expect(order).toEqual([]);
    clock.advance(2);
    await tick();
    expect(order).toEqual(['third']);
    await second();
    clock.advance(1_001);
    await tick();
    expect(order).toEqual(['third', 'fourth']);
    (await third)();
    (await fourth)();
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
});

describe('the shared call window', () => {
  const rate = { requests: 2, windowSeconds: 1 };

  it('counts calls in flight and answered within the window, and says when a slot frees', () => {
    let s = takeSlot(null, 0, rate, 'a').state;
    s = takeSlot(s, 10, rate, 'b').state;
    expect(takeSlot(s, 20, rate, 'c').result).toEqual({ granted: false, retryAt: 120 });
    s = answerSlot(s, 500, rate, 'a').state;
    expect(takeSlot(s, 600, rate, 'c').result).toEqual({ granted: false, retryAt: 1_501 });
    expect(takeSlot(s, 1_501, rate, 'c').result).toEqual({ granted: true });
  });

  it('gives back the slot of a call a dead process left in flight', () => {
    let s = takeSlot(null, 0, rate, 'dead-1').state;
    s = takeSlot(s, 0, rate, 'dead-2').state;
    expect(takeSlot(s, staleCallMs - 1, rate, 'c').result.granted).toBe(false);
    expect(takeSlot(s, staleCallMs, rate, 'c').result).toEqual({ granted: true });
  });
});
