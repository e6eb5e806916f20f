import type { AccessTokens } from './token-lease.js';

/**
 * One API call with the connection's access token. A 401 is trusted over our own idea of the
 * token's age (the provider's clock may be ahead of ours, or it revoked the token): the lease
 * refreshes once, or finds the pair another caller rotated meanwhile, and the call is sent once
 * more (Exact reference 2.2). The second answer is returned as it is: a 401 right after a refresh
 * is a real authorization problem, which the caller raises as kind auth.
 */
export async function sendAuthorized(
  tokens: AccessTokens,
  send: (accessToken: string) => Promise<Response>,
): Promise<Response> {
  const token = await tokens.accessToken();
  const res = await send(token);
  if (res.status !== 401) return res;
  await res.body?.cancel();
  return send(await tokens.afterUnauthorized(token));
}
