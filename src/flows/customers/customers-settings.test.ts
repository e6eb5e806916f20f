import { describe, expect, it } from 'vitest';
import { termDays } from './check-mappings.js';
import { salesVatCodeFor } from './customer-rules.js';
import { splitName } from './exact-account-writer.js';
import { customersSettingsSchema } from './settings.js';

describe('customers settings', () => {
  it('has defaults that work on the demo data', () => {
    const s = customersSettingsSchema.parse({});
    expect(s).toMatchObject({
      matchBy: 'email',
      update: 'createAndUpdate',
      homeCountry: 'NL',
      companyDebtorKinds: ['ZAK'],
      salesVatCode: { byCountry: {}, home: 'VH', euBusiness: 'ICL', euConsumer: 'VH', export: 'EX' },
      revenueAccountByCountry: { entries: {}, fallback: null },
      classification: { field: 'Classification1', byDebtorKind: { entries: {}, fallback: null } },
      defaultsOnUpdate: false,
    });
  });

  it('refuses unknown keys and malformed values', () => {
    expect(customersSettingsSchema.safeParse({ matchby: 'email' }).success).toBe(false);
    expect(customersSettingsSchema.safeParse({ matchBy: 'phone' }).success).toBe(false);
    expect(customersSettingsSchema.safeParse({ homeCountry: 'nl' }).success).toBe(false);
    expect(
      customersSettingsSchema.safeParse({ salesVatCode: { byCountry: { Germany: 'VH' } } }).success,
    ).toBe(false);
    expect(
      customersSettingsSchema.safeParse({ classification: { byDebtorKind: { entries: { ZAK: 'abc' } } } })
        .success,
    ).toBe(false);
    expect(customersSettingsSchema.safeParse({ classification: { field: 'Classification9' } }).success).toBe(
      false,
    );
  });
});

describe('customer rules', () => {
  const s = customersSettingsSchema.parse({ salesVatCode: { byCountry: { BE: 'OBH' } } });
  it('chooses the sales VAT code by country', () => {
    expect(salesVatCodeFor('NL', null, s).code).toBe('VH');
    expect(salesVatCodeFor('DE', 'DE123456789', s).code).toBe('ICL');
    expect(salesVatCodeFor('DE', null, s).code).toBe('VH');
    expect(salesVatCodeFor('BE', 'BE0123456789', s)).toEqual({
      code: 'OBH',
      why: 'salesVatCode.byCountry.BE',
    });
    expect(salesVatCodeFor('US', null, s).code).toBe('EX');
    expect(salesVatCodeFor('CH', 'CHE123', s).code).toBe('EX');
  });

  it('splits a contact name into first and last name', () => {
    expect(splitName('Anna de Vries')).toEqual({ FirstName: 'Anna', LastName: 'de Vries' });
    expect(splitName('  Jansen ')).toEqual({ FirstName: null, LastName: 'Jansen' });
  });

  it('reads the term of an Asperion payment condition from its description', () => {
    expect(termDays('30 dagen netto')).toBe(30);
    expect(termDays('Contant')).toBe(0);
    expect(termDays('Net 45 days')).toBe(45);
    expect(termDays('Op rekening')).toBeNull();
  });
});
