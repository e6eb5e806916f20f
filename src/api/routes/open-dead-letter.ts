import type { FastifyRequest } from 'fastify';
import { KoppelError } from '../../core/errors.js';
import { listDeadLetterViews, type DeadLetterView } from '../../engine/dead-letter-view.js';
import { notFound, pairScopeOf, type ApiContext } from '../route-kit.js';

/**
 * The open dead letter `id` as the caller may see it, for a route that acts on it: 404 when it is
 * unknown or outside the caller's pairs (the same answer, so a scoped caller learns nothing), 409
 * when a person or a replay has settled it already.
 */
export async function openDeadLetter(
  ctx: ApiContext,
  req: FastifyRequest,
  id: string,
  action: 'replay' | 'dismiss',
): Promise<DeadLetterView> {
  const [letter] = await listDeadLetterViews(ctx.app.engine, { ids: [id], pairIds: pairScopeOf(req) });
  if (!letter) throw notFound('dead letter', id, 'dead_letter.not_found');
  if (letter.state !== 'open')
    throw new KoppelError(
      `Dead letter ${letter.id} is ${letter.state}, not open: there is nothing to ${action}`,
      {
        code: 'dead_letter.not_open',
        kind: 'conflict',
        details: { state: letter.state },
      },
    );
  return letter;
}
