import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { acknowledgeEvents, getEvents, listEvents, type EventRow } from '../../store/repos/events.js';
import { beforeQuery, eventBody, page } from '../activity-schemas.js';
import {
  audit,
  notFound,
  pairScopeOf,
  principalOf,
  responses,
  type ApiContext,
  type ApiRoute,
} from '../route-kit.js';
import { idParams, limitQuery } from '../schemas.js';

/** An event as answered: its details parsed. */
export function eventView(e: EventRow) {
  return {
    id: e.id,
    type: e.type,
    severity: e.severity,
    pairId: e.pair_id,
    flowId: e.flow_id,
    connectionId: e.connection_id,
    runId: e.run_id,
    message: e.message,
    details: JSON.parse(e.details) as Record<string, unknown>,
    createdAt: e.created_at,
    acknowledgedAt: e.acknowledged_at,
  };
}

/**
 * Acknowledge events the caller may see, all or none: an unknown id, or one of a pair outside the
 * caller's scope (or of no pair, for a scoped caller), is a 404 naming it. Who did it goes into the
 * audit log; an event acknowledged before keeps its first time.
 */
async function acknowledge(ctx: ApiContext, req: FastifyRequest, ids: readonly string[]) {
  const { db } = ctx.app.store;
  const unique = [...new Set(ids)];
  const found = new Map((await getEvents(db, unique)).map((e) => [e.id, e]));
  const scope = principalOf(req).pairScope;
  for (const id of unique) {
    const event = found.get(id);
    if (!event || (scope !== null && (event.pair_id === null || !scope.includes(event.pair_id))))
      throw notFound('event', id, 'event.not_found');
  }
  const acknowledged = await acknowledgeEvents(db, unique, ctx.app.clock.now().toISOString());
  const pairs = [...new Set(unique.map((id) => found.get(id)?.pair_id ?? null))];
  await audit(ctx, req, {
    action: 'event.acknowledge',
    target: { kind: 'event', id: unique.length === 1 ? (unique[0] ?? null) : null },
    pairId: pairs.length === 1 ? pairs[0] : null,
    details: { ids: unique, newlyAcknowledged: acknowledged },
  });
  return { items: (await getEvents(db, unique)).map(eventView) };
}

/** Events: what needs attention, and acknowledging it. */
export const eventsRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/api/events',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'List events',
        description:
          'Newest first, only of pairs the caller may see (installation-wide events only for callers who see every pair); page with `before`.',
        tags: ['events'],
        querystring: z.object({
          pair: z.string().min(1).optional(),
          severity: z.enum(['info', 'warning', 'error']).optional(),
          type: z.string().min(1).optional().describe('e.g. run.failed, connection.paused'),
          acknowledged: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .optional()
            .describe('true: only acknowledged ones; false: only those waiting for someone'),
          limit: limitQuery(50, 500),
          before: beforeQuery,
        }),
        response: responses({ 200: page(eventBody) }),
      },
    },
    async (req) => {
      const limit = req.query.limit;
      const rows = await listEvents(ctx.app.store.db, {
        pairId: req.query.pair,
        pairIds: pairScopeOf(req),
        severity: req.query.severity,
        type: req.query.type,
        acknowledged: req.query.acknowledged,
        limit,
        before: req.query.before,
      });
      return {
        items: rows.map(eventView),
        next: rows.length === limit ? (rows[rows.length - 1]?.id ?? null) : null,
      };
    },
  );

  server.post(
    '/api/events/:id/acknowledge',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Acknowledge an event',
        description: 'Marks it seen; who did it goes into the audit log.',
        tags: ['events'],
        params: idParams,
        response: responses({ 200: eventBody }),
      },
    },
    async (req) => {
      const { items } = await acknowledge(ctx, req, [req.params.id]);
      return items[0]!;
    },
  );

  server.post(
    '/api/events/acknowledge',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Acknowledge events',
        description: 'All of them or none: an id the caller cannot see is a 404 and nothing changes.',
        tags: ['events'],
        body: z.object({ ids: z.array(z.string().min(1).max(200)).min(1).max(500) }),
        response: responses({ 200: z.object({ items: z.array(eventBody) }) }),
      },
    },
    (req) => acknowledge(ctx, req, req.body.ids),
  );
};
