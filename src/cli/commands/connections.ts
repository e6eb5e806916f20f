import { connectionView } from '../../engine/connect/connection-view.js';
import { ownUrl } from '../../core/config.js';
import { listConnections } from '../../store/repos/connections.js';
import type { CliCommand } from '../main.js';
import { requirePairId } from '../options.js';
import { formatTable } from '../table.js';

export const connectionsCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('connections')
      .description('List connections with their status, tenant and, when not active, why and what to do.')
      .option('--pair <pair>', 'only the connections of this pair')
      .option('--json', 'print JSON')
      .action(async (o: { pair?: string; json?: boolean }) => {
        const app = await ctx.app();
        if (o.pair !== undefined) await requirePairId(app.store.db, o.pair, '--pair');
        const where = {
          baseUrl: app.config.publicUrl ?? ownUrl(app.config.host, app.config.port),
          publicUrl: app.config.publicUrl,
        };
        const views = (
          await listConnections(app.store.db, o.pair === undefined ? {} : { pairId: o.pair })
        ).map((c) => connectionView(app.engine, c, where));
        if (o.json) {
          ctx.out.write(`${JSON.stringify({ items: views }, null, 2)}\n`);
          return;
        }
        if (views.length === 0) {
          ctx.out.write(
            'No connections. Add them with a workspace file (`koppel apply -f <file>`) or the API.\n',
          );
          return;
        }
        ctx.out.write(
          formatTable(
            ['ID', 'PAIR', 'APP', 'STATUS', 'TENANT', 'WHY'],
            views.map((v) => [
              v.id,
              v.pairId,
              v.app,
              v.status,
              v.tenant?.id ? `${v.tenant.id}${v.tenant.name ? ` ${v.tenant.name}` : ''}` : '',
              v.why ?? '',
            ]),
          ),
        );
      });
  },
};
