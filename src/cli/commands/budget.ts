import { KoppelError } from '../../core/errors.js';
import { budgetCells, budgetHeaders, budgetReport } from '../../engine/budget-report.js';
import { getPair } from '../../store/repos/pairs.js';
import type { CliCommand } from '../main.js';
import { formatTable } from '../table.js';

export const budgetCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('budget')
      .description('Show the API budget per Exact division: used, left and next reset, as last seen.')
      .option('--pair <id>', 'only the divisions of this pair')
      .option('--json', 'print JSON')
      .action(async (o: { pair?: string; json?: boolean }) => {
        const app = await ctx.app();
        if (o.pair !== undefined && !(await getPair(app.store.db, o.pair))) {
          throw new KoppelError(`--pair: no pair "${o.pair}" (see \`koppel pairs\`)`, {
            code: 'cli.unknown_pair',
            kind: 'not_found',
          });
        }
        const rows = await budgetReport(app.store.db, app.clock.now(), { pairId: o.pair });
        if (o.json) return void ctx.out.write(JSON.stringify(rows, null, 2) + '\n');
        if (rows.length === 0) {
          const where = o.pair === undefined ? '' : ` in pair ${o.pair}`;
          return void ctx.out.write(`No Exact Online divisions${where}.\n`);
        }
        ctx.out.write(formatTable(budgetHeaders, rows.map(budgetCells)));
      });
  },
};
