import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../test-sandbox.js';
import { startTestSandbox } from '../test-sandbox.js';

let sandbox: TestSandbox;
let token: string;
const base = '/api/v1/3215711';
const representation = { prefer: 'return=representation' };

beforeEach(async () => {
  sandbox = await startTestSandbox('demo');
  token = await sandbox.token();
});
afterEach(async () => {
  await sandbox.close();
});

async function errorOf(res: Response): Promise<[number, string]> {
  const body = (await res.json()) as { error: { message: { value: string } } };
  return [res.status, body.error.message.value];
}

async function postAccount(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await sandbox.call('POST', `${base}/crm/Accounts`, token, body, representation);
  expect(res.status).toBe(201);
  return ((await res.json()) as { d: Record<string, unknown> }).d;
}

describe('POST', () => {
  it('returns the full row with Prefer: return=representation', async () => {
    const row = await postAccount({ Name: 'Fietsplezier', City: 'Delft', Code: '9001' });
    expect(row).toMatchObject({
      Name: 'Fietsplezier',
      City: 'Delft',
      Code: '              9001',
      Division: 3215711,
    });
    expect(row['__metadata']).toEqual({
      uri: `${sandbox.url}${base}/crm/Accounts(guid'${String(row['ID'])}')`,
      type: 'Exact.Web.Api.Models.Account',
    });
  });

  it('returns a mostly-null row without Prefer', async () => {
    const res = await sandbox.call('POST', `${base}/crm/Accounts`, token, { Name: 'Zonder Prefer' });
    const row = ((await res.json()) as { d: Record<string, unknown> }).d;
    expect(typeof row['ID']).toBe('string');
    expect(row['Name']).toBeNull();
  });

  it('assigns the next account code when none is sent', async () => {
    const first = await postAccount({ Name: 'A' });
    const second = await postAccount({ Name: 'B' });
    expect(Number(String(second['Code']).trim())).toBe(Number(String(first['Code']).trim()) + 1);
    expect(String(first['Code'])).toHaveLength(18);
  });

  it('answers a duplicate Code with 500 "Gegeven bestaat reeds."', async () => {
    await postAccount({ Name: 'A', Code: '777' });
    const res = await sandbox.call('POST', `${base}/crm/Accounts`, token, { Name: 'B', Code: '777' });
    expect(await errorOf(res)).toEqual([500, 'Gegeven bestaat reeds.']);
  });

  it('answers a missing mandatory field with 500 in the configured language', async () => {
    expect(
      await errorOf(await sandbox.call('POST', `${base}/logistics/Items`, token, { Code: 'X1' })),
    ).toEqual([500, 'Verplicht: Description']);
    sandbox.state.settings.language = 'en';
    expect(
      await errorOf(await sandbox.call('POST', `${base}/logistics/Items`, token, { Code: 'X1' })),
    ).toEqual([500, 'Mandatory: Description']);
  });

  it('answers a body that is not a JSON object, or has unknown fields, with the request-stream 400', async () => {
    const message =
      'Error processing request stream. The request should be a valid top-level resource object.';
    const notJson = await fetch(`${sandbox.url}${base}/crm/Accounts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'content-type': 'application/json',
      },
      body: '{"Name":',
    });
    expect(await errorOf(notJson)).toEqual([400, message]);
    expect(await errorOf(await sandbox.call('POST', `${base}/crm/Accounts`, token, ['x']))).toEqual([
      400,
      message,
    ]);
    expect(await errorOf(await sandbox.call('POST', `${base}/crm/Accounts`, token, { Nam: 'x' }))).toEqual([
      400,
      message,
    ]);
    expect(await errorOf(await sandbox.call('POST', `${base}/crm/Accounts`, token, { Name: 5 }))).toEqual([
      400,
      message,
    ]);
  });

  it('ignores read-only fields such as IsSales', async () => {
    const row = await postAccount({ Name: 'Prospect', Status: 'P', IsSales: true });
    expect(row['IsSales']).toBe(false);
  });

  it('creates a sales order with embedded lines and computes amounts exactly', async () => {
    const accounts = (await (
      await sandbox.call('GET', `${base}/crm/Accounts?$filter=Status eq 'C'&$top=1&$select=ID`, token)
    ).json()) as { d: Array<{ ID: string }> };
    const item = await sandbox.call(
      'POST',
      `${base}/logistics/Items`,
      token,
      { Code: 'BEL', Description: 'Bel', SalesVatCode: 'VH' },
      representation,
    );
    const itemId = ((await item.json()) as { d: { ID: string } }).d.ID;
    const order = {
      OrderedBy: accounts.d[0]?.ID,
      OrderDate: '2026-03-01',
      SalesOrderLines: [
        { Item: itemId, Quantity: 3, UnitPrice: 0.1 },
        { Item: itemId, Quantity: 7, UnitPrice: 0.7 },
      ],
    };
    const res = await sandbox.call('POST', `${base}/salesorder/SalesOrders`, token, order, representation);
    expect(res.status).toBe(201);
    const d = ((await res.json()) as { d: Record<string, unknown> }).d;
    expect(d).toMatchObject({
      AmountFCExclVat: 5.2,
      AmountDC: 6.29,
      Status: 12,
      OrderDate: `/Date(${Date.UTC(2026, 2, 1)})/`,
    });
    const lines = (d['SalesOrderLines'] as { results: Array<Record<string, unknown>> }).results;
    expect(lines.map((l) => [l['LineNumber'], l['AmountFC'], l['VATAmount'], l['OrderID']])).toEqual([
      [1, 0.3, 0.06, d['OrderID']],
      [2, 4.9, 1.03, d['OrderID']],
    ]);
  });

  it('refuses a sales order without lines with 500', async () => {
    const accounts = (await (
      await sandbox.call('GET', `${base}/crm/Accounts?$filter=Status eq 'C'&$top=1&$select=ID`, token)
    ).json()) as { d: Array<{ ID: string }> };
    const res = await sandbox.call('POST', `${base}/salesorder/SalesOrders`, token, {
      OrderedBy: accounts.d[0]?.ID,
    });
    expect(await errorOf(res)).toEqual([500, 'Verplicht: SalesOrderLines']);
  });
});

describe('GET by key, PUT and DELETE', () => {
  it('answers one record as {"d":{row}} and an unknown key with 404', async () => {
    const created = await postAccount({ Name: 'Sleutel' });
    const res = await sandbox.call(
      'GET',
      `${base}/crm/Accounts(guid'${String(created['ID'])}')?$select=Name`,
      token,
    );
    expect(((await res.json()) as { d: Record<string, unknown> }).d).toMatchObject({ Name: 'Sleutel' });
    const missing = await sandbox.call(
      'GET',
      `${base}/crm/Accounts(guid'11111111-2222-4333-8444-555566667777')`,
      token,
    );
    expect(missing.status).toBe(404);
  });

  it('refuses a malformed or empty guid key with 400', async () => {
    expect((await sandbox.call('GET', `${base}/crm/Accounts(guid'nope')`, token)).status).toBe(400);
    expect(
      (
        await sandbox.call(
          'DELETE',
          `${base}/crm/Accounts(guid'00000000-0000-0000-0000-000000000000')`,
          token,
        )
      ).status,
    ).toBe(400);
  });

  it('updates only the sent fields and answers 204 with an empty body', async () => {
    const created = await postAccount({ Name: 'Oud', City: 'Breda' });
    const uri = `${base}/crm/Accounts(guid'${String(created['ID'])}')`;
    const put = await sandbox.call('PUT', uri, token, { Name: 'Nieuw' });
    expect(put.status).toBe(204);
    expect(await put.text()).toBe('');
    const row = ((await (await sandbox.call('GET', uri, token)).json()) as { d: Record<string, unknown> }).d;
    expect(row).toMatchObject({ Name: 'Nieuw', City: 'Breda' });
  });

  it('fails a PUT that re-sends the account Code, even unchanged, with "Gegeven bestaat reeds."', async () => {
    const created = await postAccount({ Name: 'Code', Code: '4242' });
    const uri = `${base}/crm/Accounts(guid'${String(created['ID'])}')`;
    expect(await errorOf(await sandbox.call('PUT', uri, token, { Code: '4242' }))).toEqual([
      500,
      'Gegeven bestaat reeds.',
    ]);
    expect((await sandbox.call('PUT', uri, token, { Code: '4243' })).status).toBe(204);
  });

  it('deletes with 204 and logs the deletion for sync/Deleted', async () => {
    const created = await postAccount({ Name: 'Weg' });
    const uri = `${base}/crm/Accounts(guid'${String(created['ID'])}')`;
    expect((await sandbox.call('DELETE', uri, token)).status).toBe(204);
    expect((await sandbox.call('GET', uri, token)).status).toBe(404);
    expect(sandbox.state.division(3215711)?.deleted.at(-1)).toMatchObject({
      entityKey: created['ID'],
      entityType: 2,
    });
  });

  it('bumps the division row version on every write', async () => {
    const data = sandbox.state.division(3215711);
    const created = await postAccount({ Name: 'Versie' });
    const record = data?.table('crm/Accounts').get(String(created['ID']));
    const before = record?.timestamp ?? 0;
    await sandbox.call('PUT', `${base}/crm/Accounts(guid'${String(created['ID'])}')`, token, { City: 'Ede' });
    expect(record?.timestamp).toBe(before + 1);
    await postAccount({ Name: 'Nog een' });
    expect(data?.nextTimestamp()).toBe(before + 3);
  });

  it('answers a method the endpoint lacks with 405', async () => {
    expect((await sandbox.call('POST', `${base}/system/Divisions`, token, {})).status).toBe(405);
  });
});

describe('$expand', () => {
  it('shows lines as __deferred unless expanded', async () => {
    const res = await sandbox.call('GET', `${base}/salesorder/SalesOrders?$top=1`, token);
    const row = ((await res.json()) as { d: Array<Record<string, unknown>> }).d[0] ?? {};
    expect(row['SalesOrderLines']).toEqual({
      __deferred: {
        uri: `${sandbox.url}${base}/salesorder/SalesOrders(guid'${String(row['OrderID'])}')/SalesOrderLines`,
      },
    });
  });
});
