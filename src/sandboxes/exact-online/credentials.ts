/**
 * The app registration the sandbox knows out of the box, so a client works against it without
 * setup. Redirect URIs on loopback with any port and path are accepted (the real App Center wants
 * public HTTPS, reference 2.1; a local sandbox cannot).
 */
export const defaultExactClientId = '9f1c2b7e-3d4a-4e5f-8a6b-0c1d2e3f4a5b';
export const defaultExactClientSecret = 'sandbox-client-secret';
export const defaultExactWebhookSecret = 'sandbox-webhook-secret';
/** `http://127.0.0.1:*` and `http://localhost:*`, any path. */
export const defaultExactRedirectHosts = ['127.0.0.1', 'localhost'] as const;

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

export function isAllowedRedirectUri(uri: string): boolean {
  if (!URL.canParse(uri)) return false;
  const url = new URL(uri);
  return url.protocol === 'http:' && (defaultExactRedirectHosts as readonly string[]).includes(url.hostname);
}
