import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { alertView } from '../../engine/notifications/alert-view.js';
import { getAlert, listAlerts, type AlertRow } from '../../store/repos/alerts.js';
import { acknowledgeAlertAndEvents } from '../../engine/notifications/acknowledge.js';
import { beforeQuery, page } from '../activity-schemas.js';
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

const time = z.string().describe('ISO 8601, UTC');

export const alertBody = z
  .object({
    id: z.string(),
    kind: z.string().describe('What raised it, e.g. dead_letters.new, connection.paused'),
    severity: z.enum(['info', 'warning', 'critical']),
    pairId: z.string().nullable(),
    flowId: z.string().nullable(),
    connectionId: z.string().nullable(),
    state: z.enum(['open', 'resolved']),
    title: z.string(),
    why: z.string().describe('The error as Koppel explains it, in one sentence'),
    count: z.number().int().describe('How many documents it concerns; 0 when not about documents'),
    documents: z.array(z.string()).describe('The first few documents by their own numbers'),
    fix: z
      .object({ action: z.string(), webPath: z.string(), cli: z.string().nullable() })
      .describe('Where to fix it: a page of the web app and the command that does the same'),
    openedAt: time,
    lastSeenAt: time,
    resolvedAt: time.nullable(),
    acknowledgedAt: time.nullable(),
    acknowledgedBy: z.string().nullable().describe('Who acknowledged it; `link` for a message’s link'),
  })
  .meta({ id: 'Alert', description: 'A problem Koppel noticed, open while it lasts.' });

/** An alert of a pair outside the caller's scope (or of no pair, for a scoped caller) is unknown. */
async function visibleAlert(ctx: ApiContext, req: FastifyRequest, id: string): Promise<AlertRow> {
  const alert = await getAlert(ctx.app.store.db, id);
  const scope = principalOf(req).pairScope;
  if (!alert || (scope !== null && (alert.pair_id === null || !scope.includes(alert.pair_id))))
    throw notFound('alert', id, 'alert.not_found');
  return alert;
}

/** Alerts: what is wrong now, and acknowledging that someone saw it. */
export const alertsRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/api/alerts',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'List alerts',
        description:
          'Newest first, only of pairs the caller may see (installation-wide alerts only for callers who see every pair); page with `before`.',
        tags: ['alerts'],
        querystring: z.object({
          state: z.enum(['open', 'resolved']).optional().describe('Default: both'),
          limit: limitQuery(50, 500),
          before: beforeQuery,
        }),
        response: responses({ 200: page(alertBody) }),
      },
    },
    async (req) => {
      const limit = req.query.limit;
      const rows = await listAlerts(ctx.app.store.db, {
        state: req.query.state,
        pairIds: pairScopeOf(req),
        before: req.query.before,
        limit,
      });
      return {
        items: rows.map(alertView),
        next: rows.length === limit ? (rows[rows.length - 1]?.id ?? null) : null,
      };
    },
  );

  server.post(
    '/api/alerts/:id/acknowledge',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Acknowledge an alert',
        description:
          'Marks it seen: no more digests about it, only the message that it cleared, and the events of the same problem count as seen. One acknowledged before keeps its first time. Audited.',
        tags: ['alerts'],
        params: idParams,
        response: responses({ 200: alertBody }),
      },
    },
    async (req) => {
      const { db } = ctx.app.store;
      const alert = await visibleAlert(ctx, req, req.params.id);
      const { acknowledged: changed } = await acknowledgeAlertAndEvents(
        ctx.app,
        alert.id,
        ctx.app.clock.now().toISOString(),
        principalOf(req).name,
      );
      await audit(ctx, req, {
        action: 'alert.acknowledge',
        target: { kind: 'alert', id: alert.id },
        pairId: alert.pair_id,
        details: { newlyAcknowledged: changed },
      });
      return alertView((await getAlert(db, alert.id)) ?? alert);
    },
  );
};
