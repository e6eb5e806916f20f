import { z } from 'zod';
import { purgeActivity } from '../../engine/purge.js';
import { audit, responses, type ApiRoute } from '../route-kit.js';

const purgeBody = z
  .object({
    payloadsPurged: z.number().int(),
    recordsDeleted: z.number().int(),
    runsDeleted: z.number().int(),
    eventsDeleted: z.number().int(),
    deadLettersDeleted: z.number().int(),
    writeAheadDeleted: z.number().int(),
    jobsDeleted: z.number().int(),
    webhookReceiptsDeleted: z.number().int(),
    accessRowsDeleted: z.number().int(),
    auditDeleted: z.number().int(),
    alertsDeleted: z.number().int(),
    notificationsDeleted: z.number().int(),
    payloadWarnings: z.number().int(),
  })
  .meta({ id: 'PurgeResult' });

/** `koppel purge` over HTTP: apply the retention policy now, as the nightly job does. */
export const purgeRoute: ApiRoute = (server, ctx) => {
  server.post(
    '/api/purge',
    {
      config: { access: 'owner', installationWide: true },
      schema: {
        summary: 'Apply the retention policy now (it also runs on KOPPEL_PURGE_CRON)',
        tags: ['settings'],
        response: responses({ 200: purgeBody }),
      },
    },
    async (req) => {
      const result = await purgeActivity(ctx.app.engine);
      await audit(ctx, req, {
        action: 'retention.purge',
        target: { kind: 'installation', id: null },
        details: { ...result },
      });
      return result;
    },
  );
};
