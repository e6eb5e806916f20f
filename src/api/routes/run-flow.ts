import { getFlow } from '../../store/repos/flows.js';
import { enqueueFlowRun } from '../../engine/enqueue-run.js';
import { assertPairInScope, audit, notFound, responses, type ApiRoute } from '../route-kit.js';
import { idParams, queuedJob } from '../schemas.js';

/** Start a run of a flow now (it waits for a run of the same flow that is still going). */
export const runFlowRoute: ApiRoute = (server, ctx) => {
  server.post(
    '/api/flows/:id/runs',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Start a run of a flow now',
        description:
          'Queues a run; it waits while a run of the same flow is still going, and a request while one waits joins it (`deduped`).',
        tags: ['runs'],
        params: idParams,
        response: responses({ 202: queuedJob }),
      },
    },
    async (req, reply) => {
      const missing = () => notFound('flow', req.params.id, 'flow.not_found');
      const flow = await getFlow(ctx.app.store.db, req.params.id);
      if (!flow) throw missing();
      assertPairInScope(req, flow.pairId, missing);
      const job = await enqueueFlowRun(ctx.app.store.db, ctx.queue, flow.id, 'manual', flow.priority);
      await audit(ctx, req, {
        action: 'run.start',
        target: { kind: 'flow', id: flow.id },
        pairId: flow.pairId,
      });
      return reply.status(202).send({ jobId: job.id, deduped: job.deduped });
    },
  );
};
