import { diffFields } from '../core/json.js';
import { toKoppelError, type KoppelError } from '../core/errors.js';
import { withLogFields } from '../core/logging.js';
import { forEachLimited } from './concurrency.js';
import type { EngineDeps } from './deps.js';
import type { FlowSetup } from './flow-setup.js';
import { endsRun } from './prepare-items.js';
import { withRetry } from './retry-policy.js';
import type { WriteResult } from './types.js';
import { WriteAheadAnnouncer } from './write-ahead-announcer.js';
import { fail, moveTo, note, recordLogFields, type WorkItem } from './work-item.js';

/** Consecutive records that exhaust their retries on transient errors before the run stops. */
const circuitBreakerThreshold = 3;

/**
 * Writes the items that need a create or an update. Creates are announced by a durable
 * write-ahead row first, a small chunk at a time as the writers reach them (write-ahead-announcer);
 * an uncertain create is looked up by its natural key before any retry. Returns an error that must
 * end the run, if any.
 */
export async function writeItems(
  deps: EngineDeps,
  setup: FlowSetup,
  items: WorkItem[],
): Promise<KoppelError | undefined> {
  const now = () => deps.clock.now().toISOString();
  const todo = items.filter((i) => i.state === 'mapped' && i.operation);
  const announcer = new WriteAheadAnnouncer(
    deps,
    setup,
    todo.filter((i) => i.operation === 'create'),
  );
  /** A write-ahead insert that failed: nothing more is sent, and the batch fails with it. */
  let unannounced: unknown;

  let abort: KoppelError | undefined;
  let consecutiveTransient = 0;
  const { target } = setup.runtime;
  const { signal } = setup;

  // Not noisy at the usual level; with debug on, a slow record shows why.
  const onRetry = (error: KoppelError, attempt: number, waitMs: number) =>
    deps.logger.debug(
      { attempt, errorCode: error.code, kind: error.kind, waitMs },
      'Write failed; trying again',
    );

  await forEachLimited(
    todo,
    deps.writeConcurrency,
    // Every line logged while this record is written names it, the connector's retries included.
    (item) =>
      withLogFields(recordLogFields(item), async () => {
        if (item.operation === 'create') {
          try {
            await announcer.ready(item);
          } catch (e) {
            unannounced ??= e;
            return;
          }
        }
        moveTo(item, 'writing', now(), item.operation);
        try {
          let result: WriteResult;
          if (item.operation === 'create') {
            result = await withRetry(
              () => target.create(item.payload!, item.naturalKey!),
              deps.clock,
              deps.retry,
              {
                signal,
                onAttempt: (n) => (item.attempts = n),
                onRetry,
                // The failed attempt may have created the record after all: look before trying again.
                beforeRetry: async (error) => {
                  if (error.kind !== 'transient') return undefined;
                  const found = await target.findByNaturalKey(item.naturalKey!);
                  if (!found) return undefined;
                  note(item, 'found-after-uncertain-create', now(), found.targetId);
                  return { targetId: found.targetId, response: found.record };
                },
              },
            );
          } else {
            const targetId = item.link!.target_id;
            const before = target.get
              ? await withRetry(() => target.get!(targetId), deps.clock, deps.retry, { signal })
              : undefined;
            result = await withRetry(
              () => target.update(targetId, item.projection!),
              deps.clock,
              deps.retry,
              {
                signal,
                onAttempt: (n) => (item.attempts = n),
                onRetry,
              },
            );
            item.diff = diffFields(before, item.projection);
          }
          consecutiveTransient = 0;
          item.targetId = result.targetId;
          if (item.operation === 'create') announcer.answered(item, result.targetId);
          if (result.request) {
            item.request = result.request;
            note(item, 'requested', now(), `${result.request.method} ${result.request.url}`);
          }
          item.response = result.response;
          // A write the target was not asked for (skipped, nothing that differs) has no answer to show.
          if (result.request || result.response !== undefined)
            note(
              item,
              'responded',
              now(),
              result.request?.status === undefined ? undefined : String(result.request.status),
            );
          if (result.skipped !== undefined && item.operation === 'update')
            moveTo(item, 'skipped', now(), result.skipped);
          else moveTo(item, item.operation === 'create' ? 'created' : 'updated', now(), result.targetId);
        } catch (e) {
          if (signal.aborted) {
            // Stopped mid-write: the record is left unfinished (not stored, the cursor stays before
            // its page); a create that may have gone out keeps its write-ahead row for recovery.
            if (item.operation === 'create') item.outcomeUnknown = true;
            abort ??= toKoppelError(signal.reason);
            return;
          }
          const error = toKoppelError(e);
          // A create that failed with a transient error may exist in the target: recovery settles it.
          if (item.operation === 'create' && (error.kind === 'transient' || endsRun(error, deps)))
            item.outcomeUnknown = true;
          fail(item, error, now());
          if (endsRun(error, deps)) abort ??= error;
          else if (error.kind === 'transient' && ++consecutiveTransient >= circuitBreakerThreshold)
            abort ??= error;
        }
      }),
    () => abort !== undefined || unannounced !== undefined || signal.aborted,
  );
  if (unannounced !== undefined) throw unannounced;
  return abort ?? (signal.aborted ? toKoppelError(signal.reason) : undefined);
}
