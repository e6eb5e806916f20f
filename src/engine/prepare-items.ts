import { KoppelError, toKoppelError } from '../core/errors.js';
import { contentHash } from '../core/json.js';
import { withLogFields } from '../core/logging.js';
import { isBudgetYield } from '../connectors/kit/budget-yield.js';
import { mappingFailure } from '../mapping/index.js';
import { findLinks } from '../store/repos/links.js';
import { forEachLimited } from './concurrency.js';
import type { EngineDeps } from './deps.js';
import type { FlowSetup } from './flow-setup.js';
import { withoutPaths } from './projection.js';
import { withRetry } from './retry-policy.js';
import type { TargetPayload } from './types.js';
import { fail, moveTo, note, recordLogFields, type WorkItem } from './work-item.js';

/**
 * filter → map → resolve → compare with the link. Leaves each item skipped, failed, unchanged or
 * mapped with an operation chosen. Returns an error that must end the run (auth lost, or a rate
 * limit too long to wait out), if any.
 */
export async function prepareItems(
  deps: EngineDeps,
  setup: FlowSetup,
  items: WorkItem[],
): Promise<KoppelError | undefined> {
  const now = () => deps.clock.now().toISOString();
  const { runtime } = setup;
  let abort: KoppelError | undefined;

  // Mapping is CPU work (and its expressions' time limit is wall-clock), so records map one at a
  // time; resolving references is I/O, so that runs with the write concurrency.
  const resolving: Array<{ item: WorkItem; payload: TargetPayload }> = [];
  for (const item of items) {
    if (item.state !== 'received') continue;
    const decision = runtime.filter?.(item.record) ?? { send: true };
    if (!decision.send) {
      moveTo(item, 'skipped', now(), decision.reason);
      continue;
    }
    const mapped = await setup.mapping.apply(item.record);
    if (mapped.errors.length > 0)
      fail(item, mappingFailure(mapped.errors, item.sourceId, runtime.describe?.(item.record)), now());
    else resolving.push({ item, payload: mapped.output });
  }

  await forEachLimited(
    resolving,
    deps.writeConcurrency,
    // Lines logged while one record's references are looked up name that record.
    ({ item, payload }) =>
      withLogFields(recordLogFields(item), async () => {
        if (runtime.resolve) {
          try {
            // Notes of the attempt that succeeded only: a retried attempt starts over.
            let notes: Array<[string, string]> = [];
            payload = await withRetry(
              () => {
                notes = [];
                return runtime.resolve!(payload, item.record, (step, detail) => notes.push([step, detail]));
              },
              deps.clock,
              deps.retry,
              { signal: setup.signal },
            );
            for (const [step, detail] of notes) note(item, step, now(), detail);
            note(item, 'resolved', now());
          } catch (e) {
            // Stopped while resolving: the record is left unfinished, for the next run to read again.
            if (setup.signal.aborted) return void (abort ??= toKoppelError(setup.signal.reason));
            const error = toKoppelError(e);
            if (endsRun(error, deps)) abort ??= error;
            return fail(item, error, now());
          }
        }
        item.naturalKey = runtime.naturalKey(item.record);
        item.payload = runtime.withNaturalKey(payload, item.naturalKey);
        item.projection = withoutPaths(item.payload, setup.createOnlyFields);
        item.hash = contentHash(item.projection);
        moveTo(item, 'mapped', now());
      }),
    () => abort !== undefined || setup.signal.aborted,
  );
  if (setup.signal.aborted) abort ??= toKoppelError(setup.signal.reason);

  const mapped = items.filter((i) => i.state === 'mapped');
  const links = await findLinks(
    deps.store.db,
    { pairId: setup.flow.pair_id, flowId: setup.flow.id, entity: setup.kind.entity },
    mapped.map((i) => i.sourceId),
  );
  for (const item of mapped) {
    const link = links.get(item.sourceId);
    if (link) item.link = link;
    if (link && link.content_hash === item.hash) moveTo(item, 'unchanged', now(), `target ${link.target_id}`);
    else item.operation = link ? 'update' : 'create';
  }
  return abort;
}

/**
 * Errors that stop the whole run instead of parking one record: a lost authorization, a rate limit
 * too long to wait out, and a backfill giving its worker up for budget (its records are read again
 * by the run that continues it, from the same cursor).
 */
export function endsRun(error: KoppelError, deps: EngineDeps): boolean {
  if (error.kind === 'auth' || isBudgetYield(error)) return true;
  return error.kind === 'rate_limited' && (error.retryAfterMs ?? 0) > deps.retry.maxInlineWaitMs;
}

export function unknownSourceId(index: number): KoppelError {
  return new KoppelError(`Source record #${index} has no id`, {
    code: 'engine.source_id_missing',
    kind: 'invalid',
  });
}
