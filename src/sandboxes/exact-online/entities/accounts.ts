import { duplicateError, unknownReferenceError } from './business-errors.js';
import { applyMainContact } from './contacts.js';
import { defineEntity, type WriteContext } from './entity-descriptor.js';
import { byCode } from './finance-lookups.js';
import type { StoredRow } from './field-types.js';

/** Account codes are 18 characters, numeric, right-aligned with spaces (reference 4.5, 7.1). */
export function padAccountCode(code: string): string {
  return code.trim().padStart(18, ' ');
}

function nextAccountCode(rows: StoredRow[]): string {
  const highest = rows
    .map((r) => Number(String(r['Code'] ?? '').trim()))
    .filter((n) => Number.isInteger(n))
    .reduce((a, b) => Math.max(a, b), 0);
  return padAccountCode(String(highest + 1));
}

/**
 * An account's sales VAT code must be one of the division's VAT codes (reference 7.1, 7.13):
 * unknown, it is the 500 `Bestaat niet: SalesVATCode` of any reference to a missing record.
 */
function checkSalesVatCode(ctx: WriteContext, code: unknown): void {
  if (code === null || code === undefined || code === '') return;
  if (!byCode(ctx, 'vat/VATCodes', code)) throw unknownReferenceError(ctx.settings, 'SalesVATCode');
}

