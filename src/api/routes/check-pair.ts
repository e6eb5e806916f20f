import { z } from 'zod';
import { checkPairMappings, checkReport } from '../../engine/check-mappings.js';
import { getPair } from '../../store/repos/pairs.js';
import { clientSignal, scrubbed } from '../request-work.js';
import { assertPairInScope, notFound, responses, type ApiRoute } from '../route-kit.js';
import { idParams } from '../schemas.js';

const missingMapping = z
  .object({
    domain: z.string().describe('What kind of value: VAT code, country, item group, …'),
    value: z.string().describe('The source value without a mapping'),
    where: z.string().describe('Where it was seen first, e.g. a document'),
    suggestion: z.string().optional().describe('A likely target value and why, or why none fits'),
    informational: z.boolean().optional().describe('Listed for review only; does not make the check fail'),
    valueMap: z.string().optional().describe("The mapping's value map the answer belongs in, e.g. vatCodes"),
    suggested: z.string().optional().describe('The suggested target value alone, when there is one'),
    choices: z
      .array(z.object({ value: z.string(), label: z.string() }))
      .optional()
      .describe("The target's values to choose from (its VAT codes, payment conditions, …)"),
  })
  .meta({ id: 'MissingMapping' });

const flowCheck = z.discriminatedUnion('status', [
  z.object({
    flowId: z.string(),
    kind: z.string(),
    status: z.literal('checked'),
    missing: z.array(missingMapping),
  }),
  z.object({
    flowId: z.string(),
    kind: z.string(),
    status: z.literal('not_checked').describe('Its kind has no mapping check'),
  }),
  z.object({
    flowId: z.string(),
    kind: z.string(),
    status: z.literal('error').describe('It could not be checked'),
    error: z.object({ code: z.string(), kind: z.string(), message: z.string() }),
  }),
]);

const checkAnswer = z
  .object({
    pairId: z.string(),
    ok: z.boolean().describe('Every flow could be checked and every source value has a mapping'),
    flows: z.array(flowCheck),
  })
  .meta({ id: 'MappingCheck' });

/** `koppel check <pair> --json` over HTTP. */
export const checkPairRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/api/pairs/:id/check',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Source values each flow of a pair has no mapping for yet',
        description:
          'Reads both sides live (it costs API calls, hence operator): per flow the source values (VAT codes, ' +
          'countries, …) without a mapping, each with a suggestion where one fits; `informational` ones are ' +
          'listed for review and do not make `ok` false. The same answer as `koppel check <pair> --json`.',
        tags: ['checks'],
        params: idParams,
        response: responses({ 200: checkAnswer }),
      },
    },
    async (req, reply) => {
      const missing = () => notFound('pair', req.params.id, 'pair.not_found');
      if (!(await getPair(ctx.app.store.db, req.params.id))) throw missing();
      assertPairInScope(req, req.params.id, missing);
      const results = await checkPairMappings(ctx.app.engine, req.params.id, clientSignal(reply));
      return scrubbed(ctx.app.secrets, checkReport(req.params.id, results));
    },
  );
};
