import { KoppelError } from '../../core/errors.js';
import { engineJobHandlers } from '../../engine/job-handlers.js';
import { replayModes, type ReplayMode, type ReplayOutcome } from '../../engine/replay.js';
import {
  namesReplayTarget,
  planReplay,
  selectForReplay,
  type ReplaySelection,
} from '../../engine/replay-selection.js';
import type { CliCommand } from '../main.js';
import { runLocalJob } from '../local-job.js';
import { createProgress } from '../progress.js';
import { requireFlowId } from '../options.js';
import { formatTable } from '../table.js';

interface ReplayOptions {
  flow?: string;
  code?: string;
  from?: string;
  to?: string;
  mode: string;
  all?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export const replayCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('replay [ids...]')
      .description('Replay dead letters by id or by filter, as they were or with the current mapping.')
      .option('--flow <id>', 'dead letters of this flow')
      .option('--code <code>', 'dead letters with this error code (e.g. mapping.required_missing)')
      .option('--from <date>', 'dead letters parked at or after this date/time (ISO 8601)')
      .option('--to <date>', 'dead letters parked before this date/time (ISO 8601)')
      .option(
        '--mode <mode>',
        `as-was (the snapshot and the mapping version it failed with) or current (the mapping now, the record as the source has it now where the flow can read it again)`,
        'current',
      )
      .option('--all', 'every open dead letter (needed when no id or filter is given)')
      .option('--dry-run', 'list what would be replayed, replay nothing')
      .option('--json', 'print JSON')
      .action(async (ids: string[], o: ReplayOptions) => {
        if (!replayModes.includes(o.mode as ReplayMode)) {
          throw new KoppelError(`--mode must be one of ${replayModes.join(', ')}`, {
            code: 'cli.bad_option',
            kind: 'invalid',
          });
        }
        const selection: ReplaySelection = {
          ids: ids.length ? ids : undefined,
          flowId: o.flow,
          errorCode: o.code,
          from: o.from ? isoOption('--from', o.from) : undefined,
          to: o.to ? isoOption('--to', o.to) : undefined,
          all: o.all === true,
        };
        if (!namesReplayTarget(selection)) {
          throw new KoppelError('Name dead letter ids, a filter (--flow, --code, --from, --to) or --all', {
            code: 'cli.missing_filter',
            kind: 'invalid',
          });
        }
        const app = await ctx.app();
        if (o.flow !== undefined) await requireFlowId(app.store.db, o.flow, '--flow');
        const letters = await selectForReplay(app.engine, selection);
        if (o.dryRun) {
          if (o.json) return void ctx.out.write(JSON.stringify(letters, null, 2) + '\n');
          ctx.out.write(`${letters.length} dead letter(s) would be replayed (${o.mode}).\n`);
          if (letters.length) {
            ctx.out.write(
              formatTable(
                ['dead letter', 'flow', 'document', 'error', 'mapping', 'parked'],
                letters.map((d) => [d.id, d.flowId, d.label, d.error.code, d.mappingVersion, d.createdAt]),
              ),
            );
          }
          return;
        }
        // One job per flow, each under that flow's lock, so a replay never races a run of the flow.
        const progress = createProgress({ label: 'replay', total: letters.length, stream: ctx.err });
        const outcome: ReplayOutcome = { matched: 0, resolved: 0, failed: 0, runs: [] };
        for (const { flowId, spec } of planReplay(letters, selection, o.mode as ReplayMode)) {
          let done = 0;
          const handlers = engineJobHandlers(app.engine, {
            onReplayProgress: (n) => {
              progress.tick(n - done);
              done = n;
            },
            onReplay: (o) => {
              outcome.matched += o.matched;
              outcome.resolved += o.resolved;
              outcome.failed += o.failed;
              outcome.runs.push(...o.runs);
            },
          });
          const job = await runLocalJob(app, spec, handlers, () =>
            ctx.err.write(`Waiting for flow ${flowId} to be free (a run is going)…\n`),
          );
          if (job.state === 'failed')
            throw new KoppelError(`Replay of ${flowId} failed: ${job.lastError ?? ''}`, {
              code: 'replay.failed',
              kind: 'internal',
            });
        }
        // A replay that failed again is a failure, not "replayed": the line says what came of each.
        const summary = `${outcome.resolved} went through, ${outcome.failed} failed again`;
        progress.done(summary);
        if (outcome.failed > 0) ctx.exitCode = 1;
        if (o.json) return void ctx.out.write(JSON.stringify(outcome, null, 2) + '\n');
        ctx.out.write(
          `${outcome.matched} dead letter(s) matched: ${summary}` +
            `${outcome.failed > 0 ? ' (still open, with their new error)' : ''}.\n`,
        );
        for (const run of outcome.runs) {
          const c = run.counts;
          ctx.out.write(
            `  run ${run.runId}: ${run.state}; created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, still failing ${c.deadLettered}` +
              `${run.error ? `; stopped: ${run.error.code}` : ''}\n`,
          );
        }
        if (outcome.runs.some((r) => r.state !== 'succeeded')) ctx.exitCode = 1;
      });
  },
};

function isoOption(name: string, value: string): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) {
    throw new KoppelError(
      `${name} "${value}" is not a date (use ISO 8601, e.g. 2026-11-01 or 2026-11-01T12:00:00Z)`,
      {
        code: 'cli.bad_date',
        kind: 'invalid',
      },
    );
  }
  return d.toISOString();
}
