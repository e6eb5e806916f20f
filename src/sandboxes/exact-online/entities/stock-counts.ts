import { randomUUID } from 'node:crypto';
import { ODataError } from '../odata-error.js';
import { mandatoryError, unknownReferenceError } from './business-errors.js';
import type { WriteContext } from './entity-descriptor.js';
import { defineEntity } from './entity-descriptor.js';
import type { StoredRow } from './field-types.js';
import { findRow, referencedRow } from './lookups.js';
import { addQuantities, itemWarehousesEntity, projectedStock, refreshItemStock } from './warehouses.js';

/**
 * Stock count statuses: 12 draft, 21 processed. Not in the reference's appendix B (UNCONFIRMED);
 * they follow the order status codes (12 open, 21 complete).
 */
export const stockCountStatus = { draft: 12, processed: 21 } as const;

function processedError(ctx: WriteContext): ODataError {
  // Processed counts are history; the text is the sandbox's own.
  return new ODataError(
    500,
    ctx.settings.language === 'nl'
      ? 'Deze voorraadtelling is al verwerkt.'
      : 'This stock count has already been processed.',
  );
}

function stockOf(ctx: WriteContext, item: unknown, warehouse: unknown): StoredRow | undefined {
  for (const { row } of ctx.data.table(itemWarehousesEntity.path).values())
    if (row['Item'] === item && row['Warehouse'] === warehouse) return row;
  return undefined;
}

/** A counted line: QuantityNew or QuantityDifference against the stock now, the other derived. */
function completeLine(line: StoredRow, count: StoredRow, index: number, ctx: WriteContext): void {
  if (typeof line['Item'] !== 'string') throw mandatoryError(ctx.settings, 'Item');
  const item = findRow(ctx, 'logistics/Items', 'ID', line['Item']);
  if (!item) throw unknownReferenceError(ctx.settings, 'Item');
  const inStock = Number(stockOf(ctx, line['Item'], count['Warehouse'])?.['CurrentStock'] ?? 0);
  if (typeof line['QuantityNew'] === 'number') {
    line['QuantityDifference'] = addQuantities([line['QuantityNew'], -inStock]);
  } else if (typeof line['QuantityDifference'] === 'number') {
    line['QuantityNew'] = addQuantities([inStock, line['QuantityDifference']]);
  } else throw mandatoryError(ctx.settings, 'QuantityNew');
  line['ID'] ??= randomUUID();
  line['StockCountID'] = count['StockCountID'] ?? null;
  line['LineNumber'] = index + 1;
  line['QuantityInStock'] = inStock;
  line['ItemCode'] = item['Code'] ?? null;
  line['ItemDescription'] = item['Description'] ?? null;
  line['StockKeepingUnit'] = item['Unit'] ?? null;
  line['Division'] = ctx.division;
}

/**
 * inventory/StockCounts: counted stock per warehouse, lines posted embedded, created as drafts
 * (reference 7.16). Appendix A has no field list: the names below follow Exact's naming of the
 * neighbouring endpoints; mandatory `Warehouse`, `StockCountDate`, `StockCountLines` per [S6].
 * The `$skip` rule is not known for this endpoint; it is treated as a post-2017 one (UNCONFIRMED).
 */
