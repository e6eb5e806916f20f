import { ODataError } from '../odata-error.js';
import type { ExactSettings } from '../settings.js';
import type { WriteContext } from './entity-descriptor.js';
import { defineEntity } from './entity-descriptor.js';
import type { StoredRow } from './field-types.js';
import { afterPatch, countryName, referencedRow } from './lookups.js';

/** Address.Type (appendix B). */
export const addressTypes = { visit: 1, postal: 2, invoice: 3, delivery: 4 } as const;

/** The fields that make two addresses "identical" for the POST de-duplication of reference 7.3. */
const identityFields = [
  'Account',
  'Contact',
  'Type',
  'AddressLine1',
  'AddressLine2',
  'AddressLine3',
  'Postcode',
  'City',
  'State',
  'Country',
] as const;

function warehouseOnlyOnDelivery(settings: ExactSettings): ODataError {
  // Reference 7.3 states the rule; the text is the sandbox's own.
  return new ODataError(
    500,
    settings.language === 'nl'
      ? 'Magazijn is alleen toegestaan bij een afleveradres.'
      : 'Warehouse is only allowed on a delivery address.',
  );
}

function fillLookups(target: StoredRow, merged: StoredRow, ctx: WriteContext): void {
  const account = referencedRow(ctx, 'crm/Accounts', 'Account', merged['Account']);
  const contact = referencedRow(ctx, 'crm/Contacts', 'Contact', merged['Contact']);
  const warehouse = referencedRow(ctx, 'inventory/Warehouses', 'Warehouse', merged['Warehouse']);
  if (warehouse && merged['Type'] !== addressTypes.delivery) throw warehouseOnlyOnDelivery(ctx.settings);
  target['AccountName'] = account?.['Name'] ?? null;
  target['AccountIsSupplier'] = account?.['IsSupplier'] === true;
  target['ContactName'] = contact?.['FullName'] ?? null;
  target['WarehouseCode'] = warehouse?.['Code'] ?? null;
  target['WarehouseDescription'] = warehouse?.['Description'] ?? null;
  target['CountryName'] = countryName(ctx, merged['Country']);
}

/** `Main` marks the one main address per account and type (reference 7.3): a new main demotes the old. */
function demoteOtherMains(row: StoredRow, ctx: WriteContext): void {
  if (row['Main'] !== true || row['Account'] === null) return;
  for (const other of ctx.rowsOf('crm/Addresses')) {
    if (
      other['ID'] !== row['ID'] &&
      other['Main'] === true &&
      other['Account'] === row['Account'] &&
      other['Type'] === row['Type']
    )
      ctx.update('crm/Addresses', String(other['ID']), { Main: false });
  }
}

/** crm/Addresses (reference 7.3, field list appendix A): no mandatory fields. */
export const addressesEntity = defineEntity({
  path: 'crm/Addresses',
  typeName: 'Exact.Web.Api.Models.Address',
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  pageSize: 60,
  skipAllowed: true,
  deletedEntityType: 3,
  fieldList: `
    ID:Guid[KPU], Account:Guid[PU], AccountIsSupplier:Boolean, AccountName:String,
    AddressLine1:String[PU], AddressLine2:String[PU], AddressLine3:String[PU], City:String[PU],
    Contact:Guid[PU], ContactName:String, Country:String[PU], CountryName:String,
    Created:DateTime, Creator:Guid, CreatorFullName:String, Division:Int32, Fax:String[PU],
    FreeBoolField_01:Boolean[PU], FreeBoolField_02:Boolean[PU], FreeBoolField_03:Boolean[PU],
    FreeBoolField_04:Boolean[PU], FreeBoolField_05:Boolean[PU], FreeDateField_01:DateTime[PU],
    FreeDateField_02:DateTime[PU], FreeDateField_03:DateTime[PU], FreeDateField_04:DateTime[PU],
    FreeDateField_05:DateTime[PU], FreeNumberField_01:Double[PU], FreeNumberField_02:Double[PU],
    FreeNumberField_03:Double[PU], FreeNumberField_04:Double[PU], FreeNumberField_05:Double[PU],
    FreeTextField_01:String[PU], FreeTextField_02:String[PU], FreeTextField_03:String[PU],
    FreeTextField_04:String[PU], FreeTextField_05:String[PU], Mailbox:String[PU], Main:Boolean[PU],
    Modified:DateTime, Modifier:Guid, ModifierFullName:String, NicNumber:String[PU],
    Notes:String[PU], Phone:String[PU], PhoneExtension:String[PU], Postcode:String[PU],
    State:String[PU], StateDescription:String, Type:Int16[PU], Warehouse:Guid[PU],
    WarehouseCode:String, WarehouseDescription:String, CustomField:String{new}
  `,
  // POST first looks for an identical address and answers its ID (reference 7.3, S6 address.rb).
  findExisting(row, ctx) {
    const same = ctx
      .rowsOf('crm/Addresses')
      .find((other) => identityFields.every((f) => (other[f] ?? null) === (row[f] ?? null)));
    return same ? String(same['ID']) : undefined;
  },
  beforeCreate(row, _children, ctx) {
    fillLookups(row, row, ctx);
    demoteOtherMains(row, ctx);
  },
  beforeUpdate(row, patch, ctx) {
    const merged = { ...row, ...patch };
    if (['Account', 'Contact', 'Warehouse', 'Type', 'Country'].some((f) => f in patch))
      fillLookups(patch, merged, ctx);
    if (afterPatch(row, patch, 'Main') === true && ('Main' in patch || 'Type' in patch))
      demoteOtherMains(merged, ctx);
  },
});
