import { searchText } from '../store/repos/records.js';
import { newId } from '../core/ids.js';
import { toJsonText } from '../core/json.js';
import { maskPersonalText, redactedJsonText, redactedValues, REDACTED } from '../core/redaction.js';
import { saveCursor } from '../store/repos/cursors.js';
import { insertDeadLetters, resolveSuperseded, type DeadLetterRow } from '../store/repos/dead-letters.js';
import { upsertLinks, type LinkRow } from '../store/repos/links.js';
import { insertRecords, type RecordRow } from '../store/repos/records.js';
import { settleWriteAhead } from '../store/repos/write-ahead.js';
import { updateRun } from '../store/repos/runs.js';
import type { EngineDeps } from './deps.js';
import type { FlowSetup } from './flow-setup.js';
import type { RunCounts } from './run-counts.js';
import { assertTransition, deadLetterTransitions } from './transitions.js';
import { moveTo, type WorkItem } from './work-item.js';

export interface BatchContext {
  runId: string;
  counts: RunCounts;
  /** Move the cursor here once the batch is stored (only when the batch completed). */
  cursor: string | null;
  /** The batch did not complete: store what happened, move nothing, park nothing. */
  aborted: boolean;
}

const terminal = new Set(['skipped', 'unchanged', 'created', 'updated', 'failed']);

/**
 * Stores the outcome of one batch in one transaction: records with their timelines, links, the
 * write-ahead rows settled, dead letters, the run's counts and, last, the cursor.
 */
export async function commitBatch(
  deps: EngineDeps,
  setup: FlowSetup,
  items: WorkItem[],
  ctx: BatchContext,
): Promise<void> {
  const at = deps.clock.now().toISOString();
  const { flow, kind } = setup;
  const links: LinkRow[] = [];
  const settled: Array<{ id: string; state: 'confirmed' | 'abandoned' }> = [];
  const deadLetters: DeadLetterRow[] = [];
  const reopened: Array<{ item: WorkItem }> = [];
  const resolved: string[] = [];

  for (const item of items) {
    if (item.writeAheadId) {
      if (item.state === 'created') settled.push({ id: item.writeAheadId, state: 'confirmed' });
      else if (!item.outcomeUnknown) settled.push({ id: item.writeAheadId, state: 'abandoned' });
    }
    if (item.state === 'created' || item.state === 'updated') {
      links.push({
        pair_id: flow.pair_id,
        flow_id: flow.id,
        entity: kind.entity,
        source_id: item.sourceId,
        target_id: item.targetId as string,
        content_hash: item.hash as string,
        created_at: at,
        updated_at: at,
      });
    }
    if (
      item.deadLetterId &&
      (item.state === 'created' ||
        item.state === 'updated' ||
        item.state === 'unchanged' ||
        item.state === 'skipped')
    ) {
      resolved.push(item.deadLetterId);
    }
    if (item.state === 'failed' && !ctx.aborted) {
      if (item.deadLetterId) reopened.push({ item });
      else deadLetters.push(deadLetterOf(deps, setup, item, ctx.runId, at));
      moveTo(item, 'dead_lettered', at, item.deadLetterId ?? deadLetters[deadLetters.length - 1]?.id);
    }
  }
  const rows = items
    .filter((i) => terminal.has(i.state) || i.state === 'dead_lettered')
    .map((i) => recordRow(deps, setup, i, ctx.runId, at));
  for (const row of rows) ctx.counts.add(row.state);

  await deps.store.db.transaction().execute(async (trx) => {
    await insertRecords(trx, deps.store.caps, rows);
    await upsertLinks(trx, deps.store.caps, links);
    await settleWriteAhead(trx, settled, at);
    await insertDeadLetters(trx, deps.store.caps, deadLetters);
    for (const id of resolved) {
      assertTransition('dead letter', deadLetterTransitions, 'replaying', 'resolved');
      await trx
        .updateTable('dead_letters')
        .set({ state: 'resolved', updated_at: at })
        .where('id', '=', id)
        .execute();
    }
    for (const { item } of reopened) {
      assertTransition('dead letter', deadLetterTransitions, 'replaying', 'open');
      await trx
        .updateTable('dead_letters')
        .set({
          state: 'open',
          error_code: item.error?.code ?? 'engine.unknown',
          error_kind: item.error?.kind ?? 'internal',
          error_message: storedErrorText(deps, item.error?.message ?? ''),
          mapping_version: setup.mappingVersion,
          updated_at: at,
        })
        .where('id', '=', item.deadLetterId as string)
        .execute();
    }
    const succeeded = items.filter(
      (i) => !i.deadLetterId && (i.state === 'created' || i.state === 'updated' || i.state === 'unchanged'),
    );
    if (succeeded.length > 0)
      await resolveSuperseded(
        trx,
        flow.id,
        succeeded.map((i) => i.sourceId),
        at,
      );
    await updateRun(trx, ctx.runId, {
      counts: JSON.stringify(ctx.counts),
      api_calls: JSON.stringify(setup.calls),
    });
    if (ctx.cursor !== null && !ctx.aborted) await saveCursor(trx, flow.id, ctx.cursor, at);
  });
}

