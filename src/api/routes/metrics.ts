import { metricsSnapshot } from '../../engine/metrics-snapshot.js';
import { throttledSoFar } from '../../engine/throttle-tally.js';
import { metricsText } from '../metrics-exposition.js';
import type { ApiRoute } from '../route-kit.js';

/**
 * Prometheus metrics. Labels name pairs, flows and connections of every pair, so only callers who
 * see the whole installation may read them (a scraper's token is an unscoped viewer).
 */
export const metricsRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/metrics',
    {
      config: { access: 'viewer', installationWide: true },
      schema: {
        summary: 'Metrics in the Prometheus text format',
        description:
          'Runs, records, run durations, API calls and 429s, Exact budgets, queue depth and age, open dead letters. Read from the store at scrape time, except the 429s (this process since it started).',
        tags: ['meta'],
      },
    },
    async (_req, reply) => {
      const snapshot = await metricsSnapshot(ctx.app.store.db, ctx.app.queue, ctx.app.clock.now());
      const { contentType, text } = await metricsText(snapshot, throttledSoFar(ctx.app.store));
      return reply.type(contentType).send(text);
    },
  );
};
