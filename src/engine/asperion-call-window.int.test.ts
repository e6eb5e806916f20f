import { afterEach, describe, expect, it } from 'vitest';
import { inFlightSliceMs, staleCallMs } from '../connectors/asperion/call-window.js';
import { AsperionRateGovernor } from '../connectors/asperion/rate-governor.js';
import { ManualClock } from '../core/clock.js';
import type { Store } from '../store/database.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../testing/databases.js';
import { databaseBudgetLedger } from './budget-ledger.js';

const key = { app: 'asperion', clientId: 'app', division: '1' };
const rate = { requests: 3, windowSeconds: 1 };

/** Real time for the ledger's statements to run: the clock does not move meanwhile. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/** Resolves when `check` holds; fails the test with `what` after 10 s. */
async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(testDialects)('the Asperion call window in the database on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    await tdb?.drop();
    tdb = undefined;
  });

  /** A governor as one process has it: its own connection to the shared database. */
  async function openProcess(clock: ManualClock): Promise<AsperionRateGovernor> {
    tdb ??= await createTestDatabase(dialect);
    const store = tdb.open();
    stores.push(store);
    return new AsperionRateGovernor(clock, rate, databaseBudgetLedger(store, clock), key);
  }

  /** Starts `n` callers of `g`; `through` holds the release of each one let through. */
  function callers(g: AsperionRateGovernor, n: number, through: Array<() => Promise<void>>) {
    for (let i = 0; i < n; i++) void g.acquire().then((release) => through.push(release));
  }

  it('lets no more than the rate through processes together, and frees a slot one window after its answer', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const [a, b] = [await openProcess(clock), await openProcess(clock)];
    const throughA: Array<() => Promise<void>> = [];
    const throughB: Array<() => Promise<void>> = [];
    callers(a, 4, throughA);
    callers(b, 4, throughB);
    await until('the window is full', () => throughA.length + throughB.length === rate.requests);
    await settle();
    expect(throughA.length + throughB.length).toBe(rate.requests);

    // Answered at 0: the slice ends at 50, the slots free at 1,050.
    await Promise.all([...throughA, ...throughB].map((release) => release()));
    clock.advance(1_049);
    await settle();
    expect(throughA.length + throughB.length).toBe(rate.requests);
    clock.advance(1);
    await until('the next window is full', () => throughA.length + throughB.length === 2 * rate.requests);
    await settle();
    expect(throughA.length + throughB.length).toBe(2 * rate.requests);
  });

  it("gives back a dead process's calls in flight after staleCallMs, at most a slice later", async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const dead = await openProcess(clock);
    // Let through and never answered: the process died during its calls.
    await Promise.all(Array.from({ length: rate.requests }, () => dead.acquire()));
    await stores[0]!.close();
    stores.shift();

    const live = await openProcess(clock);
    const through: Array<() => Promise<void>> = [];
    callers(live, 1, through);
    await settle();
    clock.advance(staleCallMs);
    await settle();
    expect(through).toHaveLength(0);
    clock.advance(inFlightSliceMs);
    await until('the stale slots are given back', () => through.length === 1);
  });

  it("pauses the other process for a 429's Retry-After", async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const [a, b] = [await openProcess(clock), await openProcess(clock)];
    await a.pause(30_000);
    const through: Array<() => Promise<void>> = [];
    callers(b, 1, through);
    await settle();
    clock.advance(29_999);
    await settle();
    expect(through).toHaveLength(0);
    clock.advance(1);
    await until('the pause is over', () => through.length === 1);
  });
});
