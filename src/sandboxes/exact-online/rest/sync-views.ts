import { findEntity } from '../entities/entity-catalog.js';
import type { EntityDescriptor } from '../entities/entity-descriptor.js';
import type { FieldSpec } from '../entities/field-list.js';
import { parseFieldList } from '../entities/field-list.js';
import type { ScalarType, StoredRow } from '../entities/field-types.js';

/** A `sync/...` endpoint as a view over an entity table (reference 5.1). */
export interface SyncViewSpec {
  path: string;
  /** The entity endpoint whose rows the view shows, resolved through `findEntity`. */
  source: string;
  /** The view's own field list (appendix A) when its shape differs from the source's. */
  fieldList?: string;
  /** The view's fields computed from a source row, for views with their own field list. */
  derive?: (row: StoredRow) => StoredRow;
}

/** A `bulk/...` endpoint: the source's rows, or the lines of one child collection (reference 5.3). */
export interface BulkViewSpec {
  path: string;
  source: string;
  /** Serve the lines of this child collection instead of the headers. */
  child?: string;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/**
 * The sync endpoints the sandbox serves, from the reference's list (5.1) for entities it has.
 * `sync/SalesOrder/SalesOrderLines` is left out: lines share their order's row version here, and a
 * Timestamp skiptoken needs one row per version.
 */
export const syncViews: readonly SyncViewSpec[] = [
  { path: 'sync/CRM/Accounts', source: 'crm/Accounts' },
  { path: 'sync/CRM/Contacts', source: 'crm/Contacts' },
  { path: 'sync/CRM/Addresses', source: 'crm/Addresses' },
  { path: 'sync/Logistics/Items', source: 'logistics/Items' },
  { path: 'sync/Logistics/SalesItemPrices', source: 'logistics/SalesItemPrices' },
  { path: 'sync/SalesOrder/SalesOrders', source: 'salesorder/SalesOrders' },
  { path: 'sync/SalesOrder/SalesOrderHeaders', source: 'salesorder/SalesOrders' },
  { path: 'sync/SalesInvoice/SalesInvoices', source: 'salesinvoice/SalesInvoices' },
  { path: 'sync/Financial/TransactionLines', source: 'financialtransaction/TransactionLines' },
  { path: 'sync/Financial/GLAccounts', source: 'financial/GLAccounts' },
  { path: 'sync/Inventory/ItemWarehouses', source: 'inventory/ItemWarehouses' },
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

const describingSuffixes = ['Description', 'FullName', 'Name'];
const codeTypes: readonly ScalarType[] = ['Guid', 'String', 'Int16', 'Int32', 'Byte'];

/**
 * Sync rows drop the descriptions the normal endpoint joins in (reference 5.1, last bullet):
 * `ItemGroupDescription`, `CreatorFullName`, `OrderedByName` go because `ItemGroup`, `Creator`,
 * `OrderedBy` are there. Which fields Exact drops per endpoint is not listed; this is the rule.
 */
export function isDerivedDescription(field: FieldSpec, fields: readonly FieldSpec[]): boolean {
  for (const suffix of describingSuffixes) {
    if (!field.name.endsWith(suffix) || field.name === suffix) continue;
    const base = field.name.slice(0, -suffix.length);
    if (fields.some((f) => f.name === base && codeTypes.includes(f.type))) return true;
  }
  return false;
}

export function resolveSyncView(spec: SyncViewSpec): ResolvedSyncView | undefined {
  const entity = findEntity(spec.source);
  if (!entity) return undefined;
  if (spec.fieldList) return { spec, entity, fields: parseFieldList(spec.fieldList).scalars };
  const scalars = entity.fields.scalars;
  const kept = scalars.filter((f) => !isDerivedDescription(f, scalars)).map((f) => ({ ...f, key: false }));
  return { spec, entity, fields: [timestampField, ...kept] };
}
