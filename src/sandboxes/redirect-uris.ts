/**
 * The redirect URIs registered for a sandbox app. Exact's App Center and Asperion's identity server
 * send a browser back only to a URI registered for the app, and refuse an authorization request
 * naming another (Exact reference 2.1; Asperion reference §6.1). On the real services a registered
 * URI is public HTTPS; the sandboxes also take loopback `http://127.0.0.1` and `http://localhost`
 * URIs for local use, which match on any port (as RFC 8252 §7.3 has it for native apps), since a
 * local client picks its port when it starts.
 */
const loopbackHosts = ['127.0.0.1', 'localhost', '[::1]'];

/** Koppel's own callback on any loopback port: what every sandbox app has registered to start with. */
export const defaultRedirectUris: readonly string[] = [
  'http://127.0.0.1/oauth/callback',
  'http://localhost/oauth/callback',
];

function parse(uri: string): URL | undefined {
  return URL.canParse(uri) ? new URL(uri) : undefined;
}

function isLoopback(url: URL): boolean {
  return url.protocol === 'http:' && loopbackHosts.includes(url.hostname);
}

/** Why a URI cannot be registered (public HTTPS or loopback HTTP, no fragment), or undefined. */
export function redirectUriProblem(uri: string): string | undefined {
  const url = parse(uri);
  if (!url) return 'is not an absolute URI';
  if (url.hash !== '') return 'must not have a fragment';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  if (url.protocol !== 'https:' && !isLoopback(url))
    return 'must be HTTPS (or http://127.0.0.1 or http://localhost for local use)';
  return undefined;
}

/**
 * Whether `uri` is one of `registered`: scheme, host, port, path and query equal; a loopback
 * registration matches any port.
 */
export function isRegisteredRedirectUri(uri: string, registered: readonly string[]): boolean {
  const url = parse(uri);
  if (!url || redirectUriProblem(uri) !== undefined) return false;
  return registered.some((entry) => {
    const r = parse(entry);
    if (!r) return false;
    const samePort = isLoopback(r) ? isLoopback(url) : r.port === url.port;
    return (
      r.protocol === url.protocol &&
      r.hostname === url.hostname &&
      samePort &&
      r.pathname === url.pathname &&
      r.search === url.search
    );
  });
}
