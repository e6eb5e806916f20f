import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The browser session cookie: HttpOnly (no script reads it), SameSite=Lax (a cross-site form or
 * fetch does not carry it, while the provider's redirect back to /oauth/callback, a top-level
 * navigation, does), Secure whenever the request came over HTTPS (directly or, with
 * KOPPEL_TRUST_PROXY, through a proxy that says so).
 */
export const sessionCookieName = 'koppel_session';

export function setSessionCookie(
  req: FastifyRequest,
  reply: FastifyReply,
  token: string,
  expiresAt: Date,
): void {
  void reply.setCookie(sessionCookieName, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: req.protocol === 'https',
    expires: expiresAt,
  });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(sessionCookieName, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: req.protocol === 'https',
  });
}
