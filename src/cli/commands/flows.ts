import { listFlows } from '../../store/repos/flows.js';
import type { CliCommand } from '../main.js';
import { requirePairId } from '../options.js';
import { formatTable } from '../table.js';

export const flowsCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('flows')
      .description('List the configured flows: kind, source → target, schedule, mapping version.')
      .option('--pair <id>', 'only the flows of this pair')
      .action(async (options: { pair?: string }) => {
        const { store } = await ctx.app();
        if (options.pair !== undefined) await requirePairId(store.db, options.pair, '--pair');
        const flows = await listFlows(store.db, options.pair === undefined ? {} : { pairId: options.pair });
        if (flows.length === 0) {
          ctx.out.write('No flows configured. Apply a workspace file with `koppel apply -f <file>`.\n');
          return;
        }
        const rows = flows.map((f) => [
          f.id,
          f.pairId,
          f.kind,
          `${f.sourceConnectionId} → ${f.targetConnectionId}`,
          f.enabled ? 'yes' : 'no',
          f.schedule ?? '-',
          String(f.priority),
          f.mappingVersion === null ? 'default' : `v${f.mappingVersion}`,
        ]);
        ctx.out.write(
          formatTable(
            ['ID', 'PAIR', 'KIND', 'SOURCE → TARGET', 'ENABLED', 'SCHEDULE', 'PRIORITY', 'MAPPING'],
            rows,
          ),
        );
      });
  },
};
