import type { Clock } from '../core/clock.js';
import { KoppelError } from '../core/errors.js';
import type { QueueEngine } from '../core/config.js';
import type { Logger } from '../core/logging.js';
import type { Store } from '../store/database.js';
import { PgBossQueue } from './pg-boss-queue.js';
import type { JobQueue } from './port.js';
import { StoreQueue } from './store-queue.js';

/** A job queue with its lifecycle: `start` prepares it (pg-boss: schema, moved jobs), `stop` closes it. */
export interface ManagedJobQueue extends JobQueue {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface JobQueueSettings {
  engine: QueueEngine;
  store: Store;
  clock: Clock;
  logger: Logger;
  databaseUrl: string | undefined;
}

/** The one place that picks the job queue's adapter (KOPPEL_QUEUE). */
export function openJobQueue(settings: JobQueueSettings): ManagedJobQueue {
  if (settings.engine === 'store') return new StoreQueue(settings.store, settings.clock);
  if (settings.databaseUrl === undefined || settings.store.caps.dialect !== 'postgres') {
    // config.ts refuses this already; a store opened otherwise must not get here either.
    throw new KoppelError('KOPPEL_QUEUE: pg-boss runs on PostgreSQL only; set DATABASE_URL', {
      code: 'config.queue_needs_postgres',
      kind: 'invalid',
    });
  }
  return new PgBossQueue({
    databaseUrl: settings.databaseUrl,
    logger: settings.logger,
  });
}
