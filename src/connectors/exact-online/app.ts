import { z } from 'zod';
import { KoppelError } from '../../core/errors.js';
import type { AppDescriptor, AppWebhooks } from '../kit/app-descriptor.js';
import type { ConnectorContext } from '../kit/connector-context.js';
import { TokenLease } from '../kit/token-lease.js';
import { ExactClient } from './exact-client.js';
import { readRetrySchema } from './exact-fetch.js';
import { exactOAuthCapability } from './exact-grant.js';
import { ExactWebhookSubscriptions, readWebhookDelivery } from './exact-webhooks.js';
import { exactTokenPolicy, exactTokenRefresher, type ExactApp } from './oauth.js';

const defaultBaseUrl = 'https://start.exactonline.nl';

/** The app registration a connection talks to: host and client id from settings, secret from credentials. */
export function exactAppOf(ctx: Pick<ConnectorContext, 'settings' | 'credentials'>): ExactApp {
  const { baseUrl, clientId } = ctx.settings as { baseUrl?: string; clientId?: string };
  return {
    baseUrl: baseUrl ?? defaultBaseUrl,
    clientId: clientId ?? '',
    clientSecret: ctx.credentials['clientSecret'] ?? '',
  };
}

/** A client for the connection's division (its `division` setting). */
export function exactClientOf(ctx: ConnectorContext): ExactClient {
  const division = Number(ctx.settings['division']);
  if (!Number.isInteger(division) || division <= 0)
    throw new KoppelError(`Connection ${ctx.connectionId} has no Exact division chosen`, {
      code: 'exact.no_division',
      kind: 'invalid',
    });
  return new ExactClient(ctx, exactAppOf(ctx), division);
}

/**
 * Webhooks (reference 6): subscriptions are made in the connection's division; a delivery is
 * verified with the connection's webhook secret, and one for another division (a subscription
 * left from before the division setting changed) is read but reported as not for this connection.
 */
const exactWebhooks: AppWebhooks = {
  callbackSegment: 'exact',
  async ensureSubscription(ctx, topic, callbackUrl) {
    await new ExactWebhookSubscriptions(exactClientOf(ctx)).ensureSubscription(topic, callbackUrl);
  },
  async removeSubscriptions(ctx, callbackUrl, keep) {
    const subscriptions = new ExactWebhookSubscriptions(exactClientOf(ctx));
    const kept = new Set(keep.map((t) => t.toLowerCase()));
    const removed: string[] = [];
    for (const s of await subscriptions.list())
      if (s.CallbackURL === callbackUrl && !kept.has(s.Topic.toLowerCase())) {
        await subscriptions.deleteSubscription(s.ID);
        removed.push(s.Topic);
      }
    return removed;
  },
  cannotReceive: ({ credentials }) =>
    credentials['webhookSecret'] ? undefined : 'the connection has no webhookSecret credential',
  readDelivery(rawBody, { settings, credentials }) {
    const secret = credentials['webhookSecret'];
    if (!secret)
      throw new KoppelError('Refused an Exact Online webhook delivery: the connection has no webhookSecret', {
        code: 'exact.webhook_no_secret',
        kind: 'auth',
      });
    const delivery = readWebhookDelivery(rawBody, secret);
    const division = Number(settings['division']);
    return {
      topic: delivery.topic,
      action: delivery.action,
      key: delivery.key,
      eventAt: delivery.eventCreatedOn,
      ...(delivery.division === division
        ? {}
        : {
            mismatch: `the delivery is for division ${delivery.division}, the connection works in ${division}`,
          }),
    };
  },
};

/**
 * An Exact Online connection: the country host (reference 1.1) or a sandbox URL, the app's client
 * id, and the division it works in (absent until one is chosen from those the authorization
 * reaches). The client secret, the webhook secret and the token pair are credentials, encrypted at
 * rest; the token pair comes from the OAuth consent (`koppel connect`).
 */
export const exactOnlineApp: AppDescriptor = {
  app: 'exact-online',
  title: 'Exact Online',
  credentialFields: [
    'clientSecret',
    'webhookSecret',
    'accessToken',
    'refreshToken',
    'accessTokenExpiresAt',
    'tokensIssuedAt',
  ],
  settingsSchema: z
    .object({
      baseUrl: z.url().default(defaultBaseUrl),
      clientId: z.string().min(1),
      division: z.number().int().positive().optional(),
      /** How reads that fail on the gateway or the network are tried again within a run. */
      readRetry: readRetrySchema.optional(),
    })
    .strict(),
  // Unused refresh tokens die after 30 days (reference 2.2): the engine refreshes idle connections.
  keepAlive: {
    refreshIfIdle: (ctx, idleMs) =>
      new TokenLease(ctx, exactTokenRefresher(ctx, exactAppOf(ctx)), exactTokenPolicy).keepAlive(idleMs),
  },
  webhooks: exactWebhooks,
  oauth: exactOAuthCapability(exactAppOf),
  // Accounts, contacts, bank accounts and the user (reference appendix: entity fields).
  redactionAliases: {
    email: ['Email', 'EMail', 'EmailAddress', 'BusinessEmail', 'SenderEmailAddress'],
    phone: [
      'Phone',
      'PhoneExtension',
      'Mobile',
      'BusinessPhone',
      'BusinessPhoneExtension',
      'BusinessMobile',
      'Fax',
      'BusinessFax',
    ],
    iban: ['IBAN', 'BankAccount', 'BankAccountIBAN', 'BankAccountIncludingMask', 'BankAccountHolderName'],
    name: [
      'Name',
      'FullName',
      'FirstName',
      'LastName',
      'MiddleName',
      'AccountName',
      'ContactName',
      'BankAccountHolderName',
    ],
    address: [
      'AddressLine1',
      'AddressLine2',
      'AddressLine3',
      'AddressStreet',
      'AddressStreetNumber',
      'Postcode',
      'City',
    ],
  },
};