/**
 * An error text as stored: no secret, and no e-mail address or IBAN (a refusal often echoes the
 * value it refused), since records' and dead letters' errors outlive the payload purge.
 */
function storedErrorText(deps: EngineDeps, message: string): string {
  return maskPersonalText(deps.secrets.scrub(message));
}

function deadLetterOf(
  deps: EngineDeps,
  setup: FlowSetup,
  item: WorkItem,
  runId: string,
  at: string,
): DeadLetterRow {
  return {
    id: newId('dl'),
    pair_id: setup.flow.pair_id,
    flow_id: setup.flow.id,
    entity: setup.kind.entity,
    source_id: item.sourceId,
    run_id: runId,
    record_id: item.id,
    // Replays need the record as it was, so the snapshot is kept whole, encrypted at rest.
    snapshot: deps.box.encrypt(toJsonText(item.record)),
    mapping_version: setup.mappingVersion,
    error_code: item.error?.code ?? 'engine.unknown',
    error_kind: item.error?.kind ?? 'internal',
    error_message: storedErrorText(deps, item.error?.message ?? ''),
    state: 'open',
    replay_count: 0,
    last_replay_run_id: null,
    created_at: at,
    updated_at: at,
    payload_warned_at: null,
    retries_exhausted_at: null,
  };
}

function recordRow(deps: EngineDeps, setup: FlowSetup, item: WorkItem, runId: string, at: string): RecordRow {
  const r = setup.redaction;
  const stored = (v: unknown) => (v === undefined ? null : deps.secrets.scrub(redactedJsonText(v, r)));
  return {
    id: item.id,
    run_id: runId,
    pair_id: setup.flow.pair_id,
    flow_id: setup.flow.id,
    entity: setup.kind.entity,
    source_id: item.sourceId,
    state: item.state,
    operation: item.operation ?? null,
    mapping_version: setup.mappingVersion,
    target_id: item.targetId ?? item.link?.target_id ?? null,
    natural_key: item.naturalKey ?? null,
    attempts: item.attempts,
    error_code: item.error?.code ?? null,
    error_kind: item.error?.kind ?? null,
    error_message: item.error ? storedErrorText(deps, item.error.message) : null,
    timeline: JSON.stringify(item.timeline),
    snapshot: stored(item.record),
    payload: stored(item.payload),
    request: stored(item.request),
    response: stored(item.response),
    diff: item.diff
      ? stored(
          item.diff.map((d) =>
            r.has(lastSegment(d.path)) ? { path: d.path, before: REDACTED, after: REDACTED } : d,
          ),
        )
      : null,
    payload_purged: 0,
    ...recordNames(setup, item),
    created_at: at,
    updated_at: at,
  };
}

/** The record's label and the text its search matches, from the flow's own names for it. */
function recordNames(setup: FlowSetup, item: WorkItem): { label: string | null; search_text: string } {
  // What the redaction list keeps out of the snapshot stays out of the label and the search text.
  const hidden = redactedValues(item.record, setup.redaction);
  const described = setup.runtime.describe?.(item.record) ?? null;
  const label = described === null ? null : maskValues(described, hidden);
  const keys = (setup.runtime.searchKeys?.(item.record) ?? []).filter(
    (k) => typeof k !== 'string' || !hidden.has(k.trim().toLowerCase()),
  );
  return {
    label,
    search_text: searchText([
      label,
      item.sourceId,
      item.targetId ?? item.link?.target_id,
      item.naturalKey,
      ...keys,
    ]),
  };
}

/** `text` with each of `values` (lower case) replaced wherever it appears, in any case. */
function maskValues(text: string, values: ReadonlySet<string>): string {
  let out = text;
  for (const v of values)
    out = out.replace(new RegExp(v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), REDACTED);
  return out;
}

function lastSegment(path: string): string {
  return (path.split('.').pop() ?? path).toLowerCase();
}
