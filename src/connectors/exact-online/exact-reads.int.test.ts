import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.js';
import { startExactFixture, type ExactFixture } from '../../testing/exact-fixture.js';
import { exactError } from './exact-error.js';
import { exactFetch } from './exact-fetch.js';
import { exactPages } from './exact-pages.js';
import { TokenLease } from '../kit/token-lease.js';
import { exactTokenPolicy, exactTokenRefresher } from './oauth.js';
import { cmp, lit, odataQuery } from './odata-query.js';
import { ExactRateGovernor } from './rate-governor.js';

describe.each(testDialects)('reading and writing Exact Online through the sandbox on %s', (dialect) => {
  let x: ExactFixture;
  afterEach(async () => x?.close());

  async function setUp() {
    x = await startExactFixture(dialect, { seed: 'empty' });
    const ctx = await x.context();
    const governor = new ExactRateGovernor(x.clock);
    const endpoint = '/api/v1/{division}/crm/Accounts';
    const accounts = `${x.url}/api/v1/${x.division}/crm/Accounts`;
    const token = x.accessToken;
    const post = (body: Record<string, unknown>) =>
      exactFetch(ctx, governor, { method: 'POST', url: accounts, endpoint, accessToken: token, body });
    const pages = (query: string) =>
      exactPages(ctx, governor, {
        url: `${accounts}${query}`,
        endpoint,
        tokens: new TokenLease(ctx, exactTokenRefresher(ctx, x.app), exactTokenPolicy),
      });
    return { post, pages, ctx, governor, accounts, endpoint, token };
  }

  it('follows __next to the last page, 60 rows at a time, with every row once', async () => {
    const s = await setUp();
    for (let i = 1; i <= 130; i++) {
      const res = await s.post({ Name: `Klant ${i}`, Code: String(i) });
      expect(res.status).toBe(201);
    }
    const sizes: number[] = [];
    const ids = new Set<string>();
    for await (const page of s.pages(
      odataQuery({ filter: cmp('Name', 'ne', lit.string('')), select: ['ID', 'Name'] }),
    )) {
      sizes.push(page.length);
      for (const row of page) ids.add(String(row.ID));
    }
    expect(sizes).toEqual([60, 60, 10]);
    expect(ids.size).toBe(130);
  });

  it('finds a name with a quote in it, written through the literal helper', async () => {
    const s = await setUp();
    await s.post({ Name: "Bakkerij Van 't Hof", Code: '7' });
    await s.post({ Name: 'Bakkerij Van Hof', Code: '8' });
    const found: unknown[] = [];
    for await (const page of s.pages(
      odataQuery({ filter: cmp('Name', 'eq', lit.string("Bakkerij Van 't Hof")), select: ['Code'] }),
    ))
      found.push(...page);
    expect(found).toEqual([expect.objectContaining({ Code: '                 7' })]);
  });

  it('gives business-rule 500s and unknown records back as typed errors with Exact’s text', async () => {
    const s = await setUp();
    await s.post({ Name: 'Eerste', Code: '42' });
    const duplicate = await s.post({ Name: 'Tweede', Code: '42' });
    expect(duplicate.status).toBe(500);
    const error = await exactError(duplicate, 'POST', s.endpoint);
    expect(error).toMatchObject({ kind: 'invalid', code: 'exact.business_rule' });
    expect(error.message).toMatch(/^POST \/api\/v1\/\{division\}\/crm\/Accounts answered 500: \S/);
    expect(error.message).not.toContain(s.token);

    const missing = await exactFetch(s.ctx, s.governor, {
      method: 'GET',
      url: `${s.accounts}(guid'3f2504e0-4f89-11d3-9a0c-0305e82c3301')`,
      endpoint: `${s.endpoint}(guid)`,
      accessToken: s.token,
    });
    expect(await exactError(missing, 'GET', `${s.endpoint}(guid)`)).toMatchObject({
      kind: 'not_found',
      code: 'exact.not_found',
    });
  });
});
