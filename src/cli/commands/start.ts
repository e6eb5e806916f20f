import { whyNotReady } from '../../engine/connection-readiness.js';
import { listConnections } from '../../store/repos/connections.js';
import { listFlows } from '../../store/repos/flows.js';
import { firstSetupLink } from '../../access/first-setup.js';
import { processRoles, type ProcessRole } from '../../core/config.js';
import { KoppelError } from '../../core/errors.js';
import { startService, startWorkerService } from '../../service.js';
import { applyWorkspace } from '../../workspace/apply-workspace.js';
import { readWorkspaceFile } from '../../workspace/read-workspace.js';
import type { CliCommand } from '../main.js';
import { untilStopSignal } from '../stop-signal.js';

export const startCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('start')
      .description('Run Koppel: migrations, workers, the scheduler and the web app, until Ctrl-C.')
      .option(
        '--role <role>',
        'all (default, or KOPPEL_ROLE), web (API, web app, webhooks; no workers) or worker (workers and scheduler; no HTTP listener)',
      )
      .action(async (o: { role?: string }) => {
        const app = await ctx.app();
        const role = roleOf(o.role ?? app.config.role);
        if (role !== 'all' && app.config.databaseUrl === undefined)
          // Allowed (a web and a worker process can share one SQLite file on one machine), but a
          // lone web process runs no job and a lone worker serves no one: say so rather than refuse.
          app.logger.warn(
            { role },
            `--role ${role} on SQLite: jobs run only while a process with role all or worker runs on the same data folder; several processes are meant for PostgreSQL (DATABASE_URL)`,
          );
        if (app.config.workspaceFile) {
          await applyWorkspace(
            { ...app, env: app.config.env },
            await readWorkspaceFile(app.config.workspaceFile),
            {
              source: app.config.workspaceFile,
            },
          );
          ctx.out.write(`Applied workspace ${app.config.workspaceFile}\n`);
        }
        if (role === 'worker') {
          const worker = await startWorkerService(app);
          ctx.out.write(
            [
              `Koppel worker is running (no HTTP listener).`,
              `  id           ${worker.workerId}`,
              `  workers      ${app.config.workers} jobs at once`,
              `  data         ${app.store.location}`,
              `Press Ctrl-C to stop.`,
              '',
            ].join('\n'),
          );
          await untilStopSignal();
          ctx.out.write('Stopping: finishing running jobs…\n');
          await worker.stop();
          ctx.out.write('Stopped.\n');
          return;
        }
        const service = await startService(app, { role });
        const setup = await firstSetupLink(app.store.db, app.clock, service.baseUrl);
        const flows = await listFlows(app.store.db);
        const enabled = flows.filter((f) => f.enabled);
        // What a new installation waits for (`koppel connect`, a tenant), said at once.
        const waiting = (await listConnections(app.store.db))
          .filter((c) => c.status !== 'active')
          .map((c) => `${c.id}: ${whyNotReady(c, app.registry.apps.get(c.app)) ?? c.status}`);
        ctx.out.write(
          [
            role === 'web'
              ? `Koppel is running (role web: no workers; jobs run in worker processes).`
              : `Koppel is running.`,
            `  web app      ${service.url}/`,
            `  API          ${service.url}/api/ (reference: ${service.url}/api/docs)`,
            service.webhookUrl
              ? `  webhooks on  ${service.webhookUrl}/webhooks/ (the listener to expose)`
              : '',
            setup
              ? `  first setup  ${setup.url}\n               one-time link that makes the owner (valid until ${setup.expiresAt.toISOString()}); or \`koppel users add <email> --role owner\``
              : '',
            `  data         ${app.store.location}`,
            `  flows        ${flows.length} configured, ${enabled.length} enabled${enabled.length ? ': ' + enabled.map((f) => `${f.id} (${f.schedule ?? 'on demand'})`).join(', ') : ''}`,
            `  webhooks     ${service.publicUrl ? `callbacks under ${service.publicUrl}/webhooks/` : 'off (set KOPPEL_PUBLIC_URL for runs within seconds of a change in Exact)'}`,
            service.webhookUrl
              ? `  webhook port ${service.webhookUrl}  (only /webhooks/…, /oauth/callback and /healthz: the one port to expose)`
              : '',
            ...waiting.map((w, i) => `  ${i === 0 ? 'waiting     ' : '            '} ${w}`),
            flows.length === 0 ? '  Configure pairs and flows with `koppel apply -f workspace.yaml`.' : '',
            `Press Ctrl-C to stop.`,
            '',
          ]
            .filter((l) => l !== '')
            .join('\n') + '\n',
        );
        await untilStopSignal();
        ctx.out.write('Stopping: finishing running jobs…\n');
        await service.stop();
        ctx.out.write('Stopped.\n');
      });
  },
};

function roleOf(value: string): ProcessRole {
  const role = processRoles.find((r) => r === value);
  if (role === undefined)
    throw new KoppelError(`--role must be all, web or worker, not "${value}"`, {
      code: 'cli.bad_option',
      kind: 'invalid',
      details: { role: value },
    });
  return role;
}
