import { createHmac } from 'node:crypto';
import { toAmsterdamWallClock, toExactDate } from '../sandboxes/exact-online/amsterdam-time.js';
import { defaultExactClientId, defaultExactWebhookSecret } from '../sandboxes/exact-online/credentials.js';

/**
 * Test-only: one Exact Online webhook delivery for a sales invoice in division 3215711, signed
 * outside this code base with the sandbox's webhook secret:
 * printf '%s' "$CONTENT" | openssl dgst -sha256 -hmac 'sandbox-webhook-secret'
 */
export const sampleDelivery = {
  division: 3215711,
  key: '0c000000-0000-4000-8000-0000000000aa',
  body: `{"Content":{"Topic":"SalesInvoices","ClientId":"9f1c2b7e-3d4a-4e5f-8a6b-0c1d2e3f4a5b","Division":3215711,"Action":"Create","Key":"0c000000-0000-4000-8000-0000000000aa","ExactOnlineEndpoint":"https://start.exactonline.nl/api/v1/3215711/salesinvoice/SalesInvoices(guid'0c000000-0000-4000-8000-0000000000aa')","EventCreatedOn":"2026-03-10T10:26:08.587"},"HashCode":"A778E907491319B70BD2396564C66039C6C67D3641722049EE9977D03505FE05"}`,
} as const;

/**
 * Test-only: an Exact Online delivery of an event at `at`, signed with the sandbox's webhook secret
 * (or `secret`) over the exact Content bytes, its fields in the captured order (reference 6.3, 6.4).
 * `EventCreatedOn` is Amsterdam wall-clock time, as ISO without offset or as `/Date(ms)/`.
 */
export function signedExactDelivery(options: {
  at: Date;
  topic?: string;
  action?: string;
  key?: string;
  division?: number;
  /** The entity path in `ExactOnlineEndpoint`; sales invoices by default. */
  entityPath?: string;
  format?: 'iso' | 'msdate';
  secret?: string;
}): string {
  const division = options.division ?? sampleDelivery.division;
  const key = options.key ?? sampleDelivery.key;
  const topic = options.topic ?? 'SalesInvoices';
  const wall = toAmsterdamWallClock(options.at);
  const content = JSON.stringify({
    Topic: topic,
    ClientId: defaultExactClientId,
    Division: division,
    Action: options.action ?? 'Update',
    Key: key,
    ExactOnlineEndpoint: `https://start.exactonline.nl/api/v1/${division}/${options.entityPath ?? 'salesinvoice/SalesInvoices'}(guid'${key}')`,
    EventCreatedOn: options.format === 'msdate' ? toExactDate(wall) : wall,
  });
  const hash = createHmac('sha256', options.secret ?? defaultExactWebhookSecret)
    .update(content, 'utf8')
    .digest('hex')
    .toUpperCase();
  return `{"Content":${content},"HashCode":"${hash}"}`;
}
