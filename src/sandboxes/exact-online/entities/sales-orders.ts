import { mandatoryError, unknownReferenceError } from './business-errors.js';
import type { WriteContext } from './entity-descriptor.js';
import { defineEntity } from './entity-descriptor.js';
import type { ExactSettings } from '../settings.js';
import type { DivisionData, StoredRecord } from './entity-store.js';
import { updateRecord } from './entity-store.js';
import { multiplyDecimal, roundingOf, sumDecimal } from './exact-decimal.js';
import type { StoredRow } from './field-types.js';
import { completeItemLine, itemLineAmount } from './item-line.js';
import { divisionAmounts, exchangeRateOf } from './currency.js';
import { salesOrderFieldList, salesOrderLineFieldList } from './sales-order-fields.js';

/** Status codes 12 open (appendix B). */
const open = 12;

/** The next free order number: one above the highest so far. */
function nextOrderNumber(ctx: WriteContext): number {
  let highest = 0;
  for (const r of ctx.rowsOf('salesorder/SalesOrders'))
    highest = Math.max(highest, Number(r['OrderNumber'] ?? 0));
  return highest + 1;
}

/** Fill a line from its item and VAT code; amounts as exact decimals. */
function completeLine(line: StoredRow, order: StoredRow, index: number, ctx: WriteContext): void {
  priceLine(line, order, index, ctx);
  line['DeliveryStatus'] = open;
  line['InvoiceStatus'] = open;
  line['OrderStatus'] = open;
}

/** A line's item fields, VAT code and amounts, leaving its statuses and quantities done alone. */
function priceLine(line: StoredRow, order: StoredRow, index: number, ctx: WriteContext): void {
  const item = completeItemLine(line, order, index, ctx);
  line['OrderID'] = order['OrderID'] ?? null;
  line['OrderNumber'] = order['OrderNumber'] ?? null;
  line['VATCode'] ??= item['SalesVatCode'] ?? null;
  const vat = ctx.findBy('vat/VATCodes', 'Code', line['VATCode']);
  line['VATPercentage'] ??= vat?.['Percentage'] ?? 0;
  line['AmountFC'] = itemLineAmount(line, ctx);
  // VAT per line on the line's (cent) amount, rounded once.
  const mode = roundingOf(ctx.settings.amountRounding);
  line['VATAmount'] = multiplyDecimal(Number(line['AmountFC']), Number(line['VATPercentage']), 2, mode);
  // A line has no VAT in the division's currency (appendix A): only its amount is converted.
  const rate = exchangeRateOf(order['Currency'], ctx.settings);
  line['AmountDC'] = divisionAmounts(line, 0, 0, rate, ctx.settings).amountDC;
  line['Division'] = ctx.division;
}

/** Header amounts from the lines: AmountFC/DC with VAT, AmountFCExclVat without (appendix A; UNCONFIRMED). */
function orderTotals(lines: StoredRow[], rate: number, settings: ExactSettings): StoredRow {
  const net = sumDecimal(lines.map((l) => Number(l['AmountFC'])));
  const vat = sumDecimal(lines.map((l) => Number(l['VATAmount'])));
  const gross = sumDecimal([net, vat]);
  // The header's DC amount includes VAT like its FC amount; the VAT is converted as a whole (UNCONFIRMED).
  const netDC = sumDecimal(lines.map((l) => Number(l['AmountDC'])));
  const vatDC = rate === 1 ? vat : multiplyDecimal(vat, rate, 2, roundingOf(settings.amountRounding));
  return { AmountFCExclVat: net, AmountFC: gross, AmountDC: sumDecimal([netDC, vatDC]) };
}

