/**
 * Test-only child process: opens the app from the environment (as a worker does) on a ScaledClock,
 * says `ready`, waits for the file GO_FILE (so that callers start together), and sends up to CALLS
 * requests to the Exact sandbox through the division's rate governor, one at a time, stopping at the
 * first refusal. Prints the statuses and the refusal as one JSON line.
 */
import { existsSync } from 'node:fs';
import { loadConfig } from '../core/config.js';
import { toKoppelError } from '../core/errors.js';
import type { ApiPriority } from '../connectors/kit/api-budget.js';
import { exactFetch } from '../connectors/exact-online/exact-fetch.js';
import { governorFor } from '../connectors/exact-online/rate-governor.js';
import { CallCounter, connectorContext } from '../engine/connector-context.js';
import { createApp } from '../main.js';
import { ScaledClock } from './scaled-clock.js';

const env = process.env;
const clock = new ScaledClock(Number(env.CLOCK_ANCHOR), Number(env.CLOCK_SPEED));
const app = await createApp(loadConfig(env), { clock, migrate: false });
try {
  const row = await app.store.db
    .selectFrom('connections')
    .selectAll()
    .where('id', '=', 'exact')
    .executeTakeFirstOrThrow();
  const settings = JSON.parse(row.settings) as { baseUrl: string; clientId: string; division: number };
  const ctx = connectorContext(app.engine, row, new CallCounter(), new AbortController().signal, {
    priority: (env.PRIORITY ?? 'normal') as ApiPriority,
  });
  const governor = governorFor(settings.clientId, settings.division, clock, ctx.budget);
  process.stdout.write('ready\n');
  while (!existsSync(env.GO_FILE ?? '')) await new Promise((r) => setTimeout(r, 5));
  const statuses: number[] = [];
  let refused: string | undefined;
  for (let i = 0; i < Number(env.CALLS) && !refused; i++) {
    try {
      const res = await exactFetch(ctx, governor, {
        method: 'GET',
        url: `${settings.baseUrl}/api/v1/${settings.division}/vat/VATCodes`,
        endpoint: '/api/v1/{division}/vat/VATCodes',
        accessToken: env.ACCESS_TOKEN ?? '',
      });
      await res.body?.cancel();
      statuses.push(res.status);
    } catch (e) {
      refused = toKoppelError(e).code;
    }
  }
  process.stdout.write(JSON.stringify({ statuses, refused }) + '\n');
} finally {
  await app.close();
}
