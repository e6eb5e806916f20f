/** Field lists of the finance entities, pasted from the reference's appendix A. */

export const salesInvoiceFieldList = `
    InvoiceID:Guid[KPU], AmountDC:Double, AmountDiscount:Double[PU],
    AmountDiscountExclVat:Double[PU], AmountFC:Double, AmountFCExclVat:Double, Created:DateTime,
    Creator:Guid, CreatorFullName:String, Currency:String[PU], DeliverTo:Guid[P],
    DeliverToAddress:Guid[PU], DeliverToContactPerson:Guid[PU],
    DeliverToContactPersonFullName:String, DeliverToName:String, Description:String[PU],
    Discount:Double[PU], DiscountType:Int16, Division:Int32, Document:Guid[PU],
    DocumentNumber:Int32, DocumentSubject:String, DueDate:DateTime[PU],
    ExtraDutyAmountFC:Double[PU], GAccountAmountFC:Double[PU], IncotermAddress:String[PU],
    IncotermCode:String[PU], IncotermVersion:Int16[PU], InvoiceDate:DateTime,
    InvoiceNumber:Int32, InvoiceTo:Guid[P], InvoiceToContactPerson:Guid[PU],
    InvoiceToContactPersonFullName:String, InvoiceToName:String, IsExtraDuty:Boolean[PU],
    Journal:String[P!], JournalDescription:String, Modified:DateTime, Modifier:Guid,
    ModifierFullName:String, OrderDate:DateTime[PU], OrderedBy:Guid[P!],
    OrderedByContactPerson:Guid[PU], OrderedByContactPersonFullName:String,
    OrderedByName:String, OrderNumber:Int32[PU], PaymentCondition:String[PU],
    PaymentConditionDescription:String, PaymentReference:String[PU], Remarks:String[PU],
    SalesChannel:Guid[PU], SalesChannelCode:String, SalesChannelDescription:String,
    SalesInvoiceLines:SalesInvoiceLines[PU!], Salesperson:Guid[PU], SalespersonFullName:String,
    SelectionCode:Guid[PU], SelectionCodeCode:String, SelectionCodeDescription:String,
    StarterSalesInvoiceStatus:Int16, StarterSalesInvoiceStatusDescription:String, Status:Int16,
    StatusDescription:String, TaxSchedule:Guid[PU], TaxScheduleCode:String,
    TaxScheduleDescription:String, Type:Int32[PU], TypeDescription:String, VATAmountDC:Double,
    VATAmountFC:Double, Warehouse:Guid[PU], WithholdingTaxAmountFC:Double[PU],
    WithholdingTaxBaseAmount:Double[PU], WithholdingTaxPercentage:Double[PU],
    YourRef:String[PU], SalesInvoiceOrderChargeLines:SalesInvoiceOrderChargeLine[]
    collection{new}, ShippingMethod:String{new}, ShippingMethodCode:String{new},
    ShippingMethodDescription:String{new}
`;

export const salesInvoiceLineFieldList = `
    ID:Guid[KPU], AmountDC:Double, AmountFC:Double[PU], CostCenter:String[PU],
    CostCenterDescription:String, CostUnit:String[PU], CostUnitDescription:String,
    CustomerItemCode:String, DeliveryDate:DateTime[PU], Description:String[PU],
    Discount:Double[PU], Division:Int32, Employee:Guid[PU], EmployeeFullName:String,
    EndTime:DateTime[PU], ExtraDutyAmountFC:Double[PU], ExtraDutyPercentage:Double[PU],
    GLAccount:Guid[P!], GLAccountDescription:String, InvoiceID:Guid[P!], Item:Guid[PU!],
    ItemCode:String, ItemDescription:String, LineNumber:Int32, NetPrice:Double[PU],
    Notes:String[PU], Pricelist:Guid[PU], PricelistDescription:String, Project:Guid[PU],
    ProjectDescription:String, ProjectWBS:Guid[PU], ProjectWBSDescription:String,
    Quantity:Double[PU], SalesOrder:Guid, SalesOrderLine:Guid, SalesOrderLineNumber:Int32,
    SalesOrderNumber:Int32, StartTime:DateTime[PU], Subscription:Guid,
    SubscriptionDescription:String, TaxSchedule:Guid[PU], TaxScheduleCode:String,
    TaxScheduleDescription:String, UnitCode:String[PU], UnitDescription:String,
    UnitPrice:Double[PU], VATAmountDC:Double[PU], VATAmountFC:Double[PU], VATCode:String[PU],
    VATCodeDescription:String, VATPercentage:Double[PU], CustomField:String{new}
`;

