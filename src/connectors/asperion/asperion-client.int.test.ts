import { afterEach, describe, expect, it } from 'vitest';
import type { EngineDeps } from '../../engine/deps.js';
import type { TestSandbox } from '../../sandboxes/asperion/testing/test-sandbox.js';
import {
  createAsperionClientHarness,
  type AsperionClientHarness,
} from '../../testing/asperion-client-harness.js';
import { testDialects } from '../../testing/databases.js';
import type { EngineHarness } from '../../testing/engine-harness.js';

describe.each(testDialects)('the Asperion client against the sandbox on %s', (dialect) => {
  let hx: AsperionClientHarness;
  let h: EngineHarness;
  let sandbox: TestSandbox;
  let second: EngineDeps | undefined;
  afterEach(async () => {
    await second?.store.close();
    second = undefined;
    await hx?.close();
  });

  async function setUp() {
    hx = await createAsperionClientHarness(dialect);
    ({ h, sandbox } = hx);
    await hx.clearLog();
  }

  const client = (deps: EngineDeps, administrationId = 1, language = 'en') =>
    hx.client({ deps, administrationId, language });

  const log = () => hx.log();

  it('pages through a list to the end, sending the tenant, Accept and Accept-Language on every call', async () => {
    await setUp();
    const c = await client(h.deps, 2);
    const ids = new Set<unknown>();
    let pages = 0;
    for await (const page of c.pages('debtors', { pageSize: '5' })) {
      pages++;
      for (const d of page) ids.add(d.id);
    }
    const total = (
      await sandbox.call('GET', '/v1/debtors?metaOnly=true', { headers: { 'x-tenant-id': '2' } })
    ).body as { _meta: { totalCount: number } };
    expect(ids.size).toBe(total._meta.totalCount);
    expect(pages).toBe(Math.ceil(total._meta.totalCount / 5));
    const calls = (await log()).filter((r) => r.url.startsWith('/v1/debtors?page'));
    expect(calls).toHaveLength(pages);
    for (const r of calls)
      expect(r.headers).toMatchObject({
        'x-tenant-id': '2',
        accept: 'application/json',
        'accept-language': 'en',
      });
  });

  it('keeps ProblemDetails field messages in a typed error, and validateOnly writes nothing', async () => {
    await setUp();
    const c = await client(h.deps);
    const debtor = {
      name: 'Bakkerij De Korenschoof',
      address: 'Dorpsstraat 1',
      postCode: '1234 AB',
      city: 'Lutjebroek',
      countryCode: 'NL',
    };
    await expect(c.create('debtors', { ...debtor, iban: 'NL00BANK0123456789' })).rejects.toMatchObject({
      kind: 'invalid',
      code: 'asperion.validation',
      details: { status: 400, fields: { iban: [expect.any(String)] } },
    });
    const before = (
      (await sandbox.call('GET', '/v1/debtors?metaOnly=true', { headers: { 'x-tenant-id': '1' } })).body as {
        _meta: { totalCount: number };
      }
    )._meta.totalCount;
    await c.create('debtors', debtor, { validateOnly: true });
    const after = (
      (await sandbox.call('GET', '/v1/debtors?metaOnly=true', { headers: { 'x-tenant-id': '1' } })).body as {
        _meta: { totalCount: number };
      }
    )._meta.totalCount;
    expect(after).toBe(before);
    const created = await c.create<{ id: number; customerNumber: string }>('debtors', debtor);
    expect(created.customerNumber).toBeTruthy();
    expect(await c.get(`debtors/${created.id}`)).toMatchObject({ name: 'Bakkerij De Korenschoof' });
  });

  it('refuses an endpoint outside the administration’s package as a setup problem, not an expired login', async () => {
    await setUp();
    const c = await client(h.deps, 2);
    await expect(c.create('SalesOrderWithLines', { debtorId: 1, lines: [] })).rejects.toMatchObject({
      kind: 'invalid',
      code: 'asperion.forbidden',
    });
  });

  it('raises a refresh token the identity server refuses as a lost authorization, without retrying it', async () => {
    await setUp();
    const c = await client(h.deps);
    // A month on: the access token and the refresh token have both expired at the sandbox.
    await sandbox.call('POST', '/__sandbox/clock/advance', { body: { seconds: 31 * 86_400 }, auth: false });
    await expect(c.request('GET', 'debtors', { query: { pageSize: '1' } })).rejects.toMatchObject({
      code: 'oauth.reauthorization_required',
      kind: 'auth',
      details: {
        why: 'Asperion refused the refresh token (invalid_grant: Unknown, used or expired refresh token)',
      },
    });
    const tokenCalls = (await log()).filter((r) => r.url.startsWith('/connect/token'));
    expect(tokenCalls).toHaveLength(1);
  });

  it('rotates the refresh token once when ten callers in two processes find the access token expired', async () => {
    await setUp();
    second = { ...h.deps, store: h.tdb.open() };
    const clients = await Promise.all(Array.from({ length: 10 }, (_, i) => client(i % 2 ? second! : h.deps)));
    const seconds = 3_700;
    h.clock.advance(seconds * 1000);
    await sandbox.call('POST', '/__sandbox/clock/advance', { body: { seconds }, auth: false });
    const answers = await Promise.all(
      clients.map(async (c) => (await c.request('GET', 'debtors', { query: { pageSize: '1' } })).status),
    );
    expect(answers.every((s) => s === 200)).toBe(true);
    const tokenCalls = (await log()).filter((r) => r.url.startsWith('/connect/token'));
    expect(tokenCalls).toHaveLength(1);
  });
});
