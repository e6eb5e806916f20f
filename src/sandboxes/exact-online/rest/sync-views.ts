import { findEntity } from '../entities/entity-catalog.js';
import type { EntityDescriptor } from '../entities/entity-descriptor.js';
import type { FieldSpec } from '../entities/field-list.js';
import { parseFieldList } from '../entities/field-list.js';
import type { DivisionData } from '../entities/entity-store.js';
import type { StoredRow } from '../entities/field-types.js';
import { salesInvoicesEntity } from '../entities/sales-invoices.js';
import { salesOrdersEntity } from '../entities/sales-orders.js';
import type { ExactSettings } from '../settings.js';
import type { DocumentFeed, SyncRow } from './sync-line-feeds.js';
import {
  documentFeedRows,
  headerOnlyFields,
  lineFieldsOf,
  orderHeaderVat,
  syncSalesInvoicesFieldList,
  syncSalesOrderHeadersFieldList,
  syncSalesOrderLinesFieldList,
  syncSalesOrdersFieldList,
} from './sync-line-feeds.js';

/** A `sync/...` endpoint as a view over an entity table (reference 5.1). */
export interface SyncViewSpec {
  path: string;
  /** The entity endpoint whose rows the view shows, resolved through `findEntity`. */
  source: string;
  /** The view's own field list (appendix A) when its shape differs from the source's. */
  fieldList?: string;
  /** `__metadata.type` when it is not the source entity's. */
  typeName?: string;
  /** The view's fields computed from a source row, for views with their own field list. */
  derive?: (row: StoredRow) => StoredRow;
  /** Source fields Exact's list for the sync endpoint does not have (scripts/exact-field-lists). */
  omit?: readonly string[];
  /**
   * Rows that are not one per source record (the document feeds: one per line), with their own
   * row versions; `fields` are the view's field names. Needs `fieldList`.
   */
  rows?: (fields: readonly string[], data: DivisionData, settings: ExactSettings) => SyncRow[];
}

