import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { installAccessControl, type DeclaredRoute } from './auth/access-control.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { openApiRoute, registerOpenApi } from './openapi.js';
import type { ApiContext, ApiRoute, ApiServer } from './route-kit.js';
import { metricsRoute } from './routes/metrics.js';
import { apiRoutes, webhookListenerRoutes } from './routes/index.js';

export type { ApiContext, ApiRoute, ApiServer } from './route-kit.js';

const declaredRoutes = new WeakMap<object, DeclaredRoute[]>();

/** Every route a server built here registered, with its declared access. */
export function routesOf(server: ApiServer): readonly DeclaredRoute[] {
  return declaredRoutes.get(server) ?? [];
}

export interface ApiServerOptions {
  /**
   * `main`: everything; `webhooks`: only what outsiders must reach (webhook deliveries, the OAuth
   * callback, /healthz; /metrics when configured), for a listener of its own that is the only one exposed to the internet.
   */
  listener?: 'main' | 'webhooks';
}

/** The HTTP API, its reference, the pages and the callbacks, behind one access control. */
export async function buildApiServer(ctx: ApiContext, options: ApiServerOptions = {}): Promise<ApiServer> {
  const { app } = ctx;
  const server = Fastify({
    logger: false,
    trustProxy: app.config.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  server.setErrorHandler(errorHandler(app.logger, app.secrets));
  server.setNotFoundHandler(notFoundHandler);
  // JSON only: a cross-site page can send text/plain or a form without asking the browser first,
  // and must not find a parser for it (webhook routes read their raw bodies themselves).
  server.removeContentTypeParser(['text/plain']);
  await server.register(fastifyCookie, { secret: app.box.deriveKey('cookies').toString('base64url') });
  await server.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'koppel_csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, signed: true },
    getToken: (req) => req.headers['x-csrf-token'] as string | undefined,
    getUserInfo: (req) => req.principal?.sessionId ?? '',
    csrfOpts: { hmacKey: app.box.deriveKey('csrf') },
  });
  const declared = installAccessControl(server, ctx, {
    unrouted: options.listener === 'webhooks' ? 'public' : 'viewer',
  });
  declaredRoutes.set(server, declared);
  server.addHook('onSend', async (_req, reply) => {
    // The one-time links carry their token in the URL: no page may pass it on as a Referer.
    void reply.header('referrer-policy', 'same-origin');
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
  });
  const routes: ApiRoute[] =
    options.listener !== 'webhooks'
      ? [...apiRoutes, openApiRoute]
      : app.config.metricsOnWebhookPort
        ? [...webhookListenerRoutes, metricsRoute]
        : webhookListenerRoutes;
  if (options.listener !== 'webhooks') await registerOpenApi(server);
  for (const route of routes) route(server, ctx);
  return server;
}
