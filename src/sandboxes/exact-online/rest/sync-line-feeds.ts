import type { EntityDescriptor } from '../entities/entity-descriptor.js';
import type { DivisionData } from '../entities/entity-store.js';
import { sumDecimal } from '../entities/exact-decimal.js';
import type { StoredRow } from '../entities/field-types.js';
import type { ExactSettings } from '../settings.js';

/**
 * One row of a sync view and its row version (the division counter behind `Timestamp`). The row
 * is built on demand: a read sends at most a page of them, and a document feed assembles each.
 */
export interface SyncRow {
  row: () => StoredRow;
  timestamp: number;
}

/**
 * Exact's field lists of the document feeds (scripts/exact-field-lists), in the appendix-A
 * notation. `sync/SalesInvoice/SalesInvoices` and `sync/SalesOrder/SalesOrders` are line-level:
 * one row per line, `ID` the line, the document key shared by its lines (reference 5.1).
 */
export const syncSalesInvoicesFieldList = `
  Timestamp:Int64[K], AmountDC:Double, AmountDiscount:Double, AmountDiscountExclVat:Double,
  AmountFC:Double, AmountFCExclVat:Double, CostCenter:String, CostCenterDescription:String,
  CostUnit:String, CostUnitDescription:String, Created:DateTime, Creator:Guid,
  CreatorFullName:String, Currency:String, CustomerItemCode:String, DeliverTo:Guid,
  DeliverToAddress:Guid, DeliverToContactPerson:Guid, DeliverToContactPersonFullName:String,
  DeliverToName:String, DeliveryDate:DateTime, Description:String, Discount:Double,
  DiscountType:Int16, Division:Int32, Document:Guid, DocumentNumber:Int32,
  DocumentSubject:String, DueDate:DateTime, Employee:Guid, EmployeeFullName:String,
  EndTime:DateTime, ExtraDutyAmountFC:Double, ExtraDutyPercentage:Double,
  GAccountAmountFC:Double, GLAccount:Guid, GLAccountDescription:String, ID:Guid,
  IncotermAddress:String, IncotermCode:String, IncotermVersion:Int16, InvoiceDate:DateTime,
  InvoiceID:Guid, InvoiceNumber:Int32, InvoiceTo:Guid, InvoiceToContactPerson:Guid,
  InvoiceToContactPersonFullName:String, InvoiceToName:String, IsExtraDuty:Boolean, Item:Guid,
  ItemCode:String, ItemDescription:String, Journal:String, JournalDescription:String,
  LineNumber:Int32, Modified:DateTime, Modifier:Guid, ModifierFullName:String, NetPrice:Double,
  Notes:String, OrderDate:DateTime, OrderedBy:Guid, OrderedByContactPerson:Guid,
  OrderedByContactPersonFullName:String, OrderedByName:String, OrderNumber:Int32,
  PaymentCondition:String, PaymentConditionDescription:String, PaymentReference:String,
  Pricelist:Guid, PricelistDescription:String, Project:Guid, ProjectDescription:String,
  ProjectWBS:Guid, ProjectWBSDescription:String, Quantity:Double, Remarks:String,
  SalesChannel:Guid, SalesChannelCode:String, SalesChannelDescription:String, SalesOrder:Guid,
  SalesOrderLine:Guid, SalesOrderLineNumber:Int32, SalesOrderNumber:Int32, Salesperson:Guid,
  SalespersonFullName:String, StarterSalesInvoiceStatus:Int16,
  StarterSalesInvoiceStatusDescription:String, StartTime:DateTime, Status:Int16,
  StatusDescription:String, Subscription:Guid, SubscriptionDescription:String, TaxSchedule:Guid,
  TaxScheduleCode:String, TaxScheduleDescription:String, Type:Int32, TypeDescription:String,
  UnitCode:String, UnitDescription:String, UnitPrice:Double, VATAmountDC:Double,
  VATAmountFC:Double, VATCode:String, VATCodeDescription:String, VATPercentage:Double,
  Warehouse:Guid, WithholdingTaxAmountFC:Double, WithholdingTaxBaseAmount:Double,
  WithholdingTaxPercentage:Double, YourRef:String, CustomField:String{new}
`;

