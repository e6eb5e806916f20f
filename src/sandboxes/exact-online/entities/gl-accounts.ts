import { defineEntity } from './entity-descriptor.js';

/** financial/GLAccounts: the chart of accounts (reference 7.17, field list appendix A). */
export const glAccountsEntity = defineEntity({
  path: 'financial/GLAccounts',
  typeName: 'Exact.Web.Api.Models.GLAccount',
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  pageSize: 60,
  skipAllowed: true,
  deletedEntityType: 7,
  // GL account codes are unique per division (reference 8.2).
  uniqueFields: ['Code'],
  fieldList: `
    ID:Guid[KPU], AssimilatedVATBox:Int16[PU], BalanceSide:String[PU], BalanceType:String[PU],
    BelcotaxType:Int32[PU], Code:String[PU!], Compress:Boolean[PU], Costcenter:String[PU],
    CostcenterDescription:String, Costunit:String[PU], CostunitDescription:String,
    Created:DateTime, Creator:Guid, CreatorFullName:String,
    DeductibilityPercentages:DeductibilityPercentages[PU], Description:String[PU!],
    DescriptionTermID:Int32[PU], Division:Int32, ExcludeVATListing:Byte[PU],
    ExpenseNonDeductiblePercentage:Double[PU], IsBlocked:Boolean[PU], Matching:Boolean[PU],
    Modified:DateTime, Modifier:Guid, ModifierFullName:String, PrivateGLAccount:Guid[PU],
    PrivatePercentage:Double[PU], ReportingCode:String[PU], RevalueCurrency:Boolean[PU],
    SearchCode:String[PU], Type:Int32[PU], TypeDescription:String, UseCostcenter:Byte[PU],
    UseCostunit:Byte[PU], VATCode:String[PU], VATDescription:String, VATGLAccountType:String[PU],
    VATNonDeductibleGLAccount:Guid[PU], VATNonDeductiblePercentage:Double[PU],
    VATSystem:String[PU], YearEndCostGLAccount:Guid[PU], YearEndReflectionGLAccount:Guid[PU],
    AllowCostsInSales:Int32{new}, CustomField:String{new}
  `,
});

/** GLAccount.Type codes the sandbox uses (reference 7.17). */
export const glAccountType = {
  cash: 10,
  bank: 12,
  receivable: 20,
  payable: 22,
  vat: 24,
  revenue: 110,
  costOfGoods: 111,
} as const;
