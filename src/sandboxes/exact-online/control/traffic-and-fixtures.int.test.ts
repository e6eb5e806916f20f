import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../test-sandbox.js';
import { startTestSandbox } from '../test-sandbox.js';

let sandbox: TestSandbox;

beforeEach(async () => {
  sandbox = await startTestSandbox('empty', '2026-02-02T08:00:00.000Z');
});
afterEach(async () => {
  await sandbox.close();
});

async function control(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sandbox.url}/__sandbox/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
}

const accountId = '11111111-2222-4333-8444-555555555555';
const itemId = '22222222-3333-4444-8555-666666666666';
const fixture = {
  divisions: {
    '3215711': {
      'vat/VATCodes': [{ Code: 'VH', Description: 'BTW hoog', Type: 'E', VATTransactionType: 'B' }],
      'crm/Accounts': [{ ID: accountId, Code: '100', Name: 'Fixture B.V.', Status: 'C' }],
      'logistics/Items': [{ ID: itemId, Code: 'FX-1', Description: 'Fixture item' }],
      'salesorder/SalesOrders': [
        { OrderedBy: accountId, YourRef: 'WEB-1', SalesOrderLines: [{ Item: itemId, Quantity: 2 }] },
      ],
    },
  },
};

describe('fixtures', () => {
  it('resets to a fixture, writing each row through the rules of a POST', async () => {
    const res = await control('POST', 'reset', { seed: 'empty', fixture });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, seed: 'empty', created: 4 });
    const token = await sandbox.token();
    const orders = await sandbox.call(
      'GET',
      "/api/v1/3215711/salesorder/SalesOrders?$filter=YourRef eq 'WEB-1'&$select=OrderNumber,OrderedByName&$expand=SalesOrderLines",
      token,
    );
    const body = (await orders.json()) as { d: { results: Array<Record<string, unknown>> } };
    expect(body.d.results).toHaveLength(1);
    // Filled in by the business rules, as after a POST.
    expect(body.d.results[0]).toMatchObject({ OrderNumber: 1, OrderedByName: 'Fixture B.V.' });
  });

  it('adds rows to what is there and names the row it refuses', async () => {
    expect((await control('POST', 'fixture', fixture)).status).toBe(200);
    const again = await control('POST', 'fixture', {
      divisions: {
        '3215711': {
          'crm/Accounts': [
            { Code: '200', Name: 'Second' },
            { Code: '100', Name: 'Clash' },
          ],
        },
      },
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({
      error: 'divisions.3215711["crm/Accounts"][1]: Gegeven bestaat reeds.',
      where: 'divisions.3215711["crm/Accounts"][1]',
    });
    const unknownField = await control('POST', 'fixture', {
      divisions: { '3215711': { 'crm/Accounts': [{ Code: '300', Name: 'X', Colour: 'red' }] } },
    });
    expect(((await unknownField.json()) as { error: string }).error).toBe(
      'divisions.3215711["crm/Accounts"][0]: unknown field(s) Colour',
    );
    const unknownDivision = await control('POST', 'fixture', { divisions: { '999': {} } });
    expect(((await unknownDivision.json()) as { error: string }).error).toBe(
      'divisions.999: no such division in the sandbox',
    );
    const unknownEndpoint = await control('POST', 'fixture', {
      divisions: { '3215711': { 'crm/Nope': [] } },
    });
    expect(((await unknownEndpoint.json()) as { error: string }).error).toMatch(
      /crm\/Nope.*no such endpoint/,
    );
  });
});

describe('clock speed', () => {
  it('runs the sandbox clock faster than its base clock from the moment it is set', async () => {
    const set = await control('PUT', 'clock', { speed: 60 });
    expect(await set.json()).toMatchObject({ now: '2026-02-02T08:00:00.000Z', speed: 60 });
    sandbox.clock.advance(1_000);
    const read = (await (await control('GET', 'clock')).json()) as { now: string; speed: number };
    expect(read.now).toBe('2026-02-02T08:01:00.000Z');
    expect((await control('PUT', 'clock', { speed: 0 })).status).toBe(400);
  });

  it('makes token lifetimes follow the fast clock', async () => {
    const token = await sandbox.token();
    expect((await sandbox.call('GET', '/api/v1/current/Me', token)).status).toBe(200);
    await control('PUT', 'clock', { speed: 600 });
    sandbox.clock.advance(1_001); // 600.6 s of sandbox time: past the 600-second access token
    expect((await sandbox.call('GET', '/api/v1/current/Me', token)).status).toBe(401);
  });
});

