import { z } from 'zod';
import { listDeliveries, type NotificationDeliveryRow } from '../../store/repos/notification-deliveries.js';
import { beforeQuery, page } from '../activity-schemas.js';
import { responses, type ApiRoute } from '../route-kit.js';
import { limitQuery } from '../schemas.js';

const time = z.string().describe('ISO 8601, UTC');

const deliveryBody = z
  .object({
    id: z.string(),
    alertId: z.string().nullable(),
    kind: z.string().describe('opened, digest, resolved or test'),
    recipient: z.string().describe('The recipient’s name'),
    channel: z.enum(['email', 'webhook']),
    address: z
      .string()
      .nullable()
      .describe('The e-mail address; null for a webhook (its URL may hold a credential)'),
    subject: z.string(),
    state: z.enum(['pending', 'sent', 'failed']).describe('failed: retries gave up'),
    attempts: z.number().int(),
    nextAttemptAt: time.nullable().describe('When it is tried next; null once sent or given up'),
    lastError: z.string().nullable(),
    createdAt: time,
    sentAt: time.nullable(),
  })
  .meta({ id: 'NotificationDelivery' });

function deliveryView(d: NotificationDeliveryRow): z.infer<typeof deliveryBody> {
  let subject = '';
  try {
    subject = String((JSON.parse(d.message) as { subject?: unknown }).subject ?? '');
  } catch {
    // A message is queued as JSON; an unreadable one still shows its state.
  }
  const state = d.state === 'sent' || d.state === 'failed' ? d.state : 'pending';
  return {
    id: d.id,
    alertId: d.alert_id,
    kind: d.message_kind,
    recipient: d.recipient,
    channel: d.channel === 'webhook' ? 'webhook' : 'email',
    address: d.channel === 'webhook' ? null : d.address,
    subject,
    state,
    attempts: d.attempts,
    nextAttemptAt: state === 'pending' ? d.next_attempt_at : null,
    lastError: d.last_error,
    createdAt: d.created_at,
    sentAt: d.sent_at,
  };
}

/** Messages queued, sent and given up: where a recipient who hears nothing finds out why. */
export const notificationDeliveriesRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/api/notifications/deliveries',
    {
      config: { access: 'operator', installationWide: true },
      schema: {
        summary: 'List notification deliveries',
        description: 'Newest first; page with `before`. Webhook addresses are never shown.',
        tags: ['notifications'],
        querystring: z.object({
          state: z.enum(['pending', 'sent', 'failed']).optional(),
          limit: limitQuery(50, 500),
          before: beforeQuery,
        }),
        response: responses({ 200: page(deliveryBody) }),
      },
    },
    async (req) => {
      const limit = req.query.limit;
      const rows = await listDeliveries(ctx.app.store.db, {
        states: req.query.state ? [req.query.state] : undefined,
        before: req.query.before,
        limit,
      });
      return {
        items: rows.map(deliveryView),
        next: rows.length === limit ? (rows[rows.length - 1]?.id ?? null) : null,
      };
    },
  );
};
