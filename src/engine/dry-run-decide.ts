import { toKoppelError, type KoppelError } from '../core/errors.js';
import { diffFields, type FieldChange } from '../core/json.js';
import { isSecretKey, REDACTED } from '../core/redaction.js';
import type { WriteAheadRow } from '../store/repos/write-ahead.js';
import { forEachLimited } from './concurrency.js';
import type { EngineDeps } from './deps.js';
import type { FlowSetup } from './flow-setup.js';
import { endsRun } from './prepare-items.js';
import { withRetry } from './retry-policy.js';
import type { TargetPayload } from './types.js';
import type { WorkItem } from './work-item.js';

export const dryRunDecisions = ['create', 'update', 'unchanged', 'skip', 'fail'] as const;
export type DryRunDecision = (typeof dryRunDecisions)[number];

export interface DryRunRecord {
  sourceId: string;
  /** How people know the record (`Exact sales invoice 26700012`), where the flow says. */
  label?: string | undefined;
  decision: DryRunDecision;
  reason: string;
  targetId?: string | undefined;
  /** Update: the fields that differ from the target record now; create: every field sent. */
  changes: FieldChange[];
  error?: { code: string; kind: string; message: string } | undefined;
}

/** A write this dry run would already have made earlier (a record read on two pages). */
export interface SimulatedLink {
  targetId: string | undefined;
  hash: string;
  sent: TargetPayload;
}

interface DecideState {
  pending: ReadonlyMap<string, WriteAheadRow>;
  simulated: Map<string, SimulatedLink>;
}

/**
 * Turns prepared items into decisions as `writeItems` and recovery would take them, reading the
 * target (current record for the diff, natural key lookups) but writing nothing.
 */
export async function decideDryRun(
  deps: EngineDeps,
  setup: FlowSetup,
  items: WorkItem[],
  state: DecideState,
): Promise<{ records: DryRunRecord[]; stoppedBy?: KoppelError }> {
  const { target } = setup.runtime;
  const out = new Map<WorkItem, DryRunRecord>();
  let stoppedBy: KoppelError | undefined;
  const redactChanges = (changes: FieldChange[]) =>
    changes.map((c) => {
      const field = (c.path.split('.').pop() ?? c.path).toLowerCase();
      return isSecretKey(field) || setup.redaction.has(field)
        ? { path: c.path, before: REDACTED, after: REDACTED }
        : c;
    });

  const decide = async (item: WorkItem): Promise<DryRunRecord | undefined> => {
    const label = setup.runtime.describe?.(item.record);
    const base = {
      sourceId: item.sourceId,
      ...(label === undefined ? {} : { label }),
      changes: [] as FieldChange[],
    };
    if (item.state === 'failed') return failed(deps, item.sourceId, item.error);
    if (item.state === 'skipped') return { ...base, decision: 'skip', reason: lastDetail(item) };
    if (item.state !== 'mapped' && item.state !== 'unchanged') return undefined;
    const hash = item.hash as string;
    const projection = item.projection as TargetPayload;
    const earlier = state.simulated.get(item.sourceId);
    let link: { targetId: string | undefined; hash: string; how: string } | undefined = earlier
      ? { ...earlier, how: 'written earlier in this run' }
      : item.link
        ? { targetId: item.link.target_id, hash: item.link.content_hash, how: 'linked' }
        : undefined;
    if (!link) {
      const wal = state.pending.get(item.sourceId);
      const found = await withRetry(
        () => target.findByNaturalKey(item.naturalKey as string),
        deps.clock,
        deps.retry,
      );
      // An unsettled create that did happen is linked by recovery before the record is compared.
      if (wal && found)
        link = { targetId: found.targetId, hash: wal.content_hash, how: 'found by an earlier create' };
      else {
        state.simulated.set(item.sourceId, { targetId: undefined, hash, sent: projection });
        const reason = found
          ? `no link; the target already has ${found.targetId} with natural key ${item.naturalKey}`
          : `no link; no target record has natural key ${item.naturalKey}`;
        return { ...base, decision: 'create', reason, changes: diffFields(undefined, item.payload) };
      }
    }
    if (link.hash === hash)
      return {
        ...base,
        decision: 'unchanged',
        reason: `content hash matches (${link.how})`,
        targetId: link.targetId,
      };
    const before = earlier
      ? earlier.sent
      : link.targetId !== undefined && target.get
        ? await withRetry(() => target.get!(link.targetId as string), deps.clock, deps.retry)
        : undefined;
    state.simulated.set(item.sourceId, { targetId: link.targetId, hash, sent: projection });
    return {
      ...base,
      decision: 'update',
      reason: `content changed (${link.how})`,
      targetId: link.targetId,
      changes: diffFields(before, projection),
    };
  };

  await forEachLimited(
    items,
    deps.writeConcurrency,
    async (item) => {
      try {
        const record = await decide(item);
        if (record) out.set(item, { ...record, changes: redactChanges(record.changes) });
      } catch (e) {
        const error = toKoppelError(e);
        if (endsRun(error, deps)) stoppedBy ??= error;
        out.set(item, failed(deps, item.sourceId, error));
      }
    },
    () => stoppedBy !== undefined,
  );
  const records = items.flatMap((i) => {
    const r = out.get(i);
    return r ? [r] : [];
  });
  return stoppedBy ? { records, stoppedBy } : { records };
}

function failed(deps: EngineDeps, sourceId: string, error: KoppelError | undefined): DryRunRecord {
  const e = error ?? toKoppelError(new Error('unknown failure'));
  const message = deps.secrets.scrub(e.message);
  return {
    sourceId,
    decision: 'fail',
    reason: `${e.code}: ${message}`,
    changes: [],
    error: { code: e.code, kind: e.kind, message },
  };
}

function lastDetail(item: WorkItem): string {
  return item.timeline[item.timeline.length - 1]?.detail ?? '';
}
