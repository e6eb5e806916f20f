import { baseUrlOf } from '../../core/config.js';
import { KoppelError } from '../../core/errors.js';
import { deliverDueNotifications } from '../../engine/notifications/deliver.js';
import { queueTestMessage } from '../../engine/notifications/test-message.js';
import { getDelivery } from '../../store/repos/notification-deliveries.js';
import type { CliCommand } from '../main.js';

export const notifyCommand: CliCommand = {
  register(program, ctx) {
    const notify = program.command('notify').description('Notifications: who hears of problems.');
    notify
      .command('test <recipient>')
      .description(
        'Send a test message to a recipient of the notification settings (by name), now, and say whether it arrived.',
      )
      .action(async (recipient: string) => {
        const app = await ctx.app();
        const id = await queueTestMessage(
          { db: app.store.db, box: app.box, clock: app.clock, baseUrl: baseUrlOf(app.config) },
          recipient,
        );
        // Sent from here rather than left for a running service: whoever sets up a recipient wants
        // the answer (or the mail server's refusal) while they wait.
        await deliverDueNotifications(app.engine);
        const row = await getDelivery(app.store.db, id);
        if (row?.state === 'sent') {
          ctx.out.write(`Sent test message ${id} to ${recipient}.\n`);
          return;
        }
        throw new KoppelError(
          `The test message to ${recipient} was not sent: ${row?.last_error ?? 'another process holds it'}` +
            (row?.state === 'pending' ? ' (it will be tried again by a running `koppel start`)' : ''),
          { code: 'notifications.test_not_sent', kind: 'transient' },
        );
      });
  },
};
