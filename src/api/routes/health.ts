import { sql } from 'kysely';
import type { ApiRoute } from '../server.js';

/** Liveness and database reachability, for process supervisors. */
export const healthRoute: ApiRoute = (app, ctx) => {
  app.get('/healthz', async () => {
    await sql`select 1`.execute(ctx.app.store.db);
    return { ok: true, database: ctx.app.store.caps.dialect };
  });
};