describe('random faults', () => {
  async function statuses(token: string, n: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await sandbox.call('GET', '/api/v1/3215711/vat/VATCodes', token);
      await res.arrayBuffer();
      out.push(res.status);
    }
    return out;
  }

  it('fails a seeded share of requests with the error envelope, repeating the same pattern for the same seed', async () => {
    const token = await sandbox.token();
    const put = await control('PUT', 'settings', {
      randomFaults: { errorRate: 0.5, errorStatus: 503, errorMessage: 'Onderhoud', seed: 7 },
    });
    expect(((await put.json()) as { randomFaults: { timeoutMs: number } }).randomFaults.timeoutMs).toBe(
      30_000,
    );
    const first = await statuses(token, 20);
    expect(first.filter((s) => s === 503).length).toBeGreaterThan(3);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(3);
    await control('PUT', 'settings', { randomFaults: { seed: 7 } });
    expect(await statuses(token, 20)).toEqual(first);
    await control('PUT', 'settings', { randomFaults: { errorRate: 1 } });
    const failed = await sandbox.call('GET', '/api/v1/current/Me', token);
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ error: { code: '', message: { lang: '', value: 'Onderhoud' } } });
    await control('PUT', 'settings', { randomFaults: { errorRate: 0 } });
    expect(new Set(await statuses(token, 5))).toEqual(new Set([200]));
  });

  it('holds each answer for the latency plus at most the spread, on the sandbox clock', async () => {
    const token = await sandbox.token();
    await control('PUT', 'settings', { randomFaults: { latencyMs: 100, latencySpreadMs: 200 } });
    let settled = false;
    const slow = sandbox.call('GET', '/api/v1/current/Me', token).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    sandbox.clock.advance(99);
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    sandbox.clock.advance(201);
    expect((await slow).status).toBe(200);
  });

  it('holds answers for the latency and times out after timeoutMs, on the sandbox clock', async () => {
    const token = await sandbox.token();
    await control('PUT', 'settings', { randomFaults: { latencyMs: 5_000 } });
    let settled = false;
    const slow = sandbox.call('GET', '/api/v1/current/Me', token).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    sandbox.clock.advance(5_000);
    expect((await slow).status).toBe(200);

    await control('PUT', 'settings', { randomFaults: { latencyMs: 0, timeoutRate: 1, timeoutMs: 30_000 } });
    const hanging = sandbox.call('GET', '/api/v1/current/Me', token);
    await new Promise((r) => setTimeout(r, 50));
    sandbox.clock.advance(30_000);
    const res = await hanging;
    expect(res.status).toBe(504);
    expect(await res.json()).toEqual({
      error: { code: '', message: { lang: '', value: 'Gateway Timeout' } },
    });
  });

  it('refuses unknown or mistyped fault settings', async () => {
    expect((await control('PUT', 'settings', { randomFaults: { errorRate: 2 } })).status).toBe(400);
    expect((await control('PUT', 'settings', { randomFaults: { colour: 1 } })).status).toBe(400);
  });
});

describe('added divisions', () => {
  it('adds divisions with the next codes, seeded as asked and reachable by tokens minted after, until a reset', async () => {
    const res = await control('POST', 'divisions', { count: 2, seed: 'reference' });
    expect(res.status).toBe(201);
    const { divisions } = (await res.json()) as { divisions: Array<{ code: number }> };
    expect(divisions.map((d) => d.code)).toEqual([3215714, 3215715]);

    const token = await sandbox.token([3215715]);
    const vat = await sandbox.call(
      'GET',
      "/api/v1/3215715/vat/VATCodes?$filter=Code eq 'VH'&$select=Code",
      token,
    );
    expect(vat.status).toBe(200);
    expect(JSON.stringify(await vat.json())).toContain('"Code":"VH"');
    // The token reaches the division it was minted for only, as a real grant does.
    expect((await sandbox.call('GET', '/api/v1/3215714/vat/VATCodes', token)).status).toBe(403);
    const listed = await sandbox.call('GET', '/api/v1/3215715/system/Divisions?$select=Code', token);
    expect(JSON.stringify(await listed.json())).toContain('3215715');

    expect((await control('POST', 'reset', { seed: 'empty' })).status).toBe(200);
    const again = (await (await control('POST', 'divisions', { count: 1, seed: 'empty' })).json()) as {
      divisions: Array<{ code: number }>;
    };
    expect(again.divisions.map((d) => d.code)).toEqual([3215714]);
  });
});
