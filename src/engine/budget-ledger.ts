import { KoppelError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import { budgetKeyText, type BudgetKey, type BudgetLedger } from '../connectors/kit/api-budget.js';
import type { Store } from '../store/database.js';
import { insertApiBudget, readApiBudget, replaceApiBudget } from '../store/repos/api-budgets.js';

const maxAttempts = 100;

/**
 * The API budgets in the database, shared by every process on it. Each change (take one call,
 * learn from an answer) is a compare-and-set on the row's version: read, compute, write only if
 * nobody wrote in between, else start over. A call is counted before it is sent, so processes
 * together never grant more calls than a window has; unlike splitting the budget by lease, an idle
 * process holds back nothing. The cost is two small statements per call, next to a 60-per-minute
 * API that is cheap.
 */
export function databaseBudgetLedger(store: Store, clock: Clock): BudgetLedger {
  return {
    async update<T, S>(key: BudgetKey, change: (state: S | null) => { state: S; result: T }) {
      const id = budgetKeyText(key);
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        const row = await readApiBudget(store.db, id);
        const { state, result } = change(row ? (JSON.parse(row.state) as S) : null);
        const text = JSON.stringify(state);
        const at = clock.now().toISOString();
        const written = row
          ? await replaceApiBudget(store.db, id, row.version, text, at)
          : await insertApiBudget(store.db, {
              key: id,
              app: key.app,
              client_id: key.clientId,
              division: key.division,
              state: text,
              version: 1,
              updated_at: at,
            });
        if (written) return result;
      }
      throw new KoppelError(`The API budget ${id} kept changing under ${maxAttempts} attempts to update it`, {
        code: 'budget.contended',
        kind: 'transient',
        retryAfterMs: 1_000,
      });
    },
  };
}

/** One ledger per store, so one governor per division and process keeps the waiting line. */
const ledgers = new WeakMap<Store, BudgetLedger>();

export function budgetLedgerFor(store: Store, clock: Clock): BudgetLedger {
  let ledger = ledgers.get(store);
  if (!ledger) ledgers.set(store, (ledger = databaseBudgetLedger(store, clock)));
  return ledger;
}
