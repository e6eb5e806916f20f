import { KoppelError } from '../../core/errors.js';
import { getFlow } from '../../store/repos/flows.js';
import { enqueueFlowRun } from '../../engine/enqueue-run.js';
import type { ApiRoute } from '../server.js';

/** Start a run of a flow now (it waits for a run of the same flow that is still going). */
export const runFlowRoute: ApiRoute = (app, ctx) => {
  app.post<{ Params: { id: string } }>('/api/flows/:id/runs', async (req, reply) => {
    const flow = await getFlow(ctx.app.store.db, req.params.id);
    if (!flow)
      throw new KoppelError(`No flow "${req.params.id}"`, { code: 'flow.not_found', kind: 'not_found' });
    const job = await enqueueFlowRun(ctx.queue, flow.id, 'manual', flow.priority);
    return reply.status(202).send({ jobId: job.id, deduped: job.deduped });
  });
};
