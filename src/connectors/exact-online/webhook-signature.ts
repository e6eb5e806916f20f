import { createHmac, timingSafeEqual } from 'node:crypto';

export interface ExactWebhookContent {
  Topic: string;
  ClientId: string;
  Division: number;
  /** `Update` and `Delete` are observed; `Create` is reported (reference 6.3). */
  Action: string;
  Key: string;
  ExactOnlineEndpoint: string;
  EventCreatedOn: string;
}

/** `signature`: the HashCode is missing or wrong; `malformed`: the body is not a readable delivery. */
export type WebhookCheck =
  | { ok: true; content: ExactWebhookContent }
  | { ok: false; problem: 'signature' | 'malformed'; reason: string };

const contentStart = '{"Content":';
const hashStart = ',"HashCode":';

/**
 * Checks an Exact Online webhook delivery (reference 6.4): HashCode is the upper-case hex
 * HMAC-SHA256, keyed with the app's webhook secret, of the raw bytes of the Content object, i.e.
 * the body text between `{"Content":` and `,"HashCode":`. The text is never re-serialised (key
 * order and spacing would change the hash) and the comparison takes constant time.
 */
export function verifyExactWebhook(rawBody: string, webhookSecret: string): WebhookCheck {
  const start = rawBody.indexOf(contentStart);
  const end = rawBody.lastIndexOf(hashStart);
  if (start !== 0 || end < start)
    return { ok: false, problem: 'malformed', reason: 'not an Exact Online webhook delivery' };
  let parsed: { Content?: Partial<ExactWebhookContent>; HashCode?: unknown };
  try {
    parsed = JSON.parse(rawBody) as typeof parsed;
  } catch {
    return { ok: false, problem: 'malformed', reason: 'the body is not JSON' };
  }
  if (typeof parsed.HashCode !== 'string' || !/^[0-9a-f]{64}$/i.test(parsed.HashCode)) {
    return { ok: false, problem: 'signature', reason: 'HashCode is missing or not 64 hex characters' };
  }
  const signed = Buffer.from(rawBody.slice(start + contentStart.length, end), 'utf8');
  const expected = createHmac('sha256', webhookSecret).update(signed).digest();
  if (!timingSafeEqual(expected, Buffer.from(parsed.HashCode, 'hex')))
    return { ok: false, problem: 'signature', reason: 'the signature does not match' };
  const c = parsed.Content;
  if (
    !c ||
    typeof c.Topic !== 'string' ||
    typeof c.Division !== 'number' ||
    typeof c.Key !== 'string' ||
    typeof c.Action !== 'string'
  ) {
    return { ok: false, problem: 'malformed', reason: 'Content lacks Topic, Division, Action or Key' };
  }
  return { ok: true, content: c as ExactWebhookContent };
}
