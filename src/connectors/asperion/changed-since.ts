import { createHash } from 'node:crypto';
import type { AsperionResource } from './resource.js';

/**
 * Where a poll of one resource got to. `since` is the latest `dateLastChange` read; `seen` holds a
 * key (`id@dateLastChange#fingerprint`) for every row read whose stamp lies within the overlap before
 * it. JSON-safe, to be stored as a flow cursor.
 */
export interface ChangeCheckpoint {
  since: string | null;
  seen: string[];
}

export interface ChangeBatch<R> {
  rows: R[];
  checkpoint: ChangeCheckpoint;
}

export interface ChangeOptions {
  pageSize?: number;
  /**
   * How far before the checkpoint each poll starts reading again (default 60 s). Stamps have whole
   * seconds, a row may be written with a stamp a little older than the moment it becomes visible, and
   * Asperion's clock is not ours: rereading a minute and dropping what was already seen costs a few
   * rows and loses none.
   */
  overlapSeconds?: number;
}

interface Stamped {
  id: number | string;
  dateLastChange: string | null;
}

const defaultPageSize = 100;
const defaultOverlapSeconds = 60;

/**
 * Polls what changed since a checkpoint through the `DateLastChange_from` filter (inclusive,
 * sandbox README; Asperion has no webhooks, reference 1.8), one batch per page, each with the
 * checkpoint to store once the batch is handled. Pages are read as a keyset, ordered by
 * `dateLastChange` and restarting from the last stamp read rather than by page number, so a row that
 * changes while the poll runs moves to the end instead of pushing an unread row onto a page already
 * read. Rows read again (the overlap, the restart stamp) are dropped by their key, so every change
 * arrives exactly once; a second change to a row within the same second still arrives, because the
 * key carries a fingerprint of the row.
 *
 * Known limit: more rows than a page with one and the same stamp are read by page number within that
 * stamp; if one of them changes between two of those pages, the rows behind it shift forward by one
 * and one may be passed over in this poll. A later poll reads it only if it starts within the
 * overlap of that stamp; otherwise it is missed until it changes again. A larger pageSize makes the
 * case rarer; a strict "after this stamp" filter, which Asperion is not known to have, would remove it.
 */
export async function* pollChanges<R extends Stamped>(
  resource: AsperionResource<R, never, never>,
  checkpoint: ChangeCheckpoint | null,
  options: ChangeOptions = {},
): AsyncGenerator<ChangeBatch<R>> {
  const pageSize = options.pageSize ?? defaultPageSize;
  const overlapMs = (options.overlapSeconds ?? defaultOverlapSeconds) * 1000;
  const seen = new Set(checkpoint?.seen ?? []);
  let high = checkpoint?.since ?? null;
  let from = high === null ? null : shiftStamp(high, -overlapMs);
  let page = 1;
  for (;;) {
    const filter = {
      orderBy: 'DateLastChange',
      pageSize,
      page,
      ...(from === null ? {} : { DateLastChange_from: from }),
    };
    let rows: R[] = [];
    let more = false;
    for await (const p of resource.pages(filter)) {
      // One page per request: the next request is chosen here, not by the server's link.
      rows = p.rows;
      more = p.hasNext && rows.length > 0;
      break;
    }
    const fresh: R[] = [];
    for (const row of rows) {
      const key = changeKey(row);
      if (seen.has(key)) continue;
      seen.add(key);
      fresh.push(row);
      if (row.dateLastChange !== null && (high === null || stampMs(row.dateLastChange) > stampMs(high)))
        high = row.dateLastChange;
    }
    const done = !more;
    if (fresh.length > 0 || done) yield { rows: fresh, checkpoint: pack(high, seen, overlapMs) };
    if (done) return;
    const last = rows[rows.length - 1]!.dateLastChange;
    // A whole page with the stamp we started from: go to the next page of that stamp.
    if (last === null || last === from) page++;
    else [from, page] = [last, 1];
  }
}

/** Every change since the checkpoint and the checkpoint after them. */
export async function changedSince<R extends Stamped>(
  resource: AsperionResource<R, never, never>,
  checkpoint: ChangeCheckpoint | null,
  options: ChangeOptions = {},
): Promise<ChangeBatch<R>> {
  const rows: R[] = [];
  let next: ChangeCheckpoint = checkpoint ?? { since: null, seen: [] };
  for await (const batch of pollChanges(resource, checkpoint, options)) {
    rows.push(...batch.rows);
    next = batch.checkpoint;
  }
  return { rows, checkpoint: next };
}

function changeKey(row: Stamped): string {
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify(row, (k, v: unknown) =>
        k === '_meta' ? undefined : typeof v === 'bigint' ? `${v}` : v,
      ),
    )
    .digest('base64url')
    .slice(0, 12);
  return `${row.id}@${row.dateLastChange ?? ''}#${fingerprint}`;
}

/** Keeps the keys a poll from `since` minus the overlap can meet again. */
function pack(since: string | null, seen: Set<string>, overlapMs: number): ChangeCheckpoint {
  if (since === null) return { since, seen: [] };
  const floor = stampMs(since) - overlapMs;
  const kept = [...seen].filter((key) => {
    const stamp = key.slice(key.lastIndexOf('@') + 1, key.lastIndexOf('#'));
    return stamp !== '' && stampMs(stamp) >= floor;
  });
  return { since, seen: kept };
}

/** Asperion's stamps are wall time without zone; arithmetic on them is done as if they were UTC. */
function stampMs(stamp: string): number {
  return new Date(/[zZ]|[+-]\d\d:\d\d$/.test(stamp) ? stamp : `${stamp}Z`).getTime();
}

function shiftStamp(stamp: string, ms: number): string {
  return new Date(stampMs(stamp) + ms).toISOString().slice(0, 19);
}
