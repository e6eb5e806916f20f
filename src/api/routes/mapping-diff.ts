import { z } from 'zod';
import { flowMapping } from '../../engine/flow-mapping.js';
import { diffMappings } from '../../mapping/index.js';
import { validateMapping } from '../../workspace/validate-mapping.js';
import { invalidMappingError } from '../../workspace/workspace-errors.js';
import { responses, type ApiRoute } from '../route-kit.js';
import { idParams } from '../schemas.js';
import { scopedFlow } from '../scoped-flow.js';
import { mappingDiff } from './mapping-schemas.js';

const draftDiff = z
  .object({
    flowId: z.string(),
    against: z.number().int().describe('The version the draft was compared with (0: the default)'),
    diff: mappingDiff,
  })
  .meta({ id: 'MappingDraftDiff' });

/** What publishing a draft would change, so a person sees it before saving; writes nothing. */
export const mappingDiffRoute: ApiRoute = (server, ctx) => {
  server.post(
    '/api/flows/:id/mapping/diff',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Compare a proposed mapping with the active version or another one',
        description:
          'The proposed definition is checked as on publish (an invalid one answers 400 with every problem ' +
          'at its place in `details.errors`); the answer is the diff publishing it would record. Writes nothing.',
        tags: ['mappings'],
        params: idParams,
        body: z.object({
          mapping: z
            .record(z.string(), z.unknown())
            .describe('The proposed definition, in the shape of MappingDefinition'),
          against: z
            .number()
            .int()
            .min(0)
            .optional()
            .describe("The version to compare with (0: the kind's default); without it the active one"),
        }),
        response: responses({ 200: draftDiff }),
      },
    },
    async (req) => {
      const flow = await scopedFlow(ctx, req, req.params.id);
      const checked = validateMapping(req.body.mapping, ['mapping']);
      if (!checked.ok) throw invalidMappingError(checked.errors);
      const base = await flowMapping(ctx.app.engine, flow, req.body.against);
      return {
        flowId: flow.id,
        against: base.version,
        diff: diffMappings(base.definition, checked.definition),
      };
    },
  );
};
