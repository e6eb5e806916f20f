import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../test-sandbox.js';
import { startTestSandbox } from '../test-sandbox.js';

let sandbox: TestSandbox;
let token: string;
const base = '/api/v1/3215711';

beforeAll(async () => {
  sandbox = await startTestSandbox('demo');
  token = await sandbox.token();
  sandbox.state.settings.errorsPerHour = 0;
  sandbox.state.settings.minutelyLimit = 10_000;
});
afterAll(async () => {
  await sandbox.close();
});

describe('bad requests get an error envelope, never a crash', () => {
  it.each([
    ['GET', `${base}/crm/Accounts?$filter=`],
    ['GET', `${base}/crm/Accounts?$filter=Name eq 'x'&$select=`],
    ['GET', `${base}/crm/Accounts?$filter=Name eq 'x'&$orderby=`],
    ['GET', `${base}/crm/Accounts?$filter=Name eq 'x'&$top=99999999999999999999`],
    ['GET', `${base}/crm/Accounts?$filter=((((((Name eq 'x'`],
    ['GET', `${base}/crm/Accounts?$filter=Name eq 'x'&$select=SalesOrderLines/ItemCode`],
    ['GET', `${base}/crm/Accounts()`],
    ['GET', `${base}/crm/Accounts(123)`],
    ['GET', `${base}/crm/Accounts(guid'5b3d0c4e-1111-4222-8333-444455556666')/$count`],
    ['GET', `${base}/crm/Accounts/Extra/Segments`],
    ['GET', `${base}/system/Divisions(abc)`],
    ['PUT', `${base}/crm/Accounts`],
    ['POST', `${base}/crm/Accounts(guid'5b3d0c4e-1111-4222-8333-444455556666')`],
    ['PATCH', `${base}/crm/Accounts`],
    ['GET', '/api/v1/notanumber/crm/Accounts'],
    ['GET', '/api/v1/'],
    ['OPTIONS', `${base}/crm/Accounts`],
  ])('%s %s', async (method, path) => {
    const res = await sandbox.call(
      method,
      path,
      token,
      method === 'PUT' || method === 'POST' ? {} : undefined,
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const body = (await res.json()) as { error: { message: { value: string } } };
    expect(typeof body.error.message.value).toBe('string');
  });

  it.each([
    ['lines that are not an array', { OrderedBy: null, SalesOrderLines: 'x' }],
    ['a line with a field of the wrong type', { SalesOrderLines: [{ Quantity: 'two' }] }],
    ['a date that is not a date', { OrderDate: 'yesterday', SalesOrderLines: [] }],
    ['a guid that is not a guid', { OrderedBy: 'abc', SalesOrderLines: [] }],
  ])('POST of a sales order with %s is a 400', async (_name, body) => {
    const res = await sandbox.call('POST', `${base}/salesorder/SalesOrders`, token, body);
    expect(res.status).toBe(400);
  });

  it('answers a sales order for an unknown item with a 500 business-rule text', async () => {
    const accounts = await sandbox.call(
      'GET',
      `${base}/crm/Accounts?$filter=Status eq 'C'&$top=1&$select=ID`,
      token,
    );
    const account = ((await accounts.json()) as { d: Array<{ ID: string }> }).d[0]?.ID;
    const res = await sandbox.call('POST', `${base}/salesorder/SalesOrders`, token, {
      OrderedBy: account,
      SalesOrderLines: [{ Item: '5b3d0c4e-1111-4222-8333-444455556666' }],
    });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { message: { value: string } } }).error.message.value).toBe(
      'Bestaat niet: Item',
    );
  });
});
