import { systemClock } from '../src/core/clock.js';
import { AsperionRateGovernor } from '../src/connectors/asperion/rate-governor.js';
import type { BudgetKey, BudgetLedger } from '../src/connectors/kit/api-budget.js';
import { databaseBudgetLedger } from '../src/engine/budget-ledger.js';
import type { DialectName } from '../src/store/database.js';
import { createTestDatabase } from '../src/testing/databases.js';

/**
 * The Asperion call window in the database alone: callers of one process take a slot, wait 1 ms
 * (the call), and give it back, at a rate far above the default so that only the ledger limits
 * them. Prints calls a second, ledger changes a call, tries a change (compare-and-set retries) and
 * the largest state written, for one caller and for the orders flow's four, on each dialect.
 */
const calls = Number(process.env.BENCH_WINDOW_CALLS ?? 2_000);
const callerCounts = [1, 4];

/** The database ledger, counting its changes, the tries they took and the size of what they wrote. */
function countingLedger(inner: BudgetLedger) {
  const counts = { changes: 0, tries: 0, largest: 0 };
  const ledger: BudgetLedger = {
    update<T, S>(key: BudgetKey, change: (state: S | null) => { state: S; result: T }) {
      counts.changes++;
      return inner.update<T, S>(key, (state) => {
        counts.tries++;
        const next = change(state);
        counts.largest = Math.max(counts.largest, JSON.stringify(next.state).length);
        return next;
      });
    },
  };
  return { ledger, counts };
}

async function measure(dialect: DialectName, callers: number) {
  const tdb = await createTestDatabase(dialect);
  const store = tdb.open();
  try {
    const { ledger, counts } = countingLedger(databaseBudgetLedger(store, systemClock));
    const g = new AsperionRateGovernor(systemClock, { requests: 1_000_000, windowSeconds: 1 }, ledger);
    let left = calls;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (left-- > 0) {
          const release = await g.acquire();
          await new Promise((resolve) => setTimeout(resolve, 1));
          await release();
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { callsPerSecond: calls / seconds, ...counts };
  } finally {
    await store.close();
    await tdb.drop();
  }
}

export async function asperionWindowBench(): Promise<void> {
  const dialects = (process.env.BENCH_DIALECTS?.split(',') ?? ['sqlite', 'postgres']) as DialectName[];
  process.stdout.write(
    `asperion-window: ${calls.toLocaleString('en')} calls through the shared call window in the database, ` +
      `each holding its slot 1 ms\n`,
  );
  const json: Record<string, unknown> = { bench: 'asperion-window' };
  for (const dialect of dialects)
    for (const callers of callerCounts) {
      const m = await measure(dialect, callers);
      process.stdout.write(
        `  ${dialect.padEnd(8)} ${callers} caller(s): ${Math.round(m.callsPerSecond)} calls/s, ` +
          `${(m.changes / calls).toFixed(2)} ledger changes a call, ${(m.tries / m.changes).toFixed(2)} tries a change, ` +
          `largest state ${m.largest} bytes\n`,
      );
      Object.assign(json, {
        [`${dialect}_${callers}_calls_per_s`]: Math.round(m.callsPerSecond),
        [`${dialect}_${callers}_changes_per_call`]: Math.round((m.changes / calls) * 100) / 100,
        [`${dialect}_${callers}_tries_per_change`]: Math.round((m.tries / m.changes) * 100) / 100,
        [`${dialect}_${callers}_state_bytes`]: m.largest,
      });
    }
  process.stdout.write(`${JSON.stringify(json)}\n`);
}
