import { z } from 'zod';
import { createApiToken } from '../../access/api-tokens.js';
import { parseScope, roles } from '../../access/principal.js';
import {
  getApiToken,
  listApiTokens,
  revokeApiToken,
  type ApiTokenRow,
} from '../../store/repos/api-tokens.js';
import { audit, notFound, principalOf, responses, type ApiRoute } from '../route-kit.js';
import { idParams } from '../schemas.js';

export const tokenBody = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(roles),
    pairScope: z.array(z.string()).nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({
    id: 'ApiToken',
    description: 'An API token as listed: never the token itself, which is shown once.',
  });

export function tokenView(row: ApiTokenRow): z.infer<typeof tokenBody> {
  return {
    id: row.id,
    name: row.name,
    role: row.role as (typeof roles)[number],
    pairScope: parseScope(row.pair_scope),
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

/** API tokens for automation: created by an owner, shown once, stored as a hash, revocable. */
export const tokensRoute: ApiRoute = (server, ctx) => {
  const { db } = ctx.app.store;
  const owner = { config: { access: 'owner' as const, installationWide: true } };

  server.get(
    '/api/tokens',
    {
      ...owner,
      schema: {
        summary: 'API tokens, revoked ones included',
        tags: ['users'],
        response: responses({ 200: z.object({ items: z.array(tokenBody) }) }),
      },
    },
    async () => ({ items: (await listApiTokens(db)).map(tokenView) }),
  );

  server.post(
    '/api/tokens',
    {
      ...owner,
      schema: {
        summary: 'Create an API token; the answer is the only time the token is shown',
        tags: ['users'],
        body: z.object({
          name: z.string().min(1).max(100),
          role: z.enum(roles),
          pairScope: z.array(z.string().min(1)).nullable().optional(),
          expiresInDays: z.number().int().min(1).max(3650).optional().describe('Absent: until revoked'),
        }),
        response: responses({
          201: z.object({
            token: z.string().describe('Send as Authorization: Bearer …'),
            apiToken: tokenBody,
          }),
        }),
      },
    },
    async (req, reply) => {
      const actor = principalOf(req);
      const now = ctx.app.clock.now();
      const { token, row } = await createApiToken(db, ctx.app.clock, actor, {
        name: req.body.name,
        role: req.body.role,
        pairScope: req.body.pairScope ?? null,
        expiresAt: req.body.expiresInDays
          ? new Date(now.getTime() + req.body.expiresInDays * 86_400_000)
          : null,
      });
      await audit(ctx, req, {
        action: 'token.create',
        target: { kind: 'token', id: row.id },
        details: { name: row.name, role: row.role, pairScope: req.body.pairScope ?? null },
      });
      return reply.status(201).send({ token, apiToken: tokenView(row) });
    },
  );

  server.delete(
    '/api/tokens/:id',
    {
      ...owner,
      schema: {
        summary: 'Revoke an API token: it stops working at once',
        tags: ['users'],
        params: idParams,
        response: responses({ 204: z.null() }),
      },
    },
    async (req, reply) => {
      const row = await getApiToken(db, req.params.id);
      if (!row) throw notFound('API token', req.params.id, 'token.not_found');
      await revokeApiToken(db, row.id, ctx.app.clock.now().toISOString());
      await audit(ctx, req, {
        action: 'token.revoke',
        target: { kind: 'token', id: row.id },
        details: { name: row.name },
      });
      return reply.status(204).send(null);
    },
  );
};
