import { defineEntity } from './entity-descriptor.js';
import type { WriteContext } from './entity-descriptor.js';
import type { StoredRow } from './field-types.js';
import { findRow, referencedRow } from './lookups.js';

function fillLookups(target: StoredRow, merged: StoredRow, ctx: WriteContext): void {
  const item = referencedRow(ctx, 'logistics/Items', 'Item', merged['Item']);
  const account = referencedRow(ctx, 'crm/Accounts', 'Account', merged['Account']);
  target['ItemCode'] = item?.['Code'] ?? null;
  target['ItemDescription'] = item?.['Description'] ?? null;
  target['DefaultItemUnit'] = item?.['Unit'] ?? null;
  target['DefaultItemUnitDescription'] = item?.['UnitDescription'] ?? null;
  target['AccountName'] = account?.['Name'] ?? null;
  const unit = findRow(ctx, 'logistics/Units', 'Code', merged['Unit']);
  target['UnitDescription'] = unit?.['Description'] ?? null;
}

/**
 * logistics/SalesItemPrices (reference 7.8, field list appendix A). No mandatory fields are listed;
 * with `Account` the row is that customer's price agreement, without it the general price.
 * `Quantity` is the minimum quantity, so several rows per item make quantity breaks. A GET needs
 * `$select` or `$top=1` (reference 4.4).
 */
export const salesItemPricesEntity = defineEntity({
  path: 'logistics/SalesItemPrices',
  typeName: 'Exact.Web.Api.Models.Logistics.SalesItemPrice',
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  pageSize: 60,
  skipAllowed: true,
  requiresSelectOrTop: true,
  deletedEntityType: 8,
  fieldList: `
    ID:Guid[KPU], Account:Guid[PU], AccountName:String, Created:DateTime, Creator:Guid,
    CreatorFullName:String, Currency:String[PU], DefaultItemUnit:String,
    DefaultItemUnitDescription:String, Division:Int32, EndDate:DateTime[PU], Item:Guid[PU],
    ItemCode:String, ItemDescription:String, Modified:DateTime, Modifier:Guid,
    ModifierFullName:String, NumberOfItemsPerUnit:Double[PU], Price:Double[PU],
    Quantity:Double[PU], StartDate:DateTime[PU], Unit:String[PU], UnitDescription:String,
    Barcode:String{new}, Employee:String{new}, Project:String{new}, ProjectDescription:String{new}
  `,
  beforeCreate(row, _children, ctx) {
    fillLookups(row, row, ctx);
    // Defaults the server fills (reference 7): division currency, the item's unit, one per unit.
    row['Currency'] ??= 'EUR';
    row['Unit'] ??= row['DefaultItemUnit'] ?? null;
    row['NumberOfItemsPerUnit'] ??= 1;
    row['Quantity'] ??= 0;
    row['Price'] ??= 0;
    if (row['UnitDescription'] === null) row['UnitDescription'] = row['DefaultItemUnitDescription'] ?? null;
  },
  beforeUpdate(row, patch, ctx) {
    if (['Item', 'Account', 'Unit'].some((f) => f in patch)) fillLookups(patch, { ...row, ...patch }, ctx);
  },
});
