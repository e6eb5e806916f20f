import { defaultExactClientId } from '../credentials.js';
import type { AccessToken } from '../oauth/token-store.js';
import { ODataError } from '../odata-error.js';
import type { SandboxState } from '../sandbox-state.js';

/**
 * The Bearer token of a request, or a 401 for a missing, unknown or expired one (reference 10.2).
 * Exact's 401 body is not documented; the OData envelope is used like on every other error.
 */
export function authenticate(header: string | undefined, state: SandboxState): AccessToken {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  const token = m?.[1] === undefined ? undefined : state.tokens.findAccessToken(m[1], state.nowMs());
  if (!token) throw new ODataError(401, 'Unauthorized', { 'WWW-Authenticate': 'Bearer' });
  return token;
}

/**
 * The app a request's Bearer token belongs to, even when the token has expired, for the error
 * limit's key: a 401 counts toward the block like a 400/403/404 (reference 3.1, 4.6). A token the
 * sandbox never issued (or revoked) is counted against the sandbox's one registered app.
 */
export function clientIdOfRequest(header: string | undefined, state: SandboxState): string {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return (m?.[1] === undefined ? undefined : state.tokens.clientIdOf(m[1])) ?? defaultExactClientId;
}
