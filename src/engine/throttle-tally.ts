import type { Store } from '../store/database.js';

/**
 * 429 answers per connection seen by this process since it started, per store it works on. Kept in
 * memory because nothing in the store records every one (the budget ledger keeps only the last
 * hour); a restart starts again at zero, which Prometheus reads as a counter reset.
 */
const tallies = new WeakMap<Store, Map<string, number>>();

export function noteThrottled(store: Store, connectionId: string): void {
  let tally = tallies.get(store);
  if (!tally) tallies.set(store, (tally = new Map()));
  tally.set(connectionId, (tally.get(connectionId) ?? 0) + 1);
}

/** Connection id → 429 answers this process saw while working on this store. */
export function throttledSoFar(store: Store): ReadonlyMap<string, number> {
  return tallies.get(store) ?? new Map();
}
