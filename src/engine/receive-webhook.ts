import { createHash } from 'node:crypto';
import type { WebhookNotice } from '../connectors/kit/app-descriptor.js';
import { KoppelError, toKoppelError } from '../core/errors.js';
import type { Logger } from '../core/logging.js';
import type { EnqueueResult, JobQueue } from '../queue/index.js';
import { getConnection } from '../store/repos/connections.js';
import { forgetWebhookReceipt, recordWebhookReceipt } from '../store/repos/webhook-receipts.js';
import type { EngineDeps } from './deps.js';
import { enqueueFlowRun, recordsRunJobSpec } from './enqueue-run.js';
import { backfillInProgress } from './backfill-state.js';
import { readCursor } from '../store/repos/cursors.js';
import { addWebhookKey } from '../store/repos/webhook-keys.js';
import { assertRecentWebhookEvent } from './webhook-event-age.js';
import { flowsTriggeredBy, type WebhookFlow } from './webhook-flows.js';

export type WebhookOutcome =
  | { kind: 'probe' }
  | { kind: 'duplicate'; duplicate: true }
  | { kind: 'ignored'; reason: string }
  | {
      kind: 'enqueued';
      topic: string;
      /** `named`: a run of the record the delivery names (the flow's cursor is in a backfill). */
      flows: Array<{ flowId: string; jobId: string; deduped: boolean; named?: boolean }>;
    };

/**
 * One request on a connection's webhook callback: an empty body is the provider's probe of a new
 * subscription; anything else must verify with the connection's credentials and be of a recent
 * event (`webhook.stale` / `webhook.from_future` otherwise: a signed delivery replayed later must
 * not start work), and then starts a run (trigger `webhook`) of every flow the topic concerns.
 * The same body again on the connection within the window is a repeat (the provider retrying, or
 * a replay): acknowledged, so the provider stops, but it starts nothing. A run already waiting
 * absorbs new deliveries (the run job's dedupe key), so a burst costs one run; nothing waits for
 * the run. Refusals are logged with the connection and error code, never the body or a secret.
 */
export async function receiveWebhook(
  deps: EngineDeps,
  queue: JobQueue,
  request: { segment: string; connectionId: string; rawBody: string },
): Promise<WebhookOutcome> {
  const { segment, connectionId } = request;
  const connection = await getConnection(deps.store.db, connectionId);
  const webhooks = connection ? deps.registry.apps.get(connection.app)?.webhooks : undefined;
  if (!connection || webhooks?.callbackSegment !== segment)
    throw new KoppelError(`No ${segment} webhook callback for connection "${connectionId}"`, {
      code: 'webhook.unknown_connection',
      kind: 'not_found',
    });
  const log = deps.logger.child({ connection: connectionId });
  if (request.rawBody.trim() === '') {
    log.info(`webhook callback of connection ${connectionId} probed`);
    return { kind: 'probe' };
  }
  const credentials = connection.encryptedCredentials
    ? deps.box.decryptJson(connection.encryptedCredentials)
    : {};
  for (const value of Object.values(credentials)) deps.secrets.add(value);
  let notice: WebhookNotice;
  try {
    notice = webhooks.readDelivery(request.rawBody, { settings: connection.settings, credentials });
    assertRecentWebhookEvent(notice.eventAt, deps.clock.now(), deps.defaults.webhookMaxAgeHours);
  } catch (e) {
    const error = toKoppelError(e);
    log.warn(
      { errorCode: error.code },
      `refused a webhook delivery on connection ${connectionId}: ${deps.secrets.scrub(error.message)}`,
    );
    throw error;
  }
  const about = { topic: notice.topic, action: notice.action, key: notice.key, eventAt: notice.eventAt };
  const receipt = { connectionId, digest: createHash('sha256').update(request.rawBody).digest('hex') };
  const receivedAt = deps.clock.now().toISOString();
  if (!(await recordWebhookReceipt(deps.store.db, { ...receipt, receivedAt }))) {
    log.info(
      about,
      `repeated webhook delivery on connection ${connectionId} acknowledged; it starts nothing`,
    );
    return { kind: 'duplicate', duplicate: true };
  }
  try {
    return await startRuns(deps, queue, log, connectionId, notice, about);
  } catch (e) {
    // Not handled after all: the provider's retry of it must not be taken for a repeat.
    await forgetWebhookReceipt(deps.store.db, receipt).catch(() => undefined);
    throw e;
  }
}

/** Queue a run of every enabled flow the verified delivery's topic concerns. */
async function startRuns(
  deps: EngineDeps,
  queue: JobQueue,
  log: Logger,
  connectionId: string,
  notice: WebhookNotice,
  about: Record<string, unknown>,
): Promise<WebhookOutcome> {
  if (notice.mismatch !== undefined) {
    log.warn(about, `ignored a webhook delivery on connection ${connectionId}: ${notice.mismatch}`);
    return { kind: 'ignored', reason: notice.mismatch };
  }
  const flows = [];
  for (const flow of await flowsTriggeredBy(deps, connectionId, notice.topic)) {
    const job = await requestRun(deps, queue, flow, notice);
    flows.push({
      flowId: flow.id,
      jobId: job.id,
      deduped: job.deduped,
      ...(job.named ? { named: true } : {}),
    });
  }
  log.info(
    { ...about, flows },
    flows.length === 0
      ? `webhook ${notice.topic} ${notice.action} on connection ${connectionId}: no enabled flow runs on it`
      : `webhook ${notice.topic} ${notice.action} on connection ${connectionId}: run of ${flows.map((f) => (f.named ? `${f.flowId} for its record ${notice.key} (its backfill gives way)` : f.flowId)).join(', ')} requested`,
  );
  return { kind: 'enqueued', topic: notice.topic, flows };
}

/**
 * A run of the flow for a delivery. While the flow's cursor is in a backfill, a run from the
 * cursor would be the backfill and reach the change only when it had read that far (hours for
 * years of history): the record the delivery names is kept (webhook_keys) and sent by a run of its
 * own, which the backfill gives its lock to. A flow that never read also gets its first run from
 * the cursor asked for, as any first request does (a waiting one absorbs it). Outside a backfill
 * a run from the cursor reads the change, and anything a lost delivery would have missed.
 */
async function requestRun(
  deps: EngineDeps,
  queue: JobQueue,
  flow: WebhookFlow,
  notice: WebhookNotice,
): Promise<EnqueueResult & { named?: true }> {
  const db = deps.store.db;
  if (flow.keyIsSourceId && notice.key) {
    const cursor = await readCursor(db, flow.id);
    if (await backfillInProgress(db, flow.id, cursor)) {
      await addWebhookKey(db, {
        flowId: flow.id,
        sourceId: notice.key,
        receivedAt: deps.clock.now().toISOString(),
      });
      const named = await queue.enqueue(recordsRunJobSpec(flow.id));
      if (cursor === null) await enqueueFlowRun(db, queue, flow.id, 'webhook', flow.priority);
      return { ...named, named: true };
    }
  }
  return enqueueFlowRun(db, queue, flow.id, 'webhook', flow.priority);
}
