import type { ExactClient, ExactRow } from '../../connectors/exact-online/exact-client.js';
import type { SyncRow } from '../../connectors/exact-online/exact-sync.js';
import { cmp, lit, or } from '../../connectors/exact-online/odata-query.js';
import { toKoppelError } from '../../core/errors.js';
import type { SourcePage } from '../../engine/types.js';
import type { AsperionArticles, StockArticle } from './asperion-articles.js';
import type { StockSettings } from './settings.js';
import { formatQuantity, toQuantity } from './stock-quantity.js';

/**
 * One Exact item's stock as the stock flow sees it: the sum over the chosen warehouses of the chosen
 * quantity, each warehouse's part, and the Asperion article with the item's code as it was read in
 * the same run (null: there is none), so whether the two agree is known before anything is mapped.
 */
export interface StockRecord extends Record<string, unknown> {
  /** Exact's ItemID. */
  ID: string;
  /** The item code (Asperion's article code, the SKU); null when Exact gave none. */
  Code: string | null;
  Description: string | null;
  /** Which quantity was summed (the flow's `quantity` setting). */
  QuantityField: StockSettings['quantity'];
  /** The sum as decimal text; null when a warehouse row had no usable number (see `Problem`). */
  Quantity: string | null;
  Warehouses: Array<{ Code: string | null; Quantity: string | null }>;
  Asperion: StockArticle | null;
  /** What makes this record unusable (a bad quantity, an ambiguous article), for a per-record error. */
  Problem: string | null;
}

type Row = ExactRow & SyncRow;

/** `Exact stock of item SKU-123 (ItemID …)`: how messages name a record. */
export function describeStock(record: StockRecord): string {
  return `Exact stock of item ${record.Code ?? '(no code)'} (ItemID ${record.ID})`;
}

/** What people look a stock record up by besides its label: the item code and description. */
export function stockSearchKeys(record: StockRecord): Array<string | null | undefined> {
  return [record.Code, record.Description];
}

/** Fields of `inventory/ItemWarehouses` (reference 7.16) a record is summed from. */
export const itemWarehouseFields = [
  'Item',
  'ItemCode',
  'ItemDescription',
  'WarehouseCode',
  'CurrentStock',
  'ReservedStock',
] as const;

/**
 * The cursor is the sync Timestamp, then `@` and when the last full comparison started: Exact's sync
 * names only items whose stock changed there, so once `recheckHours` have passed a run reads all
 * stock positions again, which reports differences that persist and ones Asperion's side made.
 */
export function parseStockCursor(cursor: string | null): { timestamp: string | null; fullAt: string | null } {
  if (cursor === null) return { timestamp: null, fullAt: null };
  const [timestamp, fullAt] = cursor.split('@');
  return { timestamp: timestamp || null, fullAt: fullAt ?? null };
}

export function fullReadDue(fullAt: string | null, now: Date, recheckHours: number): boolean {
  if (fullAt === null) return true;
  const at = Date.parse(fullAt);
  return Number.isNaN(at) || now.getTime() - at >= recheckHours * 3_600_000;
}

/**
 * Items whose stock changed since the cursor (or all, for a full comparison), a sync page (up to
 * 1,000 item × warehouse rows) at a time. For each page's items every warehouse row is read by item
 * id in chunks (a changed row says nothing of the item's other warehouses), summed, and joined with
 * the Asperion article of the item's code.
 */
export async function* readStock(
  client: ExactClient,
  articles: AsperionArticles,
  settings: StockSettings,
  cursor: string | null,
  now: Date,
): AsyncIterable<SourcePage<StockRecord>> {
  const parsed = parseStockCursor(cursor);
  const full = fullReadDue(parsed.fullAt, now, settings.recheckHours);
  const fullAt = full ? now.toISOString() : (parsed.fullAt as string);
  for await (const page of client.syncRows<Row>('sync/Inventory/StockPositions', {
    select: ['ItemId', 'ItemCode', 'WarehouseCode'],
    checkpoint: full ? null : parsed.timestamp,
  })) {
    if (page.rows.length === 0) continue;
    const codes = new Map<string, string | null>();
    for (const row of page.rows)
      if (typeof row['ItemId'] === 'string') codes.set(row['ItemId'], textOrNull(row['ItemCode']));
    yield {
      records: await complete(client, articles, settings, codes),
      cursor: `${page.checkpoint}@${fullAt}`,
    };
  }
}

