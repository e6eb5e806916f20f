import { KoppelError } from '../../core/errors.js';
import { exactPages } from './exact-pages.js';
import type { ConnectorContext } from '../kit/connector-context.js';
import type { SyncCheckpointStore } from '../kit/sync-checkpoint.js';
import type { AccessTokens } from '../kit/token-lease.js';
import type { ExactRateGovernor } from './rate-governor.js';

/** Every sync row carries its row version; the client always hands it over as a decimal string. */
export interface SyncRow {
  Timestamp: string;
}

/** A `sync/CRM/Accounts` row (the fields a caller selects; sync rows carry no joined descriptions). */
export interface SyncAccount extends SyncRow {
  ID: string;
  Code?: string | null;
  Name?: string | null;
  Email?: string | null;
  City?: string | null;
  Country?: string | null;
  Status?: string | null;
  Blocked?: boolean;
  IsSupplier?: boolean;
  Modified?: string | null;
}

/** A `sync/Logistics/Items` row. */
export interface SyncItem extends SyncRow {
  ID: string;
  Code?: string | null;
  Description?: string | null;
  ItemGroup?: string | null;
  IsSalesItem?: boolean;
  IsStockItem?: boolean;
  Unit?: string | null;
  Modified?: string | null;
}

/** A `sync/SalesOrder/SalesOrders` (or `SalesOrderHeaders`) row. */
export interface SyncSalesOrder extends SyncRow {
  OrderID: string;
  OrderNumber?: number | null;
  OrderedBy?: string | null;
  YourRef?: string | null;
  Description?: string | null;
  Status?: number | null;
  AmountFC?: number | null;
  Currency?: string | null;
  Modified?: string | null;
}

/** A `sync/Deleted` row (reference 5.2); EntityType codes in appendix B. */
export interface SyncDeletedRow extends SyncRow {
  DeletedBy: string | null;
  DeletedDate: string | null;
  Division: number;
  EntityKey: string;
  EntityType: number;
  ID: string;
}

export const syncDeletedFields = [
  'Timestamp',
  'DeletedBy',
  'DeletedDate',
  'Division',
  'EntityKey',
  'EntityType',
  'ID',
] as const;

/** One page of a sync read and the checkpoint to save once the page is processed. */
export interface SyncPage<T> {
  rows: T[];
  /** The highest Timestamp seen so far (at least the starting checkpoint). */
  checkpoint: string;
}

export interface SyncRequest {
  /** Absolute URL of the first page, query included. */
  url: string;
  endpoint: string;
  /** The connection's token lease: a page refused with a 401 is fetched again after one refresh. */
  tokens: AccessTokens;
  /** The checkpoint the read starts above. */
  since: string;
}

/**
 * Int64 values may come as JSON numbers (reference 4.5, UNCONFIRMED), which JSON.parse would round
 * past 2^53; the Int64 fields of sync answers are quoted before parsing so no digit is lost.
 */
export function parseKeepingInt64(text: string): unknown {
  return JSON.parse(text.replace(/("(?:Timestamp|TimeStampAsBigInt)"\s*:\s*)(-?\d+)(?=\s*[,}])/g, '$1"$2"'));
}

/** A Timestamp as a decimal string, or a typed error when Exact sent something else. */
export function int64Text(value: unknown, endpoint: string): string {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text === 'string' && /^\d+$/.test(text)) return BigInt(text).toString();
  throw new KoppelError(`${endpoint} answered a row without a usable Timestamp`, {
    code: 'exact.bad_timestamp',
    kind: 'invalid',
    details: { endpoint },
  });
}

/** A checkpoint given by a caller: digits only, else the filter would be wrong. */
export function checkpointText(value: string | null): string {
  if (value === null) return '1';
  if (!/^\d+$/.test(value))
    throw new KoppelError(`Sync checkpoint "${value}" is not an Int64`, {
      code: 'exact.bad_checkpoint',
      kind: 'invalid',
    });
  return BigInt(value).toString();
}

const maxOf = (a: string, b: string) => (BigInt(b) > BigInt(a) ? b : a);

/**
 * The pages of a sync read, following `__next` verbatim (reference 4.3, 5.1). Each page comes with
 * the highest Timestamp seen so far; the caller saves it only after the page is processed, so a
 * crash repeats at most one page and never skips one.
 */
export async function* exactSyncPages<T extends SyncRow>(
  ctx: ConnectorContext,
  governor: ExactRateGovernor,
  req: SyncRequest,
): AsyncGenerator<SyncPage<T>> {
  let checkpoint = checkpointText(req.since);
  for await (const raw of exactPages<Record<string, unknown>>(ctx, governor, {
    ...req,
    parse: parseKeepingInt64,
  })) {
    const rows = raw.map((row) => ({ ...row, Timestamp: int64Text(row['Timestamp'], req.endpoint) }) as T);
    for (const row of rows) checkpoint = maxOf(checkpoint, row.Timestamp);
    yield { rows, checkpoint };
  }
}

/**
 * The reference's sync loop (5.1) around a checkpoint store: start above the stored checkpoint,
 * hand each page to `handle`, and save the new checkpoint only after `handle` finished with it.
 */
export async function syncWithCheckpoint<T extends SyncRow>(
  store: SyncCheckpointStore,
  read: (checkpoint: string | null) => AsyncIterable<SyncPage<T>>,
  handle: (rows: T[]) => Promise<void>,
): Promise<{ pages: number; rows: number; checkpoint: string | null }> {
  let checkpoint = await store.load();
  let pages = 0;
  let rows = 0;
  for await (const page of read(checkpoint)) {
    await handle(page.rows);
    if (page.checkpoint !== checkpoint) {
      await store.save(page.checkpoint);
      checkpoint = page.checkpoint;
    }
    pages += 1;
    rows += page.rows.length;
  }
  return { pages, rows, checkpoint };
}
