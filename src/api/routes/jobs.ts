import type { FastifyRequest } from 'fastify';
import { KoppelError } from '../../core/errors.js';
import { jobView, type JobView } from '../../engine/job-view.js';
import { cancelBody, jobBody } from '../activity-schemas.js';
import {
  assertPairInScope,
  audit,
  notFound,
  principalOf,
  responses,
  type ApiContext,
  type ApiRoute,
} from '../route-kit.js';
import { idParams } from '../schemas.js';

/** A job the caller may see: one of its pairs, or an installation-wide one for the unscoped. */
async function visibleJob(ctx: ApiContext, req: FastifyRequest, id: string): Promise<JobView> {
  const missing = () => notFound('job', id, 'job.not_found');
  const job = await jobView(ctx.app.store.db, ctx.queue, id);
  if (!job) throw missing();
  if (job.pairId === null) {
    if (principalOf(req).pairScope !== null) throw missing();
  } else assertPairInScope(req, job.pairId, missing);
  return job;
}

/** Jobs: the queue's units of work behind runs, replays and the purge. */
export const jobsRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/api/jobs/:id',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Show a job',
        description: 'Its state, attempts, last error, cancel request and the runs it made.',
        tags: ['runs'],
        params: idParams,
        response: responses({ 200: jobBody }),
      },
    },
    (req) => visibleJob(ctx, req, req.params.id),
  );

  server.post(
    '/api/jobs/:id/cancel',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Cancel a job',
        description:
          'A waiting job is cancelled at once and never runs; a running one stops at its next heartbeat (its run ends `cancelled`, keeping what it stored). Never retried. 409 when the job has ended.',
        tags: ['runs'],
        params: idParams,
        response: responses({ 202: cancelBody }),
      },
    },
    async (req, reply) => {
      const job = await visibleJob(ctx, req, req.params.id);
      const outcome = await ctx.queue.cancel(job.id);
      if (outcome === null) throw notFound('job', job.id, 'job.not_found');
      if (outcome === 'finished') {
        const state = (await ctx.queue.get(job.id))?.state ?? job.state;
        throw new KoppelError(`Job ${job.id} has already ended (${state})`, {
          code: 'job.finished',
          kind: 'conflict',
          details: { state },
        });
      }
      await audit(ctx, req, {
        action: 'job.cancel',
        target: { kind: 'job', id: job.id },
        pairId: job.pairId,
        details: { name: job.name, flowId: job.flowId, outcome },
      });
      return reply.status(202).send({ jobId: job.id, outcome });
    },
  );
};
