/** Field lists of salesorder/SalesOrders and its lines, pasted from the reference's appendix A. */
export const salesOrderFieldList = `
    OrderID:Guid[KPU], AmountDC:Double, AmountDiscount:Double[PU],
    AmountDiscountExclVat:Double[PU], AmountFC:Double, AmountFCExclVat:Double,
    ApprovalStatus:Int16, ApprovalStatusDescription:String, Approved:DateTime, Approver:Guid,
    ApproverFullName:String, Created:DateTime, Creator:Guid, CreatorFullName:String,
    Currency:String[PU], DeliverTo:Guid[P], DeliverToContactPerson:Guid[PU],
    DeliverToContactPersonFullName:String, DeliverToName:String, DeliveryAddress:Guid[PU],
    DeliveryDate:DateTime[PU], DeliveryStatus:Int16, DeliveryStatusDescription:String,
    Description:String[PU], Discount:Double[PU], Division:Int32, Document:Guid[PU],
    DocumentNumber:Int32, DocumentSubject:String, IncotermAddress:String[PU],
    IncotermCode:String[PU], IncotermVersion:Int16[PU], InvoiceStatus:Int16,
    InvoiceStatusDescription:String, InvoiceTo:Guid[P], InvoiceToContactPerson:Guid[PU],
    InvoiceToContactPersonFullName:String, InvoiceToName:String, Modified:DateTime, Modifier:Guid,
    ModifierFullName:String, OrderDate:DateTime[PU], OrderedBy:Guid[P!],
    OrderedByContactPerson:Guid[PU], OrderedByContactPersonFullName:String, OrderedByName:String,
    OrderNumber:Int32[PU], PaymentCondition:String[PU], PaymentConditionDescription:String,
    PaymentReference:String[PU], Remarks:String[PU], SalesChannel:Guid[PU],
    SalesChannelCode:String, SalesChannelDescription:String, SalesOrderLines:SalesOrderLines[PU!],
    Salesperson:Guid[PU], SalespersonFullName:String, SelectionCode:Guid[PU],
    SelectionCodeCode:String, SelectionCodeDescription:String, ShippingMethod:Guid[PU],
    ShippingMethodDescription:String, Status:Int16, StatusDescription:String, TaxSchedule:Guid[PU],
    TaxScheduleCode:String, TaxScheduleDescription:String, WarehouseCode:String,
    WarehouseDescription:String, WarehouseID:Guid[PU], YourRef:String[PU], CustomField:String{new},
    SalesOrderOrderChargeLines:SalesOrderOrderChargeLine[] collection{new}
`;

export const salesOrderLineFieldList = `
    ID:Guid[KPU], AmountDC:Double, AmountFC:Double[PU], CostCenter:String[PU],
    CostCenterDescription:String, CostPriceFC:Double, CostUnit:String[PU],
    CostUnitDescription:String, CustomerItemCode:String, DeliveryDate:DateTime[PU],
    DeliveryStatus:Int16, Description:String[PU], Discount:Double[PU], Division:Int32,
    InvoiceStatus:Int16, Item:Guid[PU!], ItemCode:String, ItemDescription:String,
    ItemVersion:Guid[PU], ItemVersionDescription:String, LineNumber:Int32, Margin:Double[PU],
    NetPrice:Double[PU], Notes:String[PU], OrderID:Guid[PU!], OrderNumber:Int32[PU],
    OrderStatus:Int16, Pricelist:Guid[PU], PricelistDescription:String, Project:Guid[PU],
    ProjectDescription:String, PurchaseOrder:Guid, PurchaseOrderLine:Guid,
    PurchaseOrderLineNumber:Int32, PurchaseOrderNumber:Int32, Quantity:Double[PU],
    QuantityDelivered:Double, QuantityInvoiced:Double, ShopOrder:Guid[PU], TaxSchedule:Guid[PU],
    TaxScheduleCode:String, TaxScheduleDescription:String, UnitCode:String[PU],
    UnitDescription:String, UnitPrice:Double[PU], UseDropShipment:Byte[PU], VATAmount:Double[PU],
    VATCode:String[PU], VATCodeDescription:String, VATPercentage:Double[PU],
    CustomField:String{new}
`;
