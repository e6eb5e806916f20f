import { ODataError } from '../odata-error.js';
import { duplicateError } from './business-errors.js';
import type { WriteContext } from './entity-descriptor.js';
import { defineEntity } from './entity-descriptor.js';
import { sumDecimal } from './exact-decimal.js';
import type { StoredRow } from './field-types.js';
import { referencedRow } from './lookups.js';

/** Stock quantities may be fractional (IsFractionAllowedItem); six places keep them exact. */
export function addQuantities(values: number[]): number {
  return sumDecimal(values, 6);
}

function oneMainWarehouse(ctx: WriteContext): ODataError {
  // "Exactly one main warehouse per division" (reference 7.16); the text is the sandbox's own.
  return new ODataError(
    500,
    ctx.settings.language === 'nl'
      ? 'Er moet precies één hoofdmagazijn zijn.'
      : 'There must be exactly one main warehouse.',
  );
}

/** Deleting a warehouse or link that still holds stock; not documented, the text is the sandbox's own. */
function inUse(ctx: WriteContext): ODataError {
  return new ODataError(
    500,
    ctx.settings.language === 'nl'
      ? 'Kan niet verwijderen: er is nog voorraad.'
      : 'Cannot delete: stock remains.',
  );
}

function demoteOtherMains(id: unknown, ctx: WriteContext): void {
  for (const other of ctx.rowsOf('inventory/Warehouses'))
    if (other['ID'] !== id && other['Main'] === 1)
      ctx.update('inventory/Warehouses', String(other['ID']), { Main: 0 });
}

/** inventory/Warehouses (reference 7.16, field list appendix A); exactly one has `Main` = 1. */
export const warehousesEntity = defineEntity({
  path: 'inventory/Warehouses',
  typeName: 'Exact.Web.Api.Models.Inventory.Warehouse',
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  pageSize: 60,
  skipAllowed: true,
  uniqueFields: ['Code'],
  fieldList: `
    ID:Guid[KPU], Code:String[PU], Created:DateTime, Creator:Guid, CreatorFullName:String,
    DefaultStorageLocation:Guid, DefaultStorageLocationCode:String,
    DefaultStorageLocationDescription:String, Description:String[PU], Division:Int32,
    EMail:String[PU], Main:Byte[PU], ManagerUser:Guid[PU], Modified:DateTime, Modifier:Guid,
    ModifierFullName:String, UseStorageLocations:Byte[PU]
  `,
  beforeCreate(row, _children, ctx) {
    // The first warehouse of a division is its main one.
    if (ctx.rowsOf('inventory/Warehouses').length === 0) row['Main'] = 1;
    row['Main'] = row['Main'] === 1 ? 1 : 0;
    row['UseStorageLocations'] ??= 0;
    if (row['Main'] === 1) demoteOtherMains(row['ID'], ctx);
  },
  beforeDelete({ row }, ctx) {
    if (row['Main'] === 1) throw oneMainWarehouse(ctx);
    if (ctx.rowsOf('inventory/ItemWarehouses').some((r) => r['Warehouse'] === row['ID'])) throw inUse(ctx);
  },
  beforeUpdate(row, patch, ctx) {
    if (!('Main' in patch)) return;
    if (patch['Main'] === 1) demoteOtherMains(row['ID'], ctx);
    else if (row['Main'] === 1) throw oneMainWarehouse(ctx);
    else patch['Main'] = 0;
  },
});

function fillItemLookups(row: StoredRow, item: StoredRow | undefined): void {
  row['ItemCode'] = item?.['Code'] ?? null;
  row['ItemDescription'] = item?.['Description'] ?? null;
  row['ItemBarcode'] = item?.['Barcode'] ?? null;
  row['ItemUnit'] = item?.['Unit'] ?? null;
  row['ItemUnitDescription'] = item?.['UnitDescription'] ?? null;
  row['ItemIsStockItem'] = item?.['IsStockItem'] === true;
  row['ItemIsFractionAllowedItem'] = item?.['IsFractionAllowedItem'] === true;
  row['ItemStartDate'] = item?.['StartDate'] ?? null;
  row['ItemEndDate'] = item?.['EndDate'] ?? null;
}

