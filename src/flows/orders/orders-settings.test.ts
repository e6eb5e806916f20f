import { describe, expect, it } from 'vitest';
import { productRegistry } from '../../registry.js';
import { validateWorkspace } from '../../workspace/validate-workspace.js';
import { ordersDefaultMapping } from './default-mapping.js';
import { ordersFlowKind } from './orders-flow.js';
import { matchKeyOf, ordersSettingsSchema } from './settings.js';
import { chooseVatCode, destinationOf, vatCodeFor } from './tax-rules.js';

const workspace = (settings: Record<string, unknown>, mapping: unknown = ordersDefaultMapping) => ({
  version: 1,
  pairs: [
    {
      id: 'acme',
      name: 'Acme BV',
      connections: [
        { id: 'exact', app: 'exact-online', name: 'Exact', settings: { clientId: 'abc', division: 1 } },
        {
          id: 'asperion',
          app: 'asperion',
          name: 'Asperion',
          settings: { clientId: 'koppel', administrationId: 1 },
        },
      ],
      flows: [{ id: 'orders', kind: 'orders', source: 'exact', target: 'asperion', settings, mapping }],
    },
  ],
});

const validate = (settings: Record<string, unknown>, mapping?: unknown) =>
  validateWorkspace(workspace(settings, mapping), { registry: productRegistry, env: {} });

describe('orders flow settings', () => {
  it('fill in defaults that work on the demo data', () => {
    const s = ordersSettingsSchema.parse({});
    expect(s).toMatchObject({
      orderType: 'salesInvoice',
      source: 'salesInvoices',
      debtor: {
        matchBy: 'email',
        accountCodeField: 'customerNumber',
        kinds: { company: 'ZAK', person: 'PAR' },
        defaultCustomerNumber: null,
        update: true,
      },
      articles: { create: true, salesTypeId: 1 },
      vatByCountry: { euB2b: 'ICP', export: 'EX' },
    });
    expect(s.revenueAccountByVatCode.entries['L9']).toBe(8010);
  });

  it("still read the debtor match keys' old names, as the keys they became", () => {
    for (const [old, now] of [
      ['customerNumber', 'accountCode'],
      ['name', 'namePostcode'],
      ['vatNumber', 'vatNumber'],
    ] as const) {
      const { debtor } = ordersSettingsSchema.parse({ debtor: { matchBy: old } });
      expect(matchKeyOf(debtor.matchBy)).toBe(now);
    }
    expect(ordersSettingsSchema.safeParse({ debtor: { accountCodeField: 'comments' } }).success).toBe(false);
    expect(ordersSettingsSchema.parse({ debtor: { kinds: { person: null } } }).debtor.kinds).toEqual({
      company: 'ZAK',
      person: null,
    });
  });

  it('are validated with the workspace, naming each bad setting and value map', () => {
    expect(
      validate({ orderType: 'journalEntry', revenueAccountByCountry: { entries: { BE: 8030 } } }),
    ).toMatchObject({
      ok: true,
    });
    const result = validate({
      orderType: 'invoice',
      debtor: { matchBy: 'phone' },
      revenueAccountByCountry: { entries: { BE: 'omzet' } },
    });
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'pairs[0].flows[0].settings.orderType',
        'pairs[0].flows[0].settings.debtor.matchBy',
        'pairs[0].flows[0].settings.revenueAccountByCountry.entries.BE',
      ]),
    );
    const badMapping = validate(
      {},
      { ...ordersDefaultMapping, fields: { lines: { source: 'Lines', valueMap: 'nope' } } },
    );
    expect(badMapping.ok).toBe(false);
  });
});

describe('orders flow webhook topics', () => {
  it('starts on the Exact topic of its source: SalesInvoices by default, SalesOrders for sales orders', () => {
    expect(ordersFlowKind.webhookTopics?.({})).toEqual(['SalesInvoices']);
    expect(ordersFlowKind.webhookTopics?.({ source: 'salesOrders' })).toEqual(['SalesOrders']);
  });
});

describe('VAT by destination', () => {
  const rules = ordersSettingsSchema.parse({
    vatByCountry: { euB2c: { entries: { BE: 'BE21' } } },
  }).vatByCountry;

  it('keeps the domestic code at home, reverse-charges EU businesses, exports outside the EU', () => {
    expect(vatCodeFor('L9', destinationOf('NL', undefined, 'NL'), 'NL', rules)).toBe('L9');
    expect(vatCodeFor('H21', destinationOf(undefined, 'NL1', 'NL'), undefined, rules)).toBe('H21');
    expect(vatCodeFor('H21', destinationOf('DE', 'DE123456789', 'NL'), 'DE', rules)).toBe('ICP');
    expect(vatCodeFor('H21', destinationOf('US', 'X', 'NL'), 'US', rules)).toBe('EX');
  });

  it('uses the per-country code for EU consumers, else the domestic one', () => {
    expect(vatCodeFor('H21', destinationOf('BE', undefined, 'NL'), 'BE', rules)).toBe('BE21');
    expect(vatCodeFor('H21', destinationOf('DE', undefined, 'NL'), 'DE', rules)).toBe('H21');
  });
});

describe("VAT code: Exact's or the destination's", () => {
  const rates: Record<string, number> = { H21: 21, L9: 9, N0: 0, ICP: 0, EX: 0 };
  const rate = (code: string) => rates[code];

  it("takes the destination's code when the rate stays the same, so the VAT matches Exact's", () => {
    expect(chooseVatCode('N0', 'ICP', 'sameRate', rate)).toEqual({ code: 'ICP' });
    expect(chooseVatCode('N0', 'EX', 'sameRate', rate)).toEqual({ code: 'EX' });
  });

  it("keeps the code Exact invoiced when the destination's rate differs, and says which it set aside", () => {
    expect(chooseVatCode('H21', 'ICP', 'sameRate', rate)).toEqual({ code: 'H21', setAside: 'ICP' });
    expect(chooseVatCode('H21', 'ICP', 'always', rate)).toEqual({ code: 'ICP' });
    expect(chooseVatCode('N0', 'ICP', 'never', rate)).toEqual({ code: 'N0' });
  });

  it('fills a line without a code from the destination, whatever the setting', () => {
    expect(chooseVatCode(undefined, 'ICP', 'never', rate)).toEqual({ code: 'ICP' });
    expect(chooseVatCode(undefined, undefined, 'sameRate', rate)).toEqual({ code: undefined });
  });

  it('leaves a code Asperion does not know to the write, which names it', () => {
    expect(chooseVatCode('XX', 'ICP', 'sameRate', rate)).toEqual({ code: 'ICP' });
  });
});
