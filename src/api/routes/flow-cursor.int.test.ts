import { afterEach, describe, expect, it } from 'vitest';
import { startTwoPairs, type TwoPairs } from '../../testing/api-activity-fixture.js';
import { runThroughApi } from '../../testing/api-waits.js';
import { testDialects } from '../../testing/databases.js';
import { sampleItem } from '../../testing/engine-harness.js';

describe.each(testDialects)('resetting a flow cursor over the API (%s)', (dialect) => {
  let f: TwoPairs;
  afterEach(async () => {
    await f?.close();
  });

  it('makes the next run read the source from the start, creating nothing twice, and is audited', async () => {
    f = await startTwoPairs(dialect);
    const operator = await f.h.signedIn('operator');
    for (let n = 1; n <= 3; n++) f.loopback.put(sampleItem(n));
    expect(await runThroughApi(operator, 'items')).toMatchObject({ counts: { read: 3, created: 3 } });
    expect((await operator.get('/api/flows/items')).body.cursor).not.toBeNull();

    const reset = await operator.delete('/api/flows/items/cursor');
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ id: 'items', cursor: null });

    const again = await runThroughApi(operator, 'items');
    expect(again).toMatchObject({ counts: { read: 3, created: 0, unchanged: 3 } });
    expect(f.loopback.target.size).toBe(3);

    const owner = await f.h.signedIn('owner');
    const audit = (await owner.get('/api/audit')).body.items as Array<{ action: string; target: unknown }>;
    expect(audit.find((a) => a.action === 'flow.cursor_reset')).toMatchObject({
      target: { kind: 'flow', id: 'items' },
    });
    expect((await operator.delete('/api/flows/nosuch/cursor')).status).toBe(404);
  });
});
