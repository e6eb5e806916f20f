import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import type { SyncCheckpointStore } from '../connectors/kit/sync-checkpoint.js';
import type { Database } from '../store/schema.js';
import { readCursor, saveCursor } from '../store/repos/cursors.js';

/**
 * A sync checkpoint kept in the store's cursor table, one row per flow and stream, so a sync picks
 * up after a restart where its last processed page ended. Connectors may not touch the store, so
 * this lives in the engine and the connector only knows the interface.
 */
export function cursorCheckpointStore(
  db: Kysely<Database>,
  clock: Clock,
  flowId: string,
  stream = 'main',
): SyncCheckpointStore {
  return {
    load: () => readCursor(db, flowId, stream),
    save: (ts) => saveCursor(db, flowId, ts, clock.now().toISOString(), stream),
  };
}
