import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../testing/api-harness.js';
import { testDialects } from '../testing/databases.js';

describe.each(testDialects)('a web process (role web) on %s', (dialect) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness(dialect, { role: 'web' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is ready without workers, and lists itself to operators as a web process that runs nothing', async () => {
    const ready = await h.anonymous().get('/readyz');
    expect([ready.status, ready.body]).toEqual([
      200,
      { ready: true, checks: { database: 'ok', migrations: 'ok', workers: 'ok' } },
    ]);

    const operator = await h.signedIn('operator');
    const listed = await operator.get('/api/workers');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      items: [
        expect.objectContaining({ role: 'web', pid: process.pid, concurrency: 0, gone: false, running: [] }),
      ],
    });
    // Host names and process ids are for operators of the whole installation.
    expect((await (await h.signedIn('viewer')).get('/api/workers')).status).toBe(403);
    expect((await (await h.signedIn('operator', { pairScope: ['p1'] })).get('/api/workers')).status).toBe(
      403,
    );
  });
});
