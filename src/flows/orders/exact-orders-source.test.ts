import { describe, expect, it } from 'vitest';
import { searchText } from '../../store/repos/records.js';
import { describeOrder, orderSearchKeys, type OrderRecord } from './exact-orders-source.js';

const customer = {
  ID: 'acc-1',
  Code: '1042',
  Name: 'Jansen Fietsen BV',
  Email: 'Inkoop@Jansen-Fietsen.nl',
  Phone: null,
  VATNumber: null,
  ContactName: 'Piet Jansen',
  SalesVATCode: null,
  AddressLine1: 'Dorpsstraat 1',
  Postcode: '1234 AB',
  City: 'Utrecht',
  Country: 'NL',
};

const invoice: OrderRecord = {
  ID: '0c00aaaa-0000-4000-8000-000000000001',
  Source: 'salesInvoices',
  Timestamp: '1',
  Status: 50,
  Type: 8020,
  InvoiceNumber: 26700012,
  OrderNumber: 88,
  YourRef: 'PO-2026-17',
  Customer: customer,
  DeliverTo: null,
  ShippingMethod: null,
  Lines: [],
};

describe('how an orders record is named and found', () => {
  it('names a sales invoice by its number and a sales order by its order number', () => {
    expect(describeOrder(invoice)).toBe(`Exact sales invoice 26700012 (InvoiceID ${invoice.ID})`);
    const order = { ...invoice, Source: 'salesOrders' as const, InvoiceNumber: undefined };
    expect(describeOrder(order)).toBe(`Exact sales order 88 (OrderID ${invoice.ID})`);
  });

  it("is found by invoice and order number, the customer's reference, e-mail, name, code and contact", () => {
    const text = searchText([describeOrder(invoice), ...orderSearchKeys(invoice)]);
    for (const key of [
      '26700012',
      '88',
      'po-2026-17',
      'inkoop@jansen-fietsen.nl',
      'jansen fietsen bv',
      '1042',
      'piet jansen',
    ])
      expect(text.split('\n')).toContain(key);
  });

  it('leaves out what an order does not have', () => {
    const bare = { ...invoice, InvoiceNumber: null, OrderNumber: undefined, YourRef: '', Customer: null };
    expect(orderSearchKeys(bare).filter((k) => k)).toEqual([]);
  });
});
