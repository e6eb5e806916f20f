import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../core/clock.js';
import { registerControlRoutes } from './control/control-routes.js';
import { authenticateAndPickTenant } from './http/api-guard.js';
import { frameworkErrorHandler, installErrorHandler } from './http/error-handler.js';
import { pickLanguage } from './http/messages.js';
import { traceIdFor } from './http/request-context.js';
import { enforceRateLimit, injectFaults } from './http/traffic-shaping.js';
import { registerAuthorizeRoutes } from './oauth/authorize-routes.js';
import { registerTokenRoute } from './oauth/token-route.js';
import { registerAdministrationRoutes } from './resources/administration-routes.js';
import { registerInvoiceFileRoutes } from './resources/invoice-file-routes.js';
import { allResources } from './resources/all-resources.js';
import { registerResourceRoutes } from './resources/resource-routes.js';
import { loadSeed } from './seed/load-seed.js';
import type { SeedName } from './seed/load-seed.js';
import type { AsperionSettings } from './settings.js';
import { mergeSettings } from './settings.js';
import { appendToLog } from './state/request-log.js';
import type { SandboxState } from './state/sandbox-state.js';
import { applySettings, createSandboxState } from './state/sandbox-state.js';

export interface AsperionServerOptions {
  clock: Clock;
  seed: SeedName;
  /** Changes to the defaults of settings.ts, applied before the first request. */
  settings?: Partial<AsperionSettings>;
}

/**
 * One sandbox instance: its own Fastify app and its own in-memory state. Identity (/connect) and API
 * (/v1) share one base URL so a client pointed at it for both works unchanged (§6.1, §7).
 */
export function createAsperionServer(options: AsperionServerOptions): {
  app: FastifyInstance;
  state: SandboxState;
} {
  const state = createSandboxState(options.clock);
  if (options.settings) applySettings(state, mergeSettings(state.settings, options.settings));
  loadSeed(state, options.seed);

  // Route paths are case-insensitive, as ASP.NET's are (/v1/SalesOrderWithLines, §2.1).
  const app = Fastify({
    logger: false,
    routerOptions: { caseSensitive: false },
    forceCloseConnections: true,
    frameworkErrors: frameworkErrorHandler(state),
  });
  app.decorateRequest('sandbox');
  // JSON for the API and forms for /connect only; anything else is 415, as in ASP.NET (§1.2).
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  app.addHook('onRequest', async (request) => {
    state.requestSeq += 1;
    const seq = state.requestSeq;
    request.sandbox = {
      seq,
      traceId: traceIdFor(seq),
      language: pickLanguage(request.headers['accept-language'], state.settings.defaultLanguage),
      user: undefined,
      data: undefined,
    };
    if (isControl(request.url)) return;
    await injectFaults(request, state);
    if (!request.url.toLowerCase().startsWith('/v1/') && request.url.toLowerCase() !== '/v1') return;
    enforceRateLimit(request, state);
    authenticateAndPickTenant(request, state);
  });

  app.addHook('onResponse', async (request, reply) => {
    if (isControl(request.url)) return;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    appendToLog(state.requestLog, {
      seq: request.sandbox.seq,
      at: state.clock.now().toISOString(),
      method: request.method,
      url: request.url,
      headers,
      status: reply.statusCode,
      traceId: request.sandbox.traceId,
      administrationId: request.sandbox.data?.administration.id ?? null,
    });
  });

  installErrorHandler(app, state);
  registerAuthorizeRoutes(app, state);
  registerTokenRoute(app, state);
  registerAdministrationRoutes(app, state);
  for (const resource of allResources) registerResourceRoutes(app, state, resource);
  registerInvoiceFileRoutes(app, state);
  registerControlRoutes(app, state);
  return { app, state };
}

/** The control API (§6.5) lives apart from every real Asperion path and is not logged or limited. */
function isControl(url: string): boolean {
  return url.startsWith('/__sandbox');
}
