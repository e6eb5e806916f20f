import type { Kysely } from 'kysely';
import { listRecords, type RecordFilter } from '../store/repos/records.js';
import type { Database } from '../store/schema.js';

/** One record in the activity log's list: named as people know it, with its outcome. */
export interface RecordListItem {
  id: string;
  runId: string;
  pairId: string;
  flowId: string;
  entity: string;
  sourceId: string;
  targetId: string | null;
  /** How people know the record (`Exact sales invoice 26700012 …`); null for records stored before labels. */
  label: string | null;
  state: string;
  operation: string | null;
  attempts: number;
  mappingVersion: number | null;
  error: { code: string; kind: string | null; message: string } | null;
  /** Why a skipped record was skipped (a filter's reason, a report's outcome). */
  skipReason: string | null;
  deadLetter: { id: string; state: string } | null;
  createdAt: string;
}

/**
 * A page of the activity log, newest first, with each record's dead letter, and the id to ask for
 * the next page with (null: no more). `koppel records` and `GET /api/records` both read it here.
 */
export async function findRecords(
  db: Kysely<Database>,
  filter: RecordFilter & { limit: number },
): Promise<{ items: RecordListItem[]; next: string | null }> {
  const rows = await listRecords(db, filter);
  const letters = rows.length
    ? await db
        .selectFrom('dead_letters')
        .select(['id', 'record_id', 'state'])
        .where(
          'record_id',
          'in',
          rows.map((r) => r.id),
        )
        .execute()
    : [];
  const letterOf = new Map(letters.map((d) => [d.record_id, { id: d.id, state: d.state }]));
  return {
    items: rows.map((r) => ({
      ...recordSummary(r),
      skipReason: skipReason(r),
      deadLetter: letterOf.get(r.id) ?? null,
      createdAt: r.created_at,
    })),
    next: rows.length === filter.limit ? (rows[rows.length - 1]?.id ?? null) : null,
  };
}

type RecordSummary = Omit<RecordListItem, 'skipReason' | 'deadLetter' | 'createdAt'>;

/** What the list and the detail of a record both say of it, from its row. */
export function recordSummary(r: {
  id: string;
  run_id: string;
  pair_id: string;
  flow_id: string;
  entity: string;
  source_id: string;
  target_id: string | null;
  label: string | null;
  state: string;
  operation: string | null;
  attempts: number | string;
  mapping_version: number | string | null;
  error_code: string | null;
  error_kind: string | null;
  error_message: string | null;
}): RecordSummary {
  return {
    id: r.id,
    runId: r.run_id,
    pairId: r.pair_id,
    flowId: r.flow_id,
    entity: r.entity,
    sourceId: r.source_id,
    targetId: r.target_id,
    label: r.label,
    state: r.state,
    operation: r.operation,
    attempts: Number(r.attempts),
    mappingVersion: r.mapping_version === null ? null : Number(r.mapping_version),
    error:
      r.error_code === null
        ? null
        : { code: r.error_code, kind: r.error_kind, message: r.error_message ?? '' },
  };
}

/** Why a record was skipped: the detail of its `skipped` step (e.g. the status filter's reason). */
function skipReason(r: { state: string; timeline: string }): string | null {
  if (r.state !== 'skipped') return null;
  const steps = JSON.parse(r.timeline) as Array<{ step: string; detail?: string }>;
  return steps.findLast((s) => s.step === 'skipped')?.detail ?? null;
}
