import type { Clock } from '../../core/clock.js';
import { KoppelError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Store } from '../../store/database.js';
import { defaultMaxAttempts, defaultPriority, type EnqueueResult, type EnqueueSpec } from '../port.js';
import { isLive } from './live-states.js';

/**
 * Insert a job, or find the live job holding its dedupe key. The partial unique index decides the
 * race between concurrent enqueuers: the loser's insert does nothing and it reads the winner's id.
 * If that job finished in the instant between the two statements, the insert is simply tried again.
 * With `dedupeWhile: 'queued'` a running holder gives its key up (as a cancelled one does) and the
 * insert is tried again; of concurrent enqueuers one inserts and the others join its queued job.
 */
export async function enqueueJob(store: Store, clock: Clock, spec: EnqueueSpec): Promise<EnqueueResult> {
  for (let round = 0; round < 5; round++) {
    const now = clock.now();
    const iso = now.toISOString();
    const inserted = await store.db
      .insertInto('jobs')
      .values({
        id: newId('job', now),
        queue: spec.queue,
        name: spec.name,
        payload: JSON.stringify(spec.payload ?? {}),
        dedupe_key: spec.dedupeKey ?? null,
        lock_key: spec.lockKey ?? null,
        state: 'queued',
        priority: spec.priority ?? defaultPriority,
        run_at: (spec.runAt ?? now).toISOString(),
        attempts: 0,
        max_attempts: spec.maxAttempts ?? defaultMaxAttempts,
        locked_by: null,
        locked_until: null,
        last_error: null,
        created_at: iso,
        updated_at: iso,
        finished_at: null,
      })
      .onConflict((oc) => oc.column('dedupe_key').where(isLive).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { id: inserted.id, deduped: false };
    // Only the dedupe index can make the insert do nothing, so a dedupe key is set here.
    const live = await store.db
      .selectFrom('jobs')
      .select(['id', 'state'])
      .where('dedupe_key', '=', spec.dedupeKey ?? '')
      .where(isLive)
      .executeTakeFirst();
    if (live && live.state === 'running' && spec.dedupeWhile === 'queued') {
      // Guarded by state and key: a holder that ended or was requeued meanwhile is left as it is.
      await store.db
        .updateTable('jobs')
        .set({ dedupe_key: null, updated_at: iso })
        .where('id', '=', live.id)
        .where('state', '=', 'running')
        .where('dedupe_key', '=', spec.dedupeKey ?? '')
        .execute();
      continue;
    }
    if (live) return { id: live.id, deduped: true };
  }
  throw new KoppelError(`Could not enqueue job ${spec.name}: dedupe key ${spec.dedupeKey} keeps changing`, {
    code: 'queue.enqueue_contended',
    kind: 'transient',
  });
}