export const syncSalesOrdersFieldList = `
  Timestamp:Int64[K], AmountDC:Double, AmountDiscount:Double, AmountDiscountExclVat:Double,
  AmountFC:Double, AmountFCExclVat:Double, ApprovalStatus:Int16,
  ApprovalStatusDescription:String, Approved:DateTime, Approver:Guid, ApproverFullName:String,
  CostCenter:String, CostCenterDescription:String, CostPriceFC:Double, CostUnit:String,
  CostUnitDescription:String, Created:DateTime, Creator:Guid, CreatorFullName:String,
  Currency:String, CustomerItemCode:String, DeliverTo:Guid, DeliverToContactPerson:Guid,
  DeliverToContactPersonFullName:String, DeliverToName:String, DeliveryAddress:Guid,
  DeliveryDate:DateTime, DeliveryStatus:Int16, DeliveryStatusDescription:String,
  Description:String, Discount:Double, Division:Int32, Document:Guid, DocumentNumber:Int32,
  DocumentSubject:String, ID:Guid, IncotermAddress:String, IncotermCode:String,
  IncotermVersion:Int16, InvoiceStatus:Int16, InvoiceStatusDescription:String, InvoiceTo:Guid,
  InvoiceToContactPerson:Guid, InvoiceToContactPersonFullName:String, InvoiceToName:String,
  Item:Guid, ItemCode:String, ItemDescription:String, ItemVersion:Guid,
  ItemVersionDescription:String, LineNumber:Int32, Margin:Double, Modified:DateTime,
  Modifier:Guid, ModifierFullName:String, NetPrice:Double, Notes:String, OrderDate:DateTime,
  OrderedBy:Guid, OrderedByContactPerson:Guid, OrderedByContactPersonFullName:String,
  OrderedByName:String, OrderID:Guid, OrderNumber:Int32, PaymentCondition:String,
  PaymentConditionDescription:String, PaymentReference:String, Pricelist:Guid,
  PricelistDescription:String, Project:Guid, ProjectCode:String, ProjectDescription:String,
  PurchaseOrder:Guid, PurchaseOrderLine:Guid, PurchaseOrderLineNumber:Int32,
  PurchaseOrderNumber:Int32, Quantity:Double, QuantityDelivered:Double, QuantityInvoiced:Double,
  Remarks:String, SalesChannel:Guid, SalesChannelCode:String, SalesChannelDescription:String,
  Salesperson:Guid, SalespersonFullName:String, SelectionCode:Guid, SelectionCodeCode:String,
  SelectionCodeDescription:String, ShippingMethod:Guid, ShippingMethodCode:String,
  ShippingMethodDescription:String, ShopOrder:Guid, ShopOrderNumber:Int32, Status:Int16,
  StatusDescription:String, TaxSchedule:Guid, TaxScheduleCode:String,
  TaxScheduleDescription:String, UnitCode:String, UnitDescription:String, UnitPrice:Double,
  UseDropShipment:Byte, VATAmount:Double, VATCode:String, VATCodeDescription:String,
  VATPercentage:Double, WarehouseCode:String, WarehouseDescription:String, WarehouseID:Guid,
  YourRef:String
`;

