import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlow } from '../../engine/run-flow.js';
import { putSetting } from '../../store/repos/settings.js';
import type { ApiClient } from '../../testing/api-harness.js';
import { testDialects } from '../../testing/databases.js';
import { sampleItem } from '../../testing/engine-harness.js';
import { startLoopbackApiHarness, type LoopbackApiHarness } from '../../testing/loopback-api-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the API's JSON as it comes */

/** Poll until `check` passes (a replay runs in the service's workers, not in the request). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const until = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(testDialects)('dead letters over the API (%s)', (dialect) => {
  let h: LoopbackApiHarness;
  let viewer: ApiClient;
  let operator: ApiClient;
  const letterOf = async (flow: string, sourceId: string) =>
    (await viewer.get(`/api/dead-letters?flow=${flow}`)).body.items.find((d: any) => d.sourceId === sourceId);

  beforeAll(async () => {
    h = await startLoopbackApiHarness(dialect, { flowSettings: { reread: true } });
    // Item 2 has no name (the mapping requires one); the target refuses item 3's name.
    h.loopback.faults.rejectName = 'Rejected';
    for (let n = 1; n <= 4; n++)
      h.loopback.put(sampleItem(n, n === 2 ? { name: '' } : n === 3 ? { name: 'Rejected' } : {}));
    for (const flowId of [h.flowId, h.otherFlowId])
      expect((await runFlow(h.app.engine, { flowId, trigger: 'manual' })).counts).toMatchObject({
        deadLettered: 2,
      });
    viewer = await h.signedIn('viewer');
    operator = await h.signedIn('operator');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('lists dead letters newest first, naming each document and its error, never the snapshot', async () => {
    const all = await viewer.get('/api/dead-letters');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(4);
    expect(all.body.next).toBeNull();
    const ids = all.body.items.map((d: any) => d.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const rejected = all.body.items.find((d: any) => d.flowId === 'items' && d.sourceId === 'I00003');
    expect(rejected).toMatchObject({
      pairId: 'p1',
      label: 'loopback item I00003 "Rejected"',
      state: 'open',
      mappingVersion: 0,
      replayCount: 0,
      error: { code: 'loopback.http_422', kind: 'invalid', message: expect.stringContaining('422') },
    });
    expect(all.body.items.every((d: any) => !('snapshot' in d))).toBe(true);
    expect(JSON.stringify(all.body)).not.toContain('buyer3@example.nl');

    const count = async (query: string) => (await viewer.get(`/api/dead-letters?${query}`)).body.items.length;
    expect(await count('flow=items')).toBe(2);
    expect(await count('code=mapping.required_missing')).toBe(2);
    expect(await count('pair=p2&code=loopback.http_422')).toBe(1);
    expect(await count('state=resolved')).toBe(0);
    expect(await count('from=2999-01-01')).toBe(0);
    expect(await count('to=2999-01-01T00:00:00Z')).toBe(4);

    const first = await viewer.get('/api/dead-letters?limit=3');
    expect(first.body.items.map((d: any) => d.id)).toEqual(ids.slice(0, 3));
    const second = await viewer.get(`/api/dead-letters?limit=3&before=${first.body.next}`);
    expect(second.body).toEqual({ items: [all.body.items[3]], next: null });

    const bad = await viewer.get('/api/dead-letters?state=lost&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: any) => i.where).sort()).toEqual([
      'querystring.limit',
      'querystring.state',
    ]);
  });

  it('lists and shows only dead letters of the pairs a scoped caller may see', async () => {
    const scoped = await h.signedIn('viewer', { pairScope: ['p1'] });
    const listed = await scoped.get('/api/dead-letters');
    expect(listed.body.items.map((d: any) => d.pairId)).toEqual(['p1', 'p1']);
    expect((await scoped.get('/api/dead-letters?pair=p2')).body.items).toEqual([]);
    const foreign = await letterOf('other', 'I00002');
    const hidden = await scoped.get(`/api/dead-letters/${foreign.id}`);
    const unknown = await scoped.get('/api/dead-letters/dl_nothing');
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('dead_letter.not_found');
    expect(unknown.body.error.code).toBe(hidden.body.error.code);
  });

  it("shows one dead letter with its record's timeline and its snapshot redacted as stored payloads are", async () => {
    await putSetting(h.app.store.db, 'redaction', ['email'], new Date().toISOString());
    try {
      const letter = await letterOf('items', 'I00003');
      const shown = await viewer.get(`/api/dead-letters/${letter.id}`);
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({ id: letter.id, label: letter.label, snapshotWithheld: null });
      expect(shown.body.record.state).toBe('dead_lettered');
      expect(shown.body.record.timeline.map((s: any) => s.step)).toEqual(
        expect.arrayContaining(['received', 'mapped', 'writing', 'failed', 'dead_lettered']),
      );
      expect(shown.body.snapshot).toMatchObject({ id: 'I00003', name: 'Rejected', email: '[redacted]' });
      expect(shown.body.snapshot.iban).toMatch(/^NL/);
      expect(shown.body.lastReplay).toBeNull();
    } finally {
      await h.app.store.db.deleteFrom('settings').where('key', '=', 'redaction').execute();
    }
  });

  it('withholds the snapshot of a resolved dead letter older than the payload retention, never of an open one', async () => {
    const letter = await letterOf('other', 'I00003');
    const longAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
    await h.app.store.db
      .updateTable('dead_letters')
      .set({ created_at: longAgo })
      .where('id', '=', letter.id)
      .execute();
    // Open: retention keeps its payload until someone acts on it, so it is shown.
    const open = await viewer.get(`/api/dead-letters/${letter.id}`);
    expect(open.body).toMatchObject({ snapshotWithheld: null, snapshot: expect.any(Object) });
    await h.app.store.db
      .updateTable('dead_letters')
      .set({ state: 'resolved' })
      .where('id', '=', letter.id)
      .execute();
    try {
      const shown = await viewer.get(`/api/dead-letters/${letter.id}`);
      expect(shown.body).toMatchObject({ snapshot: null, snapshotWithheld: 'retention' });
    } finally {
      // The tests below replay it.
      await h.app.store.db
        .updateTable('dead_letters')
        .set({ state: 'open' })
        .where('id', '=', letter.id)
        .execute();
    }
  });

  it('replays only for operators, and only with ids, a filter or all', async () => {
    const refused = await viewer.post('/api/dead-letters/replay', { all: true });
    expect(refused.status).toBe(403);
    const nothing = await operator.post('/api/dead-letters/replay', { mode: 'current' });
    expect(nothing.status).toBe(400);
    expect(nothing.body.error.code).toBe('replay.missing_filter');
    const badMode = await operator.post('/api/dead-letters/replay', { all: true, mode: 'later' });
    expect(badMode.body.error.details.issues[0].where).toBe('body.mode');

    const preview = await operator.post('/api/dead-letters/replay', {
      code: 'mapping.required_missing',
      dryRun: true,
    });
    expect(preview.status).toBe(200);
    expect(preview.body.matched).toBe(2);
    expect(preview.body.items.map((d: any) => d.label)).toEqual([
      'loopback item I00002',
      'loopback item I00002',
    ]);
    const scoped = await h.signedIn('operator', { pairScope: ['p1'] });
    const scopedPreview = await scoped.post('/api/dead-letters/replay', { all: true, dryRun: true });
    expect(scopedPreview.body.items.map((d: any) => d.pairId)).toEqual(['p1', 'p1']);
    expect((await scoped.post('/api/dead-letters/replay', { flow: 'other' })).status).toBe(404);
    const foreign = await letterOf('other', 'I00002');
    expect((await scoped.post(`/api/dead-letters/${foreign.id}/replay`, {})).status).toBe(404);
    // Nothing was replayed by any of this.
    expect((await viewer.get('/api/dead-letters?state=open')).body.items).toHaveLength(4);
  });

  it('replays as it was (still refused), then with the source fixed gets the record into the target', async () => {
    const letter = await letterOf('items', 'I00003');
    const asWas = await operator.post('/api/dead-letters/replay', { ids: [letter.id], mode: 'as-was' });
    expect(asWas.status).toBe(202);
    expect(asWas.body).toMatchObject({
      matched: 1,
      mode: 'as-was',
      jobs: [{ flowId: 'items', deadLetters: 1 }],
    });
    const again = await eventually(
      async () => (await viewer.get(`/api/dead-letters/${letter.id}`)).body,
      (d) => d.replayCount === 1 && d.state === 'open',
      'the as-was replay',
    );
    // Failing again is reported as a failure, not as a replay that went through.
    expect(again.lastReplay).toMatchObject({ state: 'dead_lettered', outcome: 'failed' });
    expect([...h.loopback.target.values()].some((t) => t.reference === 'koppel:items:I00003')).toBe(false);

    h.loopback.put(sampleItem(3, { name: 'Three, fixed' }));
    const current = await operator.post(`/api/dead-letters/${letter.id}/replay`, { mode: 'current' });
    expect(current.status).toBe(202);
    expect(current.body).toMatchObject({ matched: 1, mode: 'current' });
    const resolved = await eventually(
      async () => (await viewer.get(`/api/dead-letters/${letter.id}`)).body,
      (d) => d.state === 'resolved',
      'the current replay',
    );
    expect(resolved.lastReplay).toMatchObject({ state: 'created', outcome: 'resolved' });
    const sent = [...h.loopback.target.values()].filter((t) => t.reference === 'koppel:items:I00003');
    expect(sent.map((t) => t.name)).toEqual(['Three, fixed']);

    const twice = await operator.post(`/api/dead-letters/${letter.id}/replay`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('dead_letter.not_open');

    const lines = await h.app.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'dead_letter.replay')
      .orderBy('id')
      .execute();
    expect(lines.map((l) => JSON.parse(l.details))).toEqual([
      expect.objectContaining({ mode: 'as-was', matched: 1, filter: { ids: [letter.id] } }),
      expect.objectContaining({ mode: 'current', matched: 1, filter: { ids: [letter.id] } }),
    ]);
    expect(lines.map((l) => [l.pair_id, l.target_id])).toEqual([
      ['p1', null],
      ['p1', letter.id],
    ]);
  });

  it('dismisses an open dead letter for operators only, once, and audits it', async () => {
    const letter = await letterOf('other', 'I00002');
    expect(letter.state).toBe('open');
    expect((await viewer.post(`/api/dead-letters/${letter.id}/dismiss`)).status).toBe(403);
    const scoped = await h.signedIn('operator', { pairScope: ['p1'] });
    expect((await scoped.post(`/api/dead-letters/${letter.id}/dismiss`)).status).toBe(404);
    const dismissed = await operator.post(`/api/dead-letters/${letter.id}/dismiss`);
    expect(dismissed.status).toBe(200);
    expect(dismissed.body).toMatchObject({ id: letter.id, state: 'resolved' });
    const again = await operator.post(`/api/dead-letters/${letter.id}/dismiss`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('dead_letter.not_open');
    const lines = await h.app.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'dead_letter.dismiss')
      .execute();
    expect(lines.map((l) => [l.target_id, l.pair_id])).toEqual([[letter.id, letter.pairId]]);
  });
});
