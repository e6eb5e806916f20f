/**
 * The app registration and login every sandbox instance knows, so a client can be configured
 * without a partner account (§1.1). Not secrets: they only open this local sandbox.
 */
export const defaultClientId = 'koppel-sandbox';
export const defaultClientSecret = 'koppel-sandbox-secret';
export const defaultUsername = 'demo@koppel.test';
export const defaultPassword = 'demo';

/**
 * Redirect URIs the default app accepts: any port on the loopback hosts, since a local client picks
 * its own port. Path and query are free too; only scheme and host are checked.
 */
export function isAllowedRedirectUri(uri: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return false;
  }
  return parsed.protocol === 'http:' && (parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost');
}
