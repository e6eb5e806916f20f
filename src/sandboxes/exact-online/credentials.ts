/**
 * The app registration the sandbox knows out of the box, so a client works against it without
 * setup. Its redirect URIs are the setting `redirectUris` (see `../redirect-uris.ts`).
 */
export const defaultExactClientId = '9f1c2b7e-3d4a-4e5f-8a6b-0c1d2e3f4a5b';
export const defaultExactClientSecret = 'sandbox-client-secret';
export const defaultExactWebhookSecret = 'sandbox-webhook-secret';

/** The one user behind every authorization in the sandbox. */
export const sandboxUser = {
  userId: '5e8b0a36-7c1d-4f2e-9a3b-6d4c5e2f1a0b',
  userName: 'sandbox@koppel.test',
  fullName: 'Sandra Sandbox',
  firstName: 'Sandra',
  lastName: 'Sandbox',
  email: 'sandbox@koppel.test',
  language: 'nl-NL',
} as const;
