import { newId } from '../core/ids.js';
import type { KoppelError } from '../core/errors.js';
import { commitBatch, type BatchContext } from './commit-batch.js';
import type { EngineDeps } from './deps.js';
import type { FlowSetup } from './flow-setup.js';
import { prepareItems, unknownSourceId } from './prepare-items.js';
import { fail, moveTo, note, type WorkItem } from './work-item.js';
import type { SourceRecord } from './types.js';
import { writeItems } from './write-items.js';

export interface BatchInput {
  record: SourceRecord;
  deadLetterId?: string;
  /** A replay read the record from the source again: it goes as it is now, or the source no longer has it. */
  reread?: 'current' | 'gone';
  /** A step noted first on the record's timeline (why it is sent again, e.g. an automatic retry). */
  note?: { step: string; detail: string };
}

/** One batch (a page, or a set of dead letters) from source records to stored outcomes. */
export async function processBatch(
  deps: EngineDeps,
  setup: FlowSetup,
  inputs: readonly BatchInput[],
  ctx: Omit<BatchContext, 'aborted'>,
): Promise<KoppelError | undefined> {
  const at = deps.clock.now().toISOString();
  const items = toItems(setup, inputs, at);
  ctx.counts.read += items.length;
  const abort = (await prepareItems(deps, setup, items)) ?? (await writeItems(deps, setup, items));
  await commitBatch(deps, setup, items, { ...ctx, aborted: abort !== undefined });
  return abort;
}

/** Work items, one per source id: when a page holds a record twice, the last one wins. */
export function toItems(setup: FlowSetup, inputs: readonly BatchInput[], at: string): WorkItem[] {
  const bySource = new Map<string, WorkItem>();
  inputs.forEach((input, index) => {
    let sourceId = '';
    try {
      sourceId = String(setup.runtime.sourceId(input.record) ?? '');
    } catch {
      sourceId = '';
    }
    const item: WorkItem = {
      id: newId('rec'),
      sourceId: sourceId || `(no id #${index})`,
      record: input.record,
      state: 'received',
      timeline: [{ at, step: 'received' }],
      attempts: 0,
      ...(input.deadLetterId ? { deadLetterId: input.deadLetterId } : {}),
    };
    if (input.note) note(item, input.note.step, at, input.note.detail);
    if (!sourceId) fail(item, unknownSourceId(index), at);
    else if (input.reread === 'current') note(item, 'reread', at, 'as the source has it now');
    else if (input.reread === 'gone') moveTo(item, 'skipped', at, 'the source no longer has this record');
    bySource.delete(item.sourceId);
    bySource.set(item.sourceId, item);
  });
  return [...bySource.values()];
}
