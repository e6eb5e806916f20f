import type { ExpressionBuilder } from 'kysely';
import type { AppDescriptor } from '../connectors/kit/app-descriptor.js';
import type { Database } from '../store/schema.js';
import type { ConnectionStatus } from './connection-readiness.js';
import type { EngineDeps } from './deps.js';

/**
 * A `where` on `flows`: both of the flow's connections are active. The scheduler and webhooks
 * start no run of any other flow: it waits for an authorization or a tenant, not for its next
 * trigger (src/engine/connection-readiness.ts).
 */
export function flowConnectionsActive({ not, exists, selectFrom }: ExpressionBuilder<Database, 'flows'>) {
  return not(
    exists(
      selectFrom('connections')
        .select('connections.id')
        .where('connections.status', '!=', 'active')
        .where((eb) =>
          eb.or([
            eb('connections.id', '=', eb.ref('flows.source_connection_id')),
            eb('connections.id', '=', eb.ref('flows.target_connection_id')),
          ]),
        ),
    ),
  );
}

/**
 * The connections in one of `statuses` (default: active), of every app with a capability
 * (`keepAlive`, `webhooks`).
 */
export async function activeConnectionsOfApps(
  deps: EngineDeps,
  has: (app: AppDescriptor) => boolean,
  statuses: readonly ConnectionStatus[] = ['active'],
) {
  const apps = [...deps.registry.apps.values()].filter(has).map((a) => a.app);
  if (apps.length === 0) return [];
  return deps.store.db
    .selectFrom('connections')
    .selectAll()
    .where('app', 'in', apps)
    .where('status', 'in', [...statuses])
    .orderBy('id')
    .execute();
}
