import { sql } from 'kysely';
import { z } from 'zod';
import { isUpToDate } from '../../store/database.js';
import type { ApiRoute } from '../route-kit.js';

const check = z.enum(['ok', 'failing']);

const readiness = z.object({
  ready: z.boolean(),
  checks: z.object({
    database: check.describe('The database answers a query'),
    migrations: check.describe('Every migration this version knows is applied'),
    workers: check.describe('This process claims jobs (a server without workers counts as ok)'),
  }),
});

type Checks = z.infer<typeof readiness>['checks'];

/**
 * Readiness, for orchestrators deciding whether to send work here: unlike /healthz it says which
 * part is not ready, but nothing more (no error text, which could name hosts or users).
 */
export const readinessRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Readiness: database, migrations and workers',
        description: '200 when every check is `ok`, 503 naming the failing ones otherwise.',
        tags: ['meta'],
        security: [],
        response: { 200: readiness, 503: readiness },
      },
    },
    async (_req, reply) => {
      const db = ctx.app.store.db;
      const database = await sql`select 1`.execute(db).then(
        () => true,
        () => false,
      );
      // Without a database the migrations cannot be read either: both fail, the database first.
      const migrations = database && (await isUpToDate(db).catch(() => false));
      const workers = ctx.workersRunning?.() ?? true;
      const checks: Checks = {
        database: database ? 'ok' : 'failing',
        migrations: migrations ? 'ok' : 'failing',
        workers: workers ? 'ok' : 'failing',
      };
      const ready = database && migrations && workers;
      return reply.code(ready ? 200 : 503).send({ ready, checks });
    },
  );
};
