import { z } from 'zod';
import { listAudit } from '../../store/repos/audit-log.js';
import { pairScopeOf, responses, type ApiRoute } from '../route-kit.js';
import { limitQuery } from '../schemas.js';

const auditEntry = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({
      kind: z.string().describe('user, token, cli or system'),
      id: z.string().nullable(),
      name: z.string(),
    }),
    action: z.string().describe('e.g. connection.authorize, flow.update, mapping.publish'),
    target: z.object({ kind: z.string(), id: z.string().nullable() }),
    pairId: z.string().nullable(),
    ip: z.string().nullable().describe('The client address of a change made over HTTP'),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEntry' });

/** Who changed which configuration, connection or mapping, when and from where. */
export const auditRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/api/audit',
    {
      config: { access: 'owner' },
      schema: {
        summary: 'The audit log, newest first',
        description: 'A principal limited to some pairs sees the entries of those pairs only.',
        tags: ['users'],
        querystring: z.object({
          targetKind: z.string().optional().describe('connection, flow, mapping, user, token, …'),
          targetId: z.string().optional(),
          actor: z.string().optional().describe('The id of a user or token'),
          limit: limitQuery(100),
          before: z.string().optional().describe('The `next` of the previous page'),
        }),
        response: responses({ 200: z.object({ items: z.array(auditEntry), next: z.string().nullable() }) }),
      },
    },
    async (req) => {
      const q = req.query;
      const rows = await listAudit(ctx.app.store.db, {
        pairIds: pairScopeOf(req),
        targetKind: q.targetKind,
        targetId: q.targetId,
        actorId: q.actor,
        before: q.before,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return {
        items: page.map((r) => ({
          id: r.id,
          at: r.at,
          actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name },
          action: r.action,
          target: { kind: r.target_kind, id: r.target_id },
          pairId: r.pair_id,
          ip: r.ip,
          details: JSON.parse(r.details) as Record<string, unknown>,
        })),
        next: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null,
      };
    },
  );
};
