import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../core/ids.js';
import { purgeActivity } from '../../engine/purge.js';
import { insertApiBudget } from '../../store/repos/api-budgets.js';
import { upsertConnection } from '../../store/repos/connections.js';
import { insertEvent } from '../../store/repos/events.js';
import { startTwoPairs, type TwoPairs } from '../../testing/api-activity-fixture.js';
import type { ApiClient } from '../../testing/api-harness.js';
import { runThroughApi } from '../../testing/api-waits.js';
import { testDialects } from '../../testing/databases.js';
import { sampleItem } from '../../testing/engine-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the API's JSON as it comes */

describe.each(testDialects)('runs, jobs, records, events and budget over the API (%s)', (dialect) => {
  let f: TwoPairs;
  let operator: ApiClient;
  let viewer: ApiClient;
  let scoped: ApiClient;
  let scopedOperator: ApiClient;
  let first: any;
  let second: any;
  beforeAll(async () => {
    f = await startTwoPairs(dialect);
    operator = await f.h.signedIn('operator');
    viewer = await f.h.withToken('viewer');
    scoped = await f.h.withToken('viewer', { pairScope: ['p2'] });
    scopedOperator = await f.h.signedIn('operator', { pairScope: ['p2'] });
    for (let n = 1; n <= 4; n++) f.loopback.put(sampleItem(n, n === 3 ? { name: '' } : {}));
    first = await runThroughApi(operator, 'items');
    f.loopback.put(sampleItem(5, { email: 'Zoë.100%@Example.NL' }));
    second = await runThroughApi(operator, 'items');
    await runThroughApi(operator, 'items2');
  });
  afterAll(async () => {
    await f?.close();
  });

  it('shows a run with its counts, duration, API calls, job, records by state and its failures by name', async () => {
    expect(first).toMatchObject({
      flowId: 'items',
      pairId: 'p1',
      trigger: 'manual',
      state: 'partial',
      counts: { read: 4, created: 3, deadLettered: 1 },
      apiCalls: { src: 1, tgt: 3 },
      error: null,
      recordsByState: { created: 3, dead_lettered: 1 },
      job: { state: 'completed', name: 'flow.run', flowId: 'items', pairId: 'p1', runIds: [first.id] },
      failures: [
        {
          sourceId: 'I00003',
          label: 'loopback item I00003',
          state: 'dead_lettered',
          errorCode: 'mapping.required_missing',
          deadLetterId: expect.stringMatching(/^dl_/),
        },
      ],
    });
    expect(first.durationMs).toBeGreaterThanOrEqual(0);
    const hidden = await scoped.get(`/api/runs/${first.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('run.not_found');
    expect((await scoped.get('/api/runs/run_nope')).body.error.code).toBe('run.not_found');
    expect((await scoped.get(`/api/jobs/${first.jobId}`)).status).toBe(404);
  });

  it('lists runs newest first, filtered and in pages, only within scope', async () => {
    const all = await viewer.get('/api/runs?flow=items');
    expect(all.body.items.map((r: any) => r.id)).toEqual([second.id, first.id]);
    const page1 = await viewer.get('/api/runs?limit=1&pair=p1');
    expect(page1.body).toMatchObject({ items: [{ id: second.id }], next: second.id });
    const page2 = await viewer.get(`/api/runs?limit=1&pair=p1&before=${page1.body.next}`);
    expect(page2.body.items.map((r: any) => r.id)).toEqual([first.id]);
    expect((await viewer.get('/api/runs?state=partial&trigger=manual&flow=items')).body.items).toHaveLength(
      1,
    );
    expect((await scoped.get('/api/runs')).body.items.map((r: any) => r.flowId)).toEqual(['items2']);
    expect((await scoped.get('/api/runs?pair=p1')).body.items).toEqual([]);
    const bad = await viewer.get('/api/runs?state=finished&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('querystring.state');
    expect(bad.body.error.message).toContain('querystring.limit');
  });

  it('finds records by what people know them by, case-insensitive, and names each one', async () => {
    const byEmail = await viewer.get('/api/records?q=BUYER2@example.nl&pair=p1');
    expect(byEmail.body.items).toEqual([
      expect.objectContaining({
        sourceId: 'I00002',
        label: 'loopback item I00002 "Item 2"',
        state: 'created',
        flowId: 'items',
        runId: first.id,
        error: null,
        deadLetter: null,
      }),
    ]);
    const targetId = byEmail.body.items[0].targetId as string;
    expect((await viewer.get(`/api/records?q=${targetId}&flow=items`)).body.items[0].sourceId).toBe('I00002');
    expect((await viewer.get('/api/records?q=item%204&flow=items')).body.items[0].sourceId).toBe('I00004');
    // % and _ are what they are, not wildcards.
    const search = (q: string) => viewer.get(`/api/records?flow=items&q=${encodeURIComponent(q)}`);
    expect((await search('zoë.100%@')).body.items.map((r: any) => r.sourceId)).toEqual(['I00005']);
    expect((await search('buyer_')).body.items).toEqual([]);
    expect((await search('%')).body.items.map((r: any) => r.sourceId)).toEqual(['I00005']);
    // Another pair's records are not found, even by a term that is theirs.
    expect(
      (await scoped.get('/api/records?q=buyer2@example.nl')).body.items.map((r: any) => r.flowId),
    ).toEqual(['items2']);
  });

  it('filters records by run, state, error code and time, newest first in pages', async () => {
    const failed = await viewer.get('/api/records?state=dead_lettered&pair=p1');
    expect(failed.body.items).toEqual([
      expect.objectContaining({
        sourceId: 'I00003',
        error: expect.objectContaining({ code: 'mapping.required_missing' }),
        deadLetter: { id: expect.stringMatching(/^dl_/), state: 'open' },
      }),
    ]);
    expect(
      (await viewer.get('/api/records?errorCode=mapping.required_missing&flow=items')).body.items,
    ).toHaveLength(1);
    // People remember a part of what went wrong, in any case: of the code or of the sentence.
    const byError = (text: string) => viewer.get(`/api/records?flow=items&error=${encodeURIComponent(text)}`);
    expect((await byError('REQUIRED_miss')).body.items.map((r: any) => r.sourceId)).toEqual(['I00003']);
    const sentence = failed.body.items[0].error.message as string;
    const part = sentence.slice(2, 14).toUpperCase();
    expect((await byError(part)).body.items.map((r: any) => r.sourceId)).toEqual(['I00003']);
    expect((await byError('%')).body.items).toEqual([]);
    expect((await scoped.get('/api/records?error=required')).body.items.map((r: any) => r.flowId)).toEqual([
      'items2',
    ]);
    const ofRun = await viewer.get(`/api/records?run=${second.id}`);
    expect(ofRun.body.items.map((r: any) => r.sourceId)).toEqual(['I00005']);
    const page1 = await viewer.get('/api/records?flow=items&limit=2');
    expect(page1.body.items).toHaveLength(2);
    const page2 = await viewer.get(`/api/records?flow=items&limit=10&before=${page1.body.next}`);
    expect(page2.body).toMatchObject({ next: null });
    expect([...page1.body.items, ...page2.body.items].map((r: any) => r.sourceId).sort()).toEqual([
      'I00001',
      'I00002',
      'I00003',
      'I00004',
      'I00005',
    ]);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await viewer.get(`/api/records?flow=items&from=${tomorrow}`)).body.items).toEqual([]);
    expect((await viewer.get(`/api/records?flow=items&to=${tomorrow}`)).body.items).toHaveLength(5);
    const bad = await viewer.get('/api/records?from=yesterday&state=nope');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('querystring.from');
    expect(bad.body.error.message).toContain('querystring.state');
  });

  it("shows a record's whole timeline, its dead letter and run, and says when retention purged its payloads", async () => {
    const [failed] = (await viewer.get('/api/records?state=dead_lettered&flow=items')).body.items;
    const shown = await viewer.get(`/api/records/${failed.id}`);
    expect(shown.body).toMatchObject({
      id: failed.id,
      label: 'loopback item I00003',
      snapshot: { id: 'I00003', name: '' },
      payloadsPurged: false,
      deadLetter: { state: 'open', errorCode: 'mapping.required_missing', replayCount: 0 },
      run: { id: first.id, state: 'partial', trigger: 'manual' },
    });
    expect(shown.body.timeline.map((s: any) => s.step)).toEqual(['received', 'failed', 'dead_lettered']);
    const [created] = (await viewer.get('/api/records?q=buyer1@example.nl&flow=items')).body.items;
    const record = (await viewer.get(`/api/records/${created.id}`)).body;
    expect(record.timeline.map((s: any) => s.step)).toContain('requested');
    expect(record.payload).toMatchObject({ name: 'Item 1', reference: 'koppel:items:I00001' });
    expect(record.request).toMatchObject({ method: 'POST', url: '/target/items', status: 201 });
    expect((await scoped.get(`/api/records/${created.id}`)).body.error.code).toBe('record.not_found');

    const later = new Date(Date.now() + 15 * 86_400_000);
    await purgeActivity({ ...f.h.app.engine, clock: { now: () => later, sleep: async () => {} } });
    const purged = (await viewer.get(`/api/records/${created.id}`)).body;
    expect(purged).toMatchObject({ payloadsPurged: true, snapshot: null, payload: null, request: null });
    expect(purged.timeline.length).toBe(record.timeline.length);
    // Fifteen days on, the purge also ended the sessions of the signed-in clients: sign in anew.
    operator = await f.h.signedIn('operator');
    scopedOperator = await f.h.signedIn('operator', { pairScope: ['p2'] });
  });

  it('lists events within scope, filtered, and lets an operator acknowledge them one by one or together', async () => {
    const at = new Date().toISOString();
    let n = 0;
    // Ids a millisecond apart, so newest first is the order they were made in.
    const event = (pair: string | null, severity: string) => ({
      id: newId('evt', new Date(Date.now() + ++n)),
      type: 'run.failed',
      severity,
      pair_id: pair,
      flow_id: null,
      connection_id: null,
      run_id: null,
      message: `something in ${pair ?? 'the installation'}`,
      details: '{"code":"x"}',
      created_at: at,
      acknowledged_at: null,
    });
    const [e1, e2, e3] = [event('p1', 'error'), event('p2', 'warning'), event(null, 'error')];
    // The tests before this one leave events of their own (the purge warns of open dead letters
    // whose payloads it keeps); this one lists and acknowledges only the three it makes.
    await f.h.app.store.db.deleteFrom('events').execute();
    for (const e of [e1!, e2!, e3!]) await insertEvent(f.h.app.store.db, e);
    const all = await viewer.get('/api/events?acknowledged=false');
    expect(all.body.items.map((e: any) => e.id)).toEqual([e3!.id, e2!.id, e1!.id]);
    expect(all.body.items[2]).toMatchObject({ pairId: 'p1', severity: 'error', details: { code: 'x' } });
    expect((await viewer.get('/api/events?severity=warning')).body.items.map((e: any) => e.id)).toEqual([
      e2!.id,
    ]);
    expect((await scoped.get('/api/events')).body.items.map((e: any) => e.id)).toEqual([e2!.id]);

    expect((await viewer.post(`/api/events/${e1!.id}/acknowledge`)).status).toBe(403);
    expect((await scopedOperator.post(`/api/events/${e1!.id}/acknowledge`)).status).toBe(404);
    expect((await scopedOperator.post(`/api/events/${e3!.id}/acknowledge`)).status).toBe(404);
    const one = await operator.post(`/api/events/${e1!.id}/acknowledge`);
    expect(one.status).toBe(200);
    expect(one.body.acknowledgedAt).not.toBeNull();

    // All or none: one unknown id and nothing is acknowledged.
    const partly = await scopedOperator.post('/api/events/acknowledge', { ids: [e2!.id, 'evt_nope'] });
    expect(partly.status).toBe(404);
    expect(partly.body.error.message).toContain('evt_nope');
    expect((await viewer.get('/api/events?acknowledged=false')).body.items.map((e: any) => e.id)).toEqual([
      e3!.id,
      e2!.id,
    ]);
    const both = await operator.post('/api/events/acknowledge', { ids: [e2!.id, e3!.id, e1!.id] });
    expect(both.body.items.map((e: any) => e.acknowledgedAt === null)).toEqual([false, false, false]);
    expect((await viewer.get('/api/events?acknowledged=false')).body.items).toEqual([]);
    expect((await viewer.get('/api/events?acknowledged=true')).body.items[2].acknowledgedAt).toBe(
      one.body.acknowledgedAt,
    );
    const audits = await f.h.app.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'event.acknowledge')
      .orderBy('at')
      .execute();
    expect(audits.map((a) => JSON.parse(a.details).ids)).toEqual([[e1!.id], [e2!.id, e3!.id, e1!.id]]);
    expect(audits[1]!.actor_name).toMatch(/^operator-/);
    expect((await operator.post('/api/events/acknowledge', { ids: [] })).status).toBe(400);
  });

  it('reports the API budget per Exact division within scope', async () => {
    const { db } = f.h.app.store;
    const at = new Date().toISOString();
    await upsertConnection(
      db,
      {
        id: 'exact-p2',
        pairId: 'p2',
        app: 'exact-online',
        name: 'Exact',
        settings: { clientId: 'app-1', division: 7 },
        encryptedCredentials: null,
        credentialRefs: {},
      },
      at,
    );
    const now = Date.now();
    const state = (remaining: number) =>
      JSON.stringify({
        minute: { limit: 60, remaining, resetAt: now + 30_000 },
        day: { limit: 5000, remaining: 4000, resetAt: now + 3_600_000 },
        minuteLimit: 60,
        inFlight: 0,
        errors: {},
        updatedAt: now,
      });
    for (const [division, remaining] of [
      ['7', 50],
      ['9', 10],
    ] as const)
      await insertApiBudget(db, {
        key: `exact-online:app-1:${division}`,
        app: 'exact-online',
        client_id: 'app-1',
        division,
        state: state(remaining),
        version: 1,
        updated_at: at,
      });
    const all = await viewer.get('/api/budget');
    expect(all.body.items).toEqual([
      {
        pairId: 'p2',
        connectionId: 'exact-p2',
        division: '7',
        clientId: 'app-1',
        budget: {
          minute: { used: 10, left: 50, resetAt: new Date(now + 30_000).toISOString() },
          day: { used: 1000, left: 4000, resetAt: new Date(now + 3_600_000).toISOString() },
          errorsLastHour: 0,
          updatedAt: new Date(now).toISOString(),
        },
      },
      expect.objectContaining({ pairId: null, division: '9' }),
    ]);
    expect((await scoped.get('/api/budget')).body.items.map((b: any) => b.division)).toEqual(['7']);
    expect((await viewer.get('/api/budget?pair=p1')).body.items).toEqual([]);
    const narrow = await f.h.withToken('viewer', { pairScope: ['p1'] });
    expect((await narrow.get('/api/budget')).body.items).toEqual([]);
  });

  it('cancels a waiting job at once, refuses an ended one, and keeps installation-wide jobs from scoped callers', async () => {
    // A queue no worker serves: the job waits.
    const { id } = await f.h.service.queue.enqueue({ queue: 'nobody', name: 'activity.purge' });
    expect((await scoped.get(`/api/jobs/${id}`)).status).toBe(404);
    expect((await viewer.get(`/api/jobs/${id}`)).body).toMatchObject({
      state: 'queued',
      pairId: null,
      flowId: null,
    });
    expect((await viewer.post(`/api/jobs/${id}/cancel`)).status).toBe(403);
    expect((await scopedOperator.post(`/api/jobs/${id}/cancel`)).status).toBe(404);
    const cancelled = await operator.post(`/api/jobs/${id}/cancel`);
    expect(cancelled).toMatchObject({ status: 202, body: { jobId: id, outcome: 'cancelled' } });
    expect((await viewer.get(`/api/jobs/${id}`)).body).toMatchObject({ state: 'cancelled' });
    const again = await operator.post(`/api/jobs/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'job.finished', details: { state: 'cancelled' } });
    const ended = await operator.post(`/api/runs/${first.id}/cancel`);
    expect(ended.status).toBe(409);
    expect(ended.body.error.code).toBe('run.finished');
    expect((await scopedOperator.post(`/api/runs/${first.id}/cancel`)).status).toBe(404);
  });
});
