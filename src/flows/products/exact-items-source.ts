import type { ExactClient, ExactRow } from '../../connectors/exact-online/exact-client.js';
import type { SyncRow } from '../../connectors/exact-online/exact-sync.js';
import { exactDecimalText, parseExactDate } from '../../connectors/exact-online/exact-values.js';
import { cmp, lit } from '../../connectors/exact-online/odata-query.js';
import type { SourcePage } from '../../engine/types.js';
import type { ProductsSettings } from './settings.js';

/**
 * One Exact item as the products flow sees it: the item's own fields (Exact's names), with its item
 * group, its general sales price, its extra fields (features) and its assortment properties
 * (variant attributes) joined in, so the mapping reads one self-contained record.
 */
export interface ProductRecord extends Record<string, unknown> {
  ID: string;
  /** The SKU; null when Exact has none (such an item fails with a clear error). */
  Code: string | null;
  Description: string | null;
  ExtraDescription: string | null;
  Notes: string | null;
  Barcode: string | null;
  IsSalesItem: boolean;
  IsStockItem: boolean;
  /** Exact sends a Byte (0/1); read as a boolean here. */
  IsWebshopItem: boolean;
  SalesVatCode: string | null;
  Unit: string | null;
  PictureUrl: string | null;
  /** Amsterdam wall-clock (`2026-03-10T00:00:00.000`) or null. */
  EndDate: string | null;
  Modified: string | null;
  /** False once the item's end date has passed (Exact blocks it from then on). */
  Active: boolean;
  ItemGroup: { ID: string; Code: string | null; Description: string | null } | null;
  /** The general sales price (no account, valid today, the flow's currency), else StandardSalesPrice. */
  Price: { Amount: string; Currency: string; Source: 'priceList' | 'standardSalesPrice' } | null;
  /** read/logistics/ItemExtraField rows: one per filled free text field, by number. */
  Features: Array<{ Number: number; Label: string; Value: string }>;
  /** The item's properties in the assortments `settings.variants.attributes` names, with their labels. */
  Attributes: Array<{ Assortment: number; Label: string; Code: string; Value: string }>;
}

