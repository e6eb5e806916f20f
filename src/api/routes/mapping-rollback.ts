import { z } from 'zod';
import { activateMappingVersion, mappingActivateAction } from '../../workspace/activate-mapping-version.js';
import { audit, responses, type ApiRoute } from '../route-kit.js';
import { idParams } from '../schemas.js';
import { scopedFlow } from '../scoped-flow.js';
import { mappingDiff } from './mapping-schemas.js';

const activated = z
  .object({
    flowId: z.string(),
    version: z.number().int().describe('The active version now'),
    previousVersion: z.number().int().describe('The version that was active before (0: the default)'),
    diff: mappingDiff.describe('What new runs map differently, against the version active before'),
  })
  .meta({ id: 'ActivatedMapping' });

/** Rollback: the flow runs an earlier stored version again, and no version is added or removed. */
export const mappingRollbackRoute: ApiRoute = (server, ctx) => {
  server.post(
    '/api/flows/:id/mapping/activate',
    {
      config: { access: 'owner' },
      schema: {
        summary: 'Make a stored version of a mapping the active one (roll back)',
        description:
          "New runs use that version at once (0: the flow kind's default). Every version stays stored. " +
          'With `baseVersion`, refused (409) when another version became active since.',
        tags: ['mappings'],
        params: idParams,
        body: z.object({
          version: z.number().int().min(0).describe('A stored version of the flow, or 0'),
          baseVersion: z
            .number()
            .int()
            .min(0)
            .optional()
            .describe('The version the caller saw active; 409 if another is active now'),
        }),
        response: responses({ 200: activated }),
      },
    },
    async (req) => {
      const flow = await scopedFlow(ctx, req, req.params.id);
      const result = await activateMappingVersion(ctx.app, {
        flowId: flow.id,
        version: req.body.version,
        baseVersion: req.body.baseVersion,
      });
      if (result.version !== result.previousVersion)
        await audit(ctx, req, {
          action: mappingActivateAction,
          target: { kind: 'flow', id: flow.id },
          pairId: flow.pairId,
          details: { version: result.version, previousVersion: result.previousVersion },
        });
      const { pairId: _pair, ...body } = result;
      return body;
    },
  );
};
