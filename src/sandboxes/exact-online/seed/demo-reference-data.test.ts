import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { buildExactSandbox } from '../server.js';
import { isCompanyAccount } from './demo-reference-data.js';
import { seedDemo } from './demo-seed.js';

describe('demo reference data', () => {
  it('tells companies from private persons, who get no contacts', () => {
    expect(isCompanyAccount({ Name: 'Jansen Tweewielers B.V.' })).toBe(true);
    expect(isCompanyAccount({ Name: 'Bakker', ChamberOfCommerce: '12345678' })).toBe(true);
    expect(isCompanyAccount({ Name: 'Anne de Vries', ChamberOfCommerce: null, VATNumber: null })).toBe(false);
  });

  it('gives every division its reference rows, fast enough to reseed per test', () => {
    const { state } = buildExactSandbox({
      clock: new ManualClock('2026-03-10T09:00:00.000Z'),
      seed: 'empty',
    });
    seedDemo(state); // warm-up: the first run pays for JIT compilation
    state.reset();
    const started = performance.now();
    seedDemo(state);
    // Budget ~200 ms on the shared CI machine; generous so it flags only a real slowdown.
    expect(performance.now() - started).toBeLessThan(600);
    for (const division of state.divisions) {
      const data = state.division(division.code);
      for (const path of [
        'crm/Contacts',
        'crm/Addresses',
        'logistics/ItemGroups',
        'logistics/SalesItemPrices',
        'cashflow/PaymentConditions',
        'sales/ShippingMethods',
        'logistics/Units',
        'general/Currencies',
        'logistics/ItemAssortment',
        'inventory/ItemWarehouses',
        'inventory/StockCounts',
      ])
        expect(data?.rows(path).length, `${division.code} ${path}`).toBeGreaterThan(0);
      expect(data?.rows('inventory/Warehouses')).toHaveLength(2);
    }
  });
});