export const stockCountsEntity = defineEntity({
  path: 'inventory/StockCounts',
  typeName: 'Exact.Web.Api.Models.Inventory.StockCount',
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  pageSize: 60,
  skipAllowed: false,
  fieldList: `
    StockCountID:Guid[KPU], CountedBy:Guid[PU], Created:DateTime, Creator:Guid,
    CreatorFullName:String, Description:String[PU], Division:Int32, EntryNumber:Int32,
    Modified:DateTime, Modifier:Guid, ModifierFullName:String, OffsetGLInventory:Guid[PU],
    OffsetGLInventoryCode:String, OffsetGLInventoryDescription:String, Source:Int16,
    Status:Int16[P], StockCountDate:DateTime[PU!], StockCountLines:StockCountLines[P!],
    StockCountNumber:Int32, Warehouse:Guid[P!], WarehouseCode:String, WarehouseDescription:String
  `,
  children: {
    StockCountLines: {
      path: 'inventory/StockCountLines',
      typeName: 'Exact.Web.Api.Models.Inventory.StockCountLine',
      parentKey: 'StockCountID',
      fieldList: `
        ID:Guid[KPU], CostPrice:Double, CountedBy:Guid[PU], Created:DateTime, Creator:Guid,
        CreatorFullName:String, Division:Int32, Item:Guid[P!], ItemBarcode:String, ItemCode:String,
        ItemCostPrice:Double, ItemDescription:String, ItemDivisable:Boolean, LineNumber:Int32,
        Modified:DateTime, Modifier:Guid, ModifierFullName:String, QuantityDifference:Double[PU],
        QuantityInStock:Double, QuantityNew:Double[PU], ReasonCode:String[PU],
        ReasonCodeDescription:String, ReasonCodeID:Guid, Source:Int16[PU], Status:Int16[PU],
        StockCountID:Guid[P], StockKeepingUnit:String, StorageLocation:Guid[P],
        StorageLocationCode:String, StorageLocationDescription:String, Warehouse:Guid[PU],
        StorageLocationSequenceNumber:Int32{new}
      `,
    },
  },
  beforeCreate(row, children, ctx) {
    const warehouse = referencedRow(ctx, 'inventory/Warehouses', 'Warehouse', row['Warehouse']);
    const lines = children['StockCountLines'] ?? [];
    if (lines.length === 0) throw mandatoryError(ctx.settings, 'StockCountLines');
    const numbers = ctx.rowsOf('inventory/StockCounts').map((r) => Number(r['StockCountNumber'] ?? 0));
    row['StockCountNumber'] = Math.max(0, ...numbers) + 1;
    row['Status'] = stockCountStatus.draft;
    row['Source'] = 2;
    row['WarehouseCode'] = warehouse?.['Code'] ?? null;
    row['WarehouseDescription'] = warehouse?.['Description'] ?? null;
    lines.forEach((line, index) => completeLine(line, row, index, ctx));
  },
  beforeUpdate(row, _patch, ctx) {
    if (row['Status'] === stockCountStatus.processed) throw processedError(ctx);
  },
  beforeDelete({ row }, ctx) {
    if (row['Status'] === stockCountStatus.processed) throw processedError(ctx);
  },
});

/**
 * Process a draft count: each line's QuantityNew becomes the item's CurrentStock in the count's
 * warehouse (an item × warehouse link is made when missing), and Items.Stock follows.
 */
function processStockCount(count: StoredRow, ctx: WriteContext): void {
  if (count['Status'] === stockCountStatus.processed) throw processedError(ctx);
  const countId = String(count['StockCountID']);
  const items = new Set<string>();
  for (const line of ctx.childrenOf(stockCountsEntity.path, countId, 'StockCountLines')) {
    const item = String(line['Item']);
    const link =
      stockOf(ctx, item, count['Warehouse']) ??
      ctx.create(itemWarehousesEntity, { Item: item, Warehouse: count['Warehouse'] ?? null });
    const patch: StoredRow = { CurrentStock: Number(line['QuantityNew'] ?? 0) };
    patch['ProjectedStock'] = projectedStock({ ...link, ...patch });
    ctx.update(itemWarehousesEntity.path, String(link['ID']), patch);
    items.add(item);
  }
  for (const item of items) refreshItemStock(ctx, item);
  ctx.update(stockCountsEntity.path, countId, { Status: stockCountStatus.processed });
}

/**
 * inventory/ProcessStockCount: POST `{"StockCountID":"<guid>"}` processes a draft count (reference
 * 7.16 names the endpoint; Exact's field list has StockCountID and result messages the sandbox does
 * not fill; which body Exact needs is UNCONFIRMED).
 */
export const processStockCountEntity = defineEntity({
  path: 'inventory/ProcessStockCount',
  typeName: 'Exact.Web.Api.Models.Inventory.ProcessStockCount',
  methods: ['POST'],
  pageSize: 60,
  skipAllowed: false,
  // Exact documents every field of this function endpoint as writable, its messages included.
  fieldList: `StockCountID:Guid[KPU!], Division:Int32[PU], ErrorMessage:String[PU], SuccessMessage:String[PU]`,
  beforeCreate(row, _children, ctx) {
    const count = referencedRowByKey(ctx, row['StockCountID']);
    processStockCount(count, ctx);
  },
});

function referencedRowByKey(ctx: WriteContext, id: unknown): StoredRow {
  const count = ctx.rowsOf(stockCountsEntity.path).find((r) => r['StockCountID'] === id);
  if (!count) throw unknownReferenceError(ctx.settings, 'StockCountID');
  return count;
}