const numbered = (name: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${name}${String(i + 1).padStart(2, '0')}`);

/**
 * What is read of an item from bulk/Logistics/Items. Exact's sync list for items has no
 * StandardSalesPrice (scripts/exact-field-lists), so the sync read selects `syncItemFields` and the
 * standard price of an item without a price-list price is read in bulk.
 */
export const itemFields = [
  'ID',
  'Code',
  'Description',
  'ExtraDescription',
  'Notes',
  'Barcode',
  'IsSalesItem',
  'IsStockItem',
  'IsWebshopItem',
  'SalesVatCode',
  'ItemGroup',
  'Unit',
  'StandardSalesPrice',
  'PictureUrl',
  'EndDate',
  'Modified',
  'SearchCode',
  // Item classes (assortments) and the free yes/no fields, for variants and filter expressions.
  ...numbered('Class_', 10),
  ...numbered('FreeBoolField_', 5),
];

export const syncItemFields = itemFields.filter((f) => f !== 'StandardSalesPrice');

const priceFields = [
  'ID',
  'Item',
  'Account',
  'Currency',
  'Price',
  'Quantity',
  'Unit',
  'StartDate',
  'EndDate',
];

/** `Exact item SKU-123 (ID …)`: how messages name an item. */
export function describeItem(record: Pick<ProductRecord, 'ID' | 'Code'>): string {
  return `Exact item${record.Code ? ` ${record.Code}` : ''} (ID ${record.ID})`;
}

/** What people look an item up by besides its label: its code (the SKU), its EAN, its description. */
export function itemSearchKeys(
  record: Pick<ProductRecord, 'Code' | 'Barcode' | 'Description'>,
): Array<string | null | undefined> {
  return [record.Code, record.Barcode, record.Description];
}

/**
 * The cursor of a products flow: the sync Timestamp of items and, when the flow follows price
 * changes, of sales item prices (JSON text).
 */
interface ProductsCursor {
  items: string | null;
  prices: string | null;
}

function parseCursor(cursor: string | null): ProductsCursor {
  if (cursor === null) return { items: null, prices: null };
  if (cursor.startsWith('{')) {
    const parsed = JSON.parse(cursor) as Partial<ProductsCursor>;
    return { items: parsed.items ?? null, prices: parsed.prices ?? null };
  }
  return { items: cursor, prices: null };
}

/** Per-run look-ups shared by the pages of a run. */
export class ItemLookups {
  private groups: Promise<Map<string, ProductRecord['ItemGroup'] & object>> | undefined;
  private properties: Promise<Map<string, string>> | undefined;

  constructor(
    private readonly client: ExactClient,
    private readonly settings: ProductsSettings,
    /** Amsterdam date `YYYY-MM-DD`: which prices are valid and which items have ended. */
    private readonly today: string,
  ) {}

  /** Item rows (sync or bulk) made self-contained records. */
  async complete(rows: readonly ExactRow[]): Promise<ProductRecord[]> {
    if (rows.length === 0) return [];
    const [groups, prices, features, properties] = await Promise.all([
      this.itemGroups(),
      this.prices(rows),
      this.features(rows),
      this.assortmentProperties(),
    ]);
    const standards = await this.standardPrices(rows, prices);
    return rows.map(({ __metadata: _, ...row }) => {
      const id = String(row['ID']);
      const group =
        typeof row['ItemGroup'] === 'string' ? groups.get(row['ItemGroup'].toLowerCase()) : undefined;
      const endDate = dateOrNull(row['EndDate']);
      const standard = standards.get(id.toLowerCase());
      const price =
        prices.get(id.toLowerCase()) ??
        (typeof standard === 'number'
          ? {
              Amount: exactDecimalText(standard),
              Currency: this.settings.currency,
              Source: 'standardSalesPrice' as const,
            }
          : null);
      return {
        ...row,
        ID: id,
        Code: textOrNull(row['Code'])?.trim() || null,
        Description: textOrNull(row['Description']),
        ExtraDescription: textOrNull(row['ExtraDescription']),
        Notes: textOrNull(row['Notes']),
        Barcode: textOrNull(row['Barcode']),
        IsSalesItem: row['IsSalesItem'] === true,
        IsStockItem: row['IsStockItem'] === true,
        IsWebshopItem: row['IsWebshopItem'] === 1 || row['IsWebshopItem'] === true,
        SalesVatCode: textOrNull(row['SalesVatCode'])?.trim() || null,
        Unit: textOrNull(row['Unit']),
        PictureUrl: textOrNull(row['PictureUrl']),
        EndDate: endDate,
        Modified: dateOrNull(row['Modified']),
        Active: endDate === null || endDate.slice(0, 10) > this.today,
        ItemGroup: group ?? null,
        Price: price,
        Features: features.get(id.toLowerCase()) ?? [],
        Attributes: this.attributesOf(row, properties),
      } satisfies ProductRecord;
    });
  }

  private attributesOf(row: ExactRow, properties: Map<string, string>): ProductRecord['Attributes'] {
    const out: ProductRecord['Attributes'] = [];
    for (const [code, label] of Object.entries(this.settings.variants.attributes).sort(
      ([a], [b]) => Number(a) - Number(b),
    )) {
      const value = textOrNull(row[`Class_${code.padStart(2, '0')}`]);
      if (value === null) continue;
      out.push({
        Assortment: Number(code),
        Label: label,
        Code: value,
        Value: properties.get(`${code}:${value}`) ?? value,
      });
    }
    return out;
  }

  /**
   * StandardSalesPrice of the items without a price-list price: on the row when it came from bulk,
   * else read in bulk for those items only (sync rows do not carry it).
   */
  private async standardPrices(
    rows: readonly ExactRow[],
    prices: ReadonlyMap<string, unknown>,
  ): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    const unread: string[] = [];
    for (const row of rows) {
      const id = String(row['ID']);
      if (prices.has(id.toLowerCase())) continue;
      if ('StandardSalesPrice' in row) out.set(id.toLowerCase(), row['StandardSalesPrice']);
      else unread.push(id);
    }
    if (unread.length === 0) return out;
    const select = ['ID', 'StandardSalesPrice'];
    const chunk = this.settings.lookupChunkSize;
    for (const row of await this.client.bulkRowsByIds('bulk/Logistics/Items', select, 'ID', unread, chunk))
      out.set(String(row['ID']).toLowerCase(), row['StandardSalesPrice']);
    return out;
  }

  /** Exact's item groups (a short list), once a run. */
  private itemGroups() {
    this.groups ??= (async () => {
      const out = new Map<string, { ID: string; Code: string | null; Description: string | null }>();
      for await (const page of this.client.pages('logistics/ItemGroups', {
        select: ['ID', 'Code', 'Description'],
      }))
        for (const g of page)
          out.set(String(g['ID']).toLowerCase(), {
            ID: String(g['ID']),
            Code: textOrNull(g['Code']),
            Description: textOrNull(g['Description']),
          });
      return out;
    })();
    return this.groups;
  }

  /** Assortment property descriptions by `<assortment code>:<property code>`, once a run, only when variants are mapped. */
  private assortmentProperties() {
    this.properties ??= (async () => {
      const out = new Map<string, string>();
      if (Object.keys(this.settings.variants.attributes).length === 0) return out;
      const select = ['ID', 'Code', 'Description', 'ItemAssortmentCode'];
      for await (const page of this.client.pages('logistics/ItemAssortmentProperty', { select }))
        for (const p of page) {
          const description = textOrNull(p['Description']);
          if (description) out.set(`${String(p['ItemAssortmentCode'])}:${String(p['Code'])}`, description);
        }
      return out;
    })();
    return this.properties;
  }

  /**
   * The general price of each item: rows without an account, in the flow's currency and the item's
   * own unit, valid today; of those the base price (lowest minimum quantity, so no quantity break),
   * the latest start first.
   */
  private async prices(
    items: readonly ExactRow[],
  ): Promise<Map<string, NonNullable<ProductRecord['Price']>>> {
    const ids = items.map((r) => String(r['ID']));
    const units = new Map(items.map((r) => [String(r['ID']).toLowerCase(), r['Unit'] ?? null]));
    const rows = await this.client.bulkRowsByIds(
      'bulk/Logistics/SalesItemPrices',
      priceFields,
      'Item',
      ids,
      this.settings.lookupChunkSize,
    );
    const best = new Map<string, { row: ExactRow; quantity: number; start: string }>();
    for (const row of rows) {
      if (row['Account'] !== null && row['Account'] !== undefined) continue;
      if (String(row['Currency'] ?? '') !== this.settings.currency) continue;
      const start = dateOrNull(row['StartDate']) ?? '';
      const end = dateOrNull(row['EndDate']);
      if (start.slice(0, 10) > this.today || (end !== null && end.slice(0, 10) < this.today)) continue;
      if (typeof row['Price'] !== 'number') continue;
      const unit = row['Unit'] ?? null;
      if (unit !== null && unit !== units.get(String(row['Item']).toLowerCase())) continue;
      const quantity = typeof row['Quantity'] === 'number' ? row['Quantity'] : 0;
      const key = String(row['Item']).toLowerCase();
      const seen = best.get(key);
      if (!seen || quantity < seen.quantity || (quantity === seen.quantity && start > seen.start))
        best.set(key, { row, quantity, start });
    }
    return new Map(
      [...best].map(([key, { row }]) => [
        key,
        {
          Amount: exactDecimalText(row['Price'] as number),
          Currency: this.settings.currency,
          Source: 'priceList' as const,
        },
      ]),
    );
  }

  /**
   * Extra fields of the page's items in one call: the rows modified since the oldest item of the
   * page was (an extra field changes with its item), grouped by item.
   */
  private async features(rows: readonly ExactRow[]): Promise<Map<string, ProductRecord['Features']>> {
    const wanted = new Set(rows.map((r) => String(r['ID']).toLowerCase()));
    const modified = rows.map((r) => dateOrNull(r['Modified']));
    const oldest = modified.includes(null) ? null : (modified as string[]).sort()[0];
    const filter = oldest ? cmp('Modified', 'ge', lit.datetime(oldest)) : undefined;
    const out = new Map<string, ProductRecord['Features']>();
    for await (const page of this.client.pages('read/logistics/ItemExtraField', filter ? { filter } : {}))
      for (const f of page) {
        const item = String(f['ItemID']).toLowerCase();
        const value = textOrNull(f['Value']);
        if (!wanted.has(item) || value === null) continue;
        out.set(item, [
          ...(out.get(item) ?? []),
          {
            Number: Number(f['Number']),
            Label: textOrNull(f['Description']) ?? `Field ${f['Number']}`,
            Value: value,
          },
        ]);
      }
    for (const list of out.values()) list.sort((a, b) => a.Number - b.Number);
    return out;
  }
}

type Row = ExactRow & SyncRow;

/**
 * Items changed since the cursor, a sync page (up to 1,000) at a time, completed with a few bulk
 * reads per page (prices by item id in chunks, one extra-field read). Then, when the flow follows
 * price changes, the items whose sales price rows changed since the price cursor (read again in
 * bulk, skipping the ones this run already sent). On a first run the price cursor starts at the
 * end of the price sync, since the item read already carries every price.
 */
export async function* readItems(
  client: ExactClient,
  settings: ProductsSettings,
  lookups: ItemLookups,
  cursor: string | null,
): AsyncIterable<SourcePage<ProductRecord>> {
  const at = parseCursor(cursor);
  let prices = at.prices;
  if (settings.followPriceChanges && prices === null) {
    // Taken before the items are read, so a price changed meanwhile is read again next time.
    for await (const page of client.syncRows('sync/Logistics/SalesItemPrices', {
      select: ['ID'],
      checkpoint: null,
    }))
      prices = page.checkpoint;
  }
  let items = at.items;
  const seen = new Set<string>();
  const text = () => JSON.stringify({ items, prices });
  for await (const page of client.syncRows<Row>('sync/Logistics/Items', {
    select: syncItemFields,
    checkpoint: items,
  })) {
    items = page.checkpoint;
    for (const r of page.rows) seen.add(String(r['ID']).toLowerCase());
    yield { records: await lookups.complete(page.rows), cursor: text() };
  }
  if (!settings.followPriceChanges) return;
  for await (const page of client.syncRows('sync/Logistics/SalesItemPrices', {
    select: ['ID', 'Item', 'Account'],
    checkpoint: prices,
  })) {
    prices = page.checkpoint;
    const ids = [
      ...new Set(
        page.rows
          .filter((r) => (r['Account'] ?? null) === null && typeof r['Item'] === 'string')
          .map((r) => String(r['Item']).toLowerCase()),
      ),
    ].filter((id) => !seen.has(id));
    for (const id of ids) seen.add(id);
    const rows = await client.bulkRowsByIds(
      'bulk/Logistics/Items',
      itemFields,
      'ID',
      ids,
      settings.lookupChunkSize,
    );
    yield { records: await lookups.complete(rows), cursor: text() };
  }
}

/** The items of `records` as Exact has them now; one the division no longer has is left out. */
export async function rereadItems(
  client: ExactClient,
  settings: ProductsSettings,
  lookups: ItemLookups,
  records: readonly ProductRecord[],
): Promise<ProductRecord[]> {
  const ids = [...new Set(records.map((r) => r.ID))];
  return lookups.complete(
    await client.bulkRowsByIds('bulk/Logistics/Items', itemFields, 'ID', ids, settings.lookupChunkSize),
  );
}

function dateOrNull(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? parseExactDate(v) : null;
}

const textOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
