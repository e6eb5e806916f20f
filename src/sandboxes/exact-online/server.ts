import Fastify from 'fastify';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Clock } from '../../core/clock.js';
import { registerApiRoutes } from './rest/api-routes.js';
import { registerControlRoutes } from './control/control-routes.js';
import { registerOAuthRoutes } from './oauth/oauth-routes.js';
import { ODataError, exactMessages } from './odata-error.js';
import { OffsetClock } from '../../core/clock.js';
import { shapeTraffic } from '../traffic-faults.js';
import { SandboxState } from './sandbox-state.js';
import { loadSeed, type ExactSeed } from './seed/load-seed.js';

/** The random-fault settings' verdict on one request, as Exact's error envelope. */
async function randomFault(state: SandboxState, path: string): Promise<ODataError | undefined> {
  const faults = state.settings.randomFaults;
  const outcome = await shapeTraffic(faults, path, state.clock, state.faultRandom);
  if (!outcome) return undefined;
  // What Exact's front end says on a gateway timeout is not documented; the envelope keeps clients parsing.
  if (outcome.kind === 'timeout') return new ODataError(504, 'Gateway Timeout');
  return new ODataError(outcome.status, faults.errorMessage || exactMessages.generic);
}

export interface ExactSandboxServer {
  app: FastifyInstance;
  state: SandboxState;
}

/**
 * One Exact Online sandbox: its own Fastify instance and its own in-memory state; time comes only
 * from the given clock (plus the control API's offset).
 */
export function buildExactSandbox(options: { clock: Clock; seed: ExactSeed }): ExactSandboxServer {
  const state = new SandboxState(new OffsetClock(options.clock));
  loadSeed(state, options.seed);
  // Close drops connections whose client walked away mid-response (a cancelled body would hold it).
  const app = Fastify({ logger: false, bodyLimit: 38 * 1024 * 1024, forceCloseConnections: true });
  // Bodies arrive as text; handlers parse them so that bad input gets Exact's errors, not Fastify's.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError | Error, _request, reply) => {
    if (error instanceof ODataError) {
      return reply
        .status(error.status)
        .headers(error.headers)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(error.body()));
    }
    // Malformed percent-encoding and Fastify's own client errors are bad requests, never crashes.
    const clientError =
      error instanceof URIError ||
      ('statusCode' in error && typeof error.statusCode === 'number' && error.statusCode < 500);
    const wrapped = new ODataError(
      clientError ? 400 : 500,
      clientError ? exactMessages.querySyntax : exactMessages.generic,
    );
    return reply
      .status(wrapped.status)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(wrapped.body()));
  });

  // Injected faults answer before anything else, so they can stand in for outages and maintenance.
  app.addHook('onRequest', async (request, reply) => {
    const path = (request.raw.url ?? '').split('?')[0] ?? '';
    if (!path.startsWith('/api/')) return;
    const fault = state.faults.take(request.method, path);
    const error = fault
      ? new ODataError(fault.status, fault.message ?? exactMessages.generic, fault.headers ?? {})
      : await randomFault(state, path);
    if (!error) return;
    return reply
      .status(error.status)
      .headers(error.headers)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(error.body()));
  });

  // Paths and verbs nothing answers get the OData envelope too, not Fastify's own body.
  app.setNotFoundHandler(async (_request, reply) => {
    const error = new ODataError(404, 'Not found');
    return reply.status(404).type('application/json; charset=utf-8').send(JSON.stringify(error.body()));
  });

  app.addHook('onResponse', async (request, reply) => {
    const path = (request.raw.url ?? '').split('?')[0] ?? '';
    if (path.startsWith('/__sandbox/')) return;
    const errorKey = state.errorKeys.get(request);
    if (errorKey !== undefined)
      state.errors.record(errorKey, reply.statusCode, state.nowMs(), state.settings);
    const rateLimit = Object.fromEntries(
      Object.entries(reply.getHeaders())
        .filter(([name]) => name.toLowerCase().startsWith('x-ratelimit-'))
        .map(([name, value]) => [name, String(value)]),
    );
    const entry = {
      at: state.clock.now().toISOString(),
      method: request.method,
      path,
      query: (request.raw.url ?? '').slice(path.length + 1),
      status: reply.statusCode,
      rateLimit,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    state.log.add(entry, state.settings.requestLogSize);
  });

  // Webhook retries follow a timer only while the server runs; closing stops it and cuts attempts.
  app.addHook('onReady', async () => state.webhooks.start());
  app.addHook('onClose', async () => state.webhooks.close());

  registerOAuthRoutes(app, state);
  registerApiRoutes(app, state);
  registerControlRoutes(app, state);
  return { app, state };
}
