import type { ExactClient, ExactRow } from '../../connectors/exact-online/exact-client.js';
import type { SyncRow } from '../../connectors/exact-online/exact-sync.js';
import type { SourcePage } from '../../engine/types.js';
import { DocumentRowGrouper, type DocumentRows } from './document-rows.js';
import { documentOnlyFields, sourceSpecs } from './exact-order-fields.js';
import { ExactMirror, type MirroredAccount, type MirrorOptions } from './exact-mirror.js';

/** The Exact documents an orders flow can read. */
export const orderSources = ['salesInvoices', 'salesOrders'] as const;
export type OrderSource = (typeof orderSources)[number];

/**
 * One Exact sales invoice or sales order as the orders flow sees it: the sync row's header fields
 * (Exact's names), its lines, and the customer (invoice-to account with its main contact) and
 * delivery address joined in, so the mapping reads one self-contained record. `ID` is the
 * document's key (InvoiceID or OrderID) and `Source` says which it is.
 */
export interface OrderRecord extends Record<string, unknown> {
  ID: string;
  Source: OrderSource;
  Timestamp: string;
  Status: number | null;
  Type: number | null;
  Customer: OrderCustomer | null;
  DeliverTo: OrderAddress | null;
  /** The document's shipping method (Exact names it by Guid), with its code and description. */
  ShippingMethod: OrderShippingMethod | null;
  Lines: ExactRow[];
}

export interface OrderShippingMethod {
  ID: string;
  Code: string | null;
  Description: string | null;
}

export interface OrderAddress {
  AddressLine1: string | null;
  Postcode: string | null;
  City: string | null;
  Country: string | null;
}

export interface OrderCustomer extends OrderAddress {
  ID: string;
  /** Exact pads account codes to 18 characters; trimmed here. */
  Code: string | null;
  Name: string | null;
  Email: string | null;
  Phone: string | null;
  VATNumber: string | null;
  /** The main contact's full name; Exact gives private persons none (sandbox README), companies one. */
  ContactName: string | null;
  /** The customer's default sales VAT code, for lines that carry none. */
  SalesVATCode: string | null;
}

type Row = ExactRow & SyncRow;

/**
 * What people look an order up by besides its label: its invoice and order numbers, the customer's
 * reference (YourRef), and the customer's e-mail, name, code and contact person.
 */