/** The items of `records` as both sides have them now, for a replay after a fix. */
export async function rereadStock(
  client: ExactClient,
  articles: AsperionArticles,
  settings: StockSettings,
  records: readonly StockRecord[],
): Promise<StockRecord[]> {
  return complete(client, articles, settings, new Map(records.map((r) => [r.ID, r.Code])));
}

/** Records for the items of `codes` (ItemID → the code the sync row gave). */
async function complete(
  client: ExactClient,
  articles: AsperionArticles,
  settings: StockSettings,
  codes: ReadonlyMap<string, string | null>,
): Promise<StockRecord[]> {
  const ids = [...codes.keys()];
  const rows = await byItems(client, ids, settings.lookupChunkSize);
  const rowsOf = new Map<string, ExactRow[]>();
  for (const row of rows) {
    const id = String(row['Item']);
    rowsOf.set(id, [...(rowsOf.get(id) ?? []), row]);
  }
  const wanted = settings.warehouses === 'all' ? null : new Set(settings.warehouses);
  const records = ids.map((id) => {
    const itemRows = rowsOf.get(id) ?? [];
    // The item's code now (an item can be renamed), else the one the sync row or snapshot gave.
    const code = (textOrNull(itemRows[0]?.['ItemCode']) ?? codes.get(id))?.trim() || null;
    return summed(id, code, textOrNull(itemRows[0]?.['ItemDescription']), itemRows, wanted, settings);
  });
  for (const record of records) if (record.Code) articles.claim(record.Code, record.ID);
  const found = await articles.byCodes(records.flatMap((r) => (r.Code ? [r.Code] : [])));
  for (const record of records) {
    if (!record.Code) continue;
    const clash = articles.clashOf(record.Code);
    if (clash) record.Problem ??= clash;
    const article = found.get(record.Code.toLowerCase());
    if (article instanceof Error) record.Problem ??= toKoppelError(article).message;
    else record.Asperion = article ?? null;
  }
  return records;
}

function summed(
  id: string,
  code: string | null,
  description: string | null,
  rows: readonly ExactRow[],
  wanted: ReadonlySet<string> | null,
  settings: StockSettings,
): StockRecord {
  const record: StockRecord = {
    ID: id,
    Code: code,
    Description: description,
    QuantityField: settings.quantity,
    Quantity: null,
    Warehouses: [],
    Asperion: null,
    Problem: null,
  };
  let total = 0n;
  for (const row of rows) {
    const warehouse = textOrNull(row['WarehouseCode'])?.trim() ?? null;
    if (wanted && (warehouse === null || !wanted.has(warehouse))) continue;
    try {
      const current = toQuantity(row['CurrentStock'], `CurrentStock in warehouse ${warehouse ?? '?'}`);
      // Free stock is what is on hand and not reserved (reference 7.16 lists both for the item).
      const quantity =
        settings.quantity === 'FreeStock'
          ? current -
            (row['ReservedStock'] == null
              ? 0n
              : toQuantity(row['ReservedStock'], `ReservedStock in warehouse ${warehouse ?? '?'}`))
          : current;
      total += quantity;
      record.Warehouses.push({ Code: warehouse, Quantity: formatQuantity(quantity) });
    } catch (e) {
      record.Warehouses.push({ Code: warehouse, Quantity: null });
      record.Problem ??= toKoppelError(e).message;
    }
  }
  if (record.Problem === null) record.Quantity = formatQuantity(total);
  return record;
}

/** The `inventory/ItemWarehouses` rows of `ids`, a chunk of ids per call (60 rows a page). */
async function byItems(client: ExactClient, ids: readonly string[], chunkSize: number): Promise<ExactRow[]> {
  const rows: ExactRow[] = [];
  for (let at = 0; at < ids.length; at += chunkSize) {
    const filter = or(...ids.slice(at, at + chunkSize).map((id) => cmp('Item', 'eq', lit.guid(id))));
    for await (const page of client.pages('inventory/ItemWarehouses', {
      select: itemWarehouseFields,
      filter,
    }))
      rows.push(...page);
  }
  return rows;
}

const textOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
