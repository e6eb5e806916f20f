import type { ExpressionBuilder } from 'kysely';
import type { AppDescriptor } from '../connectors/kit/app-descriptor.js';
import type { Database } from '../store/schema.js';
import type { EngineDeps } from './deps.js';

/**
 * A `where` on `flows`: neither of the flow's connections is paused. The scheduler and webhooks
 * start no run of such a flow; it waits for a new authorization, not for its next trigger.
 */
export function flowConnectionsActive({ not, exists, selectFrom }: ExpressionBuilder<Database, 'flows'>) {
  return not(
    exists(
      selectFrom('connections')
        .select('connections.id')
        .where('connections.status', '=', 'paused')
        .where((eb) =>
          eb.or([
            eb('connections.id', '=', eb.ref('flows.source_connection_id')),
            eb('connections.id', '=', eb.ref('flows.target_connection_id')),
          ]),
        ),
    ),
  );
}

/** The connections that are not paused, of every app with a capability (`keepAlive`, `webhooks`). */
export async function activeConnectionsOfApps(deps: EngineDeps, has: (app: AppDescriptor) => boolean) {
  const apps = [...deps.registry.apps.values()].filter(has).map((a) => a.app);
  if (apps.length === 0) return [];
  return deps.store.db
    .selectFrom('connections')
    .selectAll()
    .where('app', 'in', apps)
    .where('status', '!=', 'paused')
    .orderBy('id')
    .execute();
}
