import { KoppelError, toKoppelError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { insertEvent } from '../store/repos/events.js';
import { CallCounter, connectorContext } from './connector-context.js';
import type { EngineDeps } from './deps.js';
import { activeConnectionsOfApps } from './flow-connections-active.js';
import { topicsNeeded, webhookFlowsOf } from './webhook-flows.js';

/**
 * The events of a connection's webhook subscription per topic: a refusal, and the first success
 * after one. The latest of them says whether the topic is refused now (the alert reads it).
 */
export const webhookFailedEvent = 'webhook.subscription_failed';
export const webhookRestoredEvent = 'webhook.subscription_restored';

export interface WebhookSubscriptionsResult {
  ensured: Array<{ connection: string; topic: string }>;
  /** Subscriptions to Koppel's callback on a topic no enabled flow starts on any more. */
  removed: Array<{ connection: string; topic: string }>;
  failed: Array<{ connection: string; topic: string; errorCode: string }>;
}

/** Where the provider delivers a connection's webhooks: the route in src/api/routes/webhooks.ts. */
export function webhookCallbackUrl(publicUrl: string, segment: string, connectionId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/webhooks/${segment}/${encodeURIComponent(connectionId)}`;
}

/**
 * Make sure every active connection whose app has webhooks is subscribed to each topic its
 * enabled flows start on, with the callback under `publicUrl`. A refusal (the provider cannot
 * reach the callback, a lost authorization, …) is logged and raised as a warning event for that
 * connection and topic, and the rest go on; the next daily run tries again.
 */
export async function ensureWebhookSubscriptions(
  deps: EngineDeps,
  publicUrl: string,
  signal: AbortSignal = new AbortController().signal,
): Promise<WebhookSubscriptionsResult> {
  const result: WebhookSubscriptionsResult = { ensured: [], removed: [], failed: [] };
  const rows = await activeConnectionsOfApps(deps, (a) => a.webhooks !== undefined);
  for (const row of rows) {
    const webhooks = deps.registry.apps.get(row.app)?.webhooks;
    if (!webhooks) continue;
    const topics = topicsNeeded(await webhookFlowsOf(deps, row.id));
    const ctx = connectorContext(deps, row, new CallCounter(), signal);
    const callbackUrl = webhookCallbackUrl(publicUrl, webhooks.callbackSegment, row.id);
    await removeStale(deps, row.id, () => webhooks.removeSubscriptions(ctx, callbackUrl, topics), result);
    const unverifiable = webhooks.cannotReceive(ctx);
    for (const topic of topics) {
      if (signal.aborted) return result;
      try {
        if (unverifiable !== undefined)
          throw new KoppelError(`deliveries could not be verified: ${unverifiable}`, {
            code: 'webhook.cannot_verify',
            kind: 'invalid',
          });
        await webhooks.ensureSubscription(ctx, topic, callbackUrl);
        result.ensured.push({ connection: row.id, topic });
        await noteRestored(deps, row, topic);
        deps.logger.info(
          { connection: row.id, topic, callbackUrl },
          `webhook subscription for ${topic} on connection ${row.id} is in place`,
        );
      } catch (e) {
        const error = toKoppelError(e);
        result.failed.push({ connection: row.id, topic, errorCode: error.code });
        const message = deps.secrets.scrub(
          `Subscribing connection ${row.id} to webhook topic ${topic} at ${callbackUrl} failed (${error.message}); its flows run on their schedule, and the next daily run tries again.`,
        );
        deps.logger.warn({ connection: row.id, topic, errorCode: error.code }, message);
        await insertEvent(deps.store.db, {
          id: newId('evt'),
          type: webhookFailedEvent,
          severity: 'warning',
          pair_id: row.pair_id,
          flow_id: null,
          connection_id: row.id,
          run_id: null,
          message,
          details: JSON.stringify({ topic, callbackUrl, code: error.code, kind: error.kind }),
          created_at: deps.clock.now().toISOString(),
          acknowledged_at: null,
        });
      }
    }
  }
  return result;
}

/**
 * After a refusal, the first success says so in an event: the refusal's alert reads the latest of
 * the two per connection and topic, so it resolves as soon as the subscription is in place. Only
 * after a refusal, so a daily check that finds everything in place adds nothing.
 */
async function noteRestored(
  deps: EngineDeps,
  row: { id: string; pair_id: string },
  topic: string,
): Promise<void> {
  const recent = await deps.store.db
    .selectFrom('events')
    .select(['type', 'details'])
    .where('connection_id', '=', row.id)
    .where('type', 'in', [webhookFailedEvent, webhookRestoredEvent])
    .orderBy('id', 'desc')
    .limit(100)
    .execute();
  const last = recent.find((e) => {
    try {
      return (JSON.parse(e.details) as { topic?: unknown }).topic === topic;
    } catch {
      return false;
    }
  });
  if (last?.type !== webhookFailedEvent) return;
  await insertEvent(deps.store.db, {
    id: newId('evt'),
    type: webhookRestoredEvent,
    severity: 'info',
    pair_id: row.pair_id,
    flow_id: null,
    connection_id: row.id,
    run_id: null,
    message: `Connection ${row.id} is subscribed to webhook topic ${topic} again.`,
    details: JSON.stringify({ topic }),
    created_at: deps.clock.now().toISOString(),
    acknowledged_at: null,
  });
}

/**
 * Drops the subscriptions no flow needs any more (a flow disabled or switched to another source),
 * so Exact stops calling for nothing. A failure here is logged only: the next daily run tries again.
 */
async function removeStale(
  deps: EngineDeps,
  connection: string,
  remove: () => Promise<string[]>,
  result: WebhookSubscriptionsResult,
): Promise<void> {
  try {
    for (const topic of await remove()) {
      result.removed.push({ connection, topic });
      deps.logger.info(
        { connection, topic },
        `webhook subscription for ${topic} on connection ${connection} removed: no enabled flow starts on it`,
      );
    }
  } catch (e) {
    const error = toKoppelError(e);
    deps.logger.warn(
      { connection, errorCode: error.code },
      deps.secrets.scrub(
        `Could not tidy the webhook subscriptions of connection ${connection}: ${error.message}`,
      ),
    );
  }
}
