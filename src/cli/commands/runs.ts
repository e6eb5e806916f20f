import { KoppelError } from '../../core/errors.js';
import { cancelRun } from '../../engine/cancel-run.js';
import { listRecords } from '../../store/repos/records.js';
import { getRun, listRuns } from '../../store/repos/runs.js';
import type { CliCommand } from '../main.js';
import { requireFlowId, wholeOption } from '../options.js';
import { durationText, formatTable } from '../table.js';

export const runsCommand: CliCommand = {
  register(program, ctx) {
    const runs = program
      .command('runs')
      .description('List recent runs with their counts, duration and API calls.')
      .option('--flow <id>', 'only runs of this flow')
      .option(
        '--state <state>',
        'only runs in this state (succeeded, partial, failed, cancelled, yielded, …)',
      )
      .option('--trigger <trigger>', 'only runs started this way (schedule, manual, webhook, replay)')
      .option('--limit <n>', 'how many', '20')
      .option('--json', 'print JSON')
      .action(
        async (o: { flow?: string; state?: string; trigger?: string; limit: string; json?: boolean }) => {
          const limit = wholeOption('--limit', o.limit);
          const app = await ctx.app();
          if (o.flow !== undefined) await requireFlowId(app.store.db, o.flow, '--flow');
          const rows = await listRuns(app.store.db, {
            flowId: o.flow,
            state: o.state,
            trigger: o.trigger,
            limit,
          });
          if (o.json) return void ctx.out.write(JSON.stringify(rows.map(runJson), null, 2) + '\n');
          if (rows.length === 0) return void ctx.out.write('No runs yet.\n');
          ctx.out.write(
            formatTable(
              [
                'run',
                'flow',
                'trigger',
                'state',
                'read',
                'created',
                'updated',
                'unchanged',
                'failed',
                'calls',
                'took',
                'started',
              ],
              rows.map((r) => {
                const c = JSON.parse(r.counts) as Record<string, number>;
                const calls = Object.values(JSON.parse(r.api_calls) as Record<string, number>).reduce(
                  (a, b) => a + b,
                  0,
                );
                return [
                  r.id,
                  r.flow_id,
                  r.trigger,
                  r.state,
                  c.read,
                  c.created,
                  c.updated,
                  c.unchanged,
                  c.deadLettered,
                  calls,
                  durationText(r.started_at, r.finished_at),
                  r.created_at,
                ];
              }),
            ),
          );
        },
      );

    runs
      .command('show <id>')
      .description('Show one run: counts, API calls per connection, error, and its records.')
      .option('--json', 'print JSON')
      .action(async (id: string, o: { json?: boolean }) => {
        const app = await ctx.app();
        const run = await getRun(app.store.db, id);
        if (!run) throw new KoppelError(`No run "${id}"`, { code: 'runs.not_found', kind: 'not_found' });
        const records = await listRecords(app.store.db, { runId: id, limit: 100 });
        if (o.json) return void ctx.out.write(JSON.stringify({ ...runJson(run), records }, null, 2) + '\n');
        const counts = JSON.parse(run.counts) as Record<string, number>;
        const calls = JSON.parse(run.api_calls) as Record<string, number>;
        ctx.out.write(
          [
            `Run ${run.id} of flow ${run.flow_id} (pair ${run.pair_id})`,
            `  trigger   ${run.trigger}`,
            `  state     ${run.state}${run.error_code ? ` — ${run.error_code}: ${run.error_message ?? ''}` : ''}`,
            `  started   ${run.started_at ?? '-'}   finished ${run.finished_at ?? '-'}   took ${durationText(run.started_at, run.finished_at) || '-'}`,
            `  counts    ${Object.entries(counts)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}`,
            `  API calls ${
              Object.entries(calls)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ') || 'none'
            }`,
            '',
          ].join('\n'),
        );
        if (records.length > 0) {
          ctx.out.write(
            formatTable(
              ['record', 'source id', 'what', 'state', 'operation', 'target id', 'error'],
              records.map((r) => [
                r.id,
                r.source_id,
                r.label ?? '',
                r.state,
                r.operation,
                r.target_id,
                r.error_code ? `${r.error_code}: ${r.error_message ?? ''}` : '',
              ]),
            ),
          );
        }
      });

    runs
      .command('cancel <id>')
      .description(
        'Cancel a run: it stops at its next heartbeat (within seconds), keeping what it stored; never retried.',
      )
      .action(async (id: string) => {
        const app = await ctx.app();
        const result = await cancelRun(app.store.db, app.queue, app.clock, id);
        ctx.out.write(
          result.outcome === 'cancelled'
            ? `Run ${result.runId} cancelled (job ${result.jobId}); nothing was running it.\n`
            : `Run ${result.runId}: cancel requested (job ${result.jobId}); it stops within seconds, keeping what it stored. See: koppel runs show ${result.runId}\n`,
        );
      });
  },
};

function runJson(r: Awaited<ReturnType<typeof getRun>> & object) {
  return { ...r, counts: JSON.parse(r.counts) as unknown, api_calls: JSON.parse(r.api_calls) as unknown };
}
