import { newId } from '../core/ids.js';
import { KoppelError, toKoppelError } from '../core/errors.js';
import type { EngineDeps } from './deps.js';
import { flowNotReady } from './connection-readiness.js';
import { loadFlowSetup, withSetupLogger } from './flow-setup.js';
import { processBatch } from './process-batch.js';
import { recoverWriteAhead } from './recover-write-ahead.js';
import { refuseRun, tagPhase, withRun, type RunResult, type RunTrigger } from './run-flow.js';

export interface RecordsRunRequest {
  flowId: string;
  trigger: RunTrigger;
  /** Source ids, as the kind's webhook topics name them. */
  ids: readonly string[];
  jobId?: string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * A run of the named records only: read by id as the source has them now, sent through the same
 * pipeline as a run from the cursor (write-ahead, links, dead letters), and the cursor left where
 * it is. It holds the flow's lock like any run, so it never writes beside a backfill of the flow;
 * a record the backfill reaches later is a link by then and costs no second write. Its API calls
 * are live work, whatever the flow's cursor is doing.
 */
export async function runRecords(deps: EngineDeps, request: RecordsRunRequest): Promise<RunResult> {
  const refusal = await flowNotReady(deps.store.db, deps.registry.apps, request.flowId);
  if (refusal) return refuseRun(deps, { ...request, scope: 'records' }, refusal);
  const signal = request.signal ?? new AbortController().signal;
  const log = { runId: newId('run', deps.clock.now()), jobId: request.jobId };
  // Not a read from the cursor, so never a backfill: the marker only keeps runPriority from
  // taking a flow that has not read yet for one.
  const run = { trigger: request.trigger, cursor: 'records' };
  const setup = await loadFlowSetup(deps, request.flowId, signal, { run, log });
  const readByIds = setup.runtime.readByIds?.bind(setup.runtime);
  if (!readByIds)
    throw new KoppelError(`Flow ${request.flowId} cannot read records by id; it runs from its cursor`, {
      code: 'engine.no_read_by_id',
      kind: 'invalid',
    });
  const runDeps = withSetupLogger(deps, setup);
  return withRun(runDeps, setup, { ...request, scope: 'records' }, async (runId, counts) => {
    await recoverWriteAhead(runDeps, setup, runId);
    let records: Awaited<ReturnType<typeof readByIds>>;
    try {
      records = await readByIds(request.ids);
    } catch (e) {
      // Errors while reading belong to the source connection, as a run's do.
      throw tagPhase(toKoppelError(e), 'source');
    }
    const abort = await processBatch(
      runDeps,
      setup,
      records.map((record) => ({ record })),
      { runId, counts, cursor: null },
    );
    if (abort) throw tagPhase(abort, 'target');
  });
}
