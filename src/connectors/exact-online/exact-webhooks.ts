import { KoppelError } from '../../core/errors.js';
import { defaultTimeZone } from '../../mapping/transforms/wall-clock.js';
import { parseExactDate } from '../../mapping/transforms/parse-exact-date.js';
import type { ExactClient } from './exact-client.js';
import { exactError } from './exact-error.js';
import { lit } from './odata-query.js';
import { verifyExactWebhook } from './webhook-signature.js';

const path = 'webhooks/WebhookSubscriptions';
const endpoint = `/api/v1/{division}/${path}`;
const fields = ['ID', 'Topic', 'CallbackURL', 'Division', 'ClientID', 'IsInstant', 'Description'] as const;

export interface ExactWebhookSubscription {
  ID: string;
  Topic: string;
  CallbackURL: string;
  Division: number;
  ClientID: string;
  IsInstant: boolean;
  Description: string | null;
}

/**
 * A duplicate subscription is refused with `Data already exists` (reference 6.1, UNCONFIRMED text);
 * Exact's Dutch duplicate text is accepted too, since business-rule texts follow the user's language.
 */
const alreadyExists = /^(Data already exists|Gegeven bestaat reeds)\.?$/i;
/** The creation probe failed: the callback did not answer 2xx (reference 6.1). */
const probeFailed = /^Invalid: Post to callback URL/i;

const sameTopic = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Webhook subscriptions of one app in one division (reference 6.1), through an `ExactClient`.
 * There is no update: a changed callback is a delete plus a create.
 */
export class ExactWebhookSubscriptions {
  constructor(private readonly client: ExactClient) {}

  /** This app's subscriptions in the client's division (Exact lists no other app's). */
  async list(): Promise<ExactWebhookSubscription[]> {
    const all: ExactWebhookSubscription[] = [];
    for await (const page of this.client.pages<ExactWebhookSubscription>(path, { select: fields }))
      all.push(...page);
    return all;
  }

  /**
   * Make sure `topic` delivers to `callbackUrl`: nothing to do when it already does, a replace
   * when it delivers elsewhere, else a create. A create refused as a duplicate (another process
   * won the race) counts as success.
   */
  async ensureSubscription(topic: string, callbackUrl: string): Promise<ExactWebhookSubscription | null> {
    const existing = (await this.list()).filter((s) => sameTopic(s.Topic, topic));
    const same = existing.find((s) => s.CallbackURL === callbackUrl);
    if (same) return same;
    if (existing.length > 0) return this.replaceSubscription(topic, callbackUrl);
    return this.create(topic, callbackUrl);
  }

  /** Delete every subscription on `topic`, then create it anew (PUT is not allowed, reference 6.1). */
  async replaceSubscription(topic: string, callbackUrl: string): Promise<ExactWebhookSubscription | null> {
    for (const s of await this.list()) if (sameTopic(s.Topic, topic)) await this.deleteSubscription(s.ID);
    return this.create(topic, callbackUrl);
  }

  /** Delete by ID; true when it was deleted, false when it was already gone. */
  async deleteSubscription(id: string): Promise<boolean> {
    const res = await this.client.request('DELETE', `${path}(${lit.guid(id)})`);
    if (res.status === 404) {
      await res.body?.cancel();
      return false;
    }
    if (!res.ok) throw await exactError(res, 'DELETE', `${endpoint}({id})`);
    await res.body?.cancel();
    return true;
  }

  /**
   * POST a subscription. Null when Exact says it already exists but this app cannot list it
   * (a subscription made by another user of the customer, reference 6.1).
   */
  private async create(topic: string, callbackUrl: string): Promise<ExactWebhookSubscription | null> {
    try {
      return await this.client.create<ExactWebhookSubscription>(path, {
        Topic: topic,
        CallbackURL: callbackUrl,
      });
    } catch (e) {
      const message = e instanceof KoppelError ? String(e.details?.providerMessage ?? '') : '';
      if (alreadyExists.test(message)) {
        const listed = (await this.list()).find((s) => sameTopic(s.Topic, topic));
        return listed ?? null;
      }
      if (probeFailed.test(message))
        throw new KoppelError(`Exact could not reach the webhook callback for ${topic}: ${message}`, {
          code: 'exact.webhook_callback_refused',
          kind: 'invalid',
          details: { topic, providerMessage: message },
          cause: e,
        });
      throw e;
    }
  }
}

/** One verified delivery (reference 6.3). Fetch the record yourself; skip that on `Delete`. */
export interface ExactWebhookDelivery {
  topic: string;
  clientId: string;
  division: number;
  /** `Update` and `Delete` are observed, `Create` reported (reference 6.3). */
  action: string;
  key: string;
  endpoint: string;
  /** The event's instant as ISO UTC; Exact's text is read as Amsterdam wall-clock time (4.5). */
  eventCreatedOn: string;
}

/**
 * Check and read a raw webhook body: the HashCode must match the webhook secret over the raw
 * Content bytes (reference 6.4), then every field must be there. A bad signature is
 * `exact.webhook_signature` (kind auth), anything else unreadable `exact.webhook_malformed`.
 */
export function readWebhookDelivery(rawBody: string, webhookSecret: string): ExactWebhookDelivery {
  const check = verifyExactWebhook(rawBody, webhookSecret);
  if (!check.ok) {
    const signature = check.problem === 'signature';
    throw new KoppelError(`Refused an Exact Online webhook delivery: ${check.reason}`, {
      code: signature ? 'exact.webhook_signature' : 'exact.webhook_malformed',
      kind: signature ? 'auth' : 'invalid',
    });
  }
  const c = check.content as unknown as Record<string, unknown>;
  const text = (name: string) => (typeof c[name] === 'string' ? (c[name] as string) : undefined);
  const [clientId, endpointUrl, created] = [
    text('ClientId'),
    text('ExactOnlineEndpoint'),
    text('EventCreatedOn'),
  ];
  let eventCreatedOn: string | undefined;
  try {
    eventCreatedOn = created === undefined ? undefined : parseExactDate(created, defaultTimeZone);
  } catch {
    eventCreatedOn = undefined;
  }
  if (clientId === undefined || endpointUrl === undefined || eventCreatedOn === undefined)
    throw new KoppelError(
      'Refused an Exact Online webhook delivery: Content lacks ClientId, ExactOnlineEndpoint or a readable EventCreatedOn',
      {
        code: 'exact.webhook_malformed',
        kind: 'invalid',
      },
    );
  return {
    topic: check.content.Topic,
    clientId,
    division: check.content.Division,
    action: check.content.Action,
    key: check.content.Key,
    endpoint: endpointUrl,
    eventCreatedOn,
  };
}
