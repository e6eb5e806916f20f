import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../store/schema.js';

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
