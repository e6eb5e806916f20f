import { recordAudit } from '../../access/audit.js';
import { KoppelError } from '../../core/errors.js';
import { alertView } from '../../engine/notifications/alert-view.js';
import { getAlert, listAlerts } from '../../store/repos/alerts.js';
import { acknowledgeAlertAndEvents } from '../../engine/notifications/acknowledge.js';
import { cliActor } from '../cli-actor.js';
import type { CliCommand } from '../main.js';
import { formatTable } from '../table.js';

export const alertsCommand: CliCommand = {
  register(program, ctx) {
    const alerts = program.command('alerts').description('Problems Koppel noticed, and acknowledging them.');
    alerts
      .command('list', { isDefault: true })
      .description('List open alerts, newest first.')
      .option('--all', 'resolved ones too (the latest 200)')
      .option('--json', 'print JSON')
      .action(async (o: { all?: boolean; json?: boolean }) => {
        const app = await ctx.app();
        const rows = (
          await listAlerts(app.store.db, o.all ? { limit: 200 } : { state: 'open', limit: 500 })
        ).map(alertView);
        if (o.json) return void ctx.out.write(JSON.stringify(rows, null, 2) + '\n');
        if (rows.length === 0) return void ctx.out.write(o.all ? 'No alerts.\n' : 'No open alerts.\n');
        ctx.out.write(
          formatTable(
            ['id', 'severity', 'pair', 'title', 'since', 'acknowledged', ...(o.all ? ['resolved'] : [])],
            rows.map((a) => [
              a.id,
              a.severity,
              a.pairId ?? 'all',
              a.title,
              a.openedAt,
              a.acknowledgedAt ? `${a.acknowledgedAt} (${a.acknowledgedBy ?? '?'})` : '',
              ...(o.all ? [a.resolvedAt ?? ''] : []),
            ]),
          ),
        );
      });
    alerts
      .command('ack <id>')
      .description('Acknowledge an alert: someone is on it (it stays open until the problem is gone).')
      .action(async (id: string) => {
        const app = await ctx.app();
        const { db } = app.store;
        const alert = await getAlert(db, id);
        if (!alert)
          throw new KoppelError(`No alert "${id}" (see \`koppel alerts --all\`)`, {
            code: 'alert.not_found',
            kind: 'not_found',
          });
        const actor = cliActor();
        const { acknowledged: changed } = await acknowledgeAlertAndEvents(
          app,
          id,
          app.clock.now().toISOString(),
          actor.name,
        );
        await recordAudit(db, app.clock, {
          actor,
          action: 'alert.acknowledge',
          target: { kind: 'alert', id },
          pairId: alert.pair_id,
          details: { newlyAcknowledged: changed },
        });
        const after = (await getAlert(db, id)) ?? alert;
        ctx.out.write(
          changed
            ? `Acknowledged ${id}: ${after.title}\n`
            : `${id} was acknowledged before, at ${after.acknowledged_at ?? '?'}.\n`,
        );
      });
  },
};
