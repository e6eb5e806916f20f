import type { OrderSource } from './exact-orders-source.js';

/**
 * What the orders flow reads of a document's header, per source (reference 5.1, 5.3, appendix A).
 * Exact's sync feeds repeat these on every line row; `documentOnlyFields` says which of them a line
 * row fills with its own value or not at all.
 */
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
  'AmountDC',
  'VATAmountDC',
  'OrderNumber',
] as const;

/**
 * Exact's sync list for sales invoices has no `ShippingMethod`; its bulk headers do. It only
 * matters for shipping lines, so it is read by id for the invoices that have one (and on a reread).
 */
export const invoiceBulkHeaderFields = [...invoiceHeaderFields, 'ShippingMethod'] as const;

/** What a sales invoice line and a sales order line share (their VAT amount fields differ in name). */
const lineFields = [
  'LineNumber',
  'Item',
  'ItemCode',
  'ItemDescription',
  'Description',
  'Quantity',
  'UnitPrice',
  'NetPrice',
  'Discount',
  'AmountFC',
  'AmountDC',
  'VATCode',
  'VATPercentage',
] as const;

/** Sales invoice lines carry their VAT in both currencies; sales order lines only `VATAmount`. */
export const invoiceLineFields = ['ID', 'InvoiceID', ...lineFields, 'VATAmountFC', 'VATAmountDC'] as const;

export const orderHeaderFields = [
  'OrderID',
  'OrderNumber',
  'OrderDate',
  'Status',
  'OrderedBy',
  'InvoiceTo',
  'DeliverTo',
  'Description',
  'YourRef',
  'PaymentCondition',
  'ShippingMethod',
  'Currency',
  'AmountFC',
  'AmountFCExclVat',
  'AmountDC',
] as const;

export const orderLineFields = ['ID', 'OrderID', ...lineFields, 'VATAmount'] as const;

/**
 * Header fields a line row of a sync feed does not carry for the document: `Description`, the
 * amounts and VAT are the line's own there ("can be different for header and lines"), and
 * `AmountFCExclVat` is only filled on a header row (Exact's list marks it headerOnly). Without a
 * header row they are left empty on the record rather than taken from a line.
 */
export const documentOnlyFields: ReadonlySet<string> = new Set([
  'Description',
  'AmountFC',
  'AmountFCExclVat',
  'VATAmountFC',
  'VATAmount',
  'AmountDC',
  'VATAmountDC',
]);

export interface SourceSpec {
  /** The line-level sync feed: one row per line, the header's fields repeated (reference 5.1). */
  sync: string;
  /** Its `$select`: the header's fields and the line's. */
  syncFields: readonly string[];
  /** The headers by id (a replay reads its documents again). */
  bulk: string;
  bulkHeader: readonly string[];
  /** The lines by document id, when a feed's rows are not the whole document. */
  lines: string;
  key: string;
  header: readonly string[];
  lineFields: readonly string[];
}

const union = (...lists: Array<readonly string[]>) => [...new Set(lists.flat())];

/** Where each source's documents are read (reference 5.1, 5.3). */
export const sourceSpecs: Record<OrderSource, SourceSpec> = {
  salesInvoices: {
    sync: 'sync/SalesInvoice/SalesInvoices',
    syncFields: union(invoiceHeaderFields, invoiceLineFields),
    bulk: 'bulk/SalesInvoice/SalesInvoices',
    bulkHeader: invoiceBulkHeaderFields,
    lines: 'bulk/SalesInvoice/SalesInvoiceLines',
    key: 'InvoiceID',
    header: invoiceHeaderFields,
    lineFields: invoiceLineFields,
  },
  salesOrders: {
    sync: 'sync/SalesOrder/SalesOrders',
    syncFields: union(orderHeaderFields, orderLineFields),
    bulk: 'bulk/SalesOrder/SalesOrders',
    bulkHeader: orderHeaderFields,
    lines: 'bulk/SalesOrder/SalesOrderLines',
    key: 'OrderID',
    header: orderHeaderFields,
    lineFields: orderLineFields,
  },
};

/** Statuses sent when the settings name none: invoices open or processed; orders open, partial or complete. */
export const defaultStatuses: Record<OrderSource, number[]> = {
  salesInvoices: [20, 50],
  salesOrders: [12, 20, 21],
};

/** What the flow keeps of an Exact account (read by sync, by id in bulk; the same names in both). */
export const accountFields = [
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
  'SalesVATCode',
] as const;

/** Of the account's main contact, the flow needs the name (a company's attention-to). */
export const contactFields = ['ID', 'FullName'] as const;
