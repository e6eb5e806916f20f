import { sql } from 'kysely';
import { z } from 'zod';
import type { ApiRoute } from '../route-kit.js';

/** Liveness and database reachability, for process supervisors and load balancers: no details. */
export const healthRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Liveness: the process answers and its database does',
        tags: ['meta'],
        security: [],
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async () => {
      await sql`select 1`.execute(ctx.app.store.db);
      return { ok: true as const };
    },
  );
};
