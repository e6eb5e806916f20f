import { listConnections } from '../../store/repos/connections.js';
import { listFlows } from '../../store/repos/flows.js';
import { listPairs } from '../../store/repos/pairs.js';
import type { CliCommand } from '../main.js';
import { formatTable } from '../table.js';

export const pairsCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('pairs')
      .description('List the configured pairs, their connections and flows.')
      .action(async () => {
        const { store } = await ctx.app();
        const pairs = await listPairs(store.db);
        if (pairs.length === 0) {
          ctx.out.write('No pairs configured. Apply a workspace file with `koppel apply -f <file>`.\n');
          return;
        }
        const connections = await listConnections(store.db);
        const flows = await listFlows(store.db);
        const rows = pairs.map((pair) => {
          const own = flows.filter((f) => f.pairId === pair.id);
          return [
            pair.id,
            pair.name,
            connections
              .filter((c) => c.pairId === pair.id)
              .map((c) => `${c.id} (${c.app}${c.status === 'active' ? '' : `, ${c.status}`})`)
              .join(', ') || '-',
            `${own.length} (${own.filter((f) => f.enabled).length} enabled)`,
          ];
        });
        ctx.out.write(formatTable(['ID', 'NAME', 'CONNECTIONS', 'FLOWS'], rows));
      });
  },
};
