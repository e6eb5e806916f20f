import { KoppelError } from '../core/errors.js';
import { redact } from '../core/redaction.js';
import type { DeadLetterListFilter, DeadLetterListRow } from '../store/repos/dead-letters.js';
import { listDeadLetters } from '../store/repos/dead-letters.js';
import type { EngineDeps } from './deps.js';
import { fixFor, type DeadLetterFix } from './dead-letter-fix.js';
import { readInstallationSettings, redactedFieldNames } from './installation-settings.js';
import type { DeadLetterState } from './transitions.js';

/** A dead letter as people and programs see it: never its snapshot. */
export interface DeadLetterView {
  id: string;
  pairId: string;
  flowId: string;
  entity: string;
  sourceId: string;
  /** How people know the document (`Exact sales invoice 26700012`); `<entity> <source id>` without one. */
  label: string;
  runId: string;
  recordId: string;
  mappingVersion: number | null;
  error: { code: string; kind: string; message: string };
  /** Where a person fixes it and how. */
  fix: DeadLetterFix;
  state: DeadLetterState;
  replayCount: number;
  lastReplayRunId: string | null;
  createdAt: string;
  updatedAt: string;
}

export function deadLetterView(row: DeadLetterListRow): DeadLetterView {
  return {
    id: row.id,
    pairId: row.pair_id,
    flowId: row.flow_id,
    entity: row.entity,
    sourceId: row.source_id,
    label: row.label ?? `${row.entity} ${row.source_id}`,
    runId: row.run_id,
    recordId: row.record_id,
    mappingVersion: row.mapping_version === null ? null : Number(row.mapping_version),
    error: { code: row.error_code, kind: row.error_kind, message: row.error_message },
    fix: fixFor({ code: row.error_code, kind: row.error_kind, details: parsedDetails(row.error_details) }),
    state: row.state as DeadLetterState,
    replayCount: Number(row.replay_count),
    lastReplayRunId: row.last_replay_run_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Stored details are JSON; one that is not (masked text cut it) counts as none. */
function parsedDetails(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function listDeadLetterViews(
  deps: Pick<EngineDeps, 'store'>,
  filter: DeadLetterListFilter,
): Promise<DeadLetterView[]> {
  return (await listDeadLetters(deps.store.db, filter)).map(deadLetterView);
}

export interface TimelineStep {
  at: string;
  step: string;
  detail?: string;
}

export interface DeadLetterDetail extends DeadLetterView {
  /** The record it was parked from: its outcome and timeline (null once retention removed it). */
  record: { id: string; state: string; timeline: TimelineStep[] } | null;
  /** What the last replay made of it (null: never replayed, or retention removed that record). */
  lastReplay: {
    runId: string;
    recordId: string;
    state: string;
    /** `failed` when the record failed again (parked or failed), else `resolved`. */
    outcome: 'resolved' | 'failed';
    error: string | null;
  } | null;
  /**
   * The source record as it was parked, with the installation's redaction list applied as to
   * stored payloads; null when withheld (`snapshotWithheld` says why).
   */
  snapshot: unknown;
  snapshotWithheld: 'retention' | null;
}

const dayMs = 86_400_000;

/**
 * One dead letter with its record's timeline and its source snapshot. The snapshot is stored
 * whole (a replay needs it) but shown as the activity log shows payloads: redacted by the
 * redaction list, and (once it is resolved) only within the payload retention, after which a
 * record's snapshot is purged too; an open one is shown however old, as retention keeps it. `pairIds` limits it to a caller's pairs; outside them it does not exist.
 */
export async function deadLetterDetail(
  deps: Pick<EngineDeps, 'store' | 'box' | 'secrets' | 'clock' | 'defaults' | 'registry'>,
  id: string,
  pairIds?: readonly string[],
): Promise<DeadLetterDetail> {
  const db = deps.store.db;
  const [row] = await listDeadLetters(db, { ids: [id], pairIds });
  if (!row)
    throw new KoppelError(`No dead letter "${id}"`, { code: 'dead_letter.not_found', kind: 'not_found' });
  const view = deadLetterView(row);
  const record = await db
    .selectFrom('records')
    .select(['id', 'state', 'timeline'])
    .where('id', '=', row.record_id)
    .executeTakeFirst();
  const replay = row.last_replay_run_id
    ? await db
        .selectFrom('records')
        .select(['id', 'state', 'error_code', 'error_message'])
        .where('run_id', '=', row.last_replay_run_id)
        .where('flow_id', '=', row.flow_id)
        .where('source_id', '=', row.source_id)
        .orderBy('id', 'desc')
        .executeTakeFirst()
    : undefined;
  const settings = await readInstallationSettings(db, deps.defaults);
  // An open dead letter keeps its payload, and so does its record (retention skips both): someone
  // still has to decide about it, so it is shown. Settled ones follow the payload retention.
  const withinRetention =
    row.state === 'open' ||
    row.state === 'replaying' ||
    deps.clock.now().getTime() - new Date(row.created_at).getTime() < settings.payloadRetentionDays * dayMs;
  let snapshot: unknown = null;
  if (withinRetention) {
    const stored = await db
      .selectFrom('dead_letters')
      .select('snapshot')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const text = deps.secrets.scrub(deps.box.decrypt(stored.snapshot));
    snapshot = redact(JSON.parse(text), redactedFieldNames(settings, deps.registry));
  }
  return {
    ...view,
    record: record
      ? { id: record.id, state: record.state, timeline: JSON.parse(record.timeline) as TimelineStep[] }
      : null,
    lastReplay:
      row.last_replay_run_id && replay
        ? {
            runId: row.last_replay_run_id,
            recordId: replay.id,
            state: replay.state,
            outcome: replay.state === 'dead_lettered' || replay.state === 'failed' ? 'failed' : 'resolved',
            error: replay.error_code ? `${replay.error_code}: ${replay.error_message ?? ''}` : null,
          }
        : null,
    snapshot,
    snapshotWithheld: withinRetention ? null : 'retention',
  };
}
