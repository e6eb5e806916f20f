import type { FastifyRequest } from 'fastify';
import { KoppelError } from '../core/errors.js';
import { getFlow, type Flow } from '../store/repos/flows.js';
import { assertPairInScope, notFound, principalOf, type ApiContext } from './route-kit.js';

/** The flow named in the path; unknown, or outside the caller's pairs, is the same 404. */
export async function scopedFlow(ctx: ApiContext, req: FastifyRequest, flowId: string): Promise<Flow> {
  const missing = () => notFound('flow', flowId, 'flow.not_found');
  const flow = await getFlow(ctx.app.store.db, flowId);
  if (!flow) throw missing();
  assertPairInScope(req, flow.pairId, missing);
  return flow;
}

/**
 * Installation-wide things (settings, the workspace file) belong to no pair: only a principal
 * without a pair scope may use them. 403, not 404: the route exists for everyone.
 */
export function assertUnscoped(req: FastifyRequest): void {
  const principal = principalOf(req);
  if (principal.pairScope !== null)
    throw new KoppelError(`This concerns the whole installation; ${principal.name} may only use some pairs`, {
      code: 'auth.scoped',
      kind: 'forbidden',
    });
}
