import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { KoppelError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { SecretBox } from '../../core/secret-box.js';
import { queueDelivery } from '../../store/repos/notification-deliveries.js';
import type { Database } from '../../store/schema.js';
import { readNotificationSettings } from './settings.js';
import type { NotificationMessage } from './types.js';

/**
 * Queues a `test` message to one recipient of the settings, for the sender to deliver like any
 * other: whoever sets up a recipient sees it arrive (or the delivery's error) before a real
 * problem depends on it. Answers the delivery's id.
 */
export async function queueTestMessage(
  deps: { db: Kysely<Database>; box: SecretBox; clock: Clock; baseUrl: string },
  recipientName: string,
): Promise<string> {
  const settings = await readNotificationSettings(deps.db, deps.box);
  const recipient = settings.recipients.find((r) => r.name === recipientName);
  if (!recipient)
    throw new KoppelError(`No recipient "${recipientName}" in the notification settings`, {
      code: 'notifications.recipient_not_found',
      kind: 'not_found',
    });
  const now = deps.clock.now();
  const at = now.toISOString();
  const id = newId('ntf', now);
  const base = deps.baseUrl.replace(/\/$/, '');
  const message: NotificationMessage = {
    id,
    kind: 'test',
    alertId: null,
    problemKind: null,
    severity: 'info',
    subject: '[Koppel] Test message',
    title: 'Test message',
    why: `Someone asked Koppel to check that messages reach ${recipient.name}.`,
    count: 0,
    documents: [],
    pair: null,
    flow: null,
    links: { fix: `${base}/settings/notifications`, acknowledge: null, alert: null },
    fixAction: 'Nothing to do: this message only shows that notifications arrive.',
    cli: null,
    openedAt: null,
    resolvedAt: null,
    at,
  };
  await queueDelivery(deps.db, {
    id,
    dedupe_key: `test:${id}`,
    alert_id: null,
    message_kind: 'test',
    recipient: recipient.name,
    channel: recipient.email ? 'email' : 'webhook',
    address: recipient.email ?? null,
    message: JSON.stringify(message),
    state: 'pending',
    attempts: 0,
    next_attempt_at: at,
    locked_until: null,
    last_error: null,
    created_at: at,
    sent_at: null,
  });
  return id;
}
