import { defineEntity } from './entity-descriptor.js';
import type { WriteContext } from './entity-descriptor.js';
import type { StoredRow } from './field-types.js';
import { referencedRow } from './lookups.js';

/** logistics/ItemGroups: GET only (reference 7.5, field list appendix A). */
export const itemGroupsEntity = defineEntity({
  path: 'logistics/ItemGroups',
  typeName: 'Exact.Web.Api.Models.ItemGroup',
  methods: ['GET'],
  pageSize: 60,
  skipAllowed: true,
  uniqueFields: ['Code'],
  fieldList: `
    ID:Guid[K], Code:String, Created:DateTime, Creator:Guid, CreatorFullName:String,
    Description:String, Division:Int32, GLCosts:Guid, GLCostsCode:String,
    GLCostsDescription:String, GLPurchaseAccount:Guid, GLPurchaseAccountCode:String,
    GLPurchaseAccountDescription:String, GLPurchasePriceDifference:Guid,
    GLPurchasePriceDifferenceCode:String, GLPurchasePriceDifferenceDescr:String, GLRevenue:Guid,
    GLRevenueCode:String, GLRevenueDescription:String, GLStock:Guid, GLStockCode:String,
    GLStockDescription:String, GLStockVariance:Guid, GLStockVarianceCode:String,
    GLStockVarianceDescription:String, IsDefault:Byte, Modified:DateTime, Modifier:Guid,
    ModifierFullName:String, Notes:String
  `,
});

/**
 * An item's group: a new item without one gets the group marked `IsDefault` (reference 7.5); an
 * unknown group is a 500; `ItemGroupCode`/`ItemGroupDescription` are read-only lookups (reference 7).
 */
export function applyItemGroup(target: StoredRow, ctx: WriteContext, isNew: boolean): void {
  if (isNew && (target['ItemGroup'] ?? null) === null) {
    const fallback = ctx.rowsOf(itemGroupsEntity.path).find((g) => g['IsDefault'] === 1);
    target['ItemGroup'] = fallback?.['ID'] ?? null;
  }
  const group = referencedRow(ctx, itemGroupsEntity.path, 'ItemGroup', target['ItemGroup']);
  target['ItemGroupCode'] = group?.['Code'] ?? null;
  target['ItemGroupDescription'] = group?.['Description'] ?? null;
}
