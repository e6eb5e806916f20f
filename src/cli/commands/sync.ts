import { KoppelError } from '../../core/errors.js';
import { assertFlowConnectionsReady } from '../../engine/connection-readiness.js';
import { dryRunFlow } from '../../engine/dry-run-flow.js';
import { getFlow } from '../../store/repos/flows.js';
import { dryRunJson, formatDryRun } from '../dry-run-report.js';
import type { CliCommand } from '../main.js';
import { runFlowNow } from '../run-flow-now.js';

interface SyncOptions {
  once?: boolean;
  dryRun?: boolean;
  json?: boolean;
  maxRecords?: string;
}

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
        // Both connections must be active: say which is not and what to do, rather than start a run.
        await assertFlowConnectionsReady(app.store.db, app.registry.apps, flowId);
        if (o.dryRun) {
          // Not through the job queue: a queued job is a row, and a dry run leaves the store as it was.
          const dry = await dryRunFlow(app.engine, { flowId, maxRecords });
          const scrub = (t: string) => app.secrets.scrub(t);
          ctx.out.write(o.json ? dryRunJson(dry, scrub) : formatDryRun(dry, scrub));
          if (dry.counts.fail > 0 || dry.stoppedBy) ctx.exitCode = 1;
          return;
        }
        await runFlowNow(app, flowId, ctx, { json: o.json === true });
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
