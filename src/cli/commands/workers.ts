import { workersView } from '../../engine/workers-view.js';
import type { CliCommand } from '../main.js';
import { formatTable } from '../table.js';

export const workersCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('workers')
      .description(
        'List the Koppel processes on this database: role, host and pid, since when, last seen, and the jobs each runs now.',
      )
      .option('--json', 'print JSON')
      .action(async (o: { json?: boolean }) => {
        const app = await ctx.app();
        const items = await workersView(app.store.db, app.clock);
        if (o.json) return void ctx.out.write(`${JSON.stringify({ items }, null, 2)}\n`);
        if (items.length === 0)
          return void ctx.out.write('No Koppel process is running on this database (`koppel start`).\n');
        ctx.out.write(
          formatTable(
            ['ID', 'ROLE', 'HOST/PID', 'SINCE', 'LAST SEEN', 'RUNNING NOW'],
            items.map((w) => [
              w.id,
              w.role,
              `${w.host}/${w.pid}`,
              w.startedAt,
              w.gone ? `${w.lastSeenAt} (gone)` : w.lastSeenAt,
              w.running.length === 0
                ? w.role === 'web'
                  ? '(runs no jobs)'
                  : 'idle'
                : w.running
                    .map((r) => `${r.name}${r.flowId ? ` ${r.flowId}` : ''} since ${r.since}`)
                    .join('; '),
            ]),
          ),
        );
      });
  },
};
