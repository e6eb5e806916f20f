import type { FastifyRequest } from 'fastify';
import { resolveApiToken } from '../../access/api-tokens.js';
import { requireRole, requireUnscoped, type Principal } from '../../access/principal.js';
import { resolveSession } from '../../access/sessions.js';
import { KoppelError } from '../../core/errors.js';
import type { ApiContext, ApiServer, RouteAccess } from '../route-kit.js';
import { sessionCookieName } from './session-cookie.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Access control for every request, before any route runs:
 * 1. the Host header must name this service (a DNS-rebinding page names its own host);
 * 2. the caller is the user of a session cookie or the holder of an API token, if any;
 * 3. a route's declared role (`config.access`) is required; routes declare one or cannot be
 *    registered, and anything without a route (a 404) needs a sign-in too, so a stranger learns
 *    nothing from probing (on the webhook listener, where nothing else exists, it is a plain 404
 *    for everyone: `unrouted: 'public'`);
 * 4. a state-changing request riding on a session cookie must carry the session's CSRF token
 *    (`X-CSRF-Token`, from `GET /api/session`) and, if it names an Origin, one of ours. A
 *    cross-site page can make a browser send the cookie, but not read or send that token. Bearer
 *    tokens are never sent by browsers on their own, so they need neither.
 */
export function installAccessControl(
  server: ApiServer,
  ctx: ApiContext,
  options: { unrouted?: RouteAccess } = {},
): DeclaredRoute[] {
  const unrouted = options.unrouted ?? 'viewer';
  const allowedHosts = new Set(ctx.app.config.allowedHosts);
  const declared: DeclaredRoute[] = [];
  server.decorateRequest('principal', null);
  server.addHook('onRoute', (route) => {
    // The rendered reference comes from a plugin; it is for signed-in people like the document.
    if (route.url.startsWith('/api/docs')) route.config = { ...route.config, access: 'viewer', page: true };
    const access = route.config?.access;
    if (!access)
      throw new Error(`Route ${String(route.method)} ${route.url} declares no access (config.access)`);
    for (const method of [route.method].flat())
      declared.push({
        method,
        url: route.url,
        access,
        page: route.config?.page === true,
        installationWide: route.config?.installationWide === true,
      });
  });
  server.addHook('onRequest', async (req, reply) => {
    checkHost(req, allowedHosts);
    // Browsers name the page a request comes from; servers calling webhooks name none.
    if (!safeMethods.has(req.method)) checkOrigin(req, allowedHosts);
    const access: RouteAccess = req.routeOptions.config?.access ?? unrouted;
    req.principal = await principalOf(req, ctx, access);
    if (access === 'public') return;
    if (!req.principal) {
      if (req.routeOptions.config?.page && req.method === 'GET')
        return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 302);
      throw new KoppelError('Sign in or send an API token (Authorization: Bearer …)', {
        code: 'auth.required',
        kind: 'auth',
      });
    }
    requireRole(req.principal, access);
    if (req.routeOptions.config?.installationWide) requireUnscoped(req.principal, 'This');
  });
  // In callback style: the plugin answers a bad token itself (through the error handler).
  server.addHook('onRequest', (req, reply, done) => {
    if (safeMethods.has(req.method) || req.principal?.sessionId === undefined) return done();
    server.csrfProtection(req, reply, done);
  });
  return declared;
}

/** A route as registered, with the role it needs: what the route-by-route access test walks. */
export interface DeclaredRoute {
  method: string;
  url: string;
  access: RouteAccess;
  page: boolean;
  installationWide: boolean;
}

async function principalOf(
  req: FastifyRequest,
  ctx: ApiContext,
  access: RouteAccess,
): Promise<Principal | null> {
  const { db } = ctx.app.store;
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    const [scheme, token] = authorization.split(/\s+/, 2);
    const principal =
      scheme?.toLowerCase() === 'bearer' && token ? await resolveApiToken(db, ctx.app.clock, token) : null;
    if (!principal && access !== 'public')
      throw new KoppelError('The API token is unknown, revoked or expired', {
        code: 'auth.bad_token',
        kind: 'auth',
      });
    return principal;
  }
  const cookie = req.cookies[sessionCookieName];
  if (!cookie) return null;
  const policy = { idleMinutes: ctx.app.config.sessionIdleMinutes, maxHours: ctx.app.config.sessionMaxHours };
  return resolveSession(db, ctx.app.clock, policy, cookie);
}

function checkHost(req: FastifyRequest, allowed: ReadonlySet<string>): void {
  const host = req.hostname.toLowerCase();
  if (!allowed.has(host))
    throw new KoppelError(
      `This server does not answer to host "${host.slice(0, 100)}"; add it to KOPPEL_ALLOWED_HOSTS if it should`,
      { code: 'http.host_not_allowed', kind: 'invalid' },
    );
}

function checkOrigin(req: FastifyRequest, allowed: ReadonlySet<string>): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  const host = URL.canParse(origin) ? new URL(origin).hostname.toLowerCase() : '';
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  if (!allowed.has(bracketed))
    throw new KoppelError('A request from another site is not accepted', {
      code: 'auth.cross_site',
      kind: 'forbidden',
    });
}
