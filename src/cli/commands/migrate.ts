import { migrateToLatest } from '../../store/database.js';
import type { CliCommand } from '../main.js';

export const migrateCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('migrate')
      .description('Apply pending database migrations (start does this too).')
      .action(async () => {
        const app = await ctx.app({ migrate: false });
        const result = await migrateToLatest(app.store);
        const applied = result.results?.map((r) => r.migrationName) ?? [];
        ctx.out.write(
          applied.length
            ? `Applied ${applied.join(', ')} on ${app.store.location}\n`
            : `Up to date: ${app.store.location}\n`,
        );
      });
  },
};
