import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { connectionView, type ConnectionView } from '../../engine/connect/connection-view.js';
import { webhookSubscriptionsJob, webhookSubscriptionsJobSpec } from '../../engine/job-handlers.js';
import { getConnection, type Connection } from '../../store/repos/connections.js';
import { assertPairInScope, notFound, type ApiContext } from '../route-kit.js';

/** A connection as answered: its state and what to do about it; never a secret or a token. */
export const connectionBody = z
  .object({
    id: z.string(),
    pairId: z.string(),
    app: z.string().describe('`exact-online`, `asperion`, …'),
    appTitle: z.string(),
    name: z.string(),
    settings: z.record(z.string(), z.unknown()).describe('As stored; the app’s schema fills defaults at use'),
    status: z
      .enum(['active', 'paused', 'needs_authorization', 'needs_tenant'])
      .describe('Flows run only while both their connections are active'),
    why: z
      .string()
      .nullable()
      .describe('Why it is not active and what to do, in one sentence; null when active'),
    pausedAt: z.string().nullable(),
    credentialsSet: z
      .array(z.string())
      .describe('Names of the credential fields it holds; values are never answered'),
    authorizedAt: z.string().nullable().describe('When the current token pair came from an authorization'),
    tokenAgeSeconds: z.number().int().nullable().describe('Seconds since the current token pair was issued'),
    account: z.string().nullable().describe('Who authorized it, as the provider names them, when known'),
    tenant: z
      .object({
        setting: z.string().describe('`division` (Exact Online) or `administrationId` (Asperion)'),
        id: z.number().int().nullable(),
        name: z.string().nullable(),
      })
      .nullable()
      .describe('The Exact division or Asperion administration it works in; null for apps without tenants'),
    redirectUri: z
      .string()
      .nullable()
      .describe('For OAuth apps: the redirect URI to register with the provider (Exact’s App Center)'),
    webhookUrl: z
      .string()
      .nullable()
      .describe(
        'The webhook callback the provider calls, when KOPPEL_PUBLIC_URL is set and the app has webhooks',
      ),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Connection' });

export const connectionParams = z.object({ id: z.string().min(1).max(200) });

export function viewOf(ctx: ApiContext, connection: Connection): ConnectionView {
  return connectionView(ctx.app.engine, connection, {
    baseUrl: ctx.baseUrl(),
    publicUrl: ctx.app.config.publicUrl,
  });
}

/** The connection, if the caller may see its pair; else the same 404 as an unknown id. */
export async function connectionInScope(
  ctx: ApiContext,
  req: FastifyRequest,
  id: string,
): Promise<Connection> {
  const missing = () => notFound('connection', id, 'connection.not_found');
  const connection = await getConnection(ctx.app.store.db, id);
  if (!connection) throw missing();
  assertPairInScope(req, connection.pairId, missing);
  return connection;
}

/** The connection as it is now, answered. */
export async function answerConnection(ctx: ApiContext, id: string): Promise<ConnectionView> {
  const connection = await getConnection(ctx.app.store.db, id);
  if (!connection) throw notFound('connection', id, 'connection.not_found');
  return viewOf(ctx, connection);
}

/**
 * A connection that just became active (authorized, its tenant chosen, resumed) gets its webhook
 * subscriptions now, not at the next daily check, when webhooks are on (KOPPEL_PUBLIC_URL).
 */
export async function subscribeWebhooksIfActive(ctx: ApiContext, view: ConnectionView): Promise<void> {
  const publicUrl = ctx.app.config.publicUrl;
  if (publicUrl === undefined || view.status !== 'active' || view.webhookUrl === null) return;
  await ctx.queue.enqueue({ ...webhookSubscriptionsJobSpec(publicUrl), dedupeKey: webhookSubscriptionsJob });
}
