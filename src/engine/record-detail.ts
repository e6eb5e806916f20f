import type { Kysely } from 'kysely';
import { getRecord } from '../store/repos/records.js';
import type { Database } from '../store/schema.js';
import { recordSummary, type RecordListItem } from './find-records.js';

export interface TimelineStep {
  at: string;
  step: string;
  detail?: string;
}

/**
 * One record's whole timeline, as `koppel record` and `GET /api/records/{id}` show it. Payloads
 * (snapshot, payload, request, response, diff) are kept for a shorter time than the rest; once the
 * retention policy purged them they are null and `payloadsPurged` says so.
 */
export interface RecordDetail extends Omit<RecordListItem, 'deadLetter' | 'skipReason'> {
  naturalKey: string | null;
  timeline: TimelineStep[];
  snapshot: unknown;
  payload: unknown;
  request: unknown;
  response: unknown;
  diff: unknown;
  payloadsPurged: boolean;
  deadLetter: {
    id: string;
    state: string;
    errorCode: string;
    errorMessage: string;
    replayCount: number;
    lastReplayRunId: string | null;
    createdAt: string;
    updatedAt: string;
  } | null;
  run: { id: string; state: string; trigger: string; createdAt: string; finishedAt: string | null } | null;
}

const parsed = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

export async function recordDetail(db: Kysely<Database>, id: string): Promise<RecordDetail | null> {
  const r = await getRecord(db, id);
  if (!r) return null;
  const [letter, run] = await Promise.all([
    db.selectFrom('dead_letters').selectAll().where('record_id', '=', id).executeTakeFirst(),
    db
      .selectFrom('runs')
      .select(['id', 'state', 'trigger', 'created_at', 'finished_at'])
      .where('id', '=', r.run_id)
      .executeTakeFirst(),
  ]);
  return {
    ...recordSummary(r),
    createdAt: r.created_at,
    naturalKey: r.natural_key,
    timeline: JSON.parse(r.timeline) as TimelineStep[],
    snapshot: parsed(r.snapshot),
    payload: parsed(r.payload),
    request: parsed(r.request),
    response: parsed(r.response),
    diff: parsed(r.diff),
    payloadsPurged: Number(r.payload_purged) === 1,
    deadLetter: letter
      ? {
          id: letter.id,
          state: letter.state,
          errorCode: letter.error_code,
          errorMessage: letter.error_message,
          replayCount: Number(letter.replay_count),
          lastReplayRunId: letter.last_replay_run_id,
          createdAt: letter.created_at,
          updatedAt: letter.updated_at,
        }
      : null,
    run: run
      ? {
          id: run.id,
          state: run.state,
          trigger: run.trigger,
          createdAt: run.created_at,
          finishedAt: run.finished_at,
        }
      : null,
  };
}
