import { describe, expect, it } from 'vitest';
import { compileMapping } from '../../mapping/index.js';
import { demoVatCodes, type VatKind } from '../../sandboxes/exact-online/seed/demo-vat.js';
import { ordersDefaultMapping } from './default-mapping.js';

const record = (extra: Record<string, unknown> = {}) => ({
  InvoiceID: 'i1',
  InvoiceNumber: 25700012,
  InvoiceDate: '/Date(1743984000000)/',
  Description: 'Webshop 1001',
  Journal: '70',
  PaymentCondition: '30',
  Customer: {
    Code: '26',
    Name: 'Claes Sport V.O.F.',
    Email: 'info@claessport.nl',
    ContactName: 'Eva Visser',
    AddressLine1: 'Industrieweg 89a',
    Postcode: '2203 RR',
    City: 'Zwolle',
    Country: 'NL',
  },
  DeliverTo: { AddressLine1: 'Kerkstraat 1', Postcode: '1000 AA', City: 'Amsterdam', Country: 'NL' },
  Lines: [
    {
      ItemCode: 'ART-1',
      Description: 'Zadel',
      Quantity: 3,
      NetPrice: 17.99,
      AmountFC: 53.97,
      AmountDC: 53.97,
      VATCode: 'VL',
      VATPercentage: 0.09,
      VATAmountFC: 4.86,
      VATAmountDC: 4.86,
    },
  ],
  Currency: 'EUR',
  ...extra,
});

describe('the default orders mapping', () => {
  const mapping = compileMapping(ordersDefaultMapping);

  it('maps the fields of product.md: customer, both addresses split, SKU, quantity and price', async () => {
    const { output, errors } = await mapping.apply(record());
    expect(errors).toEqual([]);
    expect(output).toEqual({
      date: '2025-04-07',
      description: '25700012 Webshop 1001',
      journalId: '70',
      paymentConditionId: 2,
      customer: {
        number: '26',
        company: 'Claes Sport V.O.F.',
        name: 'Eva Visser',
        email: 'info@claessport.nl',
        paymentConditionId: 2,
        paymentMethodId: 'OVB',
        billing: {
          street: 'Industrieweg',
          houseNumber: '89',
          addition: 'a',
          postcode: '2203 RR',
          city: 'Zwolle',
          country: 'NL',
        },
        shipping: {
          street: 'Kerkstraat',
          houseNumber: '1',
          addition: '',
          postcode: '1000 AA',
          city: 'Amsterdam',
          country: 'NL',
        },
      },
      currency: 'EUR',
      lines: [
        {
          sku: 'ART-1',
          description: 'Zadel',
          quantity: 3,
          price: '17.99',
          amount: '53.97',
          vatCode: 'L9',
          vatAmount: '4.86',
          vatPercentage: 0.09,
          amountInCurrency: '53.97',
          vatInCurrency: '4.86',
        },
      ],
    });
  });

  it('sends the euro (DC) amounts of a document in another currency, with its own beside them', async () => {
    const { output, errors } = await mapping.apply(
      record({
        Currency: 'USD',
        Lines: [
          {
            ItemCode: 'A',
            Quantity: 1,
            NetPrice: 120,
            AmountFC: 120,
            AmountDC: 111.11,
            VATCode: 'VH',
            VATPercentage: 0.21,
            VATAmountFC: 25.2,
            VATAmountDC: 23.33,
          },
        ],
      }),
    );
    expect(errors).toEqual([]);
    expect(output['currency']).toBe('USD');
    expect(output['lines']).toEqual([
      expect.objectContaining({
        amount: '111.11',
        vatAmount: '23.33',
        amountInCurrency: '120.00',
        vatInCurrency: '25.20',
      }),
    ]);
  });

  it('maps a person (no contact), an invoice without number or description, takes a missing VAT code from the customer, and refuses an unknown one', async () => {
    const person = await mapping.apply(
      record({
        InvoiceNumber: null,
        Description: null,
        Customer: { Name: 'Jan de Vries', ContactName: null, AddressLine1: 'Dorpsstraat 2' },
      }),
    );
    expect(person.errors).toEqual([]);
    expect(person.output['description']).toBe('');
    expect(person.output['customer']).toMatchObject({ name: 'Jan de Vries' });
    expect(person.output['customer']).not.toHaveProperty('company');

    const enriched = await mapping.apply(
      record({
        Customer: { Name: 'X', SalesVATCode: 'VH' },
        Lines: [{ ItemCode: 'A', AmountFC: 1, VATCode: null }],
      }),
    );
    expect(enriched.output['lines']).toEqual([expect.objectContaining({ sku: 'A', vatCode: 'H21' })]);

    const unknown = await mapping.apply(record({ Lines: [{ ItemCode: 'A', AmountFC: 1, VATCode: 'XX' }] }));
    expect(unknown.errors.map((e) => e.field)).toEqual(['lines']);
    expect(unknown.errors[0]?.message).toContain('XX');
  });

  it('maps every sales VAT code of the Exact demo seed to the Asperion code of its kind', async () => {
    const expected: Partial<Record<VatKind, string>> = {
      high: 'H21',
      low: 'L9',
      zero: 'N0',
      intraGoods: 'ICP',
      intraServices: 'ICP',
      export: 'EX',
      oss: 'N0',
    };
    const codes = [...demoVatCodes('NL'), ...demoVatCodes('BE')].filter((c) => c.VATTransactionType !== 'P');
    expect(codes.map((c) => c.kind)).toEqual(expect.arrayContaining(Object.keys(expected)));
    for (const code of codes) {
      const { output, errors } = await mapping.apply(
        record({ Lines: [{ ItemCode: 'A', AmountFC: 1, VATCode: code.Code }] }),
      );
      expect(errors, code.Code).toEqual([]);
      expect(output['lines'], code.Code).toEqual([expect.objectContaining({ vatCode: expected[code.kind] })]);
    }
  });
});
