import type { Kysely, Updateable } from 'kysely';
import { KoppelError } from '../core/errors.js';
import { setDeadLetterState } from '../store/repos/dead-letters.js';
import { updateRun, type RunRow } from '../store/repos/runs.js';
import type { Database, DeadLetterTable } from '../store/schema.js';

/**
 * The only ways runs, records and dead letters may change state. Anything else is a bug, and is
 * refused loudly rather than written.
 */
/**
 * `yielded`: the run stopped to give its worker up while its API budget refills (a backfill whose
 * next call would have waited long); what it stored stays, and the next run of the flow continues
 * from the cursor. Neither a success nor a failure: the backfill goes on.
 */
export const runStates = [
  'queued',
  'running',
  'succeeded',
  'partial',
  'failed',
  'cancelled',
  'yielded',
] as const;
export type RunState = (typeof runStates)[number];

export const runTransitions: Record<RunState, readonly RunState[]> = {
  queued: ['running', 'cancelled'],
  running: ['succeeded', 'partial', 'failed', 'cancelled', 'yielded'],
  succeeded: [],
  partial: [],
  failed: [],
  cancelled: [],
  yielded: [],
};

/**
 * received → skipped (filtered out) | mapped | failed
 * mapped → unchanged (same content hash as the link) | writing | failed
 * writing → created | updated | skipped (the target writer chose not to write, and said why) | failed
 * failed → dead_lettered
 */
export const recordStates = [
  'received',
  'skipped',
  'mapped',
  'unchanged',
  'writing',
  'created',
  'updated',
  'failed',
  'dead_lettered',
] as const;
export type RecordState = (typeof recordStates)[number];

export const recordTransitions: Record<RecordState, readonly RecordState[]> = {
  received: ['skipped', 'mapped', 'failed'],
  mapped: ['unchanged', 'writing', 'failed'],
  writing: ['created', 'updated', 'skipped', 'failed'],
  failed: ['dead_lettered'],
  skipped: [],
  unchanged: [],
  created: [],
  updated: [],
  dead_lettered: [],
};

/** open → replaying → resolved | open (failed again) */
export const deadLetterStates = ['open', 'replaying', 'resolved'] as const;
export type DeadLetterState = (typeof deadLetterStates)[number];

export const deadLetterTransitions: Record<DeadLetterState, readonly DeadLetterState[]> = {
  open: ['replaying', 'resolved'],
  replaying: ['resolved', 'open'],
  resolved: [],
};

/** pending (before the create call) → confirmed (target id known) | abandoned (not in the target) */
export const writeAheadStates = ['pending', 'confirmed', 'abandoned'] as const;
export type WriteAheadState = (typeof writeAheadStates)[number];

export const writeAheadTransitions: Record<WriteAheadState, readonly WriteAheadState[]> = {
  pending: ['confirmed', 'abandoned'],
  confirmed: [],
  abandoned: [],
};

export function assertTransition<S extends string>(
  what: string,
  table: Record<S, readonly S[]>,
  from: S,
  to: S,
): void {
  if (!table[from].includes(to)) {
    throw new KoppelError(`A ${what} cannot go from ${from} to ${to}`, {
      code: 'engine.illegal_transition',
      kind: 'internal',
      details: { what, from, to },
    });
  }
}

/**
 * Moves a dead letter from `from` to `to` by compare-and-set: written only if the row still is
 * `from`. Answers whether it moved; false means another process (a dismiss, a replay) moved it
 * first, and the caller must say so rather than act as if it had moved.
 */
export async function moveDeadLetter(
  db: Kysely<Database>,
  id: string,
  from: DeadLetterState,
  to: DeadLetterState,
  at: string,
  fields: Omit<Updateable<DeadLetterTable>, 'id' | 'state' | 'updated_at'> = {},
): Promise<boolean> {
  assertTransition('dead letter', deadLetterTransitions, from, to);
  return setDeadLetterState(db, id, from, { ...fields, state: to, updated_at: at });
}

/** `moveDeadLetter` for runs: written only if the run still is `from`; whether it moved. */
export async function moveRun(
  db: Kysely<Database>,
  id: string,
  from: RunState,
  to: RunState,
  fields: Partial<Omit<RunRow, 'id' | 'state'>> = {},
): Promise<boolean> {
  assertTransition('run', runTransitions, from, to);
  return updateRun(db, id, { ...fields, state: to }, from);
}
