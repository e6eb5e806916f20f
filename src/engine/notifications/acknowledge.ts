import { acknowledgeAlert, getAlert } from '../../store/repos/alerts.js';
import { acknowledgeEvents } from '../../store/repos/events.js';
import type { EngineDeps } from '../deps.js';
import { webhookFailedEvent } from '../webhook-subscriptions.js';
import type { ProblemKind } from './types.js';

/**
 * The events that report an alert's problem, where the link is exact: the same event type about
 * the same connection or flow. Dead letters are left out on purpose: their events name a dead
 * letter, not the error code that makes the alert, so acknowledging one group would silence
 * another's.
 */
const problemEvents: Partial<Record<ProblemKind, { types: string[]; by: 'connection_id' | 'flow_id' }>> = {
  'connection.paused': { types: ['connection.paused'], by: 'connection_id' },
  'flow.failing': { types: ['run.failed'], by: 'flow_id' },
  'webhooks.refused': { types: [webhookFailedEvent], by: 'connection_id' },
};

export interface AcknowledgeOutcome {
  /** False when it was acknowledged before (it keeps its first time and person) or does not exist. */
  acknowledged: boolean;
  /** Events of the same problem acknowledged with it. */
  events: string[];
}

/**
 * A person saw the alert: it gets no more digests (it still resolves, and says so), and the events
 * that reported the same problem, up to now, count as seen too, so the activity log does not ask
 * for a second look at what was already dealt with.
 */
export async function acknowledgeAlertAndEvents(
  deps: Pick<EngineDeps, 'store'>,
  alertId: string,
  at: string,
  by: string,
): Promise<AcknowledgeOutcome> {
  const db = deps.store.db;
  const acknowledged = await acknowledgeAlert(db, alertId, at, by);
  const alert = await getAlert(db, alertId);
  const link = alert ? problemEvents[alert.kind as ProblemKind] : undefined;
  const subject = alert && link ? alert[link.by] : null;
  if (!acknowledged || !link || subject === null) return { acknowledged, events: [] };
  const ids = await db
    .selectFrom('events')
    .select('id')
    .where('type', 'in', link.types)
    .where(link.by, '=', subject)
    .where('acknowledged_at', 'is', null)
    .where('created_at', '<=', at)
    .execute();
  return {
    acknowledged,
    events: await acknowledgeEvents(
      db,
      ids.map((e) => e.id),
      at,
    ),
  };
}
