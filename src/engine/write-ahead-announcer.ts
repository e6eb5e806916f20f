import { newId } from '../core/ids.js';
import { insertWriteAhead, recordSentWriteAhead } from '../store/repos/write-ahead.js';
import type { EngineDeps } from './deps.js';
import type { FlowSetup } from './flow-setup.js';
import type { WorkItem } from './work-item.js';

/** Creates announced by one write-ahead insert, as a multiple of the write concurrency. */
export const writeAheadChunkFactor = 8;

/**
 * Announces the creates of a batch in small chunks, as the writers reach them, instead of all at
 * once: a crash then leaves only the chunk under way in doubt. The first writer to reach a chunk
 * stores its rows (the others wait for the same insert); a create is never sent before its row is
 * durable. The same transaction notes the target ids of the creates answered since the chunk
 * before, so recovery links those without looking them up.
 */
export class WriteAheadAnnouncer {
  private readonly chunkOf = new Map<WorkItem, number>();
  private readonly chunks: WorkItem[][] = [];
  private readonly announced: Array<Promise<void>> = [];
  private sent: Array<{ id: string; targetId: string }> = [];

  constructor(
    private readonly deps: EngineDeps,
    private readonly setup: FlowSetup,
    creates: readonly WorkItem[],
  ) {
    const size = Math.max(1, writeAheadChunkFactor * deps.writeConcurrency);
    creates.forEach((item, i) => {
      const n = Math.floor(i / size);
      (this.chunks[n] ??= []).push(item);
      this.chunkOf.set(item, n);
    });
  }

  /** Resolves once the item's write-ahead row (and every one before it) is stored. */
  ready(item: WorkItem): Promise<void> {
    const n = this.chunkOf.get(item);
    if (n === undefined) throw new Error(`Item ${item.sourceId} is not a create of this batch`);
    for (let k = this.announced.length; k <= n; k++) {
      const before = this.announced[k - 1] ?? Promise.resolve();
      this.announced[k] = before.then(() => this.announce(this.chunks[k]!));
    }
    return this.announced[n]!;
  }

  /** A create answered: its target id goes onto its row with the next chunk. */
  answered(item: WorkItem, targetId: string): void {
    if (item.writeAheadId) this.sent.push({ id: item.writeAheadId, targetId });
  }

  private async announce(chunk: WorkItem[]): Promise<void> {
    const { deps, setup } = this;
    const at = deps.clock.now().toISOString();
    const rows = chunk.map((item) => {
      item.writeAheadId = newId('wal');
      return {
        id: item.writeAheadId,
        pair_id: setup.flow.pair_id,
        flow_id: setup.flow.id,
        entity: setup.kind.entity,
        source_id: item.sourceId,
        natural_key: item.naturalKey as string,
        content_hash: item.hash as string,
        state: 'pending',
        target_id: null,
        created_at: at,
        updated_at: at,
      };
    });
    const sent = this.sent;
    this.sent = [];
    await deps.store.db.transaction().execute(async (trx) => {
      await insertWriteAhead(trx, deps.store.caps, rows);
      await recordSentWriteAhead(trx, sent, at);
    });
  }
}
