import { unknownReferenceError } from './business-errors.js';
import type { WriteContext } from './entity-descriptor.js';
import { defineEntity } from './entity-descriptor.js';
import type { StoredRow } from './field-types.js';
import { journalInUseError } from './finance-errors.js';

/** financial/Journals; other entities reference a journal by its `Code` (reference 7.17). */
export const journalsEntity = defineEntity({
  path: 'financial/Journals',
  typeName: 'Exact.Web.Api.Models.Journal',
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  pageSize: 60,
  skipAllowed: true,
  // Not in the EntityType list of appendix B, so deletions are not logged for sync/Deleted.
  // The code is what invoices and entries point at, so two journals cannot share one.
  uniqueFields: ['Code'],
  fieldList: `
    ID:Guid[KPU], AllowVariableCurrency:Boolean[PU], AllowVariableExchangeRate:Boolean[PU],
    AllowVAT:Boolean[PU], AutoSave:Boolean[PU], Bank:Guid[PU], BankAccountBICCode:String,
    BankAccountCountry:String, BankAccountDescription:String, BankAccountIBAN:String,
    BankAccountID:Guid[PU], BankAccountIncludingMask:String[PU], BankAccountUseSEPA:Boolean,
    BankAccountUseSepaDirectDebit:Boolean, BankName:String, Code:String[PU], Created:DateTime,
    Creator:Guid, CreatorFullName:String, Currency:String[PU], CurrencyDescription:String,
    Description:String[PU], Division:Int32, GLAccount:Guid[PU], GLAccountCode:String,
    GLAccountDescription:String, GLAccountType:Int32, IsBlocked:Boolean[PU], Modified:DateTime,
    Modifier:Guid, ModifierFullName:String, PaymentInTransitAccount:Guid[PU],
    PaymentServiceAccountIdentifier:String[PU], PaymentServiceProvider:Int32[PU],
    PaymentServiceProviderName:String, Type:Int32[PU], CustomField:String{new}
  `,
  beforeCreate(row, _children, ctx) {
    glLookups(row, ctx);
    row['Currency'] ??= 'EUR';
  },
  beforeUpdate(_row, patch, ctx) {
    if ('GLAccount' in patch) glLookups(patch, ctx);
  },
  beforeDelete(record, ctx) {
    const code = record.row['Code'];
    const used = (path: string, field: string) =>
      [...ctx.data.table(path).values()].some((r) => r.row[field] === code);
    if (
      used('salesinvoice/SalesInvoices', 'Journal') ||
      used('generaljournalentry/GeneralJournalEntries', 'JournalCode') ||
      used('financialtransaction/TransactionLines', 'JournalCode')
    )
      throw journalInUseError(ctx.settings, String(code));
  },
});

/** The suspense GL account must exist; its code, description and type are read-only companions. */
function glLookups(row: StoredRow, ctx: WriteContext): void {
  const given = row['GLAccount'];
  const gl = typeof given === 'string' ? ctx.data.table('financial/GLAccounts').get(given) : undefined;
  if (typeof given === 'string' && !gl) throw unknownReferenceError(ctx.settings, 'GLAccount');
  row['GLAccountCode'] = gl?.row['Code'] ?? null;
  row['GLAccountDescription'] = gl?.row['Description'] ?? null;
  row['GLAccountType'] = gl?.row['Type'] ?? null;
}

/** Journal.Type codes the sandbox checks (reference 7.17). */
export const journalType = {
  cash: 10,
  bank: 12,
  sales: 20,
  returnInvoice: 21,
  general: 90,
} as const;
