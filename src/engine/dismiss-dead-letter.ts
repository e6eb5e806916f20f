import { KoppelError } from '../core/errors.js';
import type { EngineDeps } from './deps.js';
import { moveDeadLetter } from './transitions.js';

/**
 * A person decided an open dead letter needs nothing more (fixed by hand in the target, or not
 * wanted there): it is resolved, so automatic retries leave it and retention may purge it (and its
 * record's payload) like any settled one. One being replayed right now cannot be dismissed.
 */
export async function dismissDeadLetter(
  deps: Pick<EngineDeps, 'store' | 'clock'>,
  id: string,
): Promise<void> {
  const done = await moveDeadLetter(deps.store.db, id, 'open', 'resolved', deps.clock.now().toISOString());
  if (!done)
    throw new KoppelError(`Dead letter ${id} is not open: there is nothing to dismiss`, {
      code: 'dead_letter.not_open',
      kind: 'conflict',
    });
}
