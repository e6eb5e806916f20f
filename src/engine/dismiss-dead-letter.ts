import { KoppelError } from '../core/errors.js';
import { setDeadLetterState } from '../store/repos/dead-letters.js';
import type { EngineDeps } from './deps.js';
import { assertTransition, deadLetterTransitions } from './transitions.js';

/**
 * A person decided an open dead letter needs nothing more (fixed by hand in the target, or not
 * wanted there): it is resolved, so automatic retries leave it and retention may purge it (and its
 * record's payload) like any settled one. One being replayed right now cannot be dismissed.
 */
export async function dismissDeadLetter(
  deps: Pick<EngineDeps, 'store' | 'clock'>,
  id: string,
): Promise<void> {
  assertTransition('dead letter', deadLetterTransitions, 'open', 'resolved');
  const done = await setDeadLetterState(deps.store.db, id, 'open', {
    state: 'resolved',
    updated_at: deps.clock.now().toISOString(),
  });
  if (!done)
    throw new KoppelError(`Dead letter ${id} is not open: there is nothing to dismiss`, {
      code: 'dead_letter.not_open',
      kind: 'conflict',
    });
}
