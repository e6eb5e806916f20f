import { recordAudit } from '../../access/audit.js';
import { KoppelError } from '../../core/errors.js';
import { chooseTenant, listConnectionTenants } from '../../engine/connect/connection-tenants.js';
import { getConnection } from '../../store/repos/connections.js';
import { cliActor } from '../cli-actor.js';
import type { CliCommand } from '../main.js';
import { formatTable } from '../table.js';

export const tenantsCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('tenants <connection>')
      .description(
        'The Exact divisions or Asperion administrations a connection’s authorization reaches; --choose sets the one it works in.',
      )
      .option('--choose <id>', 'work in this division or administration')
      .option('--json', 'print JSON')
      .action(async (connectionId: string, o: { choose?: string; json?: boolean }) => {
        const app = await ctx.app();
        if (o.choose !== undefined) {
          const id = Number(o.choose);
          if (!Number.isInteger(id) || id <= 0)
            throw new KoppelError(`--choose takes a division or administration id, not "${o.choose}"`, {
              code: 'cli.bad_option',
              kind: 'invalid',
            });
          await chooseTenant(app.engine, connectionId, id);
          const connection = await getConnection(app.store.db, connectionId);
          await recordAudit(app.store.db, app.clock, {
            actor: cliActor(),
            action: 'connection.update',
            target: { kind: 'connection', id: connectionId },
            pairId: connection?.pairId ?? null,
            details: { changed: ['tenant'], tenant: id },
          });
          ctx.out.write(
            `${connectionId} works in ${id}${connection?.tenantName ? ` (${connection.tenantName})` : ''}; its status is ${connection?.status ?? 'unknown'}.\n`,
          );
          return;
        }
        const tenants = await listConnectionTenants(app.engine, connectionId);
        if (o.json) {
          ctx.out.write(`${JSON.stringify({ items: tenants }, null, 2)}\n`);
          return;
        }
        if (tenants.length === 0) {
          ctx.out.write(
            `The authorization of ${connectionId} reaches none; authorize it again and grant one.\n`,
          );
          return;
        }
        ctx.out.write(
          formatTable(
            ['ID', 'NAME', 'CURRENT', 'SELECTED'],
            tenants.map((t) => [t.id, t.name, t.current ? 'yes' : '', t.selected ? 'yes' : '']),
          ),
        );
        if (!tenants.some((t) => t.selected))
          ctx.out.write(`Choose one with: koppel tenants ${connectionId} --choose <id>\n`);
      });
  },
};
