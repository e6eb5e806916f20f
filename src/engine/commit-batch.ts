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
import { moveDeadLetter } from './transitions.js';
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

  /** What another process had moved before this commit could: said in the log, left as it is. */
  const lost: string[] = [];
  await deps.store.db.transaction().execute(async (trx) => {
    await insertRecords(trx, deps.store.caps, rows);
    await upsertLinks(trx, deps.store.caps, links);
    const settledRows = await settleWriteAhead(trx, settled, at);
    if (settledRows < settled.length)
      lost.push(
        `${settled.length - settledRows} of ${settled.length} write-ahead rows were no longer pending (settled by a recovery meanwhile)`,
      );
    await insertDeadLetters(trx, deps.store.caps, deadLetters);
    // The replay claimed these (open → replaying); a dismiss or another replay may have settled
    // one since. That one is left as it is, and the log says so.
    for (const id of resolved)
      if (!(await moveDeadLetter(trx, id, 'replaying', 'resolved', at)))
        lost.push(deadLetterLost(id, 'went through'));
    for (const { item } of reopened) {
      const moved = await moveDeadLetter(trx, item.deadLetterId as string, 'replaying', 'open', at, {
        error_code: item.error?.code ?? 'engine.unknown',
        error_kind: item.error?.kind ?? 'internal',
        error_message: storedErrorText(deps, item.error?.message ?? ''),
        error_details: storedErrorDetails(deps, item.error?.details),
        mapping_version: setup.mappingVersion,
      });
      if (!moved) lost.push(deadLetterLost(item.deadLetterId as string, 'failed again'));
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
  for (const message of lost)
    deps.logger.warn({ run: ctx.runId, flow: flow.id }, `${message}: left as it was`);
  // One line per record that now waits for a person, so a log tool can follow it without the API.
  for (const letter of deadLetters)
    deps.logger.warn(
      {
        run: ctx.runId,
        flow: flow.id,
        record: letter.source_id,
        recordId: letter.record_id,
        deadLetter: letter.id,
        code: letter.error_code,
      },
      `Record ${letter.source_id} dead-lettered: ${letter.error_message}`,
    );
  for (const { item } of reopened)
    deps.logger.warn(
      {
        run: ctx.runId,
        flow: flow.id,
        record: item.sourceId,
        recordId: item.id,
        deadLetter: item.deadLetterId,
        code: item.error?.code,
      },
      `Record ${item.sourceId} failed again on replay: ${storedErrorText(deps, item.error?.message ?? '')}`,
    );
}

const deadLetterLost = (id: string, outcome: string) =>
  `Dead letter ${id} ${outcome}, but it was no longer being replayed (dismissed or settled meanwhile)`;

/**
 * An error text as stored: no secret, and no e-mail address or IBAN (a refusal often echoes the
 * value it refused), since records' and dead letters' errors outlive the payload purge.
 */
function storedErrorText(deps: EngineDeps, message: string): string {
  return maskPersonalText(deps.secrets.scrub(message));
}

/** An error's details as stored: JSON, held to the same care as its sentence. */
function storedErrorDetails(deps: EngineDeps, details: Record<string, unknown> | undefined): string | null {
  return details === undefined ? null : storedErrorText(deps, toJsonText(details));
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
    error_details: storedErrorDetails(deps, item.error?.details),
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
    // A step's detail may quote an answer (a failure's message), so it is stored as errors are.
    timeline: JSON.stringify(
      item.timeline.map((step) =>
        step.detail === undefined ? step : { ...step, detail: storedErrorText(deps, step.detail) },
      ),
    ),
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
