import type { Store } from '../../store/database.js';
import type { QueueLoad } from '../port.js';

/** Live jobs per queue and state, and the oldest due queued job per queue. */
export async function queueLoad(store: Store, now: Date): Promise<QueueLoad> {
  const [live, oldest] = await Promise.all([
    store.db
      .selectFrom('jobs')
      .select(['queue', 'state', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('state', 'in', ['queued', 'running'])
      .groupBy(['queue', 'state'])
      .execute(),
    store.db
      .selectFrom('jobs')
      .select(['queue', (eb) => eb.fn.min('run_at').as('since')])
      .where('state', '=', 'queued')
      .where('run_at', '<=', now.toISOString())
      .groupBy('queue')
      .execute(),
  ]);
  return {
    live: live.map((r) => ({ queue: r.queue, state: r.state as 'queued' | 'running', count: Number(r.n) })),
    oldestDue: oldest.map((r) => ({ queue: r.queue, since: new Date(r.since) })),
  };
}
