import { z } from 'zod';
import { KoppelError } from '../../core/errors.js';
import { reconcileCsv } from '../../engine/reconcile-csv.js';
import { flowReconcileReports, reconcileReportDetail } from '../../engine/reconcile-report-view.js';
import { beforeQuery, page } from '../activity-schemas.js';
import { scrubbed } from '../request-work.js';
import { assertPairInScope, notFound, responses, type ApiRoute } from '../route-kit.js';
import { idParams, limitQuery } from '../schemas.js';
import { scopedFlow } from '../scoped-flow.js';
import { reconcileAnswer } from './reconcile-flow.js';

const summaryBody = z
  .object({
    id: z.string(),
    flowId: z.string(),
    pairId: z.string(),
    trigger: z.string().describe('`schedule` (the daily job), `cli` or `api`'),
    period: z.object({ from: z.string(), to: z.string() }),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    outcome: z.enum(['running', 'failed', 'agree', 'differ']),
    documents: z.number().int().describe('Documents compared: both sides, each once'),
    differences: z.number().int(),
    calls: z.number().int().describe('API calls it took, both sides'),
    error: z.string().nullable().describe('Why it failed'),
  })
  .meta({ id: 'ReconcileReportSummary' });

const detailBody = summaryBody
  .extend({ report: reconcileAnswer.nullable().describe('Null while it runs or when it failed') })
  .meta({ id: 'ReconcileReport' });

/** Stored reconciliations (every `koppel reconcile`, API call and daily job), to come back to. */
export const reconcileReportsRoute: ApiRoute = (server, ctx) => {
  const { db } = ctx.app.store;

  server.get(
    '/api/flows/:id/reconcile-reports',
    {
      config: { access: 'viewer' },
      schema: {
        summary: "List a flow's stored reconciliations",
        description:
          'Newest first: who started it (the daily job, the CLI, the API), the period, whether the books ' +
          'agreed and how many documents differ. Page with `before`.',
        tags: ['checks'],
        params: idParams,
        querystring: z.object({ limit: limitQuery(20, 200), before: beforeQuery }),
        response: responses({ 200: page(summaryBody) }),
      },
    },
    async (req) => {
      const flow = await scopedFlow(ctx, req, req.params.id);
      return flowReconcileReports(db, flow.id, { limit: req.query.limit, before: req.query.before });
    },
  );

  server.get(
    '/api/reconcile-reports/:id',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Show a stored reconciliation',
        description:
          'The report as `POST /api/flows/{id}/reconcile` answered it, with when and by whom it was made. ' +
          '`?format=csv` answers its CSV (409 when it has no report: still running, or failed).',
        tags: ['checks'],
        params: idParams,
        querystring: z.object({ format: z.enum(['json', 'csv']).default('json') }),
        response: responses({ 200: detailBody }),
      },
    },
    async (req, reply) => {
      const missing = () => notFound('reconcile report', req.params.id, 'reconcile.report_not_found');
      const detail = await reconcileReportDetail(db, req.params.id);
      if (!detail) throw missing();
      assertPairInScope(req, detail.pairId, missing);
      if (req.query.format === 'csv') {
        if (!detail.report)
          throw new KoppelError(`Reconcile report ${detail.id} has no report: it is ${detail.outcome}`, {
            code: 'reconcile.report_unfinished',
            kind: 'conflict',
          });
        // A string with its own content type is sent as it is, not through the JSON schema.
        const csv = ctx.app.secrets.scrub(reconcileCsv(detail.report));
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${detail.id}.csv"`)
          .send(csv as never);
      }
      return scrubbed(ctx.app.secrets, detail);
    },
  );
};