/** `sync/SalesOrder/SalesOrderHeaders`: one row per order (Exact's list, types from the Go structs). */
export const syncSalesOrderHeadersFieldList = `
  Timestamp:Int64[K], AmountDC:Double, AmountDiscount:Double, AmountDiscountExclVat:Double,
  AmountFC:Double, AmountFCExclVat:Double, ApprovalStatus:Int16,
  ApprovalStatusDescription:String, Approved:DateTime, Approver:Guid, ApproverFullName:String,
  Created:DateTime, Creator:Guid, CreatorFullName:String, Currency:String, CustomField:String,
  DeliverTo:Guid, DeliverToContactPerson:Guid, DeliverToContactPersonFullName:String,
  DeliverToName:String, DeliveryAddress:Guid, DeliveryDate:DateTime, DeliveryStatus:Int16,
  DeliveryStatusDescription:String, Description:String, Discount:Double, Division:Int32,
  Document:Guid, DocumentNumber:Int32, DocumentSubject:String, ID:Guid, IncotermAddress:String,
  IncotermCode:String, IncotermVersion:Int16, InvoiceStatus:Int16,
  InvoiceStatusDescription:String, InvoiceTo:Guid, InvoiceToContactPerson:Guid,
  InvoiceToContactPersonFullName:String, InvoiceToName:String, Modified:DateTime, Modifier:Guid,
  ModifierFullName:String, Notes:String, OrderDate:DateTime, OrderedBy:Guid,
  OrderedByContactPerson:Guid, OrderedByContactPersonFullName:String, OrderedByName:String,
  OrderID:Guid, OrderNumber:Int32, PaymentCondition:String, PaymentConditionDescription:String,
  PaymentReference:String, Project:Guid, ProjectCode:String, ProjectDescription:String,
  Remarks:String, SalesChannel:Guid, SalesChannelCode:String, SalesChannelDescription:String,
  Salesperson:Guid, SalespersonFullName:String, SelectionCode:Guid, SelectionCodeCode:String,
  SelectionCodeDescription:String, ShippingMethod:Guid, ShippingMethodCode:String,
  ShippingMethodDescription:String, Status:Int16, StatusDescription:String, VATAmount:Double,
  VATCode:String, VATCodeDescription:String, WarehouseCode:String, WarehouseDescription:String,
  WarehouseID:Guid, YourRef:String
`;

/** `sync/SalesOrder/SalesOrderLines`: one row per order line, of the order only `OrderNumber`. */
export const syncSalesOrderLinesFieldList = `
  Timestamp:Int64[K], AmountDC:Double, AmountFC:Double, CostCenter:String,
  CostCenterDescription:String, CostPriceFC:Double, CostUnit:String, CostUnitDescription:String,
  Created:DateTime, Creator:Guid, CreatorFullName:String, CustomerItemCode:String,
  CustomField:String, DeliveryDate:DateTime, DeliveryStatus:Int16,
  DeliveryStatusDescription:String, Description:String, Discount:Double, Division:Int32,
  ID:Guid, InvoiceStatus:Int16, InvoiceStatusDescription:String, Item:Guid, ItemCode:String,
  ItemDescription:String, ItemVersion:Guid, ItemVersionDescription:String, LineNumber:Int32,
  Margin:Double, Modified:DateTime, Modifier:Guid, ModifierFullName:String, NetPrice:Double,
  Notes:String, OrderID:Guid, OrderNumber:Int32, Pricelist:Guid, PricelistDescription:String,
  Project:Guid, ProjectCode:String, ProjectDescription:String, PurchaseOrder:Guid,
  PurchaseOrderLine:Guid, PurchaseOrderLineNumber:Int32, PurchaseOrderNumber:Int32,
  Quantity:Double, QuantityDelivered:Double, QuantityInvoiced:Double, ShopOrder:Guid,
  ShopOrderNumber:Int32, Status:Int16, StatusDescription:String, UnitCode:String,
  UnitDescription:String, UnitPrice:Double, UseDropShipment:Byte, VATAmount:Double,
  VATCode:String, VATCodeDescription:String, VATPercentage:Double
`;

/** Fields Exact marks "only supported for header" on the line-level feeds: null on a line row. */
export const headerOnlyFields: readonly string[] = [
  'AmountDiscount',
  'AmountDiscountExclVat',
  'AmountFCExclVat',
];

