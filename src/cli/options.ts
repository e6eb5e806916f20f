import type { Kysely } from 'kysely';
import { KoppelError } from '../core/errors.js';
import type { Database } from '../store/schema.js';
import { getFlow } from '../store/repos/flows.js';
import { getPair } from '../store/repos/pairs.js';

/**
 * A whole-number option, checked before it reaches the store: a database given "abc" answers with
 * its own words ("datatype mismatch"), which name neither the option nor what it takes.
 */
export function wholeOption(option: string, text: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new KoppelError(
      `${option} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `of ${min} or more` : `from ${min} to ${max}`}, not "${text}"`,
      { code: 'cli.bad_option', kind: 'invalid' },
    );
  return n;
}

/**
 * A flow named on the command line that is not there is an error (not_found, exit 3), not an empty
 * list: a typo would otherwise look like a flow with nothing in it.
 */
export async function requireFlowId(db: Kysely<Database>, flowId: string, option = ''): Promise<void> {
  if (!(await getFlow(db, flowId)))
    throw new KoppelError(`${option ? `${option}: ` : ''}no flow "${flowId}" (see \`koppel flows\`)`, {
      code: 'flow.not_found',
      kind: 'not_found',
    });
}

/** As requireFlowId, for a pair. */
export async function requirePairId(db: Kysely<Database>, pairId: string, option = ''): Promise<void> {
  if (!(await getPair(db, pairId)))
    throw new KoppelError(`${option ? `${option}: ` : ''}no pair "${pairId}" (see \`koppel pairs\`)`, {
      code: 'pair.not_found',
      kind: 'not_found',
    });
}
