import { baseUrlOf } from '../../core/config.js';
import { queueTestMessage } from '../../engine/notifications/test-message.js';
import type { CliCommand } from '../main.js';

export const notifyCommand: CliCommand = {
  register(program, ctx) {
    const notify = program.command('notify').description('Notifications: who hears of problems.');
    notify
      .command('test <recipient>')
      .description(
        'Queue a test message to a recipient of the notification settings (by name); a running `koppel start` sends it.',
      )
      .action(async (recipient: string) => {
        const app = await ctx.app();
        const id = await queueTestMessage(
          { db: app.store.db, box: app.box, clock: app.clock, baseUrl: baseUrlOf(app.config) },
          recipient,
        );
        ctx.out.write(`Queued test message ${id} to ${recipient}.\n`);
      });
  },
};
