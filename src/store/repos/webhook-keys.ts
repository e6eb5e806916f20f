import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Remember that a webhook named `sourceId` for the flow; naming it again moves its time on. */
export async function addWebhookKey(
  db: Kysely<Database>,
  key: { flowId: string; sourceId: string; receivedAt: string },
): Promise<void> {
  await db
    .insertInto('webhook_keys')
    .values({ flow_id: key.flowId, source_id: key.sourceId, received_at: key.receivedAt })
    .onConflict((oc) => oc.columns(['flow_id', 'source_id']).doUpdateSet({ received_at: key.receivedAt }))
    .execute();
}

/** The keys waiting for the flow, oldest first, at most `limit`. */
export async function waitingWebhookKeys(
  db: Kysely<Database>,
  flowId: string,
  limit: number,
): Promise<Array<{ sourceId: string; receivedAt: string }>> {
  const rows = await db
    .selectFrom('webhook_keys')
    .select(['source_id', 'received_at'])
    .where('flow_id', '=', flowId)
    .orderBy('received_at')
    .orderBy('source_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ sourceId: r.source_id, receivedAt: r.received_at }));
}

/**
 * Forget keys a run has taken, each only if no webhook named it again since it was read: a
 * change that arrived while the run was reading is taken by the next run, not lost.
 */
export async function forgetWebhookKeys(
  db: Kysely<Database>,
  flowId: string,
  keys: ReadonlyArray<{ sourceId: string; receivedAt: string }>,
): Promise<void> {
  if (keys.length === 0) return;
  await db
    .deleteFrom('webhook_keys')
    .where('flow_id', '=', flowId)
    .where((eb) =>
      eb.or(
        keys.map((key) =>
          eb.and([eb('source_id', '=', key.sourceId), eb('received_at', '=', key.receivedAt)]),
        ),
      ),
    )
    .execute();
}
