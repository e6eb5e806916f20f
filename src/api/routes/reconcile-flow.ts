import { z } from 'zod';
import { reconcileCsv } from '../../engine/reconcile-csv.js';
import { reconcileFlow } from '../../engine/reconcile-flow.js';
import { clientSignal, scrubbed } from '../request-work.js';
import { responses, type ApiRoute } from '../route-kit.js';
import { idParams } from '../schemas.js';
import { scopedFlow } from '../scoped-flow.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day, YYYY-MM-DD');
const cents = z.number().int();
const totals = z.object({
  count: z.number().int(),
  netCents: cents,
  vatCents: z.record(z.string(), cents).describe('VAT per rate (percentage), in cents'),
  grossCents: cents,
});

export const reconcileAnswer = z
  .object({
    reportId: z.string().describe('The stored report: `GET /api/reconcile-reports/{id}`'),
    flowId: z.string(),
    period: z.object({ from: z.string(), to: z.string() }),
    agree: z.boolean().describe('No document missing, extra or different'),
    totals: z.object({ source: totals, target: totals }),
    days: z.array(z.object({ date: z.string(), source: totals, target: totals })),
    differences: z.array(
      z.object({
        kind: z.enum(['missing', 'extra', 'different']),
        sourceId: z.string(),
        date: z.string(),
        label: z.string(),
        fields: z.array(z.enum(['net', 'vat', 'gross'])),
        source: totals.nullable(),
        target: totals.extend({ id: z.string() }).nullable(),
        record: z
          .object({
            id: z.string(),
            state: z.string(),
            targetId: z.string().nullable(),
            error: z.object({ code: z.string(), message: z.string() }).nullable(),
          })
          .nullable(),
      }),
    ),
    apiCalls: z.object({ source: z.number().int(), target: z.number().int() }),
  })
  .meta({ id: 'Reconciliation' });

/** `koppel reconcile <flow> --format json` over HTTP; `Accept: text/csv` gives the CSV. */
export const reconcileFlowRoute: ApiRoute = (server, ctx) => {
  server.post(
    '/api/flows/:id/reconcile',
    {
      config: { access: 'operator' },
      schema: {
        summary: "Whether the books agree for a period: the flow's documents on both sides, compared",
        description:
          'Totals per day (count, net, VAT per rate, gross) on both sides and every document missing in the ' +
          'target, extra there, or different to the cent, with the Koppel record that explains it. Reads ' +
          'both sides (it costs API calls, hence operator) and writes nothing to them; the report is stored ' +
          '(`GET /api/reconcile-reports/{id}`). Default period: last month. ' +
          'The same report as `koppel reconcile <flow> --format json`; `Accept: text/csv` answers its CSV.',
        tags: ['checks'],
        params: idParams,
        body: z.object({ from: day.optional(), to: day.optional() }).nullish(),
        response: responses({ 200: reconcileAnswer }),
      },
    },
    async (req, reply) => {
      const flow = await scopedFlow(ctx, req, req.params.id);
      const report = await reconcileFlow(ctx.app.engine, {
        flowId: flow.id,
        trigger: 'api',
        from: req.body?.from,
        to: req.body?.to,
        signal: clientSignal(reply),
      });
      if ((req.headers.accept ?? '').includes('text/csv')) {
        // A string with its own content type is sent as it is, not through the JSON schema.
        const csv = ctx.app.secrets.scrub(reconcileCsv(report));
        return reply.type('text/csv; charset=utf-8').send(csv as never);
      }
      return scrubbed(ctx.app.secrets, report);
    },
  );
};