/** salesorder/SalesOrders with embedded SalesOrderLines (reference 7.9, field lists appendix A). */
export const salesOrdersEntity = defineEntity({
  path: 'salesorder/SalesOrders',
  typeName: 'Exact.Web.Api.Models.SalesOrder',
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  pageSize: 60,
  skipAllowed: true,
  deletedEntityType: 12,
  fieldList: salesOrderFieldList,
  children: {
    SalesOrderLines: {
      path: 'salesorder/SalesOrderLines',
      typeName: 'Exact.Web.Api.Models.SalesOrderLine',
      parentKey: 'OrderID',
      fieldList: salesOrderLineFieldList,
      // The lines endpoint and the line-level sync feeds read these same rows, each with its own version.
      indexed: true,
    },
  },
  deletions: (record) => {
    const lines = (record.children['SalesOrderLines'] ?? []).map((line) => String(line['ID']));
    const order = String(record.row['OrderID']);
    // 12 for the rows of the legacy sync/SalesOrder/SalesOrders (each line, and the order: the
    // header row's ID), 32 for SalesOrderHeaders (ID = OrderID), 33 for SalesOrderLines. Which
    // keys Exact writes is UNCONFIRMED (reference 5.2, appendix B).
    return [
      ...lines.map((id) => ({ entityType: 12, entityKey: id })),
      { entityType: 12, entityKey: order },
      { entityType: 32, entityKey: order },
      ...lines.map((id) => ({ entityType: 33, entityKey: id })),
    ];
  },
  beforeCreate(row, children, ctx) {
    const account = ctx.findBy('crm/Accounts', 'ID', row['OrderedBy']);
    if (!account) throw unknownReferenceError(ctx.settings, 'OrderedBy');
    const lines = children['SalesOrderLines'] ?? [];
    if (lines.length === 0) throw mandatoryError(ctx.settings, 'SalesOrderLines');
    // Exact assigns the next free number when OrderNumber is omitted (reference 7.9, assumed).
    row['OrderNumber'] ??= nextOrderNumber(ctx);
    row['OrderedByName'] = account['Name'] ?? null;
    row['InvoiceTo'] ??= row['OrderedBy'] ?? null;
    row['DeliverTo'] ??= row['OrderedBy'] ?? null;
    row['OrderDate'] ??= `${ctx.now.slice(0, 10)}T00:00:00.000`;
    row['Currency'] ??= 'EUR';
    row['Status'] = open;
    row['DeliveryStatus'] = open;
    row['InvoiceStatus'] = open;
    row['ApprovalStatus'] = 1;
    lines.forEach((line, index) => completeLine(line, row, index, ctx));
    Object.assign(row, orderTotals(lines, exchangeRateOf(row['Currency'], ctx.settings), ctx.settings));
  },
});

const ordersPath = 'salesorder/SalesOrders';

/** The order a line belongs to. */
function orderOf(line: StoredRow, ctx: WriteContext): StoredRecord {
  const order = ctx.data.table(ordersPath).get(String(line['OrderID']).toLowerCase());
  if (!order) throw unknownReferenceError(ctx.settings, 'OrderID');
  return order;
}

/**
 * Renumber the lines and write the order's new totals; `changed` are the lines the change was made
 * to, for their row versions (`syncLineVersions`).
 */
function refreshOrder(order: StoredRecord, ctx: WriteContext, changed: readonly StoredRow[]): void {
  const lines = order.children['SalesOrderLines'] ?? [];
  lines.forEach((line, index) => (line['LineNumber'] = index + 1));
  const totals = orderTotals(lines, exchangeRateOf(order.row['Currency'], ctx.settings), ctx.settings);
  updateRecord(salesOrdersEntity, ctx.data, order, totals, ctx.now, ctx.settings, changed);
}

/** Fields a line's PUT may change that the amounts depend on. */
const priceInputs = ['Item', 'Quantity', 'UnitPrice', 'NetPrice', 'Discount', 'VATCode', 'VATPercentage'];

/**
 * salesorder/SalesOrderLines on their own (appendix A: GET POST PUT DELETE), the same rows as the
 * orders' embedded lines. A posted line needs `OrderID` and `Item`; the order's totals follow every
 * change. A deletion leaves EntityType 12 (legacy sync/SalesOrder/SalesOrders) and 33
 * (SalesOrderLines) for the line's ID (reference 5.2, appendix B).
 */
