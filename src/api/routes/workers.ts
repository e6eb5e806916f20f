import { z } from 'zod';
import { workersView } from '../../engine/workers-view.js';
import { responses, type ApiRoute } from '../route-kit.js';

const runningJob = z.object({
  jobId: z.string(),
  name: z.string().describe('flow.run, dead-letters.replay, retention.purge, …'),
  flowId: z.string().nullable(),
  since: z.string().describe('When this process claimed the job'),
});

const workerProcess = z
  .object({
    id: z.string().describe('Host, process id and a random suffix; the `locked_by` of the jobs it runs'),
    role: z.string().describe('all, web or worker'),
    host: z.string(),
    pid: z.number().int(),
    startedAt: z.string(),
    lastSeenAt: z.string(),
    gone: z.boolean().describe('Not seen for over 30 s: killed or crashed; forgotten after a day'),
    concurrency: z.number().int().describe('Jobs it runs at once; 0 for a web process'),
    running: z.array(runningJob),
  })
  .meta({ id: 'WorkerProcess' });

/**
 * The Koppel processes on this database. Operators only, and installation-wide: host names and
 * process ids are about the machines, not about any pair.
 */
export const workersRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/api/workers',
    {
      config: { access: 'operator', installationWide: true },
      schema: {
        summary: 'The Koppel processes and what they run now',
        description:
          'Every process registered on this database (roles all, web, worker), live ones first, with the jobs each runs now. A cleanly stopped process is gone from the list.',
        tags: ['meta'],
        response: responses({ 200: z.object({ items: z.array(workerProcess) }) }),
      },
    },
    async () => ({ items: await workersView(ctx.app.store.db, ctx.app.clock) }),
  );
};
