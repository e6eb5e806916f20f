import { getConnection, setConnectionCredentials } from '../store/repos/connections.js';
import { withLease } from './with-lease.js';
import type { ConnectionTable } from '../store/schema.js';
import type { Selectable } from 'kysely';
import type { EngineDeps } from './deps.js';
import type { ConnectorContext } from './types.js';
import { defaultBudgetReserve, type ApiPriority, type BudgetReserve } from '../connectors/kit/api-budget.js';
import { budgetLedgerFor } from './budget-ledger.js';
import { noteCall } from '../connectors/kit/observed-calls.js';
import { noteThrottled } from './throttle-tally.js';

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
 * Requests get a signal of their own that the run's signal aborts through one listener: handing
 * the run's signal to every fetch adds a listener per request that Node keeps until it collects
 * the request, which floods a 10,000-order run with listener warnings.
 */
function fanOutAbort(run: AbortSignal): <T>(send: (signal: AbortSignal) => Promise<T>) => Promise<T> {
  const open = new Set<AbortController>();
  run.addEventListener('abort', () => {
    for (const controller of open) controller.abort(run.reason);
  });
  return async (send) => {
    const controller = new AbortController();
    if (run.aborted) controller.abort(run.reason);
    open.add(controller);
    try {
      return await send(controller.signal);
    } finally {
      open.delete(controller);
    }
  };
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
  options: { priority?: ApiPriority; reserve?: BudgetReserve; budgetWaitLimitMs?: () => number } = {},
): ConnectorContext {
  const credentials = connection.credentials ? deps.box.decryptJson(connection.credentials) : {};
  for (const value of Object.values(credentials)) deps.secrets.add(value);
  const withRunSignal = fanOutAbort(signal);
  const countingFetch: typeof fetch = async (input, init) => {
    counter.add(connection.id);
    const res = init?.signal
      ? await fetch(input, init)
      : await withRunSignal((requestSignal) => fetch(input, { ...init, signal: requestSignal }));
    // What was asked and answered, for the activity log of the write that made this call.
    noteCall({ method: methodOf(input, init), url: urlOf(input), status: res.status });
    if (res.status === 429) noteThrottled(deps.store, connection.id);
    return res;
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
    ...(options.budgetWaitLimitMs === undefined ? {} : { budgetWaitLimitMs: options.budgetWaitLimitMs }),
    budget: {
      ledger: budgetLedgerFor(deps.store, deps.clock),
      reserve: options.reserve ?? defaultBudgetReserve,
    },
  };
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

function methodOf(input: Parameters<typeof fetch>[0], init: Parameters<typeof fetch>[1]): string {
  return (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
}
