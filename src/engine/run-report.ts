import type { Kysely } from 'kysely';
import type { JobQueue } from '../queue/index.js';
import { listRuns, getRun, type RunFilter, type RunRow } from '../store/repos/runs.js';
import type { Database } from '../store/schema.js';
import { jobView, type JobView } from './job-view.js';
import type { RunCounts } from './run-counts.js';

/** One run as the API and the CLI show it: counts, duration, API calls per connection, error. */
export interface RunSummary {
  id: string;
  pairId: string;
  flowId: string;
  trigger: string;
  state: string;
  jobId: string | null;
  counts: ReturnType<RunCounts['toJSON']>;
  /** API calls per connection id. */
  apiCalls: Record<string, number>;
  error: { code: string; message: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** From start to finish; null while it runs. */
  durationMs: number | null;
}

/** A failed record of a run, named as people know it. */
export interface RunFailure {
  recordId: string;
  sourceId: string;
  label: string | null;
  state: string;
  errorCode: string | null;
  errorMessage: string | null;
  deadLetterId: string | null;
}

export interface RunDetail extends RunSummary {
  job: JobView | null;
  /** How many of the run's stored records ended in each state. */
  recordsByState: Record<string, number>;
  /** The first failed records (up to `failuresShown`), oldest first. */
  failures: RunFailure[];
}

export const failuresShown = 10;

export function runSummary(r: RunRow): RunSummary {
  const started = r.started_at === null ? null : Date.parse(r.started_at);
  const finished = r.finished_at === null ? null : Date.parse(r.finished_at);
  return {
    id: r.id,
    pairId: r.pair_id,
    flowId: r.flow_id,
    trigger: r.trigger,
    state: r.state,
    jobId: r.job_id,
    counts: JSON.parse(r.counts) as RunSummary['counts'],
    apiCalls: JSON.parse(r.api_calls) as Record<string, number>,
    error: r.error_code === null ? null : { code: r.error_code, message: r.error_message ?? '' },
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: started !== null && finished !== null ? finished - started : null,
  };
}

/** A page of runs, newest first, and the id to ask for the next page with (null: no more). */
export async function listRunSummaries(
  db: Kysely<Database>,
  filter: RunFilter & { limit: number },
): Promise<{ items: RunSummary[]; next: string | null }> {
  const rows = await listRuns(db, filter);
  return {
    items: rows.map(runSummary),
    next: rows.length === filter.limit ? (rows[rows.length - 1]?.id ?? null) : null,
  };
}

/** One run with its job, its records by state and its first failures; null when there is none. */
export async function runDetail(
  db: Kysely<Database>,
  queue: JobQueue,
  id: string,
): Promise<RunDetail | null> {
  const run = await getRun(db, id);
  if (!run) return null;
  const [byState, failed, job] = await Promise.all([
    db
      .selectFrom('records')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('run_id', '=', id)
      .groupBy('state')
      .execute(),
    db
      .selectFrom('records')
      .leftJoin('dead_letters', 'dead_letters.record_id', 'records.id')
      .select([
        'records.id',
        'records.source_id',
        'records.label',
        'records.state',
        'records.error_code',
        'records.error_message',
        'dead_letters.id as dead_letter_id',
      ])
      .where('records.run_id', '=', id)
      .where('records.state', 'in', ['failed', 'dead_lettered'])
      .orderBy('records.id')
      .limit(failuresShown)
      .execute(),
    run.job_id === null ? null : jobView(db, queue, run.job_id),
  ]);
  return {
    ...runSummary(run),
    job,
    recordsByState: Object.fromEntries(byState.map((s) => [s.state, Number(s.n)])),
    failures: failed.map((f) => ({
      recordId: f.id,
      sourceId: f.source_id,
      label: f.label,
      state: f.state,
      errorCode: f.error_code,
      errorMessage: f.error_message,
      deadLetterId: f.dead_letter_id,
    })),
  };
}
