import { KoppelError } from '../core/errors.js';
import { flowRunJobSpec } from '../engine/enqueue-run.js';
import { engineJobHandlers } from '../engine/job-handlers.js';
import type { RunResult } from '../engine/run-flow.js';
import type { App } from '../main.js';
import { getFlow } from '../store/repos/flows.js';
import { runLocalJob } from './local-job.js';
import type { CliContext } from './main.js';
import { createProgress } from './progress.js';

/**
 * Run one flow now in this process, under the flow's lock, with progress on stderr and a summary
 * on stdout; sets a non-zero exit code when the run did not succeed.
 */
export async function runFlowNow(app: App, flowId: string, ctx: CliContext): Promise<RunResult> {
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
  const c = result.counts;
  progress.done(`${result.state}`);
  ctx.out.write(
    `Run ${result.runId}: ${result.state}. read ${c.read}, created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, ` +
      `skipped ${c.skipped}, failed ${c.deadLettered}. API calls: ${
        Object.entries(result.apiCalls)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'none'
      }\n`,
  );
  if (result.error)
    ctx.out.write(`Stopped by ${result.error.code}: ${app.secrets.scrub(result.error.message)}\n`);
  if (result.state !== 'succeeded') {
    ctx.out.write(
      `See: koppel runs show ${result.runId}${c.deadLettered ? ` and koppel records ${flowId} --failed` : ''}\n`,
    );
    ctx.exitCode = 1;
  }
  return result;
}
