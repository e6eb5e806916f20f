import { KoppelError, toKoppelError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { isBudgetYield } from '../connectors/kit/budget-yield.js';
import { cancelledErrorCode } from '../queue/index.js';
import { insertEvent } from '../store/repos/events.js';
import { readCursor } from '../store/repos/cursors.js';
import { failAbandonedRuns, getRun, insertRun } from '../store/repos/runs.js';
import type { EngineDeps } from './deps.js';
import { backfillUnderWay } from './backfill-state.js';
import { flowNotReady } from './connection-readiness.js';
import { flowLogger, loadFlowSetup, withSetupLogger, type FlowSetup } from './flow-setup.js';
import { pauseConnection } from './pause-connection.js';
import { processBatch, type BatchInput } from './process-batch.js';
import { recoverWriteAhead } from './recover-write-ahead.js';
import { RunCounts } from './run-counts.js';
import { moveRun, type RunState } from './transitions.js';

export const runTriggers = ['schedule', 'manual', 'webhook', 'replay'] as const;
export type RunTrigger = (typeof runTriggers)[number];

/**
 * What a run reads: `backfill` and `cursor` runs read from the flow's cursor (a backfill being one
 * that reads history at the lowest priority), `records` runs read named records (a replay's dead
 * letters, the documents webhooks named during a backfill) and leave the cursor be.
 */
export type RunScope = 'backfill' | 'cursor' | 'records';

export interface RunRequest {
  flowId: string;
  trigger: RunTrigger;
  jobId?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Read as a backfill (lowest API priority) even from a stored cursor. */
  backfill?: boolean | undefined;
  /**
   * A backfill whose next call would wait longer than this for API budget ends `yielded` instead
   * of holding its worker; whoever ran it queues the continuation (`RunResult.continueAt`). Absent:
   * it waits (a run in a command's own process holds no one else's worker).
   */
  yieldAfterMs?: number | undefined;
  /**
   * Whether live work waits for this flow's lock (the records a webhook named). A backfill that
   * can yield asks after each stored slice of a page and, when it does, ends `yielded` with its
   * continuation due at once: the live run takes the lock in between, and the backfill goes on from
   * its cursor (the slices it stored are links by then, so they cost no second write).
   */
  lockWanted?: (() => Promise<boolean>) | undefined;
  /** Called after each stored batch. */
  onProgress?: ((counts: ReturnType<RunCounts['toJSON']>) => void) | undefined;
  /** What the run reads (runs.scope); a run from the cursor says itself whether it is a backfill. */
  scope?: RunScope | undefined;
}

export interface RunResult {
  runId: string;
  state: RunState;
  counts: ReturnType<RunCounts['toJSON']>;
  apiCalls: Record<string, number>;
  error?: KoppelError | undefined;
  /** A yielded run: when its budget has room again, and so when the next run should continue it. */
  continueAt?: Date | undefined;
}

/**
 * Runs one flow from its cursor to the end of what the source has. Pages are handled one at a
 * time; the cursor moves after each page is stored. Never throws for record-level problems; the
 * result says how the run ended (and carries the error that ended it, for the job's retry).
 */
export async function runFlow(deps: EngineDeps, request: RunRequest): Promise<RunResult> {
  const refusal = await flowNotReady(deps.store.db, deps.registry.apps, request.flowId);
  if (refusal) return refuseRun(deps, request, refusal);
  const signal = request.signal ?? new AbortController().signal;
  const run = {
    trigger: request.trigger,
    cursor: await readCursor(deps.store.db, request.flowId),
    // A backfill stays one until it has read to the end, whichever run (a continuation, a schedule's,
    // a webhook's) goes on with it: else the rest of the history would be read at live priority.
    backfill: request.backfill || (await backfillUnderWay(deps.store.db, request.flowId)),
    yieldAfterMs: request.yieldAfterMs,
  };
  // The run's id comes first, so the connectors opened for it name it on every line they log.
  const log = { runId: newId('run', deps.clock.now()), jobId: request.jobId };
  const setup = await loadFlowSetup(deps, request.flowId, signal, { run, log });
  const runDeps = withSetupLogger(deps, setup);
  const scope: RunScope = setup.priority === 'backfill' ? 'backfill' : 'cursor';
  return withRun(runDeps, setup, { ...request, scope }, async (runId, counts) => {
    await recoverWriteAhead(runDeps, setup, runId);
    const cursor = await readCursor(deps.store.db, setup.flow.id);
    // Only a backfill that may give its worker up gives its lock up too; other runs are short.
    const lockWanted =
      setup.priority === 'backfill' && request.yieldAfterMs !== undefined ? request.lockWanted : undefined;
    const slices = new SliceSize();
    for await (const page of inPhase('source', setup.runtime.read(cursor))) {
      if (signal.aborted) throw toKoppelError(signal.reason ?? new Error('Run cancelled'));
      const inputs: BatchInput[] = page.records.map((record) => ({ record }));
      // A backfill's page (a thousand rows) takes minutes at a target's rate: it is stored in
      // slices of about a second each, so that live work waiting for the lock waits that long.
      for (let from = 0; from < inputs.length || from === 0;) {
        const size = lockWanted ? slices.next() : inputs.length;
        const slice = inputs.slice(from, from + size);
        from += size;
        const last = from >= inputs.length;
        const started = Date.now();
        const abort = await processBatch(runDeps, setup, slice, {
          runId,
          counts,
          cursor: last ? page.cursor : null,
        });
        slices.took(slice.length, Date.now() - started);
        request.onProgress?.(counts.toJSON());
        if (abort) throw tagPhase(abort, 'target');
        setup.allowYield();
        if (lockWanted && (await lockWanted())) throw lockYield(setup.flow.id);
        await nextTurn();
        if (last) break;
      }
    }
  });
}

/**
 * How many records of a page the next slice holds: about a second's worth by the last slice's
 * pace, growing at most twofold a slice and never past 25, since a page's records are not all
 * alike (ones already linked cost nothing, new customers cost three calls each): a slice sized
 * on cheap records must not run on for a minute when the dear ones come.
 */
class SliceSize {
  private size = 5;
  next(): number {
    return this.size;
  }
  took(records: number, ms: number): void {
    if (records < this.size) return;
    const perSecond = Math.round((records * 1000) / Math.max(ms, 1));
    this.size = Math.max(1, Math.min(25, this.size * 2, perSecond));
  }
}

/**
 * One turn of the event loop between pages. A page that needs no I/O (SQLite resolves its queries
 * at once; a source that serves pages from memory) would otherwise run the whole run as one task:
 * no timer fires until it ends (the job's heartbeat, which keeps its lease and hears a cancel, a
 * memory sampler), no request is answered, and V8 cannot run its collector's tasks, so garbage
 * piles up until allocation itself forces a collection (the engine bench peaked some 20 MB higher).
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Opens a run row, runs `body`, and closes the run along the allowed transitions, pausing a
 * connection whose authorization was lost and raising an alert event when the run fails. A run
 * whose job was cancelled ends `cancelled` with what it stored until then: every page before the
 * one under way is committed and its cursor saved; the page under way keeps what finished (links,
 * records) and leaves the rest, creates in doubt included, to the next run from the same cursor.
 */
export async function withRun(
  deps: EngineDeps,
  setup: FlowSetup,
  request: RunRequest,
  body: (runId: string, counts: RunCounts) => Promise<void>,
): Promise<RunResult> {
  const db = deps.store.db;
  deps = withSetupLogger(deps, setup);
  // Runs of one flow never overlap (the job queue's lock key), so a run still open is from a dead process.
  await failAbandonedRuns(db, setup.flow.id, deps.clock.now().toISOString());
  const { runId, counts } = await openRun(deps, setup.flow, request, setup.runId);

  let error: KoppelError | undefined;
  try {
    await body(runId, counts);
  } catch (e) {
    error = toKoppelError(e);
  }
  // Whatever failed after the run was told to stop (an aborted request, say) failed because of it.
  const signal = setup.signal;
  if (error && signal.aborted) error = toKoppelError(signal.reason);
  const cancelled = error?.code === cancelledErrorCode;
  const yielded = isBudgetYield(error) || isLockYield(error);
  const state: RunState = cancelled
    ? 'cancelled'
    : yielded
      ? 'yielded'
      : error
        ? 'failed'
        : counts.deadLettered > 0
          ? 'partial'
          : 'succeeded';
  const finished = deps.clock.now().toISOString();
  const closed = await moveRun(db, runId, 'running', state, {
    counts: JSON.stringify(counts),
    api_calls: JSON.stringify(setup.calls),
    error_code: error?.code ?? null,
    error_message: error ? deps.secrets.scrub(error.message) : null,
    finished_at: finished,
  });
  // Something else closed the run first (a process that took it for abandoned, a cancel): that
  // ending stands, and the run reports it, not the one it would have written.
  if (!closed) return runClosedElsewhere(deps, runId, state, counts, setup.calls.toJSON());
  if (error && !cancelled && !yielded) await onRunError(deps, setup, runId, error);
  deps.logger.info(
    {
      run: runId,
      flow: setup.flow.id,
      state,
      counts: counts.toJSON(),
      calls: setup.calls.toJSON(),
      priority: setup.priority,
    },
    'run finished',
  );
  const continueAt = yielded ? new Date(deps.clock.now().getTime() + (error?.retryAfterMs ?? 0)) : undefined;
  return {
    runId,
    state,
    counts: counts.toJSON(),
    apiCalls: setup.calls.toJSON(),
    error,
    ...(continueAt ? { continueAt } : {}),
  };
}

/**
 * A run started while a connection of its flow cannot be used (queued before a pause, started by
 * a person anyway): it ends at once, failed, with the sentence that says which connection and what
 * to do, and makes no call. Not retried: it waits for a person, not for time.
 */
export async function refuseRun(
  deps: EngineDeps,
  request: RunRequest,
  error: KoppelError,
): Promise<RunResult> {
  const db = deps.store.db;
  const flow = await db
    .selectFrom('flows')
    .select(['id', 'pair_id'])
    .where('id', '=', request.flowId)
    .executeTakeFirstOrThrow();
  const log = { runId: newId('run', deps.clock.now()), jobId: request.jobId };
  deps = { ...deps, logger: flowLogger(deps.logger, flow, log) };
  const { runId, counts } = await openRun(deps, flow, request, log.runId);
  const closed = await moveRun(db, runId, 'running', 'failed', {
    error_code: error.code,
    error_message: deps.secrets.scrub(error.message),
    finished_at: deps.clock.now().toISOString(),
  });
  if (!closed) return runClosedElsewhere(deps, runId, 'failed', counts, {});
  deps.logger.warn({ run: runId, flow: flow.id, code: error.code }, deps.secrets.scrub(error.message));
  return { runId, state: 'failed', counts: counts.toJSON(), apiCalls: {}, error };
}

/** A new run row of the flow, queued and at once running (the job that runs it has started). */
async function openRun(
  deps: EngineDeps,
  flow: { id: string; pair_id: string },
  request: RunRequest,
  id?: string,
): Promise<{ runId: string; counts: RunCounts }> {
  const runId = id ?? newId('run', deps.clock.now());
  const counts = new RunCounts();
  await insertRun(deps.store.db, {
    id: runId,
    pair_id: flow.pair_id,
    flow_id: flow.id,
    trigger: request.trigger,
    scope: request.scope ?? (request.trigger === 'replay' ? 'records' : 'cursor'),
    state: 'queued',
    job_id: request.jobId ?? null,
    counts: JSON.stringify(counts),
    api_calls: '{}',
    error_code: null,
    error_message: null,
    created_at: deps.clock.now().toISOString(),
    started_at: null,
    finished_at: null,
  });
  const started = await moveRun(deps.store.db, runId, 'queued', 'running', {
    started_at: deps.clock.now().toISOString(),
  });
  if (!started) {
    const now = await getRun(deps.store.db, runId);
    throw new KoppelError(`Run ${runId} did not start: it was ${now?.state ?? 'gone'} before it could`, {
      code: 'run.not_started',
      kind: 'conflict',
      details: { state: now?.state ?? null },
    });
  }
  return { runId, counts };
}

/** A run another process closed first: what it holds now, said in the log. */
async function runClosedElsewhere(
  deps: EngineDeps,
  runId: string,
  meant: RunState,
  counts: RunCounts,
  apiCalls: Record<string, number>,
): Promise<RunResult> {
  const row = await getRun(deps.store.db, runId);
  const state = (row?.state ?? meant) as RunState;
  deps.logger.warn(
    { run: runId, state, meant },
    `Run ${runId} was already ${state} when it ended (${meant}): its row keeps ${state}`,
  );
  const error =
    row?.error_code != null
      ? new KoppelError(row.error_message ?? row.error_code, { code: row.error_code, kind: 'conflict' })
      : undefined;
  return { runId, state, counts: counts.toJSON(), apiCalls, ...(error ? { error } : {}) };
}

async function onRunError(
  deps: EngineDeps,
  setup: FlowSetup,
  runId: string,
  error: KoppelError,
): Promise<void> {
  const where = { pairId: setup.flow.pair_id, flowId: setup.flow.id, runId };
  if (error.kind === 'auth') {
    const phase = (error.details?.phase as string | undefined) ?? 'target';
    const connectionId =
      (error.details?.connectionId as string | undefined) ??
      (phase === 'source' ? setup.source.id : setup.target.id);
    await pauseConnection(deps, connectionId, error, where);
    return;
  }
  await insertEvent(deps.store.db, {
    id: newId('evt'),
    type: 'run.failed',
    severity: error.kind === 'transient' || error.kind === 'rate_limited' ? 'warning' : 'error',
    pair_id: where.pairId,
    flow_id: where.flowId,
    connection_id: null,
    run_id: runId,
    message: `Run ${runId} of flow ${setup.flow.id} failed: ${deps.secrets.scrub(error.message)}`,
    details: JSON.stringify({ code: error.code, kind: error.kind }),
    created_at: deps.clock.now().toISOString(),
    acknowledged_at: null,
  });
}

/** Errors thrown while reading belong to the source connection. */
async function* inPhase<T>(phase: 'source', pages: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* pages;
  } catch (e) {
    throw tagPhase(toKoppelError(e), phase);
  }
}

export function tagPhase(error: KoppelError, phase: 'source' | 'target'): KoppelError {
  if (error.details?.phase) return error;
  Object.assign(error, { details: { ...error.details, phase } });
  return error;
}

const lockYieldCode = 'run.lock_yield';

/** The end of a backfill's slice when live work of its flow waits: the run yields, due again at once. */
function lockYield(flowId: string): KoppelError {
  return new KoppelError(
    `Live work of flow ${flowId} waits for its lock; the backfill gives it up and goes on after it`,
    { code: lockYieldCode, kind: 'rate_limited', retryAfterMs: 0 },
  );
}

function isLockYield(error: unknown): boolean {
  return error instanceof KoppelError && error.code === lockYieldCode;
}
