import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../testing/test-sandbox.js';
import { startTestSandbox } from '../testing/test-sandbox.js';

describe('Asperion sandbox tenancy and packages (§1.4, §2.11, §6.2)', () => {
  let sb: TestSandbox;
  beforeEach(async () => {
    sb = await startTestSandbox();
  });
  afterEach(() => sb.close());

  it('lists only the administrations the user can reach', async () => {
    const { status, body } = await sb.call('GET', '/v1/administrations');
    expect(status).toBe(200);
    expect(body._data.map((a: { id: number }) => a.id)).toEqual([1, 2]);
    expect(body._data[0]).toMatchObject({
      id: 1,
      name: 'Bakkerij Van Dijk B.V.',
      _meta: { self: `${sb.url}/v1/administrations/1` },
    });
  });

  it("uses the user's default administration when no tenant header is sent", async () => {
    const { body } = await sb.call('GET', '/v1/journals');
    expect(body._meta).toMatchObject({
      administrationId: 1,
      administrationName: 'Bakkerij Van Dijk B.V.',
      profileName: 'Demo Gebruiker',
    });
  });

  it('picks the administration from X-Tenant-Id and from X-TenantId', async () => {
    const dashed = await sb.call('GET', '/v1/debtors', { headers: { 'X-Tenant-Id': '2' } });
    expect(dashed.body._meta.administrationId).toBe(2);
    const joined = await sb.call('GET', '/v1/debtors', { headers: { 'X-TenantId': '2' } });
    expect(joined.body._meta.administrationId).toBe(2);
  });

  it('keeps data apart per administration', async () => {
    const one = await sb.call('GET', '/v1/articles', { headers: { 'X-Tenant-Id': '1' } });
    const two = await sb.call('GET', '/v1/articles', { headers: { 'X-Tenant-Id': '2' } });
    expect(one.body._data.map((a: { code: string }) => a.code)).toContain('BR-001');
    expect(two.body._data.map((a: { code: string }) => a.code)).not.toContain('BR-001');
  });

  it("refuses another user's administration and an unknown one with 403 ProblemDetails", async () => {
    for (const id of ['3', '999']) {
      const { status, body } = await sb.call('GET', '/v1/debtors', { headers: { 'X-Tenant-Id': id } });
      expect(status).toBe(403);
      expect(body).toMatchObject({
        status: 403,
        detail: expect.stringContaining(id),
        traceId: expect.any(String),
      });
    }
  });

  it('answers 404 for an unknown administration when unknownTenantStatus is 404', async () => {
    await sb.call('PUT', '/__sandbox/settings', { body: { unknownTenantStatus: 404 } });
    expect((await sb.call('GET', '/v1/debtors', { headers: { 'X-Tenant-Id': '3' } })).status).toBe(404);
  });

  it('refuses a request without tenant header when missingTenantHeader is reject', async () => {
    await sb.call('PUT', '/__sandbox/settings', { body: { missingTenantHeader: 'reject' } });
    const { status, body } = await sb.call('GET', '/v1/debtors');
    expect(status).toBe(400);
    expect(Object.keys(body.errors)).toEqual(['X-Tenant-Id']);
  });

  it('refuses a tenant header that is not an integer', async () => {
    expect((await sb.call('GET', '/v1/debtors', { headers: { 'X-Tenant-Id': 'abc' } })).status).toBe(400);
  });

  it('serves sales orders only to administrations with the inTrade package', async () => {
    const order = {
      date: '2026-01-15',
      debtorCustomerNumber: '1',
      lines: { _data: [{ articleId: 1, quantity: 1 }] },
    };
    const withTrade = await sb.call('POST', '/v1/SalesOrderWithLines', {
      body: order,
      headers: { 'X-Tenant-Id': '1' },
    });
    expect(withTrade.status).toBe(201);
    const without = await sb.call('GET', '/v1/salesorderwithlines', { headers: { 'X-Tenant-Id': '2' } });
    expect(without.status).toBe(403);
    expect(without.body.detail).toContain('inTrade');
  });

  it('switches packages per administration through the control API', async () => {
    await sb.call('PUT', '/__sandbox/administrations/1/packages', { body: { inTrade: false } });
    expect((await sb.call('GET', '/v1/SalesOrderWithLines')).status).toBe(403);
    await sb.call('PUT', '/__sandbox/administrations/1/packages', { body: { inBalance: false } });
    expect((await sb.call('GET', '/v1/debtors')).status).toBe(403);
    await sb.call('PUT', '/__sandbox/administrations/1/packages', { body: { inTrade: true } });
    expect((await sb.call('GET', '/v1/debtors')).status).toBe(200);
  });

  it('lowers article stock when a delivered sales order is created, and only then', async () => {
    const stock = async () => (await sb.call('GET', '/v1/articles/1')).body.currentStock;
    expect(await stock()).toBe(40);
    const order = (delivered: boolean) => ({
      date: '2026-01-15',
      debtorCustomerNumber: '1',
      delivered,
      lines: { _data: [{ articleId: 1, quantity: 3 }] },
    });
    await sb.call('POST', '/v1/SalesOrderWithLines', { body: order(false) });
    await sb.call('POST', '/v1/SalesOrderWithLines?validateOnly=true', { body: order(true) });
    expect(await stock()).toBe(40);
    const created = await sb.call('POST', '/v1/SalesOrderWithLines', { body: order(true) });
    expect(created.body).toMatchObject({
      amountExclVat: 9.75,
      lines: { _data: [{ articleId: 1, price: 3.25 }] },
    });
    expect(await stock()).toBe(37);
  });
});
