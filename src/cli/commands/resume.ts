import { recordAudit } from '../../access/audit.js';
import { resumeConnection } from '../../engine/connect/resume-connection.js';
import { getConnection } from '../../store/repos/connections.js';
import { cliActor } from '../cli-actor.js';
import type { CliCommand } from '../main.js';

export const resumeCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('resume <connection>')
      .description(
        'Resume a paused connection that still holds its tokens (a new `koppel connect` resumes by itself).',
      )
      .action(async (connectionId: string) => {
        const app = await ctx.app();
        const { resumed } = await resumeConnection(app.engine, connectionId);
        const connection = await getConnection(app.store.db, connectionId);
        if (resumed)
          await recordAudit(app.store.db, app.clock, {
            actor: cliActor(),
            action: 'connection.resume',
            target: { kind: 'connection', id: connectionId },
            pairId: connection?.pairId ?? null,
          });
        ctx.out.write(
          resumed
            ? `${connectionId} is ${connection?.status ?? 'resumed'}.\n`
            : `${connectionId} is active already; nothing to resume.\n`,
        );
      });
  },
};
