import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../testing/test-sandbox.js';
import { startTestSandbox } from '../testing/test-sandbox.js';

const debtor = {
  name: 'Hotel Zeezicht',
  address: 'Boulevard 1',
  postCode: '2042 AA',
  city: 'Zandvoort',
  countryCode: 'nl',
};

describe('Asperion sandbox debtors and articles (§2.3, §2.10, §6.4)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(() => sb.close());

  it('assigns the next customer number when a debtor arrives without one, and stamps dates from the clock', async () => {
    const { status, body } = await sb.call('POST', '/v1/debtors', { body: debtor });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      customerNumber: '13',
      countryCode: 'NL',
      debtorKindId: 'ZAK',
      blocked: false,
      dateAdded: '2026-01-15T09:00:00',
      _meta: { self: `${sb.url}/v1/debtors/${body.id}` },
    });
  });

  it('refuses a customer number already in use in the same administration, but not in another', async () => {
    const dup = await sb.call('POST', '/v1/debtors', { body: { ...debtor, customerNumber: '1' } });
    expect(dup.status).toBe(400);
    expect(dup.body.errors.CustomerNumber).toHaveLength(1);
    const other = await sb.call('POST', '/v1/debtors', {
      body: { ...debtor, customerNumber: 'K-77' },
      headers: { 'X-Tenant-Id': '2' },
    });
    expect(other.status).toBe(201);
    const again = await sb.call('POST', '/v1/debtors', { body: { ...debtor, customerNumber: 'K-77' } });
    expect(again.status).toBe(201);
  });

  it('answers duplicates with duplicateStatus and requires a number when autoCustomerNumber is off', async () => {
    await sb.call('PUT', '/__sandbox/settings', {
      body: { duplicateStatus: 409, autoCustomerNumber: false },
    });
    const dup = await sb.call('POST', '/v1/debtors', { body: { ...debtor, customerNumber: '1' } });
    const missing = await sb.call('POST', '/v1/debtors', { body: debtor });
    await sb.call('PUT', '/__sandbox/settings', { body: { duplicateStatus: 400, autoCustomerNumber: true } });
    expect(dup.status).toBe(409);
    expect(missing.body.errors.CustomerNumber).toHaveLength(1);
  });

  it('checks IBAN with mod-97 and stores it without spaces', async () => {
    const bad = await sb.call('POST', '/v1/debtors', { body: { ...debtor, iban: 'NL91ABNA0417164301' } });
    expect(bad.body.errors.Iban).toHaveLength(1);
    const good = await sb.call('POST', '/v1/debtors', {
      body: { ...debtor, iban: 'nl91 abna 0417 1643 00' },
    });
    expect(good.body.iban).toBe('NL91ABNA0417164300');
  });

  it('checks references to debtor kind, payment condition and payment method', async () => {
    const { body } = await sb.call('POST', '/v1/debtors', {
      body: { ...debtor, debtorKindId: 'XXX', paymentConditionId: 99, paymentMethodId: 'BITCOIN' },
    });
    expect(Object.keys(body.errors).sort()).toEqual([
      'DebtorKindId',
      'PaymentConditionId',
      'PaymentMethodId',
    ]);
  });

  it('checks e-mail address, country code and VAT number format', async () => {
    const { body } = await sb.call('POST', '/v1/debtors', {
      body: { ...debtor, emailAddress: 'geen-adres', countryCode: 'NLD', vatNumber: '12' },
    });
    expect(Object.keys(body.errors).sort()).toEqual(['CountryCode', 'EmailAddress', 'VatNumber']);
  });

  it('refuses an article code in use (case-insensitively) and an unknown sales type', async () => {
    const { body } = await sb.call('POST', '/v1/articles', {
      body: { code: 'br-001', description: 'x', salesTypeId: 99 },
    });
    expect(body.errors.SalesTypeId).toHaveLength(1);
    const dup = await sb.call('POST', '/v1/articles', {
      body: { code: 'br-001', description: 'x', salesTypeId: 1 },
    });
    expect(dup.body.errors.Code).toHaveLength(1);
  });

  it('keeps currentStock read-only: refused on create by default, ignored when the setting says so', async () => {
    const article = {
      code: 'NEW-1',
      description: 'Croissant',
      salesTypeId: 2,
      salesPrice: 1.75,
      currentStock: 100,
    };
    const refused = await sb.call('POST', '/v1/articles', { body: article });
    expect(refused.body.errors.CurrentStock).toHaveLength(1);
    await sb.call('PUT', '/__sandbox/settings', { body: { currentStockOnCreate: 'ignore' } });
    const created = await sb.call('POST', '/v1/articles', { body: article });
    await sb.call('PUT', '/__sandbox/settings', { body: { currentStockOnCreate: 'reject' } });
    expect(created.body).toMatchObject({ code: 'NEW-1', currentStock: 0, active: true });
  });

  it('creates inactive articles that lists hide unless ActiveState asks for them', async () => {
    await sb.call('POST', '/v1/articles', {
      body: { code: 'OLD-9', description: 'Oud', salesTypeId: 1, active: false },
    });
    const active = await sb.call('GET', '/v1/articles?Code=OLD-9');
    const all = await sb.call('GET', '/v1/articles?Code=OLD-9&ActiveState=All');
    expect([active.body._meta.totalCount, all.body._meta.totalCount]).toEqual([0, 1]);
  });

  it('amounts with more than two decimals are refused', async () => {
    const { body } = await sb.call('POST', '/v1/articles', {
      body: { code: 'X', description: 'x', salesTypeId: 1, salesPrice: 1.005 },
    });
    expect(body.errors.SalesPrice).toHaveLength(1);
  });
});
