import { z } from 'zod';
import { KoppelError } from '../../core/errors.js';
import { changeConnection } from '../../engine/connect/configure-connection.js';
import { audit, responses, type ApiRoute } from '../route-kit.js';
import {
  answerConnection,
  connectionBody,
  connectionInScope,
  connectionParams,
  subscribeWebhooksIfActive,
} from './connection-answer.js';

/** The tenant settings people set at the top level of a PATCH, by app. */
const tenantKeys = ['division', 'administrationId'] as const;

const connectionChange = z
  .object({
    name: z.string().min(1).max(200).optional(),
    division: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Exact Online: the division to work in; one of `GET /api/connections/{id}/tenants`'),
    administrationId: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Asperion: the administration to work in; one of `GET /api/connections/{id}/tenants`'),
    settings: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Settings to change, merged over the stored ones (null removes one) and checked as a whole'),
    credentials: z
      .record(z.string(), z.string().min(1).nullable())
      .optional()
      .describe(
        'Non-token credentials to set (`clientSecret`, `webhookSecret`; null removes one); write-only',
      ),
  })
  .strict()
  .meta({ id: 'ConnectionChange' });

/** Change a connection: its tenant, name, settings and non-token credentials. */
export const connectionChangeRoute: ApiRoute = (server, ctx) => {
  server.patch(
    '/api/connections/:id',
    {
      config: { access: 'owner' },
      schema: {
        summary: 'Choose the tenant, rename, change settings or non-token credentials',
        description:
          '`{"division": 3215711}` (Exact Online) or `{"administrationId": 1}` (Asperion) chooses the tenant; it must be one the authorization reaches (else 400 listing them in `details.tenantIds`). A connection that waited for its tenant becomes active.',
        tags: ['connections'],
        params: connectionParams,
        body: connectionChange,
        response: responses({ 200: connectionBody }),
      },
    },
    async (req) => {
      const connection = await connectionInScope(ctx, req, req.params.id);
      const { name, settings, credentials } = req.body;
      const tenantSetting = ctx.app.registry.apps.get(connection.app)?.oauth?.tenantSetting;
      const tenant: Record<string, number> = {};
      for (const key of tenantKeys) {
        const value = req.body[key];
        if (value === undefined) continue;
        if (key !== tenantSetting)
          throw new KoppelError(
            `A ${connection.app} connection has no ${key}${tenantSetting ? `; its tenant is ${tenantSetting}` : ''}`,
            { code: 'connection.invalid_settings', kind: 'invalid', details: { field: key } },
          );
        tenant[key] = value;
      }
      const changed = await changeConnection(ctx.app.engine, connection.id, {
        name,
        settings:
          settings === undefined && Object.keys(tenant).length === 0 ? undefined : { ...settings, ...tenant },
        credentials,
      });
      await audit(ctx, req, {
        action: 'connection.update',
        target: { kind: 'connection', id: connection.id },
        pairId: connection.pairId,
        details: { changed, ...tenant },
      });
      const view = await answerConnection(ctx, connection.id);
      if (connection.status !== 'active') await subscribeWebhooksIfActive(ctx, view);
      return view;
    },
  );
};
