import { z } from 'zod';
import type { AppDescriptor } from '../kit/app-descriptor.js';

/**
 * An Asperion connection: the API and identity hosts (reference 1.2; both may point at the
 * sandbox), the app's client id, the administration (tenant) and the message language. The client
 * secret and the token pair are credentials, encrypted at rest.
 */
export const asperionApp: AppDescriptor = {
  app: 'asperion',
  title: 'Asperion',
  credentialFields: ['clientSecret', 'accessToken', 'refreshToken', 'accessTokenExpiresAt', 'tokensIssuedAt'],
  settingsSchema: z
    .object({
      apiBaseUrl: z.url().default('https://api.asperion.nl'),
      identityBaseUrl: z.url().default('https://identity.asperion.nl'),
      clientId: z.string().min(1),
      administrationId: z.number().int().positive(),
      language: z.enum(['nl', 'en']).default('nl'),
      /**
       * The self-imposed call rate for this app and administration (Asperion publishes none,
       * reference 1.8); absent: defaultAsperionRate, 5 calls a second.
       */
      rateLimit: z
        .object({ requests: z.number().int().positive(), windowSeconds: z.number().positive() })
        .strict()
        .optional(),
    })
    .strict(),
};
