import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { systemClock } from '../../core/clock.js';
import { loadConfig } from '../../core/config.js';
import { createApp } from '../../main.js';
import { demoSignInLink } from '../../access/first-setup.js';
import { redirectUriOf } from '../../engine/connect/start-authorization.js';
import { startService } from '../../service.js';
import {
  configureDemoPair,
  registerDemoRedirectUri,
  demoEndpointChoices,
  demoFlows,
  demoIds,
  demoOwnerEmail,
  startDemoSandboxes,
} from '../demo/demo-setup.js';
import { runFlowNow } from '../run-flow-now.js';
import type { CliCommand } from '../main.js';
import { untilStopSignal } from '../stop-signal.js';

/**
 * `koppel demo` (what `npm start` runs): both sandboxes with their demo data, a demo pair with every
 * flow on, a first run of each with progress, then the service on its schedule until Ctrl-C. The
 * sandboxes live in memory, so the demo's own store (a folder of its own under the data folder)
 * starts fresh each time: links to records of an earlier sandbox would point at nothing.
 */
export const demoCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('demo')
      .description('Try Koppel: both sandboxes with demo data and every flow running, until Ctrl-C.')
      .action(async () => {
        const base = loadConfig(ctx.env);
        const dataDir = path.join(base.dataDir, 'demo');
        rmSync(dataDir, { recursive: true, force: true });
        mkdirSync(dataDir, { recursive: true });
        // The demo always runs on the embedded SQLite store, whatever DATABASE_URL says.
        const { DATABASE_URL: _ownDatabase, ...env } = ctx.env;
        const app = await createApp(loadConfig({ ...env, KOPPEL_DATA_DIR: dataDir }));
        const sandboxes = await startDemoSandboxes(systemClock).catch(async (error: unknown) => {
          await app.close();
          throw error;
        });
        try {
          await configureDemoPair(app, sandboxes);
          const flows = demoFlows(app);
          ctx.out.write(
            [
              'Koppel demo: the Exact Online sandbox and the Asperion sandbox, kept in sync.',
              `  Exact Online sandbox  ${sandboxes.exact.url}  (division ${demoIds.division})`,
              `  Asperion sandbox      ${sandboxes.asperion.url}  (administration ${demoIds.administration})`,
              ...flows.map((f) => `  flow ${f.id.padEnd(16)} ${f.title}`),
              '',
            ].join('\n'),
          );
          for (const flow of flows) {
            ctx.out.write(`First run of ${flow.id}:\n`);
            await runFlowNow(app, flow.id, ctx);
          }
          // Failed records of the first runs are shown above and stay in the demo for a look; they
          // do not make the demo itself a failure.
          ctx.exitCode = 0;
          // The sandboxes run on this machine, so Koppel's own URL is a callback they can reach.
          const service = await startService(app, {
            publicUrl: 'own',
            endpointChoices: demoEndpointChoices(sandboxes),
          });
          // Connecting again from the dashboard goes through the sandboxes' consent pages.
          await registerDemoRedirectUri(sandboxes, redirectUriOf(service.baseUrl));
          const signIn = await demoSignInLink(app.store.db, app.clock, service.baseUrl, demoOwnerEmail);
          const relative = path.relative(process.cwd(), dataDir);
          const env = `KOPPEL_DATA_DIR=${relative.startsWith('..') || relative === '' ? dataDir : relative}`;
          ctx.out.write(
            [
              'Koppel is running the demo.',
              `  sign in      ${signIn}`,
              `               (one-time link for the demo's owner, ${demoOwnerEmail})`,
              `  web app      ${service.url}/`,
              `  API          ${service.url}/api/ (reference: ${service.url}/api/docs)`,
              `  data         ${app.store.location} (fresh each demo start)`,
              `  flows        ${flows.map((f) => f.id).join(', ')}: each runs every minute`,
              `  webhooks     Exact sandbox → ${service.publicUrl}/webhooks/exact/${demoIds.exact}: a change in Exact starts its flow within seconds`,
              `  look closer  ${env} npx koppel runs --flow ${demoIds.flow}`,
              `               ${env} npx koppel records ${demoIds.flow}`,
              'Your own setup: `npx koppel apply -f workspace.yaml` and `npx koppel start` (see README).',
              'Press Ctrl-C to stop.',
              '',
            ].join('\n'),
          );
          await untilStopSignal();
          ctx.out.write('Stopping: finishing running jobs…\n');
          await service.stop();
          ctx.out.write('Stopped.\n');
        } finally {
          await sandboxes.close();
          await app.close();
        }
      });
  },
};
