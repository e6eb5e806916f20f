import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOneTimeLink } from '../../access/one-time-links.js';
import { purgeActivity } from '../../engine/purge.js';
import { startApiHarness, type ApiHarness } from '../../testing/api-harness.js';
import { testDialects } from '../../testing/databases.js';

describe.each(testDialects)('the retention purge of sign-in rows, and over the API (%s)', (dialect) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness(dialect);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('deletes ended sessions and spent or expired links, keeping what can still be used', async () => {
    const { db } = h.app.store;
    const owner = await h.signedIn('owner');
    await createOneTimeLink(db, h.app.clock, { purpose: 'setup' });
    const rows = async () => ({
      sessions: (await db.selectFrom('sessions').select('id').execute()).length,
      links: (await db.selectFrom('one_time_links').select('id').execute()).length,
    });
    const before = await rows();
    expect(before).toEqual({ sessions: 1, links: 1 });
    // Today nothing has ended: the session and the link stay, and the owner stays signed in.
    const now = await owner.post('/api/purge');
    expect(now.status).toBe(200);
    expect(now.body.accessRowsDeleted).toBe(0);
    expect(await rows()).toEqual(before);
    expect((await owner.get('/api/status')).status).toBe(200);
    // Two days on, the session (12 hours at most) and the link (24 hours) are past their end.
    const later = new Date(Date.now() + 2 * 86_400_000);
    const result = await purgeActivity({
      ...h.app.engine,
      clock: { now: () => later, sleep: async () => {} },
    });
    expect(result.accessRowsDeleted).toBe(2);
    expect(await rows()).toEqual({ sessions: 0, links: 0 });
    expect((await owner.get('/api/status')).status).toBe(401);
  });

  it('lets only an owner who sees every pair purge', async () => {
    expect((await (await h.signedIn('operator')).post('/api/purge')).status).toBe(403);
    expect((await (await h.signedIn('owner', { pairScope: ['x'] })).post('/api/purge')).status).toBe(403);
  });
});
