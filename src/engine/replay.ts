import { toKoppelError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { findDeadLetters, type DeadLetterFilter, type DeadLetterRow } from '../store/repos/dead-letters.js';
import type { SourceRecord } from './types.js';
import type { EngineDeps } from './deps.js';
import { loadFlowSetup, withSetupLogger, type FlowSetup } from './flow-setup.js';
import { processBatch, type BatchInput } from './process-batch.js';
import { recoverWriteAhead } from './recover-write-ahead.js';
import { withRun, type RunResult } from './run-flow.js';
import { assertTransition, deadLetterTransitions, moveDeadLetter } from './transitions.js';

export const replayModes = ['as-was', 'current'] as const;
export type ReplayMode = (typeof replayModes)[number];

export interface ReplayRequest {
  filter: DeadLetterFilter;
  /**
   * as-was: the snapshot with the mapping version the record failed with; current: the flow's
   * mapping now, and the record as the source has it now when the flow can read it again (`reread`).
   */
  mode: ReplayMode;
  signal?: AbortSignal;
  /** The job the replay runs in, noted on its runs (so a run can be cancelled through its job). */
  jobId?: string | undefined;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  /** A step noted on the timeline of each replayed record (an automatic retry says so). */
  note?: (deadLetter: DeadLetterRow) => { step: string; detail: string };
}

export interface ReplayOutcome {
  matched: number;
  /** Dead letters that went through (resolved) in this replay. */
  resolved: number;
  /** Dead letters that failed again: still open, with their new error. */
  failed: number;
  runs: RunResult[];
}

/**
 * Replays open dead letters through the same pipeline as a run (write-ahead, links, retries), one
 * run per flow and mapping version. A dead letter that succeeds is resolved; one that fails again
 * stays open with its new error.
 */
export async function replayDeadLetters(deps: EngineDeps, request: ReplayRequest): Promise<ReplayOutcome> {
  const letters = await findDeadLetters(deps.store.db, { ...request.filter, states: ['open'] });
  const groups = new Map<string, DeadLetterRow[]>();
  for (const dl of letters) {
    const version = request.mode === 'as-was' ? String(dl.mapping_version ?? 0) : 'current';
    const key = `${dl.flow_id}\u0000${version}`;
    groups.set(key, [...(groups.get(key) ?? []), dl]);
  }
  const runs: RunResult[] = [];
  let resolved = 0;
  let failed = 0;
  let done = 0;
  const signal = request.signal ?? new AbortController().signal;
  for (const group of groups.values()) {
    // A cancelled replay opens no further runs; the dead letters it did not reach stay open.
    if (signal.aborted) break;
    const first = group[0] as DeadLetterRow;
    const log = { runId: newId('run', deps.clock.now()), jobId: request.jobId, replay: true };
    const setup = await loadFlowSetup(deps, first.flow_id, signal, {
      ...(request.mode === 'as-was' ? { mappingVersion: first.mapping_version ?? 0 } : {}),
      log,
    });
    const runDeps = withSetupLogger(deps, setup);
    const claimedIds: string[] = [];
    const result = await withRun(
      runDeps,
      setup,
      { flowId: first.flow_id, trigger: 'replay', jobId: request.jobId },
      async (runId, counts) => {
        // A dead letter may be a create whose outcome was never known (its write-ahead row is still
        // pending): settle those first, as a run does, or the replay creates the record a second time.
        await recoverWriteAhead(runDeps, setup, runId);
        const claimed = await claimForReplay(runDeps, group, runId);
        claimedIds.push(...claimed.map((d) => d.id));
        try {
          const size = request.batchSize ?? 100;
          for (let i = 0; i < claimed.length; i += size) {
            if (signal.aborted) throw toKoppelError(signal.reason);
            const batch = claimed.slice(i, i + size);
            const snapshots = batch.map((dl) => JSON.parse(deps.box.decrypt(dl.snapshot)) as SourceRecord);
            const inputs = await replayInputs(setup, request.mode, batch, snapshots);
            if (request.note)
              inputs.forEach((input, n) => (input.note = request.note!(batch[n] as DeadLetterRow)));
            const abort = await processBatch(runDeps, setup, inputs, { runId, counts, cursor: null });
            done += batch.length;
            request.onProgress?.(done, letters.length);
            if (abort) throw abort;
          }
        } finally {
          await releaseUnfinished(
            runDeps,
            claimed.map((d) => d.id),
          );
        }
      },
    );
    runs.push(result);
    const settled = await settledBy(deps, claimedIds, result.runId);
    resolved += settled.resolved;
    failed += settled.failed;
  }
  return { matched: letters.length, resolved, failed, runs };
}

/**
 * What a replay run made of the dead letters it claimed, read back from them: resolved, or open
 * again with this run as their last replay (failed again). One it did not reach is neither.
 */
async function settledBy(
  deps: EngineDeps,
  ids: readonly string[],
  runId: string,
): Promise<{ resolved: number; failed: number }> {
  if (ids.length === 0) return { resolved: 0, failed: 0 };
  const db = deps.store.db;
  const letters = await db
    .selectFrom('dead_letters')
    .select(['source_id', 'state'])
    .where('id', 'in', [...ids])
    .execute();
  // Open again is "failed again" only when the run reached it (stored a record of it as parked).
  const parked = new Set(
    (
      await db
        .selectFrom('records')
        .select('source_id')
        .where('run_id', '=', runId)
        .where('state', '=', 'dead_lettered')
        .execute()
    ).map((r) => r.source_id),
  );
  return {
    resolved: letters.filter((l) => l.state === 'resolved').length,
    failed: letters.filter((l) => l.state === 'open' && parked.has(l.source_id)).length,
  };
}

/**
 * What a replay batch sends: "as it was" the snapshots; "with the current version" the records as
 * the source has them now when the flow can read them again (a record the source no longer has is
 * skipped), else the snapshots.
 */
async function replayInputs(
  setup: FlowSetup,
  mode: ReplayMode,
  letters: DeadLetterRow[],
  snapshots: SourceRecord[],
): Promise<BatchInput[]> {
  const { runtime } = setup;
  if (mode !== 'current' || !runtime.reread)
    return letters.map((dl, i) => ({ record: snapshots[i]!, deadLetterId: dl.id }));
  const current = new Map(
    (await runtime.reread(snapshots)).map((record) => [String(runtime.sourceId(record)), record]),
  );
  return letters.map((dl, i) => {
    const record = current.get(dl.source_id);
    return record
      ? { record, deadLetterId: dl.id, reread: 'current' as const }
      : { record: snapshots[i]!, deadLetterId: dl.id, reread: 'gone' as const };
  });
}

/**
 * open → replaying, so two replays never take the same dead letter. Of several dead letters of one
 * source record only the newest is replayed; the older ones are resolved as superseded, since
 * their snapshots are older than the one that goes.
 */
async function claimForReplay(
  deps: EngineDeps,
  group: DeadLetterRow[],
  runId: string,
): Promise<DeadLetterRow[]> {
  assertTransition('dead letter', deadLetterTransitions, 'open', 'resolved');
  const at = deps.clock.now().toISOString();
  const newest = new Map<string, DeadLetterRow>();
  for (const dl of group) {
    const seen = newest.get(dl.source_id);
    if (!seen || `${dl.created_at}${dl.id}` > `${seen.created_at}${seen.id}`) newest.set(dl.source_id, dl);
  }
  const superseded = group.filter((dl) => newest.get(dl.source_id) !== dl).map((dl) => dl.id);
  if (superseded.length > 0) {
    await deps.store.db
      .updateTable('dead_letters')
      .set({ state: 'resolved', updated_at: at })
      .where('id', 'in', superseded)
      .where('state', '=', 'open')
      .execute();
  }
  const claimed: DeadLetterRow[] = [];
  for (const dl of newest.values()) {
    // One another replay or a dismiss took first is not this replay's: it is left out.
    const moved = await moveDeadLetter(deps.store.db, dl.id, 'open', 'replaying', at, {
      last_replay_run_id: runId,
      replay_count: dl.replay_count + 1,
    });
    if (moved) claimed.push(dl);
  }
  return claimed;
}

/** Dead letters a replay claimed but did not settle (it stopped early) go back to open. */
async function releaseUnfinished(deps: EngineDeps, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  assertTransition('dead letter', deadLetterTransitions, 'replaying', 'open');
  await deps.store.db
    .updateTable('dead_letters')
    .set({ state: 'open', updated_at: deps.clock.now().toISOString() })
    .where('id', 'in', ids)
    .where('state', '=', 'replaying')
    .execute();
}
