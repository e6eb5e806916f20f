import { mandatoryError, unknownReferenceError } from './business-errors.js';
import type { WriteContext } from './entity-descriptor.js';
import { defineEntity } from './entity-descriptor.js';
import type { StoredRow } from './field-types.js';
import { afterPatch, referencedRow } from './lookups.js';

/**
 * Email/Phone/Mobile and their Business* twins are one value in Exact (reference 7.2): a value sent
 * in one also shows in the other. Which one wins when both are sent with different values is
 * UNCONFIRMED; here the Business* one does, so a client that sends both sees the documented clash.
 */
const pairs = [
  ['Email', 'BusinessEmail'],
  ['Phone', 'BusinessPhone'],
  ['Mobile', 'BusinessMobile'],
] as const;

function mirrorPairs(target: StoredRow, sent: StoredRow): void {
  for (const [plain, business] of pairs) {
    if (business in sent && sent[business] !== null) target[plain] = sent[business] ?? null;
    else if (plain in sent) target[business] = sent[plain] ?? null;
  }
}

function fullName(row: StoredRow): string {
  return [row['FirstName'], row['MiddleName'], row['LastName']]
    .filter((p) => typeof p === 'string' && p.trim() !== '')
    .join(' ');
}

function hasName(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

function fillFromAccount(row: StoredRow, account: StoredRow): void {
  row['AccountName'] = account['Name'] ?? null;
  row['AccountIsCustomer'] = account['Status'] === 'C';
  row['AccountIsSupplier'] = account['IsSupplier'] === true;
  row['AccountMainContact'] = account['MainContact'] ?? null;
  // The contact's address fields are read-only; Exact shows the account's address there.
  for (const field of ['City', 'Country', 'Postcode', 'State']) row[field] = account[field] ?? null;
  row['AddressStreet'] = account['AddressLine1'] ?? null;
  row['AddressLine2'] = account['AddressLine2'] ?? null;
}

function checkNames(ctx: WriteContext, first: unknown, last: unknown): void {
  // Reference 7.2: the simulator asks for one of the two names, not both.
  if (!hasName(first) && !hasName(last)) throw mandatoryError(ctx.settings, 'LastName');
}

/**
 * crm/Contacts: persons of an account (reference 7.2, field list appendix A). Appendix A marks
 * FirstName and LastName mandatory; the `!` is left off here because 7.2 says one name is enough.
 */
export const contactsEntity = defineEntity({
  path: 'crm/Contacts',
  typeName: 'Exact.Web.Api.Models.Contact',
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  pageSize: 60,
  skipAllowed: true,
  deletedEntityType: 5,
  fieldList: `
    ID:Guid[KPU], Account:Guid[P!], AccountIsCustomer:Boolean, AccountIsSupplier:Boolean,
    AccountMainContact:Guid, AccountName:String, AddressLine2:String, AddressStreet:String,
    AddressStreetNumber:String, AddressStreetNumberSuffix:String, AllowMailing:Int32,
    BirthDate:DateTime[PU], BirthName:String[PU], BirthNamePrefix:String[PU],
    BirthPlace:String[PU], BusinessEmail:String[PU], BusinessFax:String[PU],
    BusinessMobile:String[PU], BusinessPhone:String[PU], BusinessPhoneExtension:String[PU],
    City:String, Code:String, Country:String, Created:DateTime, Creator:Guid,
    CreatorFullName:String, Division:Int32, Email:String[PU], EndDate:DateTime[PU],
    FirstName:String[PU], FullName:String, Gender:String[PU], HID:Int32[PU],
    IdentificationDate:DateTime[PU], IdentificationDocument:Guid[PU],
    IdentificationUser:Guid[PU], Initials:String[PU], IsAnonymised:Byte,
    IsMailingExcluded:Boolean[PU], IsMainContact:Boolean, JobTitleDescription:String[PU],
    Language:String[PU], LastName:String[PU], LeadPurpose:Guid[PU], LeadSource:Guid[PU],
    MarketingNotes:String[PU], MiddleName:String[PU], Mobile:String[PU], Modified:DateTime,
    Modifier:Guid, ModifierFullName:String, Nationality:String[PU], Notes:String[PU],
    PartnerName:String, PartnerNamePrefix:String, Person:Guid[PU], Phone:String[PU],
    PhoneExtension:String, Picture:Binary[PU], PictureName:String[PU],
    PictureThumbnailUrl:String, PictureUrl:String, Postcode:String,
    SocialSecurityNumber:String[PU], StartDate:DateTime[PU], State:String, Title:String[PU],
    CustomField:String{new}, TitleAbbreviation:String{new}, TitleDescription:String{new}
  `,
  beforeCreate(row, _children, ctx) {
    const account = referencedRow(ctx, 'crm/Accounts', 'Account', row['Account']);
    checkNames(ctx, row['FirstName'], row['LastName']);
    mirrorPairs(row, { ...row });
    if (account) fillFromAccount(row, account);
    row['FullName'] = fullName(row);
    row['IsMainContact'] = account?.['MainContact'] === row['ID'];
    // Picture is write-only (reference 7.2): it is not echoed back.
    row['Picture'] = null;
  },
  // Deleting the main contact leaves its account without one (not documented; the sandbox's choice).
  beforeDelete({ row }, ctx) {
    const account = ctx.rowsOf('crm/Accounts').find((a) => a['ID'] === row['Account']);
    if (account && account['MainContact'] === row['ID'])
      ctx.update('crm/Accounts', String(account['ID']), { MainContact: null });
  },
  beforeUpdate(row, patch, ctx) {
    checkNames(ctx, afterPatch(row, patch, 'FirstName'), afterPatch(row, patch, 'LastName'));
    mirrorPairs(patch, { ...patch });
    if ('Picture' in patch) patch['Picture'] = null;
    if (['FirstName', 'MiddleName', 'LastName'].some((f) => f in patch))
      patch['FullName'] = fullName({ ...row, ...patch });
  },
});

/**
 * An account's `MainContact` must be one of its own contacts; the contacts' read-only
 * `IsMainContact`/`AccountMainContact` follow a change (called from the account's PUT).
 */
export function applyMainContact(account: StoredRow, patch: StoredRow, ctx: WriteContext): void {
  const main = patch['MainContact'] ?? null;
  const contacts = ctx.rowsOf(contactsEntity.path).filter((c) => c['Account'] === account['ID']);
  if (main !== null && !contacts.some((c) => c['ID'] === main))
    throw unknownReferenceError(ctx.settings, 'MainContact');
  for (const contact of contacts) {
    const isMain = contact['ID'] === main;
    if (contact['IsMainContact'] !== isMain || contact['AccountMainContact'] !== main)
      ctx.update(contactsEntity.path, String(contact['ID']), {
        IsMainContact: isMain,
        AccountMainContact: main,
      });
  }
}
