import { z } from 'zod';
import type { AppDescriptor } from '../kit/app-descriptor.js';
import type { ConnectorContext } from '../kit/connector-context.js';
import { TokenLease } from '../kit/token-lease.js';
import { readRetrySchema } from './exact-fetch.js';
import { exactTokenPolicy, exactTokenRefresher, type ExactApp } from './oauth.js';

const defaultBaseUrl = 'https://start.exactonline.nl';

/** The app registration a connection talks to: host and client id from settings, secret from credentials. */
export function exactAppOf(ctx: ConnectorContext): ExactApp {
  const { baseUrl, clientId } = ctx.settings as { baseUrl?: string; clientId?: string };
  return {
    baseUrl: baseUrl ?? defaultBaseUrl,
    clientId: clientId ?? '',
    clientSecret: ctx.credentials['clientSecret'] ?? '',
  };
}

/**
 * An Exact Online connection: the country host (reference 1.1) or a sandbox URL, the app's client
 * id, and the division it works in. The client secret, the webhook secret and the token pair are
 * credentials, encrypted at rest.
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
      division: z.number().int().positive(),
      /** How reads that fail on the gateway or the network are tried again within a run. */
      readRetry: readRetrySchema.optional(),
    })
    .strict(),
  // Unused refresh tokens die after 30 days (reference 2.2): the engine refreshes idle connections.
  keepAlive: {
    refreshIfIdle: (ctx, idleMs) =>
      new TokenLease(ctx, exactTokenRefresher(ctx, exactAppOf(ctx)), exactTokenPolicy).keepAlive(idleMs),
  },
};
