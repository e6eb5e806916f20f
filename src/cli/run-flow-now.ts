import { KoppelError } from '../core/errors.js';
import { flowRunJobSpec } from '../engine/enqueue-run.js';
import { engineJobHandlers } from '../engine/job-handlers.js';
import type { RunResult } from '../engine/run-flow.js';
import type { App } from '../main.js';
import { getFlow } from '../store/repos/flows.js';
import { listRecords } from '../store/repos/records.js';
import { runLocalJob } from './local-job.js';
import type { CliContext } from './main.js';
import { createProgress } from './progress.js';
import { formatTable } from './table.js';

/** Failed records listed after a run; the rest are one `koppel records --failed` away. */
const failedShown = 20;

/**
 * Run one flow now in this process, under the flow's lock, with progress on stderr and a summary
 * (text or JSON) with the failed records on stdout; a run that did not succeed sets exit code 1.
 */
export async function runFlowNow(
  app: App,
  flowId: string,
  ctx: CliContext,
  o: { json?: boolean } = {},
): Promise<RunResult> {
  const flow = await getFlow(app.store.db, flowId);
  if (!flow) throw new KoppelError(`No flow "${flowId}"`, { code: 'flow.not_found', kind: 'not_found' });
  const progress = createProgress({ label: `sync ${flowId}`, stream: ctx.err });
  let seen = 0;
  let result: RunResult | undefined;
  const handlers = engineJobHandlers(app.engine, {
    onProgress: (counts) => {
      progress.tick(counts.read - seen);
      seen = counts.read;
    },
    onRun: (r) => (result = r),
  });
  const finished = await runLocalJob(app, flowRunJobSpec(flowId, 'manual', flow.priority), handlers, () =>
    ctx.err.write(`Waiting for the flow to be free (a run of ${flowId} is going)…\n`),
  );
  if (!result) {
    progress.done('failed');
    throw new KoppelError(`The run of ${flowId} did not start: ${finished?.lastError ?? 'unknown reason'}`, {
      code: 'sync.not_started',
      kind: 'invalid',
    });
  }
  const run: RunResult = result;
  const c = run.counts;
  progress.done(`${run.state}`);
  const failed =
    c.deadLettered > 0
      ? await listRecords(app.store.db, {
          runId: run.runId,
          states: ['dead_lettered'],
          limit: failedShown,
        })
      : [];
  if (run.state !== 'succeeded') ctx.exitCode = 1;
  if (o.json) {
    ctx.out.write(
      app.secrets.scrub(
        JSON.stringify(
          {
            runId: run.runId,
            state: run.state,
            counts: c,
            apiCalls: run.apiCalls,
            error: run.error ? { code: run.error.code, message: run.error.message } : null,
            failed: failed.map((r) => ({
              sourceId: r.source_id,
              recordId: r.id,
              code: r.error_code,
              message: r.error_message,
            })),
          },
          null,
          2,
        ),
      ) + '\n',
    );
    return run;
  }
  ctx.out.write(
    `Run ${run.runId}: ${run.state}. read ${c.read}, created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, ` +
      `skipped ${c.skipped}, failed ${c.deadLettered}. API calls: ${
        Object.entries(run.apiCalls)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'none'
      }\n`,
  );
  if (run.error) ctx.out.write(`Stopped by ${run.error.code}: ${app.secrets.scrub(run.error.message)}\n`);
  if (failed.length > 0) {
    ctx.out.write(`\nFailed records${c.deadLettered > failed.length ? ` (first ${failed.length})` : ''}:\n`);
    ctx.out.write(
      formatTable(
        ['source id', 'record', 'error', 'message'],
        failed.map((r) => [r.source_id, r.id, r.error_code, r.error_message]),
      ),
    );
  }
  if (run.state !== 'succeeded') {
    ctx.out.write(
      `See: koppel runs show ${run.runId}${c.deadLettered ? ` and koppel records ${flowId} --failed` : ''}\n`,
    );
  }
  return run;
}
