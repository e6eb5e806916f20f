import Fastify, { type FastifyInstance } from 'fastify';
import type { App } from '../main.js';
import type { JobQueue } from '../queue/index.js';
import { errorHandler } from './error-handler.js';
import { healthRoute } from './routes/health.js';
import { runFlowRoute } from './routes/run-flow.js';
import { statusPageRoute } from './routes/status-page.js';
import { statusRoute } from './routes/status.js';
import { webhooksRoute } from './routes/webhooks.js';

export interface ApiContext {
  app: App;
  queue: JobQueue;
}

/** One route (or a few closely related ones) per file. */
export type ApiRoute = (server: FastifyInstance, ctx: ApiContext) => void;

const routes: ApiRoute[] = [healthRoute, statusRoute, runFlowRoute, statusPageRoute, webhooksRoute];

/** The HTTP API (and, for now, a read-only status page). Bound to localhost by default. */
export function buildApiServer(ctx: ApiContext): FastifyInstance {
  const server = Fastify({ logger: false });
  server.setErrorHandler(errorHandler);
  for (const route of routes) route(server, ctx);
  return server;
}
