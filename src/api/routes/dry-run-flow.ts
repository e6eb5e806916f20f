import { z } from 'zod';
import { dryRunDecisions, dryRunFlow, dryRunReport } from '../../engine/dry-run-flow.js';
import { clientSignal, scrubbed } from '../request-work.js';
import { responses, type ApiRoute } from '../route-kit.js';
import { idParams } from '../schemas.js';
import { scopedFlow } from '../scoped-flow.js';

/** A first sync can be large; an HTTP answer should not wait for all of it. */
const defaultMaxRecords = 500;

const fieldChange = z.object({ path: z.string(), before: z.unknown(), after: z.unknown() });

const dryRunAnswer = z
  .object({
    dryRun: z.literal(true),
    flowId: z.string(),
    cursor: z.string().nullable().describe('Where the read started; null: from the beginning'),
    records: z.array(
      z.object({
        sourceId: z.string(),
        label: z.string().optional().describe('How people know the record, where the flow says'),
        decision: z.enum(dryRunDecisions),
        reason: z.string(),
        targetId: z.string().optional(),
        changes: z
          .array(fieldChange)
          .describe('Update: the fields that differ from the target record now; create: every field sent'),
        error: z.object({ code: z.string(), kind: z.string(), message: z.string() }).optional(),
      }),
    ),
    counts: z.object({
      read: z.number().int(),
      create: z.number().int(),
      update: z.number().int(),
      unchanged: z.number().int(),
      skip: z.number().int(),
      fail: z.number().int(),
    }),
    apiCalls: z.record(z.string(), z.number()).describe('Calls per connection (reads only)'),
    truncated: z.boolean().describe('Reading stopped at maxRecords; a real run reads on'),
    stoppedBy: z
      .object({ code: z.string(), kind: z.string(), message: z.string() })
      .nullable()
      .describe('An error that would end a real run here (authorization lost, the source down, …)'),
  })
  .meta({ id: 'DryRun' });

/** `koppel sync <flow> --dry-run --json` over HTTP. */
export const dryRunFlowRoute: ApiRoute = (server, ctx) => {
  server.post(
    '/api/flows/:id/dry-run',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'What a run of the flow would do now, writing nothing',
        description:
          'Per record create, update, unchanged, skip or fail, with the field diff against the target record; ' +
          'reads both sides (it costs API calls, hence operator) and writes nothing: no run, no records, no ' +
          `cursor. Stops after about \`maxRecords\` records (default ${defaultMaxRecords}). ` +
          'The same report as `koppel sync <flow> --dry-run --json`.',
        tags: ['checks'],
        params: idParams,
        body: z
          .object({
            maxRecords: z
              .number()
              .int()
              .min(1)
              .max(100_000)
              .default(defaultMaxRecords)
              .describe(
                `Stop reading after the page that reaches this many records (default ${defaultMaxRecords})`,
              ),
          })
          .nullish(),
        response: responses({ 200: dryRunAnswer }),
      },
    },
    async (req, reply) => {
      const flow = await scopedFlow(ctx, req, req.params.id);
      const result = await dryRunFlow(ctx.app.engine, {
        flowId: flow.id,
        maxRecords: req.body?.maxRecords ?? defaultMaxRecords,
        signal: clientSignal(reply),
      });
      return scrubbed(ctx.app.secrets, dryRunReport(result));
    },
  );
};
