import type { EntityDescriptor } from './entity-descriptor.js';
import type { DivisionData } from './entity-store.js';
import { parseFieldList } from './field-list.js';
import type { StoredRow } from './field-types.js';
import { itemsEntity } from './items.js';
import { addQuantities, itemWarehousesEntity } from './warehouses.js';

/**
 * A `read/<service>/<Function>` endpoint (reference 1.2): GET only, plain query parameters, rows
 * computed from stored data, answered as a bare-array `d` without paging (reference 4.2, 4.3).
 */
export interface ReadFunction {
  path: string;
  /** The row shape, so `$select`, `$filter` and `$orderby` are checked like on an entity. */
  rowType: EntityDescriptor;
  /** Guid parameters written `name=guid'…'`; `required` ones missing are a 400. */
  parameters: ReadonlyArray<{ name: string; required: boolean }>;
  /** StockPosition answers a `$filter` with the query-syntax 400 (reference 7.16, S10 #198). */
  filterAllowed: boolean;
  rows(data: DivisionData, params: ReadonlyMap<string, string>): StoredRow[];
}

function rowType(path: string, typeName: string, fieldList: string, key: string): EntityDescriptor {
  const fields = parseFieldList(fieldList);
  return {
    path,
    typeName,
    key,
    fields,
    fieldTypes: new Map(fields.scalars.map((f) => [f.name, f.type])),
    methods: ['GET'],
    pageSize: 60,
    skipAllowed: false,
  };
}

/**
 * Labels of the item free text fields, which ItemExtraField reports as `Number`/`Description`.
 * The division's labels are configuration in Exact; these are the sandbox's.
 */
export const itemExtraFieldLabels: Readonly<Record<number, string>> = {
  1: 'Kleur',
  2: 'Framemaat',
  3: 'Merk',
  4: 'Materiaal',
  5: 'Garantie',
};

/**
 * read/logistics/ItemExtraField (reference 7.6): one row per filled free text field of an item,
 * optionally for one item (`itemId`); `$filter` on the row fields (e.g. Modified, Description).
 */
export const itemExtraFieldFunction: ReadFunction = {
  path: 'read/logistics/ItemExtraField',
  rowType: rowType(
    'read/logistics/ItemExtraField',
    'Exact.Web.Api.Models.Logistics.ItemExtraField',
    'Description:String, ItemID:Guid, Modified:DateTime, Number:Int32, Value:String',
    'ItemID',
  ),
  parameters: [{ name: 'itemId', required: false }],
  filterAllowed: true,
  rows(data, params) {
    const wanted = params.get('itemId');
    const out: StoredRow[] = [];
    for (const item of data.rows(itemsEntity.path)) {
      if (wanted !== undefined && item['ID'] !== wanted) continue;
      for (let n = 1; n <= 10; n++) {
        const value = item[`FreeTextField_${String(n).padStart(2, '0')}`];
        if (value === null || value === undefined || value === '') continue;
        out.push({
          ItemID: item['ID'] ?? null,
          Number: n,
          Description: itemExtraFieldLabels[n] ?? `Vrij tekstveld ${n}`,
          Value: value,
          Modified: item['Modified'] ?? null,
        });
      }
    }
    return out;
  },
};

/**
 * read/logistics/StockPosition?itemId=guid'…' (reference 7.16): the item's stock summed over its
 * warehouses (inventory/ItemWarehouses); FreeStock is what is in stock and not reserved. An
 * unknown item gives an empty array.
 */
export const stockPositionFunction: ReadFunction = {
  path: 'read/logistics/StockPosition',
  rowType: rowType(
    'read/logistics/StockPosition',
    'Exact.Web.Api.Models.Logistics.StockPosition',
    `InStock:Double, ItemId:Guid, PlanningIn:Double, PlanningOut:Double, FreeStock:Double{new},
     ProjectedStock:Double{new}, ReservedStock:Double{new}`,
    'ItemId',
  ),
  parameters: [{ name: 'itemId', required: true }],
  filterAllowed: false,
  rows(data, params) {
    const itemId = params.get('itemId');
    if (!data.rows(itemsEntity.path).some((i) => i['ID'] === itemId)) return [];
    const links = data.rows(itemWarehousesEntity.path).filter((r) => r['Item'] === itemId);
    const total = (field: string): number => addQuantities(links.map((r) => Number(r[field] ?? 0)));
    const inStock = total('CurrentStock');
    const reserved = total('ReservedStock');
    return [
      {
        ItemId: itemId ?? null,
        InStock: inStock,
        PlanningIn: total('PlannedStockIn'),
        PlanningOut: total('PlannedStockOut'),
        ProjectedStock: total('ProjectedStock'),
        ReservedStock: reserved,
        FreeStock: addQuantities([inStock, -reserved]),
      },
    ];
  },
};
