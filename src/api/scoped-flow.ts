import type { FastifyRequest } from 'fastify';
import { getFlow, type Flow } from '../store/repos/flows.js';
import { assertPairInScope, notFound, type ApiContext } from './route-kit.js';

/** The flow named in the path; unknown, or outside the caller's pairs, is the same 404. */
export async function scopedFlow(ctx: ApiContext, req: FastifyRequest, flowId: string): Promise<Flow> {
  const missing = () => notFound('flow', flowId, 'flow.not_found');
  const flow = await getFlow(ctx.app.store.db, flowId);
  if (!flow) throw missing();
  assertPairInScope(req, flow.pairId, missing);
  return flow;
}
