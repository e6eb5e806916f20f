import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../testing/test-sandbox.js';
import { startTestSandbox } from '../testing/test-sandbox.js';

describe('Asperion sandbox updates of debtors and articles (§6.4, verbs UNCONFIRMED)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(() => sb.close());

  it('merges a PUT body over the debtor, keeps read-only fields and moves dateLastChange', async () => {
    const before = (await sb.call('GET', '/v1/debtors/1')).body;
    sb.clock.advance(60_000);
    const { status, body } = await sb.call('PUT', '/v1/debtors/1', {
      body: { city: 'Leiden', dateAdded: '2000-01-01' },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: 1,
      name: before.name,
      city: 'Leiden',
      customerNumber: before.customerNumber,
    });
    expect(body.dateAdded).toBe(before.dateAdded);
    expect(body.dateLastChange).toBe('2026-01-15T09:01:00');
    expect(
      (await sb.call('GET', '/v1/debtors?DateLastChange_from=2026-01-15T09:01:00')).body._meta.totalCount,
    ).toBe(1);
  });

  it('runs the create rules on the result: unique numbers, required fields, IBAN', async () => {
    const { body } = await sb.call('PUT', '/v1/debtors/1', {
      body: { customerNumber: '2', name: null, iban: 'NL00XXXX' },
    });
    expect(Object.keys(body.errors).sort()).toEqual(['Iban', 'Name']);
    const dup = await sb.call('PUT', '/v1/debtors/1', { body: { customerNumber: '2' } });
    expect(dup.body.errors.CustomerNumber).toHaveLength(1);
    expect(
      (
        await sb.call('PUT', '/v1/debtors/1', {
          body: { customerNumber: (await sb.call('GET', '/v1/debtors/1')).body.customerNumber },
        })
      ).status,
    ).toBe(200);
  });

  it('lets an article round-trip with its unchanged stock but refuses a changed stock', async () => {
    const article = (await sb.call('GET', '/v1/articles/1')).body;
    const { _meta: _unused, ...editable } = article;
    const ok = await sb.call('PUT', '/v1/articles/1', { body: { ...editable, salesPrice: 3.5 } });
    expect(ok.body).toMatchObject({ salesPrice: 3.5, currentStock: 40, code: 'BR-001' });
    const moved = await sb.call('PUT', '/v1/articles/1', { body: { currentStock: 1 } });
    expect(moved.body.errors.CurrentStock).toHaveLength(1);
  });

  it('does not store a validateOnly update', async () => {
    await sb.call('PUT', '/v1/articles/2?validateOnly=true', { body: { description: 'Droog' } });
    expect((await sb.call('GET', '/v1/articles/2')).body.description).toBe('Witbrood');
  });

  it('takes PATCH instead of PUT, or neither, as the updates setting says', async () => {
    expect((await sb.call('PATCH', '/v1/articles/2', { body: { unit: 'stuk' } })).status).toBe(405);
    await sb.call('PUT', '/__sandbox/settings', { body: { updates: 'patch' } });
    expect((await sb.call('PATCH', '/v1/articles/2', { body: { unit: 'stuk' } })).body.unit).toBe('stuk');
    await sb.call('PUT', '/__sandbox/settings', { body: { updates: 'off' } });
    expect((await sb.call('PUT', '/v1/articles/2', { body: { unit: 'stuk' } })).status).toBe(405);
    await sb.call('PUT', '/__sandbox/settings', { body: { updates: 'put' } });
    expect((await sb.call('PUT', '/v1/articles/999', { body: {} })).status).toBe(404);
  });
});
