import { z } from 'zod';
import { createConnection } from '../../engine/connect/configure-connection.js';
import { deleteConnection, listConnections } from '../../store/repos/connections.js';
import { getPair } from '../../store/repos/pairs.js';
import { assertPairInScope, audit, notFound, pairScopeOf, responses, type ApiRoute } from '../route-kit.js';
import { slug } from '../schemas.js';
import {
  answerConnection,
  connectionBody,
  connectionInScope,
  connectionParams,
  viewOf,
} from './connection-answer.js';

const newConnection = z
  .object({
    pairId: slug.describe('The pair it belongs to'),
    id: slug.describe('Unique in the installation, e.g. `acme-exact`'),
    app: z.string().min(1).describe('`exact-online` or `asperion`'),
    name: z.string().min(1).max(200),
    settings: z
      .record(z.string(), z.unknown())
      .default({})
      .describe(
        'Checked against the app’s settings: Exact `baseUrl`, `clientId`, `division`; Asperion `apiBaseUrl`, `identityBaseUrl`, `clientId`, `administrationId`, …',
      ),
    credentials: z
      .record(z.string(), z.string().min(1))
      .default({})
      .describe('Non-token credentials (`clientSecret`, `webhookSecret`), stored encrypted, never answered'),
  })
  .meta({ id: 'NewConnection' });

/** The connections themselves: list, show, create, delete. */
export const connectionsRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/api/connections',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Connections, with their status and what each waits for',
        tags: ['connections'],
        querystring: z.object({ pair: z.string().optional().describe('Only the connections of this pair') }),
        response: responses({ 200: z.object({ items: z.array(connectionBody) }) }),
      },
    },
    async (req) => {
      const scope = pairScopeOf(req);
      const rows = await listConnections(
        ctx.app.store.db,
        req.query.pair === undefined ? {} : { pairId: req.query.pair },
      );
      return {
        items: rows.filter((c) => scope === undefined || scope.includes(c.pairId)).map((c) => viewOf(ctx, c)),
      };
    },
  );

  server.get(
    '/api/connections/:id',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'One connection',
        tags: ['connections'],
        params: connectionParams,
        response: responses({ 200: connectionBody }),
      },
    },
    async (req) => viewOf(ctx, await connectionInScope(ctx, req, req.params.id)),
  );

  server.post(
    '/api/connections',
    {
      config: { access: 'owner' },
      schema: {
        summary: 'Add a connection to a pair',
        description:
          'An Exact Online or Asperion connection starts `needs_authorization`: authorize it next (`POST /api/connections/{id}/authorize`). Token credentials cannot be set here.',
        tags: ['connections'],
        body: newConnection,
        response: responses({ 201: connectionBody }),
      },
    },
    async (req, reply) => {
      const body = req.body;
      const missing = () => notFound('pair', body.pairId, 'pair.not_found');
      assertPairInScope(req, body.pairId, missing);
      if (!(await getPair(ctx.app.store.db, body.pairId))) throw missing();
      await createConnection(ctx.app.engine, body);
      await audit(ctx, req, {
        action: 'connection.create',
        target: { kind: 'connection', id: body.id },
        pairId: body.pairId,
        details: { app: body.app, name: body.name, credentials: Object.keys(body.credentials).sort() },
      });
      return reply.status(201).send(await answerConnection(ctx, body.id));
    },
  );

  server.delete(
    '/api/connections/:id',
    {
      config: { access: 'owner' },
      schema: {
        summary: 'Delete a connection',
        description: 'Refused (409) while a flow reads from or writes to it.',
        tags: ['connections'],
        params: connectionParams,
        response: responses({ 204: z.null().describe('Deleted') }),
      },
    },
    async (req, reply) => {
      const connection = await connectionInScope(ctx, req, req.params.id);
      await deleteConnection(ctx.app.store.db, connection.id);
      await audit(ctx, req, {
        action: 'connection.delete',
        target: { kind: 'connection', id: connection.id },
        pairId: connection.pairId,
      });
      return reply.status(204).send(null);
    },
  );
};
