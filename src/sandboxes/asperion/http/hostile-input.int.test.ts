import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allResources } from '../resources/all-resources.js';
import type { TestSandbox } from '../testing/test-sandbox.js';
import { startTestSandbox } from '../testing/test-sandbox.js';

const bodies: unknown[] = [
  {},
  '{"__proto__": {"admin": true}, "name": "x"}',
  '{"constructor": {"prototype": {"polluted": true}}}',
  { lines: 'x' },
  { lines: { _data: [null, 1, 'x', [], { amount: 'veel' }] } },
  { lines: { _data: [{ amount: 1e308, ledgerAccountId: 1e20, vatCode: {} }] } },
  { date: '2025-13-45', amount: -0, customerNumber: 5, name: ['a'], __proto__: { admin: true } },
  { constructor: { prototype: { polluted: true } }, code: '', salesTypeId: -1, salesPrice: Number.MAX_VALUE },
  {
    debtorCustomerNumber: '1',
    journalId: '70',
    date: '2026-01-01',
    lines: { _data: [{ amount: 0.1, salesTypeId: 99 }] },
  },
];
const queries = [
  'page=-1',
  'page=99999999999999999999',
  'pageSize=0',
  'orderBy=',
  'fields=,,,',
  'Id=%00',
  'Date_from=yesterday',
  'Name=%F0%9F%8D%9E&Name_comparison=equals',
  'AmountInclVat_from=1e5',
  'metaOnly=maybe',
];

describe('Asperion sandbox under hostile input', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(() => sb.close());

  it('answers every odd create body with a 4xx ProblemDetails, never a 5xx', async () => {
    for (const resource of allResources.filter((r) => r.create)) {
      for (const body of bodies) {
        const { status, body: answer } = await sb.call('POST', `/v1/${resource.path}`, { body });
        expect(status, `${resource.path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
        expect(status, `${resource.path} ${JSON.stringify(body)}`).toBeLessThan(500);
        expect(answer).toMatchObject({ status, traceId: expect.any(String) });
      }
    }
  });

  it('answers every odd list query with 200 or a 4xx ProblemDetails, never a 5xx', async () => {
    for (const resource of allResources) {
      for (const query of queries) {
        const { status } = await sb.call('GET', `/v1/${resource.path}?${query}`);
        expect(status, `${resource.path}?${query}`).toBeLessThan(500);
      }
    }
  });

  it('answers undecodable URLs and oversized bodies with ProblemDetails', async () => {
    for (const path of ['/%', '/v1/debtors/%', '/v1/%zz']) {
      const { status, body } = await sb.call('GET', path);
      expect(status, path).toBe(400);
      expect(body, path).toMatchObject({
        status: 400,
        traceId: expect.any(String),
        errors: { $: expect.any(Array) },
      });
    }
    const big = await sb.call('POST', '/v1/debtors', {
      body: JSON.stringify({ name: 'x'.repeat(2_000_000) }),
    });
    expect(big.body).toMatchObject({ status: 413, title: 'Payload Too Large' });
  });

  it('does not let a __proto__ key change other objects', () => {
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