export const transactionLineFieldList = `
    ID:Guid[K], Account:Guid, AccountCode:String, AccountName:String, AmountDC:Double,
    AmountFC:Double, AmountVATBaseFC:Double, AmountVATFC:Double, Asset:Guid, AssetCode:String,
    AssetDescription:String, CostCenter:String, CostCenterDescription:String, CostUnit:String,
    CostUnitDescription:String, Created:DateTime, Creator:Guid, CreatorFullName:String,
    Currency:String, Date:DateTime, Description:String, Division:Int32, Document:Guid,
    DocumentNumber:Int32, DocumentSubject:String, DueDate:DateTime, EntryID:Guid,
    EntryNumber:Int32, ExchangeRate:Double, ExternalLinkDescription:String,
    ExternalLinkReference:String, ExtraDutyAmountFC:Double, ExtraDutyPercentage:Double,
    FinancialPeriod:Int16, FinancialYear:Int16, GLAccount:Guid, GLAccountCode:String,
    GLAccountDescription:String, InvoiceNumber:Int32, Item:Guid, ItemCode:String,
    ItemDescription:String, JournalCode:String, JournalDescription:String, LineNumber:Int32,
    LineType:Int16, Modified:DateTime, Modifier:Guid, ModifierFullName:String, Notes:String,
    OffsetID:Guid, OrderNumber:Int32, PaymentDiscountAmount:Double, PaymentReference:String,
    Project:Guid, ProjectCode:String, ProjectDescription:String, Quantity:Double,
    SerialNumber:String, ShopOrder:Guid, Status:Int16, Subscription:Guid,
    SubscriptionDescription:String, TrackingNumber:String, TrackingNumberDescription:String,
    Type:Int32, VATCode:String, VATCodeDescription:String, VATPercentage:Double, VATType:String,
    YourRef:String, CustomField:String{new}
`;

export const journalEntryFieldList = `
    EntryID:Guid[KPU], Created:DateTime, Currency:String[PU], Division:Int32,
    EntryNumber:Int32[PU], ExchangeRate:Double[PU], FinancialPeriod:Int16[PU],
    FinancialYear:Int16[PU], GeneralJournalEntryLines:GeneralJournalEntryLines[PU!],
    JournalCode:String[PU!], JournalDescription:String, Modified:DateTime, Reversal:Boolean[PU],
    Status:Int16, StatusDescription:String, Type:Int32, TypeDescription:String,
    CustomField:String{new}
`;

/**
 * One change to appendix A: `AmountDC` is taken on POST (`[P]`), because the field report of 7.12
 * books memorial entries with `JournalCode` + `AmountDC` (UNCONFIRMED generality).
 */
export const journalEntryLineFieldList = `
    ID:Guid[KPU], Account:Guid[PU], AccountCode:String, AccountName:String, AmountDC:Double[P],
    AmountFC:Double[PU], AmountVATDC:Double, AmountVATFC:Double[PU], Asset:Guid[PU],
    AssetCode:String, AssetDescription:String, CostCenter:String[PU],
    CostCenterDescription:String, CostUnit:String[PU], CostUnitDescription:String,
    Created:DateTime, Creator:Guid, CreatorFullName:String, Date:DateTime[PU],
    Description:String[PU], Division:Int32, Document:Guid[PU], DocumentNumber:Int32,
    DocumentSubject:String, EntryID:Guid[PU!], EntryNumber:Int32, GLAccount:Guid[PU!],
    GLAccountCode:String, GLAccountDescription:String, LineNumber:Int32, Modified:DateTime,
    Modifier:Guid, ModifierFullName:String, Notes:String[PU], OffsetID:Guid[PU],
    OurRef:Int32[PU], Project:Guid[PU], ProjectCode:String, ProjectDescription:String,
    Quantity:Double[PU], VATBaseAmountDC:Double, VATBaseAmountFC:Double, VATCode:String[PU],
    VATCodeDescription:String, VATPercentage:Double[PU], VATType:String, CustomField:String{new}
`;
