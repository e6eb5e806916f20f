import type { EnqueueSpec, JobQueue } from '../queue/index.js';
import type { EngineDeps } from './deps.js';
import { listDeadLetterViews, type DeadLetterView } from './dead-letter-view.js';
import { replayJobSpec } from './enqueue-run.js';
import { engineQueue } from './job-names.js';
import type { ReplayMode } from './replay.js';

/** Which open dead letters a replay takes: by id, by filter, or every one (`all`). */
export interface ReplaySelection {
  ids?: readonly string[] | undefined;
  flowId?: string | undefined;
  errorCode?: string | undefined;
  /** ISO timestamps of parking, inclusive from, exclusive to. */
  from?: string | undefined;
  to?: string | undefined;
  all?: boolean | undefined;
  /** The caller's pairs; dead letters of other pairs are never taken. Undefined: every pair. */
  pairIds?: readonly string[] | undefined;
}

/** A replay must say what it takes: a mistyped filter must not replay everything. */
export function namesReplayTarget(s: ReplaySelection): boolean {
  return (
    (s.ids !== undefined && s.ids.length > 0) ||
    Boolean(s.flowId || s.errorCode || s.from || s.to) ||
    s.all === true
  );
}

/** The open dead letters a selection takes, oldest first (the order a replay sends them in). */
export async function selectForReplay(
  deps: Pick<EngineDeps, 'store'>,
  s: ReplaySelection,
): Promise<DeadLetterView[]> {
  const letters = await listDeadLetterViews(deps, {
    ids: s.ids && s.ids.length > 0 ? s.ids : undefined,
    flowId: s.flowId,
    errorCode: s.errorCode,
    from: s.from,
    to: s.to,
    pairIds: s.pairIds,
    states: ['open'],
  });
  return letters.reverse();
}

export interface PlannedReplay {
  flowId: string;
  /** How many of the selected dead letters are this flow's. */
  deadLetters: number;
  spec: Omit<EnqueueSpec, 'queue'>;
}

/**
 * One replay job per flow of the selected dead letters, each under that flow's lock so it never
 * races a run of the flow. A job takes the selection's filter again when it runs (dead letters
 * parked since then by the filter are replayed too), limited to its flow and, by id, to the ids
 * of that flow.
 */
export function planReplay(
  letters: readonly DeadLetterView[],
  s: ReplaySelection,
  mode: ReplayMode,
): PlannedReplay[] {
  const byFlow = new Map<string, DeadLetterView[]>();
  for (const dl of letters) byFlow.set(dl.flowId, [...(byFlow.get(dl.flowId) ?? []), dl]);
  return [...byFlow].map(([flowId, own]) => ({
    flowId,
    deadLetters: own.length,
    spec: replayJobSpec({
      flowId,
      mode,
      ids: s.ids && s.ids.length > 0 ? own.map((d) => d.id) : undefined,
      errorCode: s.errorCode,
      from: s.from,
      to: s.to,
    }),
  }));
}

export interface QueuedReplay {
  matched: number;
  /** The pairs of the dead letters taken. */
  pairIds: string[];
  jobs: Array<{ flowId: string; jobId: string; deadLetters: number }>;
}

/** Queue the replay of a selection for the running service: one job per flow. */
export async function queueReplay(
  deps: Pick<EngineDeps, 'store'>,
  queue: JobQueue,
  s: ReplaySelection,
  mode: ReplayMode,
): Promise<QueuedReplay> {
  const letters = await selectForReplay(deps, s);
  const jobs: QueuedReplay['jobs'] = [];
  for (const planned of planReplay(letters, s, mode)) {
    const job = await queue.enqueue({ ...planned.spec, queue: engineQueue });
    jobs.push({ flowId: planned.flowId, jobId: job.id, deadLetters: planned.deadLetters });
  }
  return { matched: letters.length, pairIds: [...new Set(letters.map((d) => d.pairId))], jobs };
}
