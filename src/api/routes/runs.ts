import { z } from 'zod';
import { cancelRun } from '../../engine/cancel-run.js';
import { runTriggers } from '../../engine/run-flow.js';
import { listRunSummaries, runDetail } from '../../engine/run-report.js';
import { runStates } from '../../engine/transitions.js';
import { getRun } from '../../store/repos/runs.js';
import { beforeQuery, cancelBody, page, runBody, runSummaryBody } from '../activity-schemas.js';
import { assertPairInScope, audit, notFound, pairScopeOf, responses, type ApiRoute } from '../route-kit.js';
import { idParams, limitQuery } from '../schemas.js';

/** Runs: list, show, cancel (a run is started with `POST /api/flows/{id}/runs`). */
export const runsRoute: ApiRoute = (server, ctx) => {
  const { db } = ctx.app.store;
  const missing = (id: string) => () => notFound('run', id, 'run.not_found');

  server.get(
    '/api/runs',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'List runs',
        description: 'Newest first, only of pairs the caller may see; page with `before`.',
        tags: ['runs'],
        querystring: z.object({
          flow: z.string().min(1).optional().describe('Only runs of this flow'),
          pair: z.string().min(1).optional().describe('Only runs of this pair'),
          state: z.enum(runStates).optional(),
          trigger: z.enum(runTriggers).optional(),
          limit: limitQuery(20, 200),
          before: beforeQuery,
        }),
        response: responses({ 200: page(runSummaryBody) }),
      },
    },
    (req) =>
      listRunSummaries(db, {
        flowId: req.query.flow,
        pairId: req.query.pair,
        pairIds: pairScopeOf(req),
        state: req.query.state,
        trigger: req.query.trigger,
        limit: req.query.limit,
        before: req.query.before,
      }),
  );

  server.get(
    '/api/runs/:id',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Show a run',
        description:
          'Counts, duration, API calls per connection, error, trigger, its job, its records by state and the first failures, named as people know them.',
        tags: ['runs'],
        params: idParams,
        response: responses({ 200: runBody }),
      },
    },
    async (req) => {
      const run = await runDetail(db, ctx.queue, req.params.id);
      if (!run) throw missing(req.params.id)();
      assertPairInScope(req, run.pairId, missing(req.params.id));
      return run;
    },
  );

  server.post(
    '/api/runs/:id/cancel',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Cancel a run',
        description:
          'The run stops at its next heartbeat (within seconds) and ends `cancelled`, keeping what it stored: pages it finished and their cursor, and the records of the page under way that were done; the next run goes on from there. Its job is never retried. 409 when the run has ended.',
        tags: ['runs'],
        params: idParams,
        response: responses({ 202: cancelBody }),
      },
    },
    async (req, reply) => {
      const run = await getRun(db, req.params.id);
      if (!run) throw missing(req.params.id)();
      assertPairInScope(req, run.pair_id, missing(req.params.id));
      const result = await cancelRun(db, ctx.queue, ctx.app.clock, run.id);
      await audit(ctx, req, {
        action: 'run.cancel',
        target: { kind: 'run', id: run.id },
        pairId: run.pair_id,
        details: { flowId: run.flow_id, jobId: result.jobId, outcome: result.outcome },
      });
      return reply.status(202).send(result);
    },
  );
};
