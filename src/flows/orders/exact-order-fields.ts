import type { OrderSource } from './exact-orders-source.js';

/** What the orders flow selects from Exact, per source (reference 5.1, 5.3, appendix A). */
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
  'ShippingMethod',
] as const;

/** What a sales invoice line and a sales order line share (their VAT amount fields differ in name). */
const lineFields = [
  'LineNumber',
  'ItemCode',
  'ItemDescription',
  'Description',
  'Quantity',
  'UnitPrice',
  'NetPrice',
  'Discount',
  'AmountFC',
  'VATCode',
] as const;

export const invoiceLineFields = ['ID', 'InvoiceID', ...lineFields, 'VATAmountFC'] as const;

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
] as const;

export const orderLineFields = ['ID', 'OrderID', ...lineFields, 'VATAmount'] as const;

export interface SourceSpec {
  sync: string;
  /** The same headers by id (a replay reads its documents again). */
  bulk: string;
  lines: string;
  key: string;
  header: readonly string[];
  lineFields: readonly string[];
}

/** Where each source's headers and lines are read (reference 5.1, 5.3; lines have no sync endpoint here). */
export const sourceSpecs: Record<OrderSource, SourceSpec> = {
  salesInvoices: {
    sync: 'sync/SalesInvoice/SalesInvoices',
    bulk: 'bulk/SalesInvoice/SalesInvoices',
    lines: 'bulk/SalesInvoice/SalesInvoiceLines',
    key: 'InvoiceID',
    header: invoiceHeaderFields,
    lineFields: invoiceLineFields,
  },
  salesOrders: {
    sync: 'sync/SalesOrder/SalesOrders',
    bulk: 'bulk/SalesOrder/SalesOrders',
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
