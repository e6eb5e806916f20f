import { purgeActivity } from '../../engine/purge.js';
import type { CliCommand } from '../main.js';

export const purgeCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('purge')
      .description('Apply the retention policy now: empty old payloads, delete old activity metadata.')
      .option('--json', 'print JSON')
      .action(async (o: { json?: boolean }) => {
        const app = await ctx.app();
        const r = await purgeActivity(app.engine);
        if (o.json) return void ctx.out.write(JSON.stringify(r) + '\n');
        ctx.out.write(
          `Purged payloads of ${r.payloadsPurged} records; deleted ${r.recordsDeleted} records, ${r.runsDeleted} runs, ` +
            `${r.eventsDeleted} events, ${r.deadLettersDeleted} dead letters, ${r.writeAheadDeleted} write-ahead rows, ${r.jobsDeleted} jobs, ` +
            `${r.webhookReceiptsDeleted} webhook receipts, ${r.accessRowsDeleted} ended sessions, links and sign-in rows, ` +
            `${r.auditDeleted} audit lines, ${r.alertsDeleted} resolved alerts, ${r.notificationsDeleted} notification messages.\n`,
        );
      });
  },
};
