import { getConnection, setConnectionCredentials } from '../store/repos/connections.js';
import { withLease } from './with-lease.js';
import type { ConnectionTable } from '../store/schema.js';
import type { Selectable } from 'kysely';
import type { EngineDeps } from './deps.js';
import type { ConnectorContext } from './types.js';
import { defaultBudgetReserve, type ApiPriority, type BudgetReserve } from '../connectors/kit/api-budget.js';
import { budgetLedgerFor } from './budget-ledger.js';

/** API calls per connection during one run (the activity log shows them per run). */
export class CallCounter {
  private readonly counts = new Map<string, number>();

  add(connectionId: string, n = 1): void {
    this.counts.set(connectionId, (this.counts.get(connectionId) ?? 0) + n);
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

/**
 * The context a connector works in: decrypted credentials (registered so no log line can show
 * them), a counting fetch, a way to store rotated credentials encrypted, and the API budget in the
 * database with the run's priority.
 */
export function connectorContext(
  deps: EngineDeps,
  connection: Selectable<ConnectionTable>,
  counter: CallCounter,
  signal: AbortSignal,
  options: { priority?: ApiPriority; reserve?: BudgetReserve } = {},
): ConnectorContext {
  const credentials = connection.credentials ? deps.box.decryptJson(connection.credentials) : {};
  for (const value of Object.values(credentials)) deps.secrets.add(value);
  const countingFetch: typeof fetch = (input, init) => {
    counter.add(connection.id);
    return fetch(input, { ...init, signal: init?.signal ?? signal });
  };
  return {
    connectionId: connection.id,
    app: connection.app,
    settings: JSON.parse(connection.settings) as Record<string, unknown>,
    credentials,
    saveCredentials: async (next) => {
      for (const value of Object.values(next)) deps.secrets.add(value);
      await setConnectionCredentials(
        deps.store.db,
        connection.id,
        deps.box.encryptJson(next),
        deps.clock.now().toISOString(),
      );
    },
    readCredentials: async () => {
      const row = await getConnection(deps.store.db, connection.id);
      const fresh = row?.encryptedCredentials ? deps.box.decryptJson(row.encryptedCredentials) : {};
      for (const value of Object.values(fresh)) deps.secrets.add(value);
      return fresh;
    },
    withCredentialLock: (fn) => withLease(deps, `credentials:${connection.id}`, fn),
    fetch: countingFetch,
    clock: deps.clock,
    logger: deps.logger.child({ connection: connection.id }),
    signal,
    ...(options.priority ? { priority: options.priority } : {}),
    budget: {
      ledger: budgetLedgerFor(deps.store, deps.clock),
      reserve: options.reserve ?? defaultBudgetReserve,
    },
  };
}
