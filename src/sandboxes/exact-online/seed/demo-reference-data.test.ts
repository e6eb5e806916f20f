import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { buildExactSandbox } from '../server.js';
import { isCompanyAccount } from './demo-reference-data.js';
import type { DemoAccount } from './demo-accounts.js';
import { seedDemo } from './demo-seed.js';

function kindsOf(accounts: readonly DemoAccount[]): Map<string, DemoAccount['kind']> {
  return new Map(accounts.map((a) => [a.id.toLowerCase(), a.kind]));
}

describe('demo reference data', () => {
  it('gives contacts to the companies of the accounts seed and none to its private persons', () => {
    const { state } = buildExactSandbox({
      clock: new ManualClock('2026-03-10T09:00:00.000Z'),
      seed: 'empty',
    });
    const seeded = seedDemo(state, { cache: false });
    for (const [code, division] of seeded) {
      const data = state.division(code);
      const contacts = new Map<string, number>();
      for (const c of data?.rows('crm/Contacts') ?? [])
        contacts.set(String(c['Account']), (contacts.get(String(c['Account'])) ?? 0) + 1);
      const persons = division.accounts.filter((a) => a.kind === 'person');
      const companies = division.accounts.filter((a) => a.kind === 'company');
      expect(persons.length, `${code} persons`).toBeGreaterThan(0);
      expect(companies.length, `${code} companies`).toBeGreaterThan(0);
      for (const person of persons) {
        expect(contacts.get(person.id), `${code} ${person.name}`).toBeUndefined();
        expect(data?.findBy('crm/Accounts', 'ID', person.id)?.['MainContact']).toBeNull();
        expect(isCompanyAccount({ ID: person.id }, kindsOf(division.accounts))).toBe(false);
      }
      for (const company of companies) {
        const n = contacts.get(company.id) ?? 0;
        expect(n, `${code} ${company.name}`).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(3);
        const main = data?.findBy('crm/Accounts', 'ID', company.id)?.['MainContact'];
        expect(data?.findBy('crm/Contacts', 'ID', main)?.['Account']).toBe(company.id);
      }
    }
  });

  // How long a reseed takes is a figure for a benchmark, not an assertion: this checks what it holds.
  it('gives every division its reference rows, also after a reset', () => {
    const { state } = buildExactSandbox({
      clock: new ManualClock('2026-03-10T09:00:00.000Z'),
      seed: 'empty',
    });
    seedDemo(state);
    state.reset();
    seedDemo(state);
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
