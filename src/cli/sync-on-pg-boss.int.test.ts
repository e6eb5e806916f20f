import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { checkedRegistry } from '../testing/checked-flow.js';
import { createEngineHarness, sampleItem, type EngineHarness } from '../testing/engine-harness.js';
import { runKoppel } from '../testing/run-koppel.js';

describe('koppel with KOPPEL_QUEUE=pg-boss on postgres', () => {
  let h: EngineHarness;
  afterEach(async () => h?.close());

  it('runs `sync --once` as a job of pg-boss, under the flow’s lock key, and leaves the jobs table alone', async () => {
    h = await createEngineHarness('postgres');
    for (let n = 1; n <= 3; n++) h.loopback.put(sampleItem(n));
    const ok = await runKoppel(h, ['sync', h.flowId, '--once'], {
      registry: checkedRegistry,
      env: { KOPPEL_QUEUE: 'pg-boss' },
    });
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toMatch(/succeeded\. read 3, created 3/);
    expect(h.loopback.target.size).toBe(3);

    const client = new pg.Client({ connectionString: h.tdb.env.DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; state: string; lock: string }>(
        `select data->>'name' as name, state, data->>'lockKey' as lock from pgboss.job`,
      );
      expect(rows).toEqual([
        { name: 'flow.run', state: 'completed', lock: expect.stringContaining(h.flowId) },
      ]);
    } finally {
      await client.end();
    }
    expect(await h.store.db.selectFrom('jobs').select('id').execute()).toEqual([]);
  });
});