export function orderSearchKeys(record: OrderRecord): Array<string | null | undefined> {
  const c = record.Customer;
  return [
    textOf(record.InvoiceNumber),
    textOf(record.OrderNumber),
    textOf(record.YourRef),
    c?.Email,
    c?.Name,
    c?.Code,
    c?.ContactName,
  ];
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

/** `Exact sales invoice 26700012 (InvoiceID 0c00…)`: how messages name an order. */
export function describeOrder(record: OrderRecord): string {
  const invoice = record.Source === 'salesInvoices';
  const number = record[invoice ? 'InvoiceNumber' : 'OrderNumber'];
  const shown =
    typeof number === 'number' || (typeof number === 'string' && number !== '') ? ` ${number}` : '';
  return `Exact sales ${invoice ? 'invoice' : 'order'}${shown} (${invoice ? 'InvoiceID' : 'OrderID'} ${record.ID})`;
}

/** How the source reads (from the flow's settings and context). */
export interface OrdersReadOptions extends MirrorOptions {
  /**
   * `whole` (default): a run's sync rows of a document are taken to be all of it, as Exact is
   * believed to version every row of a document when any part changes (UNCONFIRMED); rows that are
   * visibly not the whole document (a gap in the line numbers, lines that do not add up to the
   * header) have their lines read by id all the same. `changed`: the lines are always read by id.
   */
  syncRows: 'whole' | 'changed';
  /** Item codes of shipping lines: only invoices with one need their shipping method read. */
  shippingItemCodes: readonly string[];
}

/**
 * Documents changed since `cursor`, from Exact's line-level sync feed, a page (1,000 rows) at a
 * time, grouped into whole documents (`document-rows.ts`: a document straddling pages is held
 * until complete, and the cursor stays below its rows). Customers come from the pair's mirror of
 * Exact accounts (`exact-mirror.ts`); lines are read by id only for documents whose rows are not
 * the whole of them. A run with one order for a known customer costs two calls: the documents and
 * the accounts changed since the last run.
 */
export async function* readOrders(
  client: ExactClient,
  source: OrderSource,
  cursor: string | null,
  options: OrdersReadOptions,
): AsyncIterable<SourcePage<OrderRecord>> {
  const spec = sourceSpecs[source];
  const mirror = new ExactMirror(client, options);
  const grouper = new DocumentRowGrouper<Row>(spec.key, cursor);
  let checkpoint: string | null = null;
  for await (const page of client.syncRows<Row>(spec.sync, { select: spec.syncFields, checkpoint: cursor })) {
    checkpoint = page.checkpoint;
    const grouped = grouper.push(page.rows);
    if (grouped.documents.length > 0)
      yield {
        records: await complete(client, source, grouped.documents, mirror, options),
        cursor: grouped.cursor,
      };
  }
  if (checkpoint === null) return;
  const last = grouper.end(checkpoint);
  if (last.documents.length > 0)
    yield { records: await complete(client, source, last.documents, mirror, options), cursor: last.cursor };
}

/**
 * The documents of `records` as Exact has them now (header and lines by id in bulk, customer from
 * the mirror brought up to date), for a replay after a fix in Exact; one the division no longer
 * has is left out.
 */
export async function rereadOrders(
  client: ExactClient,
  source: OrderSource,
  records: readonly OrderRecord[],
  options: OrdersReadOptions,
): Promise<OrderRecord[]> {
  return readOrdersByIds(
    client,
    source,
    records.map((r) => r.ID),
    options,
    new Map(records.map((r) => [r.ID, r.Timestamp])),
  );
}

/**
 * The documents with these ids as Exact has them now (header and lines by id in bulk, customer
 * from the mirror brought up to date); one the division does not have is left out. A webhook's
 * one document costs the header and lines calls, and the mirror's call for changed accounts.
 */
export async function readOrdersByIds(
  client: ExactClient,
  source: OrderSource,
  documentIds: readonly string[],
  options: OrdersReadOptions,
  timestamps: ReadonlyMap<string, OrderRecord['Timestamp']> = new Map(),
): Promise<OrderRecord[]> {
  const spec = sourceSpecs[source];
  const ids = [...new Set(documentIds)];
  if (ids.length === 0) return [];
  const headers = await client.bulkRowsByIds(spec.bulk, spec.bulkHeader, spec.key, ids, options.chunkSize);
  const lines = await linesById(
    client,
    source,
    headers.map((h) => String(h[spec.key])),
    options.chunkSize,
  );
  const documents = headers.map((header) => {
    const key = String(header[spec.key]);
    // Bulk rows carry no sync Timestamp; the snapshot's is kept (it only moves a run's cursor).
    const row = { ...header, LineNumber: 0, Timestamp: timestamps.get(key) ?? '' } as Row;
    return {
      key,
      header: row,
      lines: [],
      timestamp: row.Timestamp,
      whole: false,
    } satisfies DocumentRows<Row>;
  });
  return complete(client, source, documents, new ExactMirror(client, options), options, lines, true);
}

/** Grouped documents made self-contained records: lines, customer and delivery address joined in. */
async function complete(
  client: ExactClient,
  source: OrderSource,
  documents: ReadonlyArray<DocumentRows<Row>>,
  mirror: ExactMirror,
  options: OrdersReadOptions,
  linesRead?: Map<string, ExactRow[]>,
  withShippingMethod = false,
): Promise<OrderRecord[]> {
  const spec = sourceSpecs[source];
  const toRead = documents.filter((d) => options.syncRows === 'changed' || !d.whole).map((d) => d.key);
  const bulkLines: Map<string, ExactRow[]> =
    linesRead ?? (toRead.length > 0 ? await linesById(client, source, toRead, options.chunkSize) : new Map());
  const docs = documents.map((doc) => {
    const headerRow = doc.header ?? doc.lines[0]!;
    const header: ExactRow = {};
    for (const field of spec.header)
      header[field] =
        doc.header === null && documentOnlyFields.has(field) ? null : (headerRow[field] ?? null);
    if (withShippingMethod) header['ShippingMethod'] = headerRow['ShippingMethod'] ?? null;
    const lines = bulkLines.get(doc.key) ?? doc.lines.map((row) => lineOf(row, spec.lineFields));
    return { doc, header, lines };
  });
  // Exact's sync list for invoices has no ShippingMethod: the bulk headers of those with a
  // shipping line are read for it (a shipping method only names a shipping line's article and text).
  if (source === 'salesInvoices' && !withShippingMethod) {
    const codes = new Set(options.shippingItemCodes);
    const shipping = docs.filter((d) => d.lines.some((l) => codes.has(String(l['ItemCode']))));
    if (shipping.length > 0) {
      const methods = new Map(
        (
          await client.bulkRowsByIds(
            spec.bulk,
            [spec.key, 'ShippingMethod'],
            spec.key,
            shipping.map((d) => d.doc.key),
            options.chunkSize,
          )
        ).map((r) => [String(r[spec.key]), r['ShippingMethod']]),
      );
      for (const d of shipping) d.header['ShippingMethod'] = methods.get(d.doc.key) ?? null;
    }
  }
  const accounts = await mirror.accountsOf(
    docs.flatMap(({ header }) => [header['InvoiceTo'] ?? header['OrderedBy'], header['DeliverTo']]),
  );
  const methods = await mirror.shippingMethodsOf(docs.map(({ header }) => header['ShippingMethod']));
  return docs.map(({ doc, header, lines }) => {
    const account = accounts.get(String(header['InvoiceTo'] ?? header['OrderedBy']));
    const deliverTo = accounts.get(String(header['DeliverTo']));
    return {
      ...header,
      ID: doc.key,
      Source: source,
      Timestamp: doc.timestamp,
      Status: numberOrNull(header['Status']),
      Type: numberOrNull(header['Type']),
      Customer: account ? customerOf(account) : null,
      /** The delivery account's address (the sync row's DeliverTo is that account's id). */
      DeliverTo: deliverTo ? addressOf(deliverTo.row) : null,
      ShippingMethod: methods.get(String(header['ShippingMethod'])) ?? null,
      Lines: lines,
    } satisfies OrderRecord;
  });
}

/** The lines of `keys` by document id in bulk, in line order. */
async function linesById(
  client: ExactClient,
  source: OrderSource,
  keys: readonly string[],
  chunkSize: number,
): Promise<Map<string, ExactRow[]>> {
  const spec = sourceSpecs[source];
  const byKey = new Map<string, ExactRow[]>(keys.map((k) => [k, []]));
  for (const row of await client.bulkRowsByIds(spec.lines, spec.lineFields, spec.key, keys, chunkSize))
    byKey.get(String(row[spec.key]))?.push(lineOf(row, spec.lineFields));
  for (const lines of byKey.values()) lines.sort((a, b) => Number(a['LineNumber']) - Number(b['LineNumber']));
  return byKey;
}

/** A line as the mapping reads it: the line fields only, whether from a sync row or a bulk line. */
function lineOf(row: ExactRow, fields: readonly string[]): ExactRow {
  const line: ExactRow = {};
  for (const field of fields) line[field] = row[field] ?? null;
  return line;
}

function customerOf({ row: account, contactName }: MirroredAccount): OrderCustomer {
  return {
    ID: String(account['ID']),
    Code: textOrNull(account['Code'])?.trim() ?? null,
    Name: textOrNull(account['Name']),
    Email: textOrNull(account['Email']),
    Phone: textOrNull(account['Phone']),
    VATNumber: textOrNull(account['VATNumber']),
    ContactName: contactName ?? null,
    SalesVATCode: textOrNull(account['SalesVATCode']),
    ...addressOf(account),
  };
}

function addressOf(account: ExactRow): OrderAddress {
  return {
    AddressLine1: textOrNull(account['AddressLine1']),
    Postcode: textOrNull(account['Postcode']),
    City: textOrNull(account['City']),
    Country: textOrNull(account['Country']),
  };
}

const textOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const numberOrNull = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/**
 * Exact items' list prices (`StandardSalesPrice`, in the division's currency) by item ID, read by
 * id in bulk only when asked: an article made for an order line takes its item's list price, not
 * the line's discounted one. Asks made in the same turn of the event loop share one call (per
 * `chunkSize` ids); each item is read once a run. An item Exact does not have, or one without a
 * price, gives null.
 */
export class ExactItemPrices {
  private readonly known = new Map<string, Promise<number | null>>();
  private waiting = new Map<
    string,
    { resolve: (price: number | null) => void; reject: (e: unknown) => void }
  >();

  constructor(
    private readonly client: ExactClient,
    private readonly chunkSize: number,
  ) {}

  listPrice(item: string): Promise<number | null> {
    const id = item.toLowerCase();
    let price = this.known.get(id);
    if (!price) {
      price = new Promise((resolve, reject) => {
        if (this.waiting.size === 0) setImmediate(() => void this.flush());
        this.waiting.set(id, { resolve, reject });
      });
      this.known.set(id, price);
    }
    return price;
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = new Map();
    try {
      const rows = await this.client.bulkRowsByIds(
        'bulk/Logistics/Items',
        ['ID', 'StandardSalesPrice'],
        'ID',
        [...batch.keys()],
        this.chunkSize,
      );
      const prices = new Map(rows.map((r) => [String(r['ID']).toLowerCase(), r['StandardSalesPrice']]));
      for (const [id, { resolve }] of batch) {
        const price = prices.get(id);
        resolve(typeof price === 'number' && Number.isFinite(price) ? price : null);
      }
    } catch (e) {
      // A failed read is tried again by the next ask rather than remembered.
      for (const [id, { reject }] of batch) {
        this.known.delete(id);
        reject(e);
      }
    }
  }
}
