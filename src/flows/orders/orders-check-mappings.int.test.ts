import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.js';
import { ordersFlowKind } from './orders-flow.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';

describe.each(testDialects)('orders flow, mapping check (%s)', (dialect) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('lists the source values without a mapping and the mapped values Asperion lacks, read live', async () => {
    pair = await startPair(dialect);
    // The default mapping covers the demo data. Only France's OSS rates are listed: Asperion has
    // OSS codes for Germany and Belgium, none for France, and no OSS VAT account is set, so an
    // order billing French VAT would fail (Asperion's reverse-charge code VL, which no Exact code
    // is, is listed for review only).
    const ossGap = (rate: string, codes: string) => ({
      domain: 'ossVat',
      value: `FR ${rate}`,
      where: `Exact ${codes} (OSS): Asperion has no sales VAT code of this country and rate, and settings.oss.vatPayableAccountId is not set; add the code in Asperion or set the account, or such orders fail`,
    });
    expect(
      (
        await ordersFlowKind.checkMappings!(await pair.runtimeContext({}), ordersFlowKind.defaultMapping)
      ).filter((m) => !m.informational),
    ).toEqual([ossGap('20%', 'OFH'), ossGap('5.5%', 'OFL')]);
    // With the OSS VAT account set, France's VAT has somewhere to go; an account Asperion lacks is listed.
    expect(
      (
        await ordersFlowKind.checkMappings!(
          await pair.runtimeContext({ oss: { vatPayableAccountId: 1530 } }),
          ordersFlowKind.defaultMapping,
        )
      ).filter((m) => !m.informational),
    ).toEqual([]);
    expect(
      (
        await ordersFlowKind.checkMappings!(
          await pair.runtimeContext({ oss: { vatPayableAccountId: 1539 } }),
          ordersFlowKind.defaultMapping,
        )
      ).filter((m) => !m.informational),
    ).toEqual([
      { domain: 'ledgerAccount', value: '1539', where: 'settings.oss.vatPayableAccountId: not in Asperion' },
    ]);
    await pair.addExact({
      'vat/VATCodes': [{ Code: 'VX', Description: 'BTW export', Type: 'B' }],
      'crm/Accounts': [
        { Code: 'LAND1', Name: 'Zonder land', Status: 'C' },
        { Code: 'LAND2', Name: 'Voluit', Country: 'Nederland', Status: 'C' },
      ],
    });

    const found = await ordersFlowKind.checkMappings!(
      await pair.runtimeContext({ revenueAccountByCountry: { entries: { BE: 8030, DE: 9999 } } }),
      ordersFlowKind.defaultMapping,
    );
    expect(found).toEqual(
      expect.arrayContaining([
        {
          domain: 'vatCode',
          value: 'VX',
          where: 'mapping valueMaps.vatCodes (Exact vatCode)',
          suggestion: 'EX (0% export)',
          // What a person picks from: the value map it goes in, the suggestion alone, Asperion's codes.
          valueMap: 'vatCodes',
          suggested: 'EX',
          choices: expect.arrayContaining([
            { value: 'EX', label: expect.stringMatching(/^EX: .+ \(0 %\)$/) },
            { value: 'H21', label: expect.stringMatching(/^H21: .+ \(21 %\)$/) },
          ]),
        },
        {
          domain: 'ledgerAccount',
          value: '9999',
          where: 'settings.revenueAccountByCountry: not in Asperion',
        },
        // Countries the VAT rules cannot place, with the accounts to correct in Exact.
        {
          domain: 'country',
          value: '(none)',
          where: 'Exact account(s) LAND1: no country; correct it in Exact',
        },
        {
          domain: 'country',
          value: 'NEDERLAND',
          where: 'Exact account(s) LAND2: not an ISO 3166 code; correct it in Exact',
        },
        // A per-country map that was started lists the customer countries it lacks.
        { domain: 'country', value: 'NL', where: 'settings.revenueAccountByCountry' },
      ]),
    );
    expect(found.some((f) => f.domain === 'country' && ['BE', 'DE'].includes(f.value))).toBe(false);
    // Purchase-only codes are no business of a sales flow.
    expect(found.some((f) => f.value === 'IVH')).toBe(false);
    // Mapped values that exist on both sides are not reported.
    // (Asperion's own VL, reverse charge, is listed for review as a code nothing sends.)
    expect(
      found.filter(
        (f) => f.domain !== 'asperionVatCode' && ['VH', 'VL', 'V0', '70', '8030', 'H21'].includes(f.value),
      ),
    ).toEqual([]);

    // The flow's own mapping is what counts.
    const withMapping = await ordersFlowKind.checkMappings!(await pair.runtimeContext({}), {
      ...ordersFlowKind.defaultMapping,
      valueMaps: {
        ...ordersFlowKind.defaultMapping.valueMaps,
        vatCodes: { entries: { VH: 'H21', VL: 'L9', V0: 'N0', VX: 'EX' } },
        journals: { entries: { '70': '99' } },
        paymentConditions: { entries: { '14': 1, '30': 2 }, fallback: null },
      },
    });
    const conditions = await pair.exact('cashflow/PaymentConditions', { $select: 'Code' });
    expect(
      withMapping
        .filter((f) => f.domain === 'paymentCondition')
        .map((f) => f.value)
        .sort(),
    ).toEqual(
      conditions
        .map((c) => String(c.Code).trim())
        .filter((code) => !['14', '30'].includes(code))
        .sort(),
    );
    expect(withMapping.some((f) => f.value === 'VX')).toBe(false);
    expect(withMapping).toEqual(
      expect.arrayContaining([
        { domain: 'journal', value: '99', where: 'mapping valueMaps.journals: not in Asperion' },
      ]),
    );
    // The demo's shipping methods are all mapped by default; the shipping article is created when needed.
    expect(found.filter((f) => ['shippingMethod', 'article'].includes(f.domain))).toEqual([]);

    // Shipping methods without an entry, and shipping articles Asperion lacks when the flow may not create one.
    const shipping = await ordersFlowKind.checkMappings!(
      await pair.runtimeContext({ articles: { create: false } }),
      {
        ...ordersFlowKind.defaultMapping,
        valueMaps: {
          ...ordersFlowKind.defaultMapping.valueMaps,
          shippingMethods: { entries: { POSTNL: 'GEEN-ARTIKEL' } },
        },
      },
    );
    const methods = await pair.exact('sales/ShippingMethods', { $select: 'Code' });
    expect(
      shipping
        .filter((f) => f.domain === 'shippingMethod')
        .map((f) => f.value)
        .sort(),
    ).toEqual(
      methods
        .map((m) => String(m.Code))
        .filter((code) => code !== 'POSTNL')
        .sort(),
    );
    expect(shipping).toEqual(
      expect.arrayContaining([
        {
          domain: 'article',
          value: 'GEEN-ARTIKEL',
          where: 'mapping valueMaps.shippingMethods: not in Asperion',
        },
      ]),
    );
  });
});
