import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';
import { customersFlowKind } from './customers-flow.js';

describe.each(testDialects)('customers flow, mapping check (%s)', (dialect) => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair(dialect, { kind: 'customers' });
  }, 30_000);
  afterAll(() => pair?.close());

  const check = async (settings: Record<string, unknown>, mapping = customersFlowKind.defaultMapping) =>
    customersFlowKind.checkMappings!(await pair.runtimeContext(settings), mapping);

  it('has nothing to report on the demo data with the defaults', async () => {
    expect(await check({})).toEqual([]);
  });

  it('lists what Asperion has without a mapping, with a suggestion, and mapped values Exact lacks', async () => {
    for (const body of [
      { name: 'Nergensland', countryCode: 'XX' },
      { name: 'Pariser', countryCode: 'FR' },
    ]) {
      const res = await pair.asperion.call('POST', '/v1/debtors', {
        body: { address: 'Straat 1', postCode: '1000', city: 'Stad', ...body },
        headers: { 'x-tenant-id': '1' },
      });
      expect(res.status).toBe(201);
    }
    const found = await check(
      {
        salesVatCode: { euConsumer: 'VX' },
        revenueAccountByCountry: { entries: { DE: '8020', FR: '9999' } },
        classification: { byDebtorKind: { entries: { ZAK: '0c1a5500-0000-4000-8000-000000000001' } } },
      },
      {
        ...customersFlowKind.defaultMapping,
        valueMaps: { paymentConditions: { entries: { '1': '14', '2': '31' } } },
      },
    );
    expect(found).toEqual(
      expect.arrayContaining([
        {
          domain: 'paymentCondition',
          value: '3',
          where: 'mapping valueMaps.paymentConditions (Asperion paymentConditionId)',
          suggestion: '60 (60 dagen netto: 60 days, as "60 dagen netto")',
          valueMap: 'paymentConditions',
          suggested: '60',
          choices: expect.arrayContaining([{ value: '60', label: expect.stringMatching(/^60: /) }]),
        },
        {
          domain: 'paymentCondition',
          value: '4',
          where: 'mapping valueMaps.paymentConditions (Asperion paymentConditionId)',
          suggestion: '00 (Direct (contant): 0 days, as "Contant")',
          valueMap: 'paymentConditions',
          suggested: '00',
          choices: expect.arrayContaining([{ value: '00', label: expect.stringMatching(/^00: /) }]),
        },
        {
          domain: 'paymentCondition',
          value: '31',
          where: 'mapping valueMaps.paymentConditions: not in Exact',
        },
        {
          domain: 'country',
          value: 'XX',
          where: 'Asperion debtors (countryCode): no ISO 3166 country',
          suggestion: 'none: correct the debtors in Asperion',
        },
        expect.objectContaining({
          domain: 'vatCode',
          value: 'FR',
          where: 'settings.salesVatCode (EU customer without a VAT number): VX is not in Exact',
          suggestion: expect.stringMatching(/^OF[HL] /),
        }),
        { domain: 'ledgerAccount', value: '9999', where: 'settings.revenueAccountByCountry: not in Exact' },
        expect.objectContaining({ domain: 'debtorKind', value: 'PAR' }),
      ]),
    );
    expect(found.filter((f) => f.domain === 'debtorKind').map((f) => f.value)).toEqual(['PAR']);
    expect(found.filter((f) => f.value === '8020')).toEqual([]);
  });
});