/** ProjectedStock = current + planned in − planned out (reference 7.16 lists the three together). */
export function projectedStock(row: StoredRow): number {
  return addQuantities([
    Number(row['CurrentStock'] ?? 0),
    Number(row['PlannedStockIn'] ?? 0),
    -Number(row['PlannedStockOut'] ?? 0),
  ]);
}

/**
 * inventory/ItemWarehouses: one row per item × warehouse, mandatory `Item` and `Warehouse`
 * (reference 7.16, appendix A). Stock quantities are read-only: they change through stock counts.
 */
export const itemWarehousesEntity = defineEntity({
  path: 'inventory/ItemWarehouses',
  typeName: 'Exact.Web.Api.Models.Inventory.ItemWarehouse',
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  pageSize: 60,
  skipAllowed: true,
  deletedEntityType: 19,
  fieldList: `
    ID:Guid[KPU], CountingCycle:Int16[PU], Created:DateTime, Creator:Guid, CreatorFullName:String,
    CurrentStock:Double, DefaultStorageLocation:Guid[PU], DefaultStorageLocationCode:String,
    DefaultStorageLocationDescription:String, Division:Int32, Item:Guid[P!], ItemBarcode:String,
    ItemCode:String, ItemDescription:String, ItemEndDate:DateTime,
    ItemIsFractionAllowedItem:Boolean, ItemIsStockItem:Boolean, ItemStartDate:DateTime,
    ItemUnit:String, ItemUnitDescription:String, MaximumStock:Double[PU], Modified:DateTime,
    Modifier:Guid, ModifierFullName:String, NextCountingCycle:DateTime, OrderPolicy:Int16[PU],
    Period:Int16[PU], PlannedStockIn:Double, PlannedStockOut:Double, PlanningDetailsUrl:String,
    ProjectedStock:Double, ReorderPoint:Double[PU], ReorderQuantity:Double[PU],
    ReplenishmentType:Int16[PU], ReservedStock:Double, SafetyStock:Double[PU],
    StorageLocationUrl:String, Warehouse:Guid[P!], WarehouseCode:String,
    WarehouseDescription:String, StorageLocationSequenceNumber:Int32{new}
  `,
  beforeCreate(row, _children, ctx) {
    const item = referencedRow(ctx, 'logistics/Items', 'Item', row['Item']);
    const warehouse = referencedRow(ctx, warehousesEntity.path, 'Warehouse', row['Warehouse']);
    // One link per item and warehouse.
    for (const link of ctx.data.table('inventory/ItemWarehouses').values())
      if (link.row['Item'] === row['Item'] && link.row['Warehouse'] === row['Warehouse'])
        throw duplicateError(ctx.settings);
    fillItemLookups(row, item);
    row['WarehouseCode'] = warehouse?.['Code'] ?? null;
    row['WarehouseDescription'] = warehouse?.['Description'] ?? null;
    for (const field of ['CurrentStock', 'PlannedStockIn', 'PlannedStockOut', 'ReservedStock'])
      row[field] ??= 0;
    row['ProjectedStock'] = projectedStock(row);
  },
  // A link with stock stays, so Items.Stock keeps adding up (reference 7.16: stock changes only by counts).
  beforeDelete({ row }, ctx) {
    if (Number(row['CurrentStock'] ?? 0) !== 0) throw inUse(ctx);
  },
});

/** Keep `logistics/Items.Stock` (read-only total, reference 7.16) equal to the sum over warehouses. */
export function refreshItemStock(ctx: WriteContext, itemId: string): void {
  const total = addQuantities(
    ctx
      .rowsOf(itemWarehousesEntity.path)
      .filter((r) => r['Item'] === itemId)
      .map((r) => Number(r['CurrentStock'] ?? 0)),
  );
  ctx.update('logistics/Items', itemId, { Stock: total });
}
