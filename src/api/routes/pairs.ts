import { z } from 'zod';
import { requireUnscoped } from '../../access/principal.js';
import { pairStatus } from '../../engine/pair-status.js';
import { getPair, listPairs } from '../../store/repos/pairs.js';
import { createPair, removePair, renamePair } from '../../workspace/pair-changes.js';
import { slugSchema } from '../../workspace/workspace-schema.js';
import { runSummaryBody } from '../activity-schemas.js';
import {
  assertPairInScope,
  audit,
  notFound,
  pairScopeOf,
  principalOf,
  responses,
  type ApiRoute,
} from '../route-kit.js';
import { idParams } from '../schemas.js';

export const pairBody = z
  .object({
    id: z.string(),
    name: z.string(),
    connections: z.array(
      z.object({
        id: z.string(),
        app: z.string(),
        name: z.string(),
        status: z.string().describe('active, paused, needs_authorization or needs_tenant'),
        pausedReason: z.string().nullable(),
      }),
    ),
    flows: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        enabled: z.boolean(),
        lastRunState: z.string().nullable(),
      }),
    ),
    openDeadLetters: z.number().int().describe('Records of its flows waiting for a replay'),
    lastRun: runSummaryBody.nullable().describe('The newest run of any of its flows'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Pair', description: 'An Exact division paired with an Asperion administration.' });

const name = z.string().trim().min(1).max(200);

/**
 * Pairs. Only a principal that sees every pair creates or deletes one: a pair outside a scope
 * would be invisible to its own maker, and a scope names pairs that exist. A scoped owner renames
 * the pairs it sees and changes their flows.
 */
export const pairsRoute: ApiRoute = (server, ctx) => {
  const { db } = ctx.app.store;
  const missing = (id: string) => () => notFound('pair', id, 'pair.not_found');

  server.get(
    '/api/pairs',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'List the pairs',
        description: 'Only the pairs the caller may see, ordered by id.',
        tags: ['pairs'],
        response: responses({ 200: z.object({ items: z.array(pairBody) }) }),
      },
    },
    async (req) => {
      const scope = pairScopeOf(req);
      const pairs = (await listPairs(db)).filter((p) => scope === undefined || scope.includes(p.id));
      return { items: await Promise.all(pairs.map((p) => pairStatus(db, p))) };
    },
  );

  server.get(
    '/api/pairs/:id',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Show a pair',
        description: "Its connections' and flows' ids and states, open dead letters, last run.",
        tags: ['pairs'],
        params: idParams,
        response: responses({ 200: pairBody }),
      },
    },
    async (req) => {
      assertPairInScope(req, req.params.id, missing(req.params.id));
      const pair = await getPair(db, req.params.id);
      if (!pair) throw missing(req.params.id)();
      return pairStatus(db, pair);
    },
  );

  server.post(
    '/api/pairs',
    {
      config: { access: 'owner' },
      schema: {
        summary: 'Create a pair',
        description: 'Needs an owner who sees every pair (no pair scope). 409 when the id is taken.',
        tags: ['pairs'],
        body: z.object({ id: slugSchema.describe('Unique; names it in URLs, files and commands'), name }),
        response: responses({ 201: pairBody }),
      },
    },
    async (req, reply) => {
      requireUnscoped(principalOf(req), 'Creating a pair');
      const pair = await createPair(db, ctx.app.clock, req.body);
      await audit(ctx, req, {
        action: 'pair.create',
        target: { kind: 'pair', id: pair.id },
        pairId: pair.id,
        details: { name: pair.name },
      });
      return reply.status(201).send(await pairStatus(db, pair));
    },
  );

  server.patch(
    '/api/pairs/:id',
    {
      config: { access: 'owner' },
      schema: {
        summary: 'Rename a pair',
        tags: ['pairs'],
        params: idParams,
        body: z.object({ name }),
        response: responses({ 200: pairBody }),
      },
    },
    async (req) => {
      assertPairInScope(req, req.params.id, missing(req.params.id));
      const before = await getPair(db, req.params.id);
      const pair = await renamePair(db, ctx.app.clock, req.params.id, req.body.name);
      if (!pair || !before) throw missing(req.params.id)();
      await audit(ctx, req, {
        action: 'pair.update',
        target: { kind: 'pair', id: pair.id },
        pairId: pair.id,
        details: { name: { from: before.name, to: pair.name } },
      });
      return pairStatus(db, pair);
    },
  );

  server.delete(
    '/api/pairs/:id',
    {
      config: { access: 'owner' },
      schema: {
        summary: 'Delete a pair',
        description:
          'Needs an owner who sees every pair. Refused (409) while the pair has connections or flows: delete those first. Its run history is left to retention.',
        tags: ['pairs'],
        params: idParams,
        response: responses({ 204: z.null().describe('Deleted') }),
      },
    },
    async (req, reply) => {
      assertPairInScope(req, req.params.id, missing(req.params.id));
      requireUnscoped(principalOf(req), 'Deleting a pair');
      if (!(await removePair(db, req.params.id))) throw missing(req.params.id)();
      await audit(ctx, req, {
        action: 'pair.delete',
        target: { kind: 'pair', id: req.params.id },
        pairId: req.params.id,
      });
      return reply.status(204).send(null);
    },
  );
};