/** A `bulk/...` endpoint: the source's rows, or the lines of one child collection (reference 5.3). */
export interface BulkViewSpec {
  path: string;
  source: string;
  /** Serve the lines of this child collection instead of the headers. */
  child?: string;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

type ViewRows = NonNullable<SyncViewSpec['rows']>;

/** A document feed: every row a line (reference 5.1), header fields repeated, header-only ones null. */
function lineLevel(feed: Omit<DocumentFeed, 'headerOnly'>, headerOnly = headerOnlyFields): ViewRows {
  return (fields, data, settings) => documentFeedRows({ ...feed, headerOnly }, fields, data, settings);
}

/**
 * The sync endpoints the sandbox serves, from the reference's list (5.1) for entities it has. The
 * document feeds have Exact's own field lists; their lines each carry a row version of their own
 * (`syncLineVersions`), so a Timestamp skiptoken still sees one row per version.
 */
export const syncViews: readonly SyncViewSpec[] = [
  { path: 'sync/CRM/Accounts', source: 'crm/Accounts' },
  { path: 'sync/CRM/Contacts', source: 'crm/Contacts' },
  { path: 'sync/CRM/Addresses', source: 'crm/Addresses' },
  {
    path: 'sync/Logistics/Items',
    source: 'logistics/Items',
    omit: ['IsBatchNumberItem', 'IsSerialNumberItem', 'StandardSalesPrice'],
  },
  { path: 'sync/Logistics/SalesItemPrices', source: 'logistics/SalesItemPrices' },
  {
    path: 'sync/SalesOrder/SalesOrders',
    source: 'salesorder/SalesOrders',
    fieldList: syncSalesOrdersFieldList,
    // The order's statuses, not the line's, on every row: the descriptions beside them are the header's.
    rows: lineLevel({
      document: salesOrdersEntity,
      child: 'SalesOrderLines',
      lineFields: lineFieldsOf(salesOrdersEntity, 'SalesOrderLines', [
        'Division',
        'OrderID',
        'OrderNumber',
        'DeliveryStatus',
        'InvoiceStatus',
      ]),
      headerRow: true,
    }),
  },
  {
    path: 'sync/SalesOrder/SalesOrderHeaders',
    source: 'salesorder/SalesOrders',
    fieldList: syncSalesOrderHeadersFieldList,
    // One row per order; its ID is the OrderID (UNCONFIRMED), its VAT the lines' sum.
    derive: (r) => ({ ...r, ID: r['OrderID'] ?? null, VATAmount: orderHeaderVat(r) }),
  },
  {
    path: 'sync/SalesOrder/SalesOrderLines',
    source: 'salesorder/SalesOrders',
    typeName: 'Exact.Web.Api.Models.SalesOrderLine',
    fieldList: syncSalesOrderLinesFieldList,
    // A line's own statuses; Created and Modified are its order's (lines keep no audit fields here).
    rows: lineLevel(
      {
        document: salesOrdersEntity,
        child: 'SalesOrderLines',
        lineFields: lineFieldsOf(salesOrdersEntity, 'SalesOrderLines', ['Division']),
        headerRow: false,
        deriveLine: (row, line) => {
          row['Status'] = line['OrderStatus'] ?? null;
          row['StatusDescription'] = null;
        },
      },
      [],
    ),
  },
  {
    path: 'sync/SalesInvoice/SalesInvoices',
    source: 'salesinvoice/SalesInvoices',
    fieldList: syncSalesInvoicesFieldList,
    rows: lineLevel({
      document: salesInvoicesEntity,
      child: 'SalesInvoiceLines',
      lineFields: lineFieldsOf(salesInvoicesEntity, 'SalesInvoiceLines', ['Division', 'InvoiceID']),
      headerRow: true,
    }),
  },
  {
    path: 'sync/Financial/TransactionLines',
    source: 'financialtransaction/TransactionLines',
    omit: ['ShopOrder'],
  },
  { path: 'sync/Financial/GLAccounts', source: 'financial/GLAccounts' },
  {
    path: 'sync/Inventory/ItemWarehouses',
    source: 'inventory/ItemWarehouses',
    // Exact's sync list has the item and warehouse settings, not the stock figures (StockPositions has those).
    omit: [
      'CurrentStock',
      'ItemBarcode',
      'ItemEndDate',
      'ItemIsFractionAllowedItem',
      'ItemIsStockItem',
      'ItemStartDate',
      'ItemUnit',
      'ItemUnitDescription',
      'NextCountingCycle',
      'PlannedStockIn',
      'PlannedStockOut',
      'PlanningDetailsUrl',
      'ProjectedStock',
      'StorageLocationUrl',
    ],
  },
  {
    path: 'sync/Inventory/StockPositions',
    source: 'inventory/ItemWarehouses',
    // Appendix A, sync/Inventory/StockPositions; the key is the Timestamp.
    fieldList: `Timestamp:Int64[K], CurrentStock:Double, Division:Int32, FreeStock:Double, ID:Guid,
      ItemCode:String, ItemDescription:String, ItemId:Guid, PlanningIn:Double, PlanningOut:Double,
      ProjectedStock:Double, ReorderPoint:Double, ReservedStock:Double, UnitCode:String,
      UnitDescription:String, Warehouse:Guid, WarehouseCode:String, WarehouseDescription:String`,
    derive: (r) => ({
      ...r,
      ItemId: r['Item'] ?? null,
      PlanningIn: r['PlannedStockIn'] ?? null,
      PlanningOut: r['PlannedStockOut'] ?? null,
      UnitCode: r['ItemUnit'] ?? null,
      UnitDescription: r['ItemUnitDescription'] ?? null,
      // Free stock is what is on hand and not reserved (reference 7.16 lists both).
      FreeStock: num(r['CurrentStock']) - num(r['ReservedStock']),
    }),
  },
];

/** The bulk endpoints of the reference's list (5.3) for entities the sandbox has. */
export const bulkViews: readonly BulkViewSpec[] = [
  { path: 'bulk/CRM/Accounts', source: 'crm/Accounts' },
  { path: 'bulk/CRM/Addresses', source: 'crm/Addresses' },
  { path: 'bulk/CRM/Contacts', source: 'crm/Contacts' },
  { path: 'bulk/Financial/GLAccounts', source: 'financial/GLAccounts' },
  { path: 'bulk/Financial/TransactionLines', source: 'financialtransaction/TransactionLines' },
  { path: 'bulk/Logistics/Items', source: 'logistics/Items' },
  { path: 'bulk/Logistics/SalesItemPrices', source: 'logistics/SalesItemPrices' },
  { path: 'bulk/SalesInvoice/SalesInvoices', source: 'salesinvoice/SalesInvoices' },
  {
    path: 'bulk/SalesInvoice/SalesInvoiceLines',
    source: 'salesinvoice/SalesInvoices',
    child: 'SalesInvoiceLines',
  },
  { path: 'bulk/SalesOrder/SalesOrders', source: 'salesorder/SalesOrders' },
  { path: 'bulk/SalesOrder/SalesOrderLines', source: 'salesorder/SalesOrders', child: 'SalesOrderLines' },
];

export function findView<T extends { path: string }>(views: readonly T[], path: string): T | undefined {
  const wanted = path.toLowerCase();
  return views.find((v) => v.path.toLowerCase() === wanted);
}

/** A sync view with its source entity and its fields, Timestamp first. */
export interface ResolvedSyncView {
  spec: SyncViewSpec;
  entity: EntityDescriptor;
  fields: FieldSpec[];
}

const timestampField: FieldSpec = {
  name: 'Timestamp',
  type: 'Int64',
  key: true,
  post: false,
  put: false,
  mandatory: false,
};

export function resolveSyncView(spec: SyncViewSpec): ResolvedSyncView | undefined {
  const entity = findEntity(spec.source);
  if (!entity) return undefined;
  if (spec.fieldList) return { spec, entity, fields: parseFieldList(spec.fieldList).scalars };
  // Exact's sync lists keep the normal endpoint's descriptions (CreatorFullName, ItemGroupDescription);
  // they lack a few of its fields, which the view names in `omit`.
  const omitted = new Set(spec.omit ?? []);
  const kept = entity.fields.scalars.filter((f) => !omitted.has(f.name)).map((f) => ({ ...f, key: false }));
  return { spec, entity, fields: [timestampField, ...kept] };
}
