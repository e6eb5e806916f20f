import type { ExactClient, ExactRow } from '../../connectors/exact-online/exact-client.js';
import type { SyncRow } from '../../connectors/exact-online/exact-sync.js';
import { cmp, lit, or } from '../../connectors/exact-online/odata-query.js';
import type { SourcePage } from '../../engine/types.js';

/**
 * One Exact sales invoice as the orders flow sees it: the sync row's header fields, its lines, and
 * the customer (invoice-to account with its main contact) and delivery address joined in, so the
 * mapping reads one self-contained record.
 */
export interface OrderRecord extends Record<string, unknown> {
  InvoiceID: string;
  Timestamp: string;
  Status: number | null;
  Type: number | null;
  Customer: OrderCustomer | null;
  DeliverTo: OrderAddress | null;
  Lines: ExactRow[];
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
}

export const invoiceHeaderFields = [
  'InvoiceID',
  'InvoiceNumber',
  'InvoiceDate',
  'Type',
  'Status',
  'OrderedBy',
  'InvoiceTo',
  'DeliverTo',
  'Description',
  'YourRef',
  'Journal',
  'PaymentCondition',
  'Currency',
  'AmountFC',
  'AmountFCExclVat',
  'VATAmountFC',
  'OrderNumber',
] as const;

export const invoiceLineFields = [
  'ID',
  'InvoiceID',
  'LineNumber',
  'ItemCode',
  'ItemDescription',
  'Description',
  'Quantity',
  'UnitPrice',
  'NetPrice',
  'Discount',
  'AmountFC',
  'VATAmountFC',
  'VATCode',
] as const;

const accountFields = [
  'ID',
  'Code',
  'Name',
  'Email',
  'Phone',
  'VATNumber',
  'AddressLine1',
  'Postcode',
  'City',
  'Country',
  'MainContact',
] as const;

type Row = ExactRow & SyncRow;

/**
 * Sales invoices changed since `cursor`, a sync page (up to 1,000) at a time, each page completed
 * with a few bulk reads: its lines, and the accounts and contacts it names, by id in chunks. At
 * 1,000 invoices and 40 ids a chunk that is about 0.03 calls an order for lines, plus accounts not
 * seen before in this run.
 */
export async function* readSalesInvoices(
  client: ExactClient,
  cursor: string | null,
  chunkSize: number,
): AsyncIterable<SourcePage<OrderRecord>> {
  const accounts = new Map<string, ExactRow>();
  const contacts = new Map<string, ExactRow>();
  for await (const page of client.syncRows<Row>('sync/SalesInvoice/SalesInvoices', {
    select: invoiceHeaderFields,
    checkpoint: cursor,
  })) {
    if (page.rows.length === 0) continue;
    const lines = await byIds(
      client,
      'bulk/SalesInvoice/SalesInvoiceLines',
      invoiceLineFields,
      'InvoiceID',
      [...new Set(page.rows.map((r) => String(r['InvoiceID'])))],
      chunkSize,
    );
    const accountIds = page.rows.flatMap((r) => [r['InvoiceTo'], r['OrderedBy'], r['DeliverTo']]);
    await fill(client, accounts, 'bulk/CRM/Accounts', accountFields, accountIds, chunkSize);
    const contactIds = [...accounts.values()].map((a) => a['MainContact']);
    await fill(client, contacts, 'bulk/CRM/Contacts', ['ID', 'FullName', 'Email'], contactIds, chunkSize);
    const linesOf = groupBy(lines, 'InvoiceID');
    const records = page.rows.map((row) => {
      const account = accounts.get(String(row['InvoiceTo'] ?? row['OrderedBy']));
      const deliverTo = accounts.get(String(row['DeliverTo']));
      const lineRows = (linesOf.get(String(row['InvoiceID'])) ?? []).sort(
        (a, b) => Number(a['LineNumber']) - Number(b['LineNumber']),
      );
      return {
        ...row,
        InvoiceID: String(row['InvoiceID']),
        Status: numberOrNull(row['Status']),
        Type: numberOrNull(row['Type']),
        Customer: account ? customerOf(account, contacts) : null,
        DeliverTo: deliverTo ? addressOf(deliverTo) : null,
        Lines: lineRows.map(({ __metadata: _, ...line }) => line),
      } satisfies OrderRecord;
    });
    yield { records, cursor: page.checkpoint };
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

/** Rows of a bulk endpoint whose `field` is one of `ids`, a chunk of ids per call. */
async function byIds(
  client: ExactClient,
  endpoint: string,
  select: readonly string[],
  field: string,
  ids: readonly string[],
  chunkSize: number,
): Promise<ExactRow[]> {
  const rows: ExactRow[] = [];
  for (let at = 0; at < ids.length; at += chunkSize) {
    const filter = or(...ids.slice(at, at + chunkSize).map((id) => cmp(field, 'eq', lit.guid(id))));
    for await (const page of client.bulkRows(endpoint, { select, filter })) rows.push(...page);
  }
  return rows;
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
  for (const row of await byIds(client, endpoint, select, 'ID', missing, chunkSize))
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
