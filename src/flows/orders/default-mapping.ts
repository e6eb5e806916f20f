import type { MappingDefinition } from '../../mapping/types.js';

const address = (prefix: string, from: string) => ({
  [`${prefix}.street`]: { expr: `$splitStreet(${from}.AddressLine1).street` },
  [`${prefix}.houseNumber`]: { expr: `$splitStreet(${from}.AddressLine1).houseNumber` },
  [`${prefix}.addition`]: { expr: `$splitStreet(${from}.AddressLine1).addition` },
  [`${prefix}.postcode`]: { source: `${from}.Postcode` },
  [`${prefix}.city`]: { source: `${from}.City` },
  [`${prefix}.country`]: { source: `${from}.Country` },
});

/**
 * The orders mapping that works on the sandboxes' demo data unchanged: an Exact sales invoice or
 * sales order (record shape: `exact-orders-source.ts`) to the order fields the flow resolves (`order-payload.ts`).
 * A customer with a main contact is a company (the contact is the attention-to); one without is a
 * person. A line without a VAT code takes the customer's. Exact dates are Amsterdam wall-clock
 * dressed as UTC, so the date is read in UTC.
 */
export const ordersDefaultMapping: MappingDefinition = {
  fields: {
    date: { expr: "$localDate(InvoiceDate ? InvoiceDate : OrderDate, 'UTC')", required: true },
    // Create-only: Exact may number an invoice when it is processed, which is no change worth resending.
    description: {
      overwrite: false,
      expr: "$join([[InvoiceNumber ? InvoiceNumber : OrderNumber, Description][$type($) in ['string', 'number'] and $string($) != ''].$string($)], ' ')",
    },
    journalId: { source: 'Journal', valueMap: 'journals' },
    paymentConditionId: { source: 'PaymentCondition', valueMap: 'paymentConditions' },
    // The Exact account: what the debtor it became is remembered by across runs.
    'customer.id': { source: 'Customer.ID' },
    'customer.number': { source: 'Customer.Code' },
    'customer.company': { expr: 'Customer.ContactName ? Customer.Name' },
    'customer.name': { expr: 'Customer.ContactName ? Customer.ContactName : Customer.Name', required: true },
    'customer.email': { source: 'Customer.Email' },
    'customer.phone': { source: 'Customer.Phone' },
    'customer.vatNumber': { source: 'Customer.VATNumber' },
    'customer.paymentConditionId': { source: 'PaymentCondition', valueMap: 'paymentConditions' },
    'customer.paymentMethodId': { source: 'PaymentCondition', valueMap: 'paymentMethods' },
    shippingMethod: { source: 'ShippingMethod.Description' },
    shippingArticleCode: { source: 'ShippingMethod.Code', valueMap: 'shippingMethods' },
    // Amounts go in euro (Exact's DC amounts); a foreign document's own currency is named beside them.
    currency: { source: 'Currency' },
    ...address('customer.billing', 'Customer'),
    ...address('customer.shipping', 'DeliverTo'),
    lines: {
      expr: `[Lines.{
        'item': Item,
        'sku': ItemCode,
        'description': Description ? Description : ItemDescription,
        'quantity': Quantity,
        'price': $money(NetPrice),
        'amount': $money(AmountDC),
        'vatCode': $lookup('vatCodes', VATCode ? VATCode : $$.Customer.SalesVATCode),
        'vatAmount': $money(VATAmountDC),
        'vatPercentage': VATPercentage,
        'amountInCurrency': $money(AmountFC),
        'vatInCurrency': $money(VATAmountFC ? VATAmountFC : VATAmount)
      }]`,
      required: true,
    },
  },
  valueMaps: {
    /**
     * Exact VAT code → Asperion sales VAT code, one explicit entry per demo code and no fallback: an
     * unknown code fails the order rather than booking a wrong VAT code. The entries agree with the
     * flow's vatByCountry defaults (EU business `ICP`, export `EX`, EU consumer keeps this code).
     * OSS codes (`O<country><H|L>`, EU consumers) carry the destination country's VAT: they map to
     * `N0` here, and the flow books the VAT Exact charged on an Asperion OSS code of that country
     * and rate, or else on `settings.oss.vatPayableAccountId` (see the flow's README);
     * `vatByCountry.euB2c` can name a code per country. `IVH` (reverse-charged purchases) is a purchase code and has no sales entry.
     */
    vatCodes: {
      entries: {
        VH: 'H21',
        VL: 'L9',
        V0: 'N0',
        ICL: 'ICP',
        ICD: 'ICP',
        EX: 'EX',
        OBH: 'N0',
        OBL: 'N0',
        ODH: 'N0',
        ODL: 'N0',
        OFH: 'N0',
        OFL: 'N0',
        ONH: 'N0',
        ONL: 'N0',
      },
    },
    /**
     * Exact payment condition code → Asperion payment condition id (the demo's: 1 14 days, 2 30
     * days, 3 60 days, 4 cash); none: the debtor's own. Asperion has no early-payment discount or
     * end-of-month terms, so `8K` (2% within 8 days, 30 net) and `EM` (end of next month) book as
     * 30 days; `PSP` (paid online at order time) as cash.
     */
    paymentConditions: {
      entries: { '00': 4, '14': 1, '30': 2, '60': 3, '8K': 2, EM: 2, IN: 1, PSP: 4 },
      fallback: null,
    },
    /**
     * Exact payment condition code → Asperion payment method, by the method Exact sets on the
     * condition: bank transfer `OVB`, direct debit (`IN`) `INC`, cash `PIN`; an online payment
     * (`PSP`, iDEAL) arrives as a bank transfer.
     */
    paymentMethods: {
      entries: {
        '00': 'PIN',
        '14': 'OVB',
        '30': 'OVB',
        '60': 'OVB',
        '8K': 'OVB',
        EM: 'OVB',
        IN: 'INC',
        PSP: 'OVB',
      },
      fallback: null,
    },
    /**
     * Exact shipping method code → the Asperion article code its shipping lines are booked on
     * (lines of `settings.shipping.itemCodes`); none: `settings.shipping.articleCode`. Asperion has
     * no shipping methods of its own, so the method also goes into the shipping line's text. The
     * demo's methods all use the demo's shipping article.
     */
    shippingMethods: {
      entries: {
        POSTNL: 'VERZEND',
        BPOST: 'VERZEND',
        DHL: 'VERZEND',
        BEZORG: 'VERZEND',
        AFHAAL: 'VERZEND',
        KOERIER: 'VERZEND',
      },
      fallback: null,
    },
    /** Exact sales journal → Asperion journal. */
    journals: { entries: { '70': '70' }, fallback: '70' },
  },
};
