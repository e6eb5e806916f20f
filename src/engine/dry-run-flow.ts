import { toKoppelError, type KoppelError } from '../core/errors.js';
import { readCursor } from '../store/repos/cursors.js';
import { pendingWriteAhead, type WriteAheadRow } from '../store/repos/write-ahead.js';
import type { EngineDeps } from './deps.js';
import {
  decideDryRun,
  type DryRunDecision,
  type DryRunRecord,
  type SimulatedLink,
} from './dry-run-decide.js';
import { loadFlowSetup } from './flow-setup.js';
import { prepareItems } from './prepare-items.js';
import { toItems } from './process-batch.js';

export { dryRunDecisions, type DryRunDecision, type DryRunRecord } from './dry-run-decide.js';

export interface DryRunRequest {
  flowId: string;
  signal?: AbortSignal | undefined;
  /** Stop reading after the page that reaches this many records (a first sync can be large). */
  maxRecords?: number | undefined;
}

export interface DryRunResult {
  flowId: string;
  /** Where the read started (null: from the beginning). */
  cursor: string | null;
  records: DryRunRecord[];
  counts: Record<DryRunDecision, number> & { read: number };
  apiCalls: Record<string, number>;
  /** More records were left unread because of `maxRecords`. */
  truncated: boolean;
  /** An error that would have ended a real run (auth lost, a long rate limit, the source down). */
  stoppedBy?: KoppelError | undefined;
}

/**
 * What a run of the flow would do now, writing nothing: reads from the cursor, filters, maps and
 * resolves as a run does (the runtime is opened with `dryRun`), and decides per record by link,
 * content hash, unsettled write-ahead rows and the target's natural keys. No run row is stored: a
 * dry run leaves the store exactly as it was, so its report is the only trace. (A connector that
 * must refresh its OAuth token still saves the new one: a rotated refresh token that is not kept
 * would lose the connection.)
 */
export async function dryRunFlow(deps: EngineDeps, request: DryRunRequest): Promise<DryRunResult> {
  const signal = request.signal ?? new AbortController().signal;
  const setup = await loadFlowSetup(deps, request.flowId, signal, { dryRun: true });
  const cursor = await readCursor(deps.store.db, setup.flow.id);
  const pending = new Map<string, WriteAheadRow>();
  for (const row of await pendingWriteAhead(deps.store.db, setup.flow.id)) pending.set(row.source_id, row);
  // What this dry run would have written so far, so a record read twice is judged as a run would.
  const simulated = new Map<string, SimulatedLink>();
  const records: DryRunRecord[] = [];
  let read = 0;
  let truncated = false;
  let stoppedBy: KoppelError | undefined;
  try {
    for await (const page of setup.runtime.read(cursor)) {
      if (signal.aborted) throw toKoppelError(signal.reason ?? new Error('Dry run cancelled'));
      if (request.maxRecords !== undefined && read >= request.maxRecords) {
        truncated = true;
        break;
      }
      const items = toItems(
        setup,
        page.records.map((record) => ({ record })),
        deps.clock.now().toISOString(),
      );
      read += items.length;
      stoppedBy = await prepareItems(deps, setup, items);
      // A run stopped while preparing writes nothing of the page: only what failed so far is news.
      const toDecide = stoppedBy ? items.filter((i) => i.state !== 'mapped') : items;
      const decided = await decideDryRun(deps, setup, toDecide, { pending, simulated });
      records.push(...decided.records);
      stoppedBy ??= decided.stoppedBy;
      if (stoppedBy) break;
    }
  } catch (e) {
    stoppedBy = toKoppelError(e);
  }
  const counts = { read, create: 0, update: 0, unchanged: 0, skip: 0, fail: 0 };
  for (const r of records) counts[r.decision]++;
  return {
    flowId: setup.flow.id,
    cursor,
    records,
    counts,
    apiCalls: setup.calls.toJSON(),
    truncated,
    stoppedBy,
  };
}

/** The dry run as data for programs (`koppel sync --dry-run --json`, the API): the error as plain fields. */
export function dryRunReport(result: DryRunResult) {
  const { stoppedBy, ...rest } = result;
  const stopped = stoppedBy
    ? { code: stoppedBy.code, kind: stoppedBy.kind, message: stoppedBy.message }
    : null;
  return { dryRun: true as const, ...rest, stoppedBy: stopped };
}
