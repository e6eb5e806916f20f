import { KoppelError } from '../core/errors.js';

/**
 * How far ahead of our clock an event may seem: clock skew, and the hour in which an Amsterdam
 * wall-clock time without offset (Exact's `EventCreatedOn`, reference 6.3) is ambiguous when
 * summer time ends.
 */
export const webhookMaxAheadMs = 60 * 60_000;

const hourMs = 3_600_000;

/**
 * How long a delivery's receipt is kept to recognise a repeat: past that, any copy of it is
 * refused by its event time instead, even one whose event seemed to lie an hour ahead.
 */
export function webhookReceiptKeepMs(maxAgeHours: number): number {
  return maxAgeHours * hourMs + webhookMaxAheadMs;
}

/**
 * Refuse a verified delivery of an event older than `maxAgeHours` (a replay: Exact stops retrying
 * after about 34 hours, reference 6.4, UNCONFIRMED) or too far ahead of our clock to be real.
 * Without an event time there is nothing to check; the seen-set still catches repeats.
 */
export function assertRecentWebhookEvent(eventAt: string | undefined, now: Date, maxAgeHours: number): void {
  if (eventAt === undefined) return;
  const at = Date.parse(eventAt);
  const ageMs = now.getTime() - at;
  if (ageMs > maxAgeHours * hourMs)
    throw new KoppelError(
      `Refused a webhook delivery of an event from ${eventAt}: older than the ${maxAgeHours} hours deliveries are accepted for`,
      { code: 'webhook.stale', kind: 'invalid', details: { eventAt, maxAgeHours } },
    );
  if (-ageMs > webhookMaxAheadMs)
    throw new KoppelError(
      `Refused a webhook delivery of an event from ${eventAt}: more than an hour ahead of this server's clock`,
      { code: 'webhook.from_future', kind: 'invalid', details: { eventAt } },
    );
}
