import { z } from 'zod';
import type { AppDescriptor } from '../kit/app-descriptor.js';
import type { ConnectorContext } from '../kit/connector-context.js';
import { AsperionClient } from './asperion-client.js';
import { asperionOAuthCapability } from './asperion-grant.js';
import type { AsperionApp } from './oauth.js';

const defaultApiBaseUrl = 'https://api.asperion.nl';
const defaultIdentityBaseUrl = 'https://identity.asperion.nl';

type Config = Pick<ConnectorContext, 'settings' | 'credentials'>;

/** The app registration a connection talks to: identity host and client id from settings, secret from credentials. */
export function asperionAppOf(config: Config): AsperionApp {
  const { identityBaseUrl, clientId } = config.settings as { identityBaseUrl?: string; clientId?: string };
  return {
    identityBaseUrl: identityBaseUrl ?? defaultIdentityBaseUrl,
    clientId: clientId ?? '',
    clientSecret: config.credentials['clientSecret'] ?? '',
  };
}

const apiBaseUrlOf = (config: Config) =>
  (config.settings as { apiBaseUrl?: string }).apiBaseUrl ?? defaultApiBaseUrl;

/** A client for the connection's administration (its `administrationId` setting), at its call rate. */
export function asperionClientOf(ctx: ConnectorContext): AsperionClient {
  const s = ctx.settings as {
    administrationId?: number;
    language?: string;
    rateLimit?: { requests: number; windowSeconds: number };
  };
  return new AsperionClient(ctx, {
    app: asperionAppOf(ctx),
    apiBaseUrl: apiBaseUrlOf(ctx),
    administrationId: Number(s.administrationId),
    language: s.language ?? 'nl',
    ...(s.rateLimit ? { rate: s.rateLimit } : {}),
  });
}

/**
 * An Asperion connection: the API and identity hosts (reference 1.2; both may point at the
 * sandbox), the app's client id, the administration (tenant; absent until one is chosen from those
 * the authorization reaches) and the message language. The client secret and the token pair are
 * credentials, encrypted at rest; the token pair comes from the OAuth consent (`koppel connect`).
 */
export const asperionApp: AppDescriptor = {
  app: 'asperion',
  title: 'Asperion',
  credentialFields: ['clientSecret', 'accessToken', 'refreshToken', 'accessTokenExpiresAt', 'tokensIssuedAt'],
  settingsSchema: z
    .object({
      apiBaseUrl: z.url().default(defaultApiBaseUrl),
      identityBaseUrl: z.url().default(defaultIdentityBaseUrl),
      clientId: z.string().min(1),
      administrationId: z.number().int().positive().optional(),
      language: z.enum(['nl', 'en']).default('nl'),
      rateLimit: z
        .object({ requests: z.number().int().positive(), windowSeconds: z.number().positive() })
        .strict()
        .optional()
        .describe(
          'UNCONFIRMED (Asperion publishes no rate limit, reference 1.8): the self-imposed call rate for this app and administration, shared by every process on the database; absent: 5 calls a second',
        ),
    })
    .strict(),
  oauth: asperionOAuthCapability(asperionAppOf, apiBaseUrlOf),
  // Debtors, creditors and the administration (reference: debtor fields; administration extras).
  redactionAliases: {
    email: ['emailAddress', 'email'],
    phone: ['phoneNumber', 'mobileNumber', 'telephoneNumber', 'faxNumber'],
    iban: ['iban', 'bban'],
    name: ['name', 'attentionTo'],
    address: ['address', 'postCode', 'city'],
  },
};
