import { z } from 'zod';
import type { AppDescriptor } from '../kit/app-descriptor.js';

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
      baseUrl: z.url().default('https://start.exactonline.nl'),
      clientId: z.string().min(1),
      division: z.number().int().positive(),
    })
    .strict(),
};
