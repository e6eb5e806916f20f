import { mandatoryError, unknownReferenceError } from './business-errors.js';
import type { WriteContext } from './entity-descriptor.js';
import { defineEntity } from './entity-descriptor.js';
import { multiplyDecimal, roundingOf, sumDecimal } from './exact-decimal.js';
import type { StoredRow } from './field-types.js';
import { completeItemLine, itemLineAmount } from './item-line.js';
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
  const item = completeItemLine(line, order, index, ctx);
  line['OrderID'] = order['OrderID'] ?? null;
  line['OrderNumber'] = order['OrderNumber'] ?? null;
  line['VATCode'] ??= item['SalesVatCode'] ?? null;
  const vat = ctx.findBy('vat/VATCodes', 'Code', line['VATCode']);
  line['VATPercentage'] ??= vat?.['Percentage'] ?? 0;
  line['AmountFC'] = itemLineAmount(line, ctx);
  line['AmountDC'] = line['AmountFC'];
  // VAT per line on the line's (cent) amount, rounded once.
  const mode = roundingOf(ctx.settings.amountRounding);
  line['VATAmount'] = multiplyDecimal(Number(line['AmountFC']), Number(line['VATPercentage']), 2, mode);
  line['DeliveryStatus'] = open;
  line['InvoiceStatus'] = open;
  line['OrderStatus'] = open;
  line['Division'] = ctx.division;
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
    },
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
    const net = sumDecimal(lines.map((l) => Number(l['AmountFC'])));
    const vat = sumDecimal(lines.map((l) => Number(l['VATAmount'])));
    // AmountFCExclVat next to AmountFC suggests AmountFC/DC include VAT (appendix A; UNCONFIRMED).
    row['AmountFCExclVat'] = net;
    row['AmountFC'] = sumDecimal([net, vat]);
    row['AmountDC'] = row['AmountFC'];
  },
});
