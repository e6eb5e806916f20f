import type { ExactClient, ExactRow } from '../../connectors/exact-online/exact-client.js';
import type { SyncRow } from '../../connectors/exact-online/exact-sync.js';
import type { SourcePage } from '../../engine/types.js';
import { accountFields, sourceSpecs } from './exact-order-fields.js';

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

/**
 * Documents changed since `cursor`, a sync page (up to 1,000) at a time, each page completed with a
 * few bulk reads: its lines, and the accounts and contacts it names, by id in chunks. At 1,000
 * documents and 40 ids a chunk that is 0.025 calls an order for lines, plus accounts and contacts
 * not yet seen in this run. 40 ids keep a URL near 3,000 characters.
 */
export async function* readOrders(
  client: ExactClient,
  source: OrderSource,
  cursor: string | null,
  chunkSize: number,
): AsyncIterable<SourcePage<OrderRecord>> {
  const cache: LookupCache = {
    accounts: new Map(),
    contacts: new Map(),
    shippingMethods: new ShippingMethods(client),
  };
  for await (const page of client.syncRows<Row>(sourceSpecs[source].sync, {
    select: sourceSpecs[source].header,
    checkpoint: cursor,
  })) {
    if (page.rows.length === 0) continue;
    yield { records: await complete(client, source, page.rows, cache, chunkSize), cursor: page.checkpoint };
  }
}

/**
 * The documents of `records` as Exact has them now (header, lines, customer), for a replay after a
 * fix in Exact; one the division no longer has is left out. A few bulk reads per chunk of ids.
 */
export async function rereadOrders(
  client: ExactClient,
  source: OrderSource,
  records: readonly OrderRecord[],
  chunkSize: number,
): Promise<OrderRecord[]> {
  const spec = sourceSpecs[source];
  const ids = [...new Set(records.map((r) => r.ID))];
  const timestamps = new Map(records.map((r) => [r.ID, r.Timestamp]));
  const rows = (await client.bulkRowsByIds(spec.bulk, spec.header, spec.key, ids, chunkSize)).map((row) => ({
    ...row,
    // Bulk rows carry no sync Timestamp; the snapshot's is kept (it only moves a run's cursor).
    Timestamp: timestamps.get(String(row[spec.key])) ?? '',
  }));
  const cache = { accounts: new Map(), contacts: new Map(), shippingMethods: new ShippingMethods(client) };
  return complete(client, source, rows, cache, chunkSize);
}

/** Accounts and contacts read so far in a run (accounts recur across orders: each is read once). */
interface LookupCache {
  accounts: Map<string, ExactRow>;
  contacts: Map<string, ExactRow>;
  shippingMethods: ShippingMethods;
}

/** Header rows made self-contained records: their lines, customer and delivery address joined in. */
async function complete(
  client: ExactClient,
  source: OrderSource,
  rows: readonly Row[],
  { accounts, contacts, shippingMethods }: LookupCache,
  chunkSize: number,
): Promise<OrderRecord[]> {
  const spec = sourceSpecs[source];
  const keys = [...new Set(rows.map((r) => String(r[spec.key])))];
  const lines = await client.bulkRowsByIds(spec.lines, spec.lineFields, spec.key, keys, chunkSize);
  const accountIds = rows.flatMap((r) => [r['InvoiceTo'], r['OrderedBy'], r['DeliverTo']]);
  await fill(client, accounts, 'bulk/CRM/Accounts', accountFields, accountIds, chunkSize);
  const contactIds = [...accounts.values()].map((a) => a['MainContact']);
  await fill(client, contacts, 'bulk/CRM/Contacts', ['ID', 'FullName', 'Email'], contactIds, chunkSize);
  const linesOf = groupBy(lines, spec.key);
  const methods = await shippingMethods.forRows(rows);
  return rows.map(({ __metadata: _, ...row }) => {
    const account = accounts.get(String(row['InvoiceTo'] ?? row['OrderedBy']));
    const deliverTo = accounts.get(String(row['DeliverTo']));
    const lineRows = (linesOf.get(String(row[spec.key])) ?? []).sort(
      (a, b) => Number(a['LineNumber']) - Number(b['LineNumber']),
    );
    return {
      ...row,
      ID: String(row[spec.key]),
      Source: source,
      Timestamp: row.Timestamp,
      Status: numberOrNull(row['Status']),
      Type: numberOrNull(row['Type']),
      Customer: account ? customerOf(account, contacts) : null,
      /** The delivery account's address (the sync row's DeliverTo is that account's id). */
      DeliverTo: deliverTo ? addressOf(deliverTo) : null,
      ShippingMethod: methods.get(String(row['ShippingMethod'])) ?? null,
      Lines: lineRows.map(({ __metadata: _, ...line }) => line),
    } satisfies OrderRecord;
  });
}

/**
 * Exact's shipping methods (`sales/ShippingMethods`, a short list), read once a run and only when a
 * document names one. A Guid Exact no longer lists stays a method without code or description.
 */
class ShippingMethods {
  private known: Map<string, OrderShippingMethod> | undefined;

  constructor(private readonly client: ExactClient) {}

  async forRows(rows: readonly ExactRow[]): Promise<Map<string, OrderShippingMethod>> {
    const ids = rows
      .map((r) => r['ShippingMethod'])
      .filter((id): id is string => typeof id === 'string' && id !== '');
    if (ids.length === 0) return new Map();
    if (!this.known) {
      this.known = new Map();
      const select = ['ID', 'Code', 'Description'];
      for await (const page of this.client.pages('sales/ShippingMethods', { select }))
        for (const m of page)
          this.known.set(String(m['ID']), {
            ID: String(m['ID']),
            Code: textOrNull(m['Code']),
            Description: textOrNull(m['Description']),
          });
    }
    const known = this.known;
    return new Map(ids.map((id) => [id, known.get(id) ?? { ID: id, Code: null, Description: null }]));
  }
}

function customerOf(account: ExactRow, contacts: Map<string, ExactRow>): OrderCustomer {
  const contact =
    typeof account['MainContact'] === 'string' ? contacts.get(account['MainContact']) : undefined;
  return {
    ID: String(account['ID']),
    Code: textOrNull(account['Code'])?.trim() ?? null,
    Name: textOrNull(account['Name']),
    Email: textOrNull(account['Email']),
    Phone: textOrNull(account['Phone']),
    VATNumber: textOrNull(account['VATNumber']),
    ContactName: textOrNull(contact?.['FullName']),
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

/** Adds the rows of `ids` not yet in `cache` (accounts recur across orders: each is read once a run). */
async function fill(
  client: ExactClient,
  cache: Map<string, ExactRow>,
  endpoint: string,
  select: readonly string[],
  ids: readonly unknown[],
  chunkSize: number,
): Promise<void> {
  const missing = [...new Set(ids.filter((id): id is string => typeof id === 'string' && !cache.has(id)))];
  if (missing.length === 0) return;
  for (const row of await client.bulkRowsByIds(endpoint, select, 'ID', missing, chunkSize))
    cache.set(String(row['ID']), row);
}

function groupBy(rows: ExactRow[], field: string): Map<string, ExactRow[]> {
  const groups = new Map<string, ExactRow[]>();
  for (const row of rows) {
    const key = String(row[field]);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return groups;
}

const textOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const numberOrNull = (v: unknown): number | null => (typeof v === 'number' ? v : null);
