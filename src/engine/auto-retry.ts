import { backoffMs } from '../core/backoff.js';
import { newId } from '../core/ids.js';
import { insertEvent } from '../store/repos/events.js';
import type { DeadLetterRow } from '../store/repos/dead-letters.js';
import type { EngineDeps } from './deps.js';
import { readInstallationSettings, type AutoRetrySettings } from './installation-settings.js';
import { replayDeadLetters } from './replay.js';

/**
 * Error kinds that say "try again later": only their dead letters are retried without a person.
 * Anything else (bad data, a refused write) fails the same way however often it is sent.
 */
export const autoRetryKinds = ['transient', 'rate_limited'] as const;

const minuteMs = 60_000;
const hourMs = 3_600_000;

export interface AutoRetryOutcome {
  /** Dead letters replayed now. */
  retried: number;
  /** Of those, the ones that went through. */
  resolved: number;
  /** Dead letters whose retries gave up now (an event says so). */
  exhausted: number;
}

/**
 * How long after its last attempt a dead letter replayed `replays` times is tried again: the first
 * delay, doubling per replay, capped at the maximum.
 */
export function autoRetryDelayMs(settings: AutoRetrySettings, replays: number): number {
  return backoffMs(replays + 1, {
    baseMs: settings.firstDelayMinutes * minuteMs,
    capMs: settings.maxDelayMinutes * minuteMs,
  });
}

/**
 * Replays the flow's open dead letters of a transient kind whose delay has passed, through the
 * same replay a person starts (as they were, so write-ahead rows decide whether a create already
 * happened and nothing is sent twice). A dead letter older than `giveUpAfterHours` is not retried
 * again: one event per flow and pass names those, and a person decides. The caller holds the
 * flow's lock (the job runs under it), so this never runs beside a run of the same flow.
 */
export async function autoRetryDeadLetters(
  deps: EngineDeps,
  flowId: string,
  options: { signal?: AbortSignal; jobId?: string } = {},
): Promise<AutoRetryOutcome> {
  const outcome: AutoRetryOutcome = { retried: 0, resolved: 0, exhausted: 0 };
  const { autoRetry } = (await readInstallationSettings(deps.store.db, deps.defaults)).deadLetters;
  if (!autoRetry.enabled) return outcome;
  const db = deps.store.db;
  const now = deps.clock.now().getTime();
  const letters = await db
    .selectFrom('dead_letters')
    .selectAll()
    .where('flow_id', '=', flowId)
    .where('state', '=', 'open')
    .where('error_kind', 'in', [...autoRetryKinds])
    .where('retries_exhausted_at', 'is', null)
    .orderBy('id')
    .execute();
  const givenUp = letters.filter(
    (dl) => Date.parse(dl.created_at) + autoRetry.giveUpAfterHours * hourMs <= now,
  );
  const due = letters.filter(
    (dl) =>
      !givenUp.includes(dl) &&
      Date.parse(dl.updated_at) + autoRetryDelayMs(autoRetry, dl.replay_count) <= now,
  );
  if (givenUp.length > 0) {
    await reportExhausted(deps, givenUp, autoRetry, new Date(now).toISOString());
    outcome.exhausted = givenUp.length;
  }
  if (due.length === 0) return outcome;

  const attempt = (dl: DeadLetterRow) => dl.replay_count + 1;
  const result = await replayDeadLetters(deps, {
    filter: { flowId, ids: due.map((dl) => dl.id) },
    mode: 'as-was',
    jobId: options.jobId,
    ...(options.signal ? { signal: options.signal } : {}),
    note: (dl) => ({
      step: 'auto-retry',
      detail: `automatic retry ${attempt(dl)} of dead letter ${dl.id} (${dl.error_code})`,
    }),
  });
  const runIds = result.runs.map((r) => r.runId);
  const after = await db
    .selectFrom('dead_letters')
    .select(['id', 'state', 'error_code', 'error_kind', 'replay_count'])
    .where(
      'id',
      'in',
      due.map((dl) => dl.id),
    )
    .execute();
  const records = await db
    .selectFrom('records')
    .select(['id', 'run_id', 'source_id', 'state'])
    .where('run_id', 'in', runIds.length > 0 ? runIds : [''])
    .execute();
  const stateOf = new Map(after.map((a) => [a.id, a]));
  const recordOf = new Map(records.map((r) => [r.source_id, r]));
  const runError = result.runs.find((r) => r.error)?.error;
  const at = deps.clock.now().toISOString();
  for (const dl of due) {
    const now = stateOf.get(dl.id);
    if (!now) continue;
    let failure = now.state === 'resolved' ? undefined : now.error_code;
    if (now.replay_count === dl.replay_count) {
      // The replay run failed before it reached this dead letter (during an outage, settling the
      // creates in doubt fails first). That is an attempt too: counted, so the next one waits
      // longer, instead of the target being asked again every five minutes. A cancelled job is not.
      if (!runError || options.signal?.aborted) continue;
      const counted = await db
        .updateTable('dead_letters')
        .set({ replay_count: dl.replay_count + 1, updated_at: at })
        .where('id', '=', dl.id)
        .where('state', '=', 'open')
        .where('replay_count', '=', dl.replay_count)
        .executeTakeFirst();
      // Settled or retried by someone else meanwhile: not this retry's attempt to count or report.
      if (Number(counted.numUpdatedRows) === 0) continue;
      failure = runError.code;
    }
    outcome.retried++;
    if (now.state === 'resolved') outcome.resolved++;
    const record = recordOf.get(dl.source_id);
    // One line per retry, so an outage's aftermath can be followed in the log without the database.
    deps.logger.info(
      {
        flowId,
        pairId: dl.pair_id,
        // The replay run that sent it, whose own lines say how it went.
        runId: record?.run_id ?? null,
        deadLetterId: dl.id,
        sourceId: dl.source_id,
        recordId: record?.id ?? null,
        attempt: attempt(dl),
        outcome: failure === undefined ? (record?.state ?? 'resolved') : `failed: ${failure}`,
      },
      'dead letter retried automatically',
    );
  }
  return outcome;
}

async function reportExhausted(
  deps: EngineDeps,
  letters: DeadLetterRow[],
  settings: AutoRetrySettings,
  at: string,
): Promise<void> {
  const first = letters[0]!;
  await deps.store.db.transaction().execute(async (trx) => {
    await insertEvent(trx, {
      id: newId('evt'),
      type: 'dead_letter.retries_exhausted',
      severity: 'error',
      pair_id: first.pair_id,
      flow_id: first.flow_id,
      connection_id: null,
      run_id: null,
      message:
        `${letters.length} dead letter(s) of flow ${first.flow_id} still fail after ` +
        `${settings.giveUpAfterHours} hours of automatic retries; they stay open until someone ` +
        'replays or resolves them.',
      details: JSON.stringify({
        deadLetterIds: letters.map((l) => l.id),
        errorCodes: [...new Set(letters.map((l) => l.error_code))],
      }),
      created_at: at,
      acknowledged_at: null,
    });
    await trx
      .updateTable('dead_letters')
      .set({ retries_exhausted_at: at })
      .where(
        'id',
        'in',
        letters.map((l) => l.id),
      )
      .where('retries_exhausted_at', 'is', null)
      .execute();
  });
  deps.logger.warn(
    { flowId: first.flow_id, deadLetters: letters.length },
    'automatic retries of dead letters gave up',
  );
}
