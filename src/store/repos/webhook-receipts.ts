import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Note a delivery as received; true when it is new, false when the same body already arrived on
 * this connection. The insert-or-ignore on the primary key is the whole decision, so two processes
 * receiving the same delivery at once agree on which of them handles it.
 */
export async function recordWebhookReceipt(
  db: Kysely<Database>,
  receipt: { connectionId: string; digest: string; receivedAt: string },
): Promise<boolean> {
  const result = await db
    .insertInto('webhook_receipts')
    .values({
      connection_id: receipt.connectionId,
      digest: receipt.digest,
      received_at: receipt.receivedAt,
    })
    .onConflict((oc) => oc.columns(['connection_id', 'digest']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Forget a receipt whose delivery could not be handled, so the provider's retry is handled. */
export async function forgetWebhookReceipt(
  db: Kysely<Database>,
  receipt: { connectionId: string; digest: string },
): Promise<void> {
  await db
    .deleteFrom('webhook_receipts')
    .where('connection_id', '=', receipt.connectionId)
    .where('digest', '=', receipt.digest)
    .execute();
}

/** Delete receipts received before `before` (ISO); answers how many. */
export async function purgeWebhookReceipts(db: Kysely<Database>, before: string): Promise<number> {
  const result = await db.deleteFrom('webhook_receipts').where('received_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
