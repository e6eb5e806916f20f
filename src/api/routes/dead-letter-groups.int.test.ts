import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlow } from '../../engine/run-flow.js';
import type { ApiClient } from '../../testing/api-harness.js';
import { testDialects } from '../../testing/databases.js';
import { sampleItem } from '../../testing/engine-harness.js';
import { startLoopbackApiHarness, type LoopbackApiHarness } from '../../testing/loopback-api-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the API's JSON as it comes */

describe.each(testDialects)('dead letters by flow and error, with where to fix them (%s)', (dialect) => {
  let h: LoopbackApiHarness;
  let viewer: ApiClient;
  let operator: ApiClient;

  beforeAll(async () => {
    h = await startLoopbackApiHarness(dialect);
    // Items 2 and 4 have no name (the mapping requires one); the target refuses item 3's name.
    h.loopback.faults.rejectName = 'Rejected';
    for (let n = 1; n <= 4; n++)
      h.loopback.put(sampleItem(n, n % 2 === 0 ? { name: '' } : n === 3 ? { name: 'Rejected' } : {}));
    for (const flowId of [h.flowId, h.otherFlowId])
      expect((await runFlow(h.app.engine, { flowId, trigger: 'manual' })).counts).toMatchObject({
        deadLettered: 3,
      });
    viewer = await h.signedIn('viewer');
    operator = await h.signedIn('operator');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('groups open dead letters by flow and code, most first, each with its newest and where to fix it', async () => {
    const res = await viewer.get('/api/dead-letters/groups');
    expect(res.status).toBe(200);
    const groups = res.body.items.map((g: any) => [g.pairId, g.flowId, g.code, g.count]);
    expect(groups).toEqual([
      ['p1', 'items', 'mapping.required_missing', 2],
      ['p2', 'other', 'mapping.required_missing', 2],
      ['p1', 'items', 'loopback.http_422', 1],
      ['p2', 'other', 'loopback.http_422', 1],
    ]);
    const missing = res.body.items[0];
    expect(missing.newest).toMatchObject({
      flowId: 'items',
      sourceId: 'I00004',
      state: 'open',
      fix: { where: 'mapping', hint: expect.stringContaining('mapping') },
    });
    expect(missing.oldestAt <= missing.newestAt).toBe(true);
    // A refusal the product has no rule for sends people to the record's timeline.
    expect(res.body.items[2].newest.fix).toEqual({ where: 'record', hint: expect.any(String) });
    // The list and one dead letter say the same.
    const one = await viewer.get(`/api/dead-letters/${missing.newest.id}`);
    expect(one.body.fix).toEqual(missing.newest.fix);
    const listed = await viewer.get('/api/dead-letters?code=loopback.http_422');
    expect(listed.body.items.map((d: any) => d.fix.where)).toEqual(['record', 'record']);
  });

  it('counts only the pairs a scoped caller may see, and only open ones', async () => {
    const scoped = await h.signedIn('viewer', { pairScope: ['p2'] });
    const res = await scoped.get('/api/dead-letters/groups');
    expect(res.body.items.map((g: any) => [g.flowId, g.count])).toEqual([
      ['other', 2],
      ['other', 1],
    ]);
    const [refused] = (await viewer.get('/api/dead-letters?flow=other&code=loopback.http_422')).body.items;
    const dismissed = await operator.post(`/api/dead-letters/${refused.id}/dismiss`, {
      reason: 'Booked by hand in the target',
    });
    expect(dismissed.status).toBe(200);
    const after = await scoped.get('/api/dead-letters/groups');
    expect(after.body.items.map((g: any) => [g.flowId, g.code])).toEqual([
      ['other', 'mapping.required_missing'],
    ]);
    const [line] = await h.app.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'dead_letter.dismiss')
      .execute();
    expect(JSON.parse(line!.details)).toMatchObject({ reason: 'Booked by hand in the target' });
  });

  it('refuses a viewer every change: replay one or a group, dismiss, choose a debtor', async () => {
    const [letter] = (await viewer.get('/api/dead-letters?flow=items')).body.items;
    expect((await viewer.post(`/api/dead-letters/${letter.id}/replay`, { mode: 'as-was' })).status).toBe(403);
    expect(
      (await viewer.post('/api/dead-letters/replay', { flow: 'items', code: 'mapping.required_missing' }))
        .status,
    ).toBe(403);
    expect((await viewer.post(`/api/dead-letters/${letter.id}/dismiss`, { reason: 'no' })).status).toBe(403);
    expect(
      (await viewer.post('/api/flows/items/debtor-choices', { account: '5002', debtor: '10001' })).status,
    ).toBe(403);
    expect((await viewer.get('/api/dead-letters?state=open')).body.items).toHaveLength(5);
  });
});
