import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

const debtor = {
  name: 'Statusklant BV',
  address: 'Kerkstraat 1',
  postCode: '1011 AB',
  city: 'Amsterdam',
  countryCode: 'NL',
  emailAddress: 'status@customers.example.nl',
  paymentConditionId: 1,
};

describe.each(testDialects)('the request step of a customers record (%s)', (dialect) => {
  let pair: Pair;
  let debtorId = 0;
  /** The stored request and the timeline of the debtor's record in its latest run. */
  const latest = async () => {
    const row = await pair.fx.h.store.db
      .selectFrom('records')
      .select(['state', 'request', 'timeline'])
      .where('source_id', '=', String(debtorId))
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const timeline = JSON.parse(row.timeline) as Array<{ step: string; detail?: string }>;
    return { state: row.state, request: row.request === null ? null : JSON.parse(row.request), timeline };
  };
  const exactSettings = (changes: Record<string, unknown>) =>
    fetch(`${pair.fx.url}/__sandbox/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(changes),
    });

  beforeAll(async () => {
    pair = await startPair(dialect, { kind: 'customers' });
    await pair.run();
    // Statuses Exact is not documented to answer, so only a status read off the answer can match them.
    expect((await exactSettings({ postStatus: 200, putStatus: 200 })).ok).toBe(true);
    const res = await pair.asperion.call('POST', '/v1/debtors', {
      body: debtor,
      headers: { 'x-tenant-id': '1' },
    });
    debtorId = (res.body as any).id;
  }, 30_000);
  afterAll(() => pair?.close());

  it('shows the status Exact answered the create with', async () => {
    expect((await pair.run()).counts.created).toBe(1);
    const record = await latest();
    expect(record.request).toEqual({ method: 'POST', url: '/api/v1/{division}/crm/Accounts', status: 200 });
    expect(record.timeline.find((s) => s.step === 'responded')?.detail).toBe('200');
  });

  it('shows the status Exact answered the update with', async () => {
    await pair.asperion.call('PUT', `/v1/debtors/${debtorId}`, {
      body: { city: 'Utrecht' },
      headers: { 'x-tenant-id': '1' },
    });
    expect((await pair.run()).counts.updated).toBe(1);
    const record = await latest();
    expect(record.request).toEqual({
      method: 'PUT',
      url: '/api/v1/{division}/crm/Accounts({id})',
      status: 200,
    });
    expect(record.timeline.find((s) => s.step === 'responded')?.detail).toBe('200');
  });
});