/** How one document feed reads a document entity and its embedded, indexed lines. */
export interface DocumentFeed {
  /** The document entity (salesinvoice/SalesInvoices, salesorder/SalesOrders). */
  document: EntityDescriptor;
  /** Its child collection holding the lines. */
  child: string;
  /**
   * Fields a line row takes from the line (the others are the header's, repeated). Fields both
   * have, such as `AmountFC`, `Description` and `Discount`, are the line's on a line row.
   */
  lineFields: ReadonlySet<string>;
  /** Header-only fields (null on line rows); none on a feed with no header fields. */
  headerOnly: readonly string[];
  /** Whether the `syncHeaderRow` setting adds a header row per document (the line-level feeds). */
  headerRow: boolean;
  /** Values of a line row that are neither the line's field nor the header's of the same name. */
  deriveLine?: (row: StoredRow, line: StoredRow, header: StoredRow) => void;
}

/** The line's own fields of an embedded line list, minus those every row shares with its header. */
export function lineFieldsOf(
  document: EntityDescriptor,
  child: string,
  shared: readonly string[],
): Set<string> {
  const names = document.children?.[child]?.fields.scalars.map((f) => f.name) ?? [];
  return new Set(names.filter((n) => !shared.includes(n)));
}

/**
 * The rows of a document feed: per document one row per line, with the line's own row version
 * (kept in the lines table, see `ChildDescriptor.indexed`), and with `syncHeaderRow` on the line-level
 * feeds also a header row (`LineNumber` 0, `ID` the document key, line fields null, header-only
 * fields filled) carrying the document's version. `fields` are the feed's field names.
 */
export function documentFeedRows(
  feed: DocumentFeed,
  fields: readonly string[],
  data: DivisionData,
  settings: ExactSettings,
): SyncRow[] {
  const child = feed.document.children?.[feed.child];
  if (!child) return [];
  const linesTable = data.table(child.path);
  const headerOnly = new Set(feed.headerOnly);
  const headerFields = new Set(feed.document.fields.scalars.map((f) => f.name));
  // Every row starts as a spread of one blank with the feed's fields; filling 100-odd keys one by
  // one on a fresh object would make each row a slow dictionary-mode object.
  const blank = JSON.parse(JSON.stringify(Object.fromEntries(fields.map((n) => [n, null])))) as StoredRow;
  const fromHeader = fields.filter((n) => !feed.lineFields.has(n) && !headerOnly.has(n));
  const fromLine = fields.filter((n) => feed.lineFields.has(n));
  const rows: SyncRow[] = [];
  for (const record of data.table(feed.document.path).values()) {
    const header = record.row;
    let base: StoredRow | undefined;
    /** The header's part of every line row of this document, built once. */
    const lineBase = (): StoredRow => {
      if (!base) {
        base = { ...blank };
        for (const name of fromHeader) base[name] = header[name] ?? null;
      }
      return base;
    };
    if (feed.headerRow && settings.syncHeaderRow) {
      const headerRow = (): StoredRow => {
        const row: StoredRow = { ...blank };
        for (const name of fields)
          if (!feed.lineFields.has(name) || headerFields.has(name)) row[name] = header[name] ?? null;
        row['ID'] = header[feed.document.key] ?? null;
        row['LineNumber'] = 0;
        return row;
      };
      rows.push({ row: headerRow, timestamp: record.timestamp });
    }
    for (const line of record.children[feed.child] ?? []) {
      const lineRow = (): StoredRow => {
        const row: StoredRow = { ...lineBase() };
        for (const name of fromLine) row[name] = line[name] ?? null;
        row['ID'] = line[child.key] ?? null;
        feed.deriveLine?.(row, line, header);
        return row;
      };
      const indexed = linesTable.get(String(line[child.key]).toLowerCase());
      rows.push({ row: lineRow, timestamp: indexed?.timestamp ?? record.timestamp });
    }
  }
  return rows;
}

/** The VAT of an order header: its total with VAT less the total without (both exact decimals). */
export function orderHeaderVat(row: StoredRow): number {
  return sumDecimal([Number(row['AmountFC'] ?? 0), -Number(row['AmountFCExclVat'] ?? 0)]);
}
