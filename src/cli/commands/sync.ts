import { KoppelError } from '../../core/errors.js';
import { dryRunFlow } from '../../engine/dry-run-flow.js';
import { flowRunJobSpec } from '../../engine/enqueue-run.js';
import { engineJobHandlers } from '../../engine/job-handlers.js';
import type { RunResult } from '../../engine/run-flow.js';
import { getFlow } from '../../store/repos/flows.js';
import { listRecords } from '../../store/repos/records.js';
import { dryRunJson, formatDryRun } from '../dry-run-report.js';
import type { CliCommand } from '../main.js';
import { runLocalJob } from '../local-job.js';
import { createProgress } from '../progress.js';
import { formatTable } from '../table.js';

interface SyncOptions {
  once?: boolean;
  dryRun?: boolean;
  json?: boolean;
  maxRecords?: string;
}

/** Failed records listed after a run; the rest are one `koppel records --failed` away. */
const failedShown = 20;

export const syncCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('sync <flow>')
      .description('Run one flow now and wait for it; exits non-zero when records failed.')
      .option('--once', 'one pass from the cursor to the end of the source, then exit (the default)')
      .option(
        '--dry-run',
        'decide create/update/skip per record with field diffs, writing nothing; exits non-zero when records would fail',
      )
      .option('--max-records <n>', 'with --dry-run: stop reading after about this many records')
      .option('--json', 'print JSON')
      .action(async (flowId: string, o: SyncOptions) => {
        const maxRecords =
          o.maxRecords === undefined ? undefined : positiveInt('--max-records', o.maxRecords);
        if (maxRecords !== undefined && !o.dryRun)
          throw new KoppelError('--max-records only goes with --dry-run', {
            code: 'cli.bad_option',
            kind: 'invalid',
          });
        const app = await ctx.app();
        const flow = await getFlow(app.store.db, flowId);
        if (!flow)
          throw new KoppelError(`No flow "${flowId}"`, { code: 'flow.not_found', kind: 'not_found' });
        if (o.dryRun) {
          // Not through the job queue: a queued job is a row, and a dry run leaves the store as it was.
          const dry = await dryRunFlow(app.engine, { flowId, maxRecords });
          const scrub = (t: string) => app.secrets.scrub(t);
          ctx.out.write(o.json ? dryRunJson(dry, scrub) : formatDryRun(dry, scrub));
          if (dry.counts.fail > 0 || dry.stoppedBy) ctx.exitCode = 1;
          return;
        }
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
        const finished = await runLocalJob(
          app,
          flowRunJobSpec(flowId, 'manual', flow.priority),
          handlers,
          () => ctx.err.write(`Waiting for the flow to be free (a run of ${flowId} is going)…\n`),
        );
        if (!result) {
          progress.done('failed');
          throw new KoppelError(
            `The run of ${flowId} did not start: ${finished?.lastError ?? 'unknown reason'}`,
            {
              code: 'sync.not_started',
              kind: 'invalid',
            },
          );
        }
        const c = result.counts;
        progress.done(`${result.state}`);
        const failed =
          c.deadLettered > 0
            ? await listRecords(app.store.db, {
                runId: result.runId,
                states: ['dead_lettered'],
                limit: failedShown,
              })
            : [];
        if (result.state !== 'succeeded') ctx.exitCode = 1;
        if (o.json) {
          ctx.out.write(
            app.secrets.scrub(
              JSON.stringify(
                {
                  runId: result.runId,
                  state: result.state,
                  counts: c,
                  apiCalls: result.apiCalls,
                  error: result.error ? { code: result.error.code, message: result.error.message } : null,
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
          return;
        }
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
        if (failed.length > 0) {
          ctx.out.write(
            `\nFailed records${c.deadLettered > failed.length ? ` (first ${failed.length})` : ''}:\n`,
          );
          ctx.out.write(
            formatTable(
              ['source id', 'record', 'error', 'message'],
              failed.map((r) => [r.source_id, r.id, r.error_code, r.error_message]),
            ),
          );
        }
        if (result.state !== 'succeeded') {
          ctx.out.write(
            `See: koppel runs show ${result.runId}${c.deadLettered ? ` and koppel records ${flowId} --failed` : ''}\n`,
          );
        }
      });
  },
};

function positiveInt(option: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new KoppelError(`${option} must be a whole number above 0, not "${text}"`, {
      code: 'cli.bad_option',
      kind: 'invalid',
    });
  return n;
}
