import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from './core/config.js';
import { enqueueFlowRun } from './engine/enqueue-run.js';
import { createApp, type App } from './main.js';
import { PgBossQueue } from './queue/pg-boss-queue.js';
import { startWorkerService, type RunningWorker } from './service.js';
import { checkedRegistry } from './testing/checked-flow.js';
import {
  createEngineHarness,
  harnessSecretKey,
  sampleItem,
  type EngineHarness,
} from './testing/engine-harness.js';

describe('a worker process with KOPPEL_QUEUE=pg-boss', () => {
  let h: EngineHarness | undefined;
  let app: App | undefined;
  let worker: RunningWorker | undefined;
  afterEach(async () => {
    await worker?.stop();
    await app?.close();
    await h?.close();
  });

  it('runs a flow run queued through the port on pg-boss', async () => {
    h = await createEngineHarness('postgres');
    for (let n = 1; n <= 2; n++) h.loopback.put(sampleItem(n));
    const config = loadConfig({
      ...h.tdb.env,
      KOPPEL_QUEUE: 'pg-boss',
      KOPPEL_SECRET_KEY: harnessSecretKey,
      KOPPEL_LOG_LEVEL: 'silent',
    });
    app = await createApp(config, { registry: checkedRegistry });
    expect(app.queue).toBeInstanceOf(PgBossQueue);
    worker = await startWorkerService(app, { pollIntervalMs: 50 });
    const { id } = await enqueueFlowRun(app.store.db, app.queue, h.flowId, 'manual', 50);
    const job = await vi.waitFor(
      async () => {
        const j = await app!.queue.get(id);
        if (j?.state !== 'completed') throw new Error(`job is ${j?.state}`);
        return j;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(job).toMatchObject({ name: 'flow.run', attempts: 1 });
    expect(h.loopback.target.size).toBe(2);
  });
});
