import { defineEntity } from './entity-descriptor.js';

/** vat/VATCodes: per-division VAT configuration (reference 7.13, field list appendix A). */
export const vatCodesEntity = defineEntity({
  path: 'vat/VATCodes',
  typeName: 'Exact.Web.Api.Models.VATCode',
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  pageSize: 60,
  skipAllowed: true,
  uniqueFields: ['Code'],
  fieldList: `
    ID:Guid[KPU], Account:Guid[PU], AccountCode:String, AccountName:String,
    CalculationBasis:Byte[PU], Charged:Boolean[PU], Code:String[PU!], Country:String,
    Created:DateTime, Creator:Guid, CreatorFullName:String, Description:String[PU!],
    Division:Int32, EUSalesListing:String[PU], ExcludeVATListing:Byte[PU],
    GLDiscountPurchase:Guid[PU], GLDiscountPurchaseCode:String,
    GLDiscountPurchaseDescription:String, GLDiscountSales:Guid[PU], GLDiscountSalesCode:String,
    GLDiscountSalesDescription:String, GLToClaim:Guid[PU], GLToClaimCode:String,
    GLToClaimDescription:String, GLToPay:Guid[PU], GLToPayCode:String, GLToPayDescription:String,
    IntraStat:Boolean[PU], IntrastatType:String[PU], IsBlocked:Boolean[PU], LegalText:String[PU],
    Modified:DateTime, Modifier:Guid, ModifierFullName:String, OssCountry:String[PU],
    Percentage:Double, TaxReturnType:Int16[PU], Type:String[PU], VatDocType:String[PU],
    VatMargin:Byte[PU], VATPartialRatio:Int16[PU], VATPercentages:VATPercentages[PU],
    VATTransactionType:String[PU], CustomField:String{new}
  `,
});
