import { recordAudit } from '../../access/audit.js';
import { forgetAuthorization } from '../../engine/connect/forget-authorization.js';
import { getConnection } from '../../store/repos/connections.js';
import { cliActor } from '../cli-actor.js';
import type { CliCommand } from '../main.js';

export const disconnectCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('disconnect <connection>')
      .description('Forget a connection’s tokens; its flows wait until `koppel connect` authorizes it again.')
      .action(async (connectionId: string) => {
        const app = await ctx.app();
        await forgetAuthorization(app.engine, connectionId);
        const connection = await getConnection(app.store.db, connectionId);
        await recordAudit(app.store.db, app.clock, {
          actor: cliActor(),
          action: 'connection.disconnect',
          target: { kind: 'connection', id: connectionId },
          pairId: connection?.pairId ?? null,
        });
        ctx.out.write(
          `${connectionId} has no tokens any more; its flows wait. Authorize it again with: koppel connect ${connectionId}\n`,
        );
      });
  },
};
