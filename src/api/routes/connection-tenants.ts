import { z } from 'zod';
import { listConnectionTenants } from '../../engine/connect/connection-tenants.js';
import { responses, type ApiRoute } from '../route-kit.js';
import { connectionInScope, connectionParams } from './connection-answer.js';

const tenantBody = z
  .object({
    id: z.number().int().describe('Exact division code or Asperion administration id'),
    name: z.string(),
    current: z
      .boolean()
      .describe('The provider’s current one for the user who authorized (Exact’s CurrentDivision)'),
    selected: z.boolean().describe('The one the connection works in'),
  })
  .meta({ id: 'Tenant' });

/** What a connection's authorization reaches, to choose its tenant from. */
export const connectionTenantsRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/api/connections/:id/tenants',
    {
      config: { access: 'owner' },
      schema: {
        summary: 'The divisions (Exact Online) or administrations (Asperion) the authorization reaches',
        description:
          'Asks the provider (Exact: `current/Me` and `system/Divisions`; Asperion: `/v1/administrations`). Needs an authorized connection (else 409). Choose one with `PATCH /api/connections/{id}`.',
        tags: ['connections'],
        params: connectionParams,
        response: responses({ 200: z.object({ items: z.array(tenantBody) }) }),
      },
    },
    async (req) => {
      const connection = await connectionInScope(ctx, req, req.params.id);
      return { items: await listConnectionTenants(ctx.app.engine, connection.id) };
    },
  );
};