/** crm/Accounts: customers and suppliers (reference 7.1, field list appendix A). */
export const accountsEntity = defineEntity({
  path: 'crm/Accounts',
  typeName: 'Exact.Web.Api.Models.Account',
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  pageSize: 60,
  skipAllowed: true,
  deletedEntityType: 2,
  uniqueFields: ['Code'],
  // The whitelist of reference 3.4 (Classification1–8 and AddressLine1–3 spelled out).
  mandatoryFilterFields: [
    'Accountant',
    'AccountManager',
    'AddressLine1',
    'AddressLine2',
    'AddressLine3',
    'Blocked',
    'BRIN',
    'BSN',
    'ChamberOfCommerce',
    'City',
    'Classification1',
    'Classification2',
    'Classification3',
    'Classification4',
    'Classification5',
    'Classification6',
    'Classification7',
    'Classification8',
    'Classification',
    'Code',
    'CodeAtSupplier',
    'Country',
    'Created',
    'Email',
    'EndDate',
    'Fax',
    'ID',
    'InvoiceAccount',
    'IsAccountant',
    'IsReseller',
    'IsSales',
    'IsSupplier',
    'MainContact',
    'Modified',
    'Name',
    'Parent',
    'Phone',
    'Postcode',
    'PriceList',
    'Reseller',
    'RSIN',
    'SearchCode',
    'StartDate',
    'Status',
    'Type',
    'VATNumber',
  ],
  fieldList: `
    ID:Guid[KPU], Accountant:Guid[PU], AccountManager:Guid[PU], AccountManagerFullName:String,
    AccountManagerHID:Int32, ActivitySector:Guid[PU], ActivitySubSector:Guid[PU],
    AddressLine1:String[PU], AddressLine2:String[PU], AddressLine3:String[PU],
    BankAccounts:BankAccounts, Blocked:Boolean[PU], BRIN:Guid, BSN:String[PU],
    BusinessType:Guid[PU], CanDropShip:Boolean[PU], ChamberOfCommerce:String[PU], City:String[PU],
    Classification:String, Classification1:Guid[PU], Classification2:Guid[PU],
    Classification3:Guid[PU], Classification4:Guid[PU], Classification5:Guid[PU],
    Classification6:Guid[PU], Classification7:Guid[PU], Classification8:Guid[PU],
    ClassificationDescription:String, Code:String[PU], CodeAtSupplier:String[PU],
    CompanySize:Guid[PU], ConsolidationScenario:Byte[PU], ControlledDate:DateTime[PU],
    Costcenter:String, CostcenterDescription:String, CostPaid:Byte, Country:String[PU],
    CountryName:String, Created:DateTime, Creator:Guid, CreatorFullName:String,
    CreditLinePurchase:Double[PU], CreditLineSales:Double[PU], Currency:String,
    CustomerSince:DateTime, DatevCreditorCode:String[PU], DatevDebtorCode:String[PU],
    DeliveryAdvice:Byte[PU], DiscountPurchase:Double[PU], DiscountSales:Double[PU], Division:Int32,
    Document:Guid, DunsNumber:String, Email:String[PU], EndDate:DateTime[PU],
    EstablishedDate:DateTime[PU], Fax:String[PU], GLAccountPurchase:Guid[PU],
    GLAccountSales:Guid[PU], GLAP:Guid[PU], GLAR:Guid[PU], GlnNumber:String[PU],
    HasWithholdingTaxSales:Boolean[PU], IgnoreDatevWarningMessage:Boolean[PU],
    IncotermAddressPurchase:String[PU], IncotermAddressSales:String[PU],
    IncotermCodePurchase:String[PU], IncotermCodeSales:String[PU],
    IncotermVersionPurchase:Int16[PU], IncotermVersionSales:Int16[PU], IntraStatArea:String[PU],
    IntraStatDeliveryTerm:String[PU], IntraStatSystem:String[PU], IntraStatTransactionA:String[PU],
    IntraStatTransactionB:String[PU], IntraStatTransportMethod:String[PU], InvoiceAccount:Guid[PU],
    InvoiceAccountCode:String, InvoiceAccountName:String, InvoiceAttachmentType:Int32[PU],
    InvoicingMethod:Int32[PU], IsAccountant:Byte[PU], IsAgency:Byte[PU], IsAnonymised:Byte,
    IsBank:Boolean, IsCompetitor:Byte[PU], IsExtraDuty:Boolean[PU], IsMailing:Byte[PU],
    IsMember:Boolean, IsPilot:Boolean[PU], IsPurchase:Boolean, IsReseller:Boolean[PU],
    IsSales:Boolean, IsSupplier:Boolean[PU], Language:String[PU], LanguageDescription:String,
    Latitude:Double[PU], LeadPurpose:Guid[PU], LeadSource:Guid[PU], Logo:Binary[PU],
    LogoFileName:String[PU], LogoThumbnailUrl:String, LogoUrl:String, Longitude:Double[PU],
    MainContact:Guid[PU], Modified:DateTime, Modifier:Guid, ModifierFullName:String,
    Name:String[PU!], OINNumber:String[PU], Parent:Guid[PU], PayAsYouEarn:String[PU],
    PaymentConditionPurchase:String[PU], PaymentConditionPurchaseDescription:String,
    PaymentConditionSales:String[PU], PaymentConditionSalesDescription:String, Phone:String[PU],
    PhoneExtension:String[PU], Postcode:String[PU], PriceList:Guid[PU],
    PurchaseCurrency:String[PU], PurchaseCurrencyDescription:String, PurchaseLeadDays:Int32[PU],
    PurchaseVATCode:String[PU], PurchaseVATCodeDescription:String,
    RecepientOfCommissions:Boolean[PU], Remarks:String[PU], Reseller:Guid[PU], ResellerCode:String,
    ResellerName:String, RSIN:String[PU], SalesCurrency:String[PU],
    SalesCurrencyDescription:String, SalesTaxSchedule:Guid[PU], SalesTaxScheduleCode:String,
    SalesTaxScheduleDescription:String, SalesVATCode:String[PU], SalesVATCodeDescription:String,
    SearchCode:String[PU], SecurityLevel:Int32[PU], SeparateInvPerProject:Byte[PU],
    SeparateInvPerSubscription:Byte[PU], ShippingLeadDays:Int32[PU], ShippingMethod:Guid[PU],
    ShowRemarkForSales:Boolean[PU], StartDate:DateTime[PU], State:String[PU], StateName:String,
    Status:String[PU], StatusSince:DateTime, TradeName:String[PU], Type:String,
    UniqueTaxpayerReference:String[PU], VATLiability:String[PU], VATNumber:String[PU],
    Website:String[PU], AutomaticProcessProposedEntry:Int32{new}, CustomField:String{new},
    EnableSalesPaymentLink:Boolean{new}, EORINumber:String{new}, PeppolIdentifier:String{new},
    PeppolIdentifierType:Int32{new}
  `,
  beforeCreate(row, _children, ctx) {
    checkSalesVatCode(ctx, row['SalesVATCode']);
    row['Code'] =
      typeof row['Code'] === 'string'
        ? padAccountCode(row['Code'])
        : nextAccountCode(ctx.rowsOf('crm/Accounts'));
    row['Type'] = 'A';
    // IsSales is read-only (reference 7.1); a filled Status marks a customer.
    row['IsSales'] = row['Status'] === 'C';
  },
  beforeUpdate(row, patch, ctx) {
    if ('SalesVATCode' in patch) checkSalesVatCode(ctx, patch['SalesVATCode']);
    if ('MainContact' in patch) applyMainContact(row, patch, ctx);
    if (typeof patch['Code'] !== 'string') return;
    patch['Code'] = padAccountCode(patch['Code']);
    // Re-sending Code, even unchanged, fails with "Gegeven bestaat reeds." (reference 7.1, S10 #432).
    if (ctx.rowsOf('crm/Accounts').some((r) => r['Code'] === patch['Code']))
      throw duplicateError(ctx.settings);
  },
});