export const salesOrderLinesEntity = defineEntity({
  path: 'salesorder/SalesOrderLines',
  typeName: 'Exact.Web.Api.Models.SalesOrderLine',
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  pageSize: 60,
  skipAllowed: true,
  fieldList: salesOrderLineFieldList,
  deletions: (record) => [
    { entityType: 12, entityKey: String(record.row['ID']) },
    { entityType: 33, entityKey: String(record.row['ID']) },
  ],
  beforeCreate(row, _children, ctx) {
    const order = orderOf(row, ctx);
    completeLine(row, order.row, (order.children['SalesOrderLines'] ?? []).length, ctx);
  },
  afterCreate(record, ctx) {
    const order = orderOf(record.row, ctx);
    (order.children['SalesOrderLines'] ??= []).push(record.row);
    refreshOrder(order, ctx, [record.row]);
  },
  beforeUpdate(row, patch, ctx) {
    // Moving a line to another order is not modelled: the line stays on its order.
    delete patch['OrderID'];
    delete patch['OrderNumber'];
    const order = orderOf(row, ctx);
    if (!priceInputs.some((field) => field in patch)) return;
    // Recompute on a copy, so a refused change leaves the line as it was.
    const next: StoredRow = { ...row, ...patch };
    if (('UnitPrice' in patch || 'Discount' in patch || 'Item' in patch) && !('NetPrice' in patch))
      next['NetPrice'] = null;
    if ('Item' in patch && !('VATCode' in patch)) next['VATCode'] = null;
    if (('Item' in patch || 'VATCode' in patch) && !('VATPercentage' in patch)) next['VATPercentage'] = null;
    priceLine(next, order.row, Number(row['LineNumber']) - 1, ctx);
    Object.assign(patch, next);
  },
  afterUpdate(record, ctx) {
    refreshOrder(orderOf(record.row, ctx), ctx, [record.row]);
  },
  afterDelete(record, ctx) {
    const order = orderOf(record.row, ctx);
    const lines = order.children['SalesOrderLines'] ?? [];
    order.children['SalesOrderLines'] = lines.filter((line) => line !== record.row);
    refreshOrder(order, ctx, []);
  },
});

/** What Exact's goods deliveries and invoicing did to one order line (quantities so far). */
export interface LineProgress {
  id: string;
  quantityDelivered?: number | undefined;
  quantityInvoiced?: number | undefined;
}

const statusCode = { open: 12, partial: 20, complete: 21, cancelled: 45 } as const;

function lineStatus(done: number, total: number): number {
  if (done === 0) return statusCode.open;
  return Math.abs(done) >= Math.abs(total) ? statusCode.complete : statusCode.partial;
}

function aggregate(statuses: number[]): number {
  if (statuses.every((s) => s === statusCode.cancelled)) return statusCode.cancelled;
  if (statuses.every((s) => s === statusCode.complete)) return statusCode.complete;
  if (statuses.every((s) => s === statusCode.open)) return statusCode.open;
  return statusCode.partial;
}

/**
 * Record deliveries and invoicing of an order's lines, or cancel it, as Exact's own processes
 * would (statuses are read-only through the API, reference 7.9): the lines' quantities and
 * statuses, then the order's statuses from its lines. Written as a header change, so every row of
 * the order gets a new version whatever `syncLineVersions` says. Answers false for an unknown
 * order or line.
 */
export function progressOrder(
  data: DivisionData,
  orderId: string,
  progress: { lines?: readonly LineProgress[] | undefined; cancel?: boolean | undefined },
  now: string,
  settings: ExactSettings,
): boolean {
  const order = data.table(ordersPath).get(orderId.toLowerCase());
  if (!order) return false;
  const lines = order.children['SalesOrderLines'] ?? [];
  const byId = new Map(lines.map((line) => [String(line['ID']).toLowerCase(), line]));
  if ((progress.lines ?? []).some((p) => !byId.has(p.id.toLowerCase()))) return false;
  for (const p of progress.lines ?? []) {
    const line = byId.get(p.id.toLowerCase()) ?? {};
    const quantity = Number(line['Quantity'] ?? 0);
    if (p.quantityDelivered !== undefined) line['QuantityDelivered'] = p.quantityDelivered;
    if (p.quantityInvoiced !== undefined) line['QuantityInvoiced'] = p.quantityInvoiced;
    const delivery = lineStatus(Number(line['QuantityDelivered'] ?? 0), quantity);
    const invoicing = lineStatus(Number(line['QuantityInvoiced'] ?? 0), quantity);
    Object.assign(line, {
      DeliveryStatus: delivery,
      InvoiceStatus: invoicing,
      OrderStatus: aggregate([delivery, invoicing]),
    });
  }
  if (progress.cancel) {
    for (const line of lines)
      Object.assign(line, {
        DeliveryStatus: statusCode.cancelled,
        InvoiceStatus: statusCode.cancelled,
        OrderStatus: statusCode.cancelled,
      });
  }
  const delivery = aggregate(lines.map((l) => Number(l['DeliveryStatus'])));
  const invoicing = aggregate(lines.map((l) => Number(l['InvoiceStatus'])));
  const patch = {
    DeliveryStatus: delivery,
    InvoiceStatus: invoicing,
    Status: aggregate([delivery, invoicing]),
  };
  updateRecord(salesOrdersEntity, data, order, patch, now, settings);
  return true;
}
