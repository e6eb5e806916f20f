import { defineEntity } from './entity-descriptor.js';

/**
 * cashflow/PaymentConditions: GET and POST only, mandatory `Code` and `Description` (reference
 * 7.14, field list appendix A). Accounts, orders and invoices refer to a condition by its Code.
 */
export const paymentConditionsEntity = defineEntity({
  path: 'cashflow/PaymentConditions',
  typeName: 'Exact.Web.Api.Models.Cashflow.PaymentCondition',
  methods: ['GET', 'POST'],
  pageSize: 60,
  skipAllowed: true,
  uniqueFields: ['Code'],
  fieldList: `
    ID:Guid[KPU], Code:String[PU!], Created:DateTime, Creator:Guid, CreatorFullName:String,
    CreditManagementScenario:Guid[PU], CreditManagementScenarioCode:String,
    CreditManagementScenarioDescription:String, Description:String[PU!],
    DiscountCalculation:String[PU], DiscountPaymentDays:Int32[PU], DiscountPercentage:Double[PU],
    Division:Int32, Modified:DateTime, Modifier:Guid, ModifierFullName:String,
    PaymentDays:Int32[PU], PaymentDiscountType:String[PU], PaymentEndOfMonths:Int32[PU],
    PaymentMethod:String[PU], Percentage:Double[PU], VATCalculation:String[PU]
  `,
  beforeCreate(row) {
    // Unstated defaults: on credit (B), due at once, no discount.
    row['PaymentMethod'] ??= 'B';
    row['PaymentDays'] ??= 0;
    row['PaymentEndOfMonths'] ??= 0;
    row['DiscountPaymentDays'] ??= 0;
    row['DiscountPercentage'] ??= 0;
  },
});

/** sales/ShippingMethods: GET only, referenced by Guid from orders (reference 7.15, appendix A). */
export const shippingMethodsEntity = defineEntity({
  path: 'sales/ShippingMethods',
  typeName: 'Exact.Web.Api.Models.Sales.ShippingMethod',
  methods: ['GET'],
  pageSize: 60,
  skipAllowed: true,
  uniqueFields: ['Code'],
  fieldList: `
    ID:Guid[K], Active:Boolean, Code:String, Created:DateTime, Creator:Guid,
    CreatorFullName:String, Description:String, Division:Int32, Modified:DateTime, Modifier:Guid,
    ModifierFullName:String, Notes:String, ShippingRatesURL:String, TrackingURL:String,
    Amount:Double{new}, VATCode:String{new}, VATCodeDescription:String{new},
    VATPercentage:Double{new}
  `,
});

/** logistics/Units: GET only (reference 7.18, appendix A); items and prices name a unit by Code. */
export const unitsEntity = defineEntity({
  path: 'logistics/Units',
  typeName: 'Exact.Web.Api.Models.Logistics.Unit',
  methods: ['GET'],
  pageSize: 60,
  skipAllowed: true,
  uniqueFields: ['Code'],
  fieldList: `
    ID:Guid[K], Active:Boolean, Code:String, Description:String, Division:Int32, Main:Byte,
    TimeUnit:String, Type:String
  `,
});

/**
 * general/Currencies, key `Code` (reference 7.18): Exact's field list (scripts/exact-field-lists),
 * which has no Division, Creator or Modifier. GET only, as documented.
 */
export const currenciesEntity = defineEntity({
  path: 'general/Currencies',
  typeName: 'Exact.Web.Api.Models.General.Currency',
  methods: ['GET'],
  pageSize: 60,
  skipAllowed: true,
  fieldList: `
    Code:String[K], AmountPrecision:Double, Created:DateTime, Description:String, Modified:DateTime,
    PricePrecision:Double
  `,
});

/**
 * logistics/ItemAssortmentProperty: GET only (reference 7.7, appendix A). A property belongs to the
 * assortment whose Int32 `Code` is its `ItemAssortmentCode`.
 */
export const itemAssortmentPropertyEntity = defineEntity({
  path: 'logistics/ItemAssortmentProperty',
  typeName: 'Exact.Web.Api.Models.Logistics.ItemAssortmentProperty',
  methods: ['GET'],
  pageSize: 60,
  skipAllowed: true,
  fieldList: `ID:Guid[K], Code:String, Description:String, Division:Int32, ItemAssortmentCode:Int32`,
});

/** logistics/ItemAssortment: GET only, properties readable with `$expand=Properties` (reference 7.7). */
export const itemAssortmentEntity = defineEntity({
  path: 'logistics/ItemAssortment',
  typeName: 'Exact.Web.Api.Models.Logistics.ItemAssortment',
  methods: ['GET'],
  pageSize: 60,
  skipAllowed: true,
  uniqueFields: ['Code'],
  fieldList: `ID:Guid[K], Code:Int32, Description:String, Division:Int32, Properties:Properties`,
  children: {
    Properties: {
      path: itemAssortmentPropertyEntity.path,
      typeName: itemAssortmentPropertyEntity.typeName,
      parentKey: 'ItemAssortmentCode',
      fieldList: `ID:Guid[K], Code:String, Description:String, Division:Int32, ItemAssortmentCode:Int32`,
    },
  },
});
