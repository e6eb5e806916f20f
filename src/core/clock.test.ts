import { describe, expect, it } from 'vitest';
import { ManualClock, OffsetClock } from './clock.js';

describe('OffsetClock', () => {
  it('adds advances to its base clock', () => {
    const base = new ManualClock('2026-03-10T09:00:00.000Z');
    const clock = new OffsetClock(base);
    clock.advance(60_000);
    base.advance(1_000);
    expect(clock.now().toISOString()).toBe('2026-03-10T09:01:01.000Z');
    expect(clock.offset).toBe(60_000);
  });

  it('runs faster from the moment its speed is turned up, keeping the time already gained', () => {
    const base = new ManualClock('2026-03-10T09:00:00.000Z');
    const clock = new OffsetClock(base);
    base.advance(10_000);
    clock.setSpeed(60);
    base.advance(1_000);
    expect(clock.now().toISOString()).toBe('2026-03-10T09:01:10.000Z');
    clock.setSpeed(1);
    base.advance(1_000);
    expect(clock.now().toISOString()).toBe('2026-03-10T09:01:11.000Z');
    expect(clock.offset).toBe(59_000);
  });

  it('sleeps its own time: a minute at speed 60 is a second of the base clock', async () => {
    const base = new ManualClock('2026-03-10T09:00:00.000Z');
    const clock = new OffsetClock(base);
    clock.setSpeed(60);
    let woke = false;
    const sleeping = clock.sleep(60_000).then(() => (woke = true));
    base.advance(999);
    await Promise.resolve();
    expect(woke).toBe(false);
    base.advance(1);
    await sleeping;
    expect(woke).toBe(true);
  });

  it('refuses a speed that is not a positive number', () => {
    const clock = new OffsetClock(new ManualClock());
    expect(() => clock.setSpeed(0)).toThrow(/positive/);
    expect(() => clock.setSpeed(Number.NaN)).toThrow(/positive/);
  });
});
