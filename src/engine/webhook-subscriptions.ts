import { KoppelError, toKoppelError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { insertEvent } from '../store/repos/events.js';
import { CallCounter, connectorContext } from './connector-context.js';
import type { EngineDeps } from './deps.js';
import { activeConnectionsOfApps } from './flow-connections-active.js';
import { topicsNeeded, webhookFlowsOf } from './webhook-flows.js';

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
          type: 'webhook.subscription_failed',
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
