import { toKoppelError } from '../core/errors.js';
import type { EngineDeps } from './deps.js';
import { flowConnectionsActive } from './flow-connections-active.js';

/** An enabled flow reading from a connection, with the webhook topics that start a run of it. */
export interface WebhookFlow {
  id: string;
  priority: number;
  topics: string[];
  /** A delivery's key names one of the flow's records (FlowKind.webhookKeyIsSourceId). */
  keyIsSourceId: boolean;
}

const sameTopic = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The enabled flows whose source is `connectionId` and whose kind names webhook topics for their
 * settings. Flows with a paused connection are left out, as the scheduler leaves them out: they
 * wait for a new authorization. Settings a kind cannot read give no topics (and a warning): the
 * flow still runs on its schedule, where the same settings fail the run with the reason.
 */
export async function webhookFlowsOf(deps: EngineDeps, connectionId: string): Promise<WebhookFlow[]> {
  const rows = await deps.store.db
    .selectFrom('flows')
    .select(['flows.id', 'flows.kind', 'flows.settings', 'flows.priority'])
    .where('flows.source_connection_id', '=', connectionId)
    .where('flows.enabled', '=', 1)
    .where(flowConnectionsActive)
    .orderBy('flows.id')
    .execute();
  const flows: WebhookFlow[] = [];
  for (const row of rows) {
    const kind = deps.registry.kinds.get(row.kind);
    if (!kind?.webhookTopics) continue;
    try {
      const topics = kind.webhookTopics(JSON.parse(row.settings) as Record<string, unknown>);
      if (topics.length > 0)
        flows.push({
          id: row.id,
          priority: Number(row.priority),
          topics,
          keyIsSourceId: kind.webhookKeyIsSourceId === true,
        });
    } catch (e) {
      deps.logger.warn(
        { flow: row.id, errorCode: toKoppelError(e).code },
        `flow ${row.id}: its settings name no webhook topics (${toKoppelError(e).message}); it runs on its schedule only`,
      );
    }
  }
  return flows;
}

/** The flows a delivery on `topic` (compared case-insensitively) should start. */
export async function flowsTriggeredBy(
  deps: EngineDeps,
  connectionId: string,
  topic: string,
): Promise<WebhookFlow[]> {
  return (await webhookFlowsOf(deps, connectionId)).filter((f) => f.topics.some((t) => sameTopic(t, topic)));
}

/** Every topic a connection needs a subscription for, each once (first spelling wins). */
export function topicsNeeded(flows: WebhookFlow[]): string[] {
  const topics: string[] = [];
  for (const topic of flows.flatMap((f) => f.topics))
    if (!topics.some((t) => sameTopic(t, topic))) topics.push(topic);
  return topics;
}
