import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../core/ids.js';
import { windowDates } from '../../engine/flow-days.js';
import { insertEvent } from '../../store/repos/events.js';
import { startTwoPairs, type TwoPairs } from '../../testing/api-activity-fixture.js';
import type { ApiClient } from '../../testing/api-harness.js';
import { runThroughApi } from '../../testing/api-waits.js';
import { seedFlowHistory, type ExpectedDays } from '../../testing/dashboard-history.js';
import { testDialects } from '../../testing/databases.js';
import { sampleItem } from '../../testing/engine-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the API's JSON as it comes */

describe.each(testDialects)('a pair’s dashboard over the API (%s)', (dialect) => {
  let f: TwoPairs;
  let operator: ApiClient;
  let viewer: ApiClient;
  let scoped: ApiClient;
  let past: ExpectedDays;
  const event = (pairId: string, message: string) => ({
    id: newId('evt'),
    type: 'run.failed',
    severity: 'error',
    pair_id: pairId,
    flow_id: null,
    connection_id: null,
    run_id: null,
    message,
    details: '{}',
    created_at: new Date().toISOString(),
    acknowledged_at: null,
  });
  beforeAll(async () => {
    f = await startTwoPairs(dialect);
    operator = await f.h.signedIn('operator');
    viewer = await f.h.withToken('viewer');
    scoped = await f.h.withToken('viewer', { pairScope: ['p2'] });
    // Days before today, so that today's counts come only from the real runs below.
    const now = new Date();
    const yesterday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 1);
    past = await seedFlowHistory(f.h.app.store, {
      pairId: 'p1',
      flowId: 'items',
      now: yesterday,
      runs: 40,
      records: 800,
      days: 40,
    });
    for (let n = 1; n <= 4; n++) f.loopback.put(sampleItem(n, n === 3 ? { name: '' } : {}));
    await runThroughApi(operator, 'items');
    f.loopback.put(sampleItem(1, { name: 'Item one, renamed' }));
    await runThroughApi(operator, 'items');
    await insertEvent(f.h.app.store.db, event('p1', 'The first thing to look at'));
    await insertEvent(f.h.app.store.db, event('p2', 'Something of the other pair'));
  });
  afterAll(async () => {
    await f?.close();
  });

  it('counts what each flow moved per day over 30 days, today from the real runs', async () => {
    const answer = await viewer.get('/api/pairs/p1/dashboard');
    expect(answer.status).toBe(200);
    const [flow] = answer.body.flows;
    const dates = windowDates(new Date());
    expect(flow.days.map((d: any) => d.date)).toEqual(dates);
    const today = flow.days.at(-1);
    expect(today).toEqual({ date: dates.at(-1), created: 3, updated: 1, failed: 1 });
    for (const day of flow.days.slice(0, -1))
      expect(day).toEqual({
        date: day.date,
        ...(past.get(day.date) ?? { created: 0, updated: 0, failed: 0 }),
      });
    // Days older than the window are left out, though the history goes back 40 days.
    const older = [...past.keys()].filter((d) => d < dates[0]!);
    expect(older.length).toBeGreaterThan(0);
    expect(flow).toMatchObject({
      id: 'items',
      kind: 'loopback-items',
      enabled: true,
      schedule: null,
      nextRunAt: null,
      waitingFor: null,
      openDeadLetters: 1,
      failedRuns: 0,
      lastRun: { flowId: 'items', state: 'succeeded', counts: { updated: 1 } },
    });
  });

  it('shows the connections’ health, the budget and the events waiting for someone', async () => {
    const { body } = await viewer.get('/api/pairs/p1/dashboard');
    expect(body.connections.map((c: any) => [c.id, c.status, c.why])).toEqual([
      ['src', 'active', null],
      ['tgt', 'active', null],
    ]);
    expect(body.budget).toEqual([]);
    expect(body.attention).toMatchObject({ total: 1, items: [{ message: 'The first thing to look at' }] });
  });

  it('lets an operator acknowledge an event, after which it no longer needs attention; a viewer may not', async () => {
    const { body } = await viewer.get('/api/pairs/p1/dashboard');
    const id = body.attention.items[0].id;
    expect((await viewer.post(`/api/events/${id}/acknowledge`)).status).toBe(403);
    expect((await viewer.post('/api/connections/src/resume')).status).toBe(403);
    expect((await operator.post('/api/connections/src/resume')).status).toBe(403);
    expect((await operator.post(`/api/events/${id}/acknowledge`)).status).toBe(200);
    const after = await viewer.get('/api/pairs/p1/dashboard');
    expect(after.body.attention).toEqual({ total: 0, items: [] });
  });

  it('shows a caller only the pairs in its scope; another pair is unknown to it', async () => {
    const hidden = await scoped.get('/api/pairs/p1/dashboard');
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('pair.not_found');
    expect((await scoped.get('/api/pairs/nope/dashboard')).body.error.code).toBe('pair.not_found');
    const own = await scoped.get('/api/pairs/p2/dashboard');
    expect(own.body.flows.map((x: any) => x.id)).toEqual(['items2']);
    expect(own.body.flows[0].days.every((d: any) => d.created + d.updated + d.failed === 0)).toBe(true);
    expect(own.body.attention.items.map((e: any) => e.message)).toEqual(['Something of the other pair']);
  });
});
