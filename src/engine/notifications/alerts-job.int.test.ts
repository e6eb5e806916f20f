import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logging.js';
import { SecretRegistry } from '../../core/secret-registry.js';
import { StoreQueue, WorkerPool } from '../../queue/index.js';
import { listAlerts } from '../../store/repos/alerts.js';
import { listDeliveries } from '../../store/repos/notification-deliveries.js';
import { testDialects } from '../../testing/databases.js';
import { createEngineHarness, sampleItem, type EngineHarness } from '../../testing/engine-harness.js';
import { enqueueFlowRun } from '../enqueue-run.js';
import {
  alertsEvaluateCron,
  alertsEvaluateJob,
  engineJobHandlers,
  engineQueue,
  engineQueues,
  engineSchedules,
} from '../job-handlers.js';
import { writeNotificationSettings } from './settings.js';
import { notificationSettingsSchema } from './types.js';

const baseUrl = 'http://127.0.0.1:3999';

describe.each(testDialects)('the alerts job on %s', (dialect) => {
  let h: EngineHarness;
  afterEach(async () => h?.close());

  it('is scheduled every minute with the base URL, and only when one is known', async () => {
    h = await createEngineHarness(dialect);
    const schedules = await engineSchedules(h.deps, '17 3 * * *', 20, undefined, baseUrl);
    expect(schedules.find((s) => s.name === alertsEvaluateJob)).toEqual({
      key: 'alerts:evaluate',
      cron: alertsEvaluateCron,
      name: alertsEvaluateJob,
      queue: engineQueue,
      payload: { baseUrl },
      lockKey: alertsEvaluateJob,
    });
    expect((await engineSchedules(h.deps, '17 3 * * *')).map((s) => s.name)).not.toContain(alertsEvaluateJob);
  });

  it('evaluates at once after a run that parked records, so the message waits within seconds', async () => {
    h = await createEngineHarness(dialect);
    await writeNotificationSettings(
      h.store.db,
      h.deps.box,
      notificationSettingsSchema.parse({ recipients: [{ name: 'ops', email: 'ops@example.nl' }] }),
      h.clock.now().toISOString(),
    );
    for (let n = 1; n <= 3; n++) h.loopback.put(sampleItem(n, n === 2 ? { name: '' } : {}));
    const queue = new StoreQueue(h.store, h.clock);
    const pool = new WorkerPool({
      queue,
      clock: h.clock,
      logger: createLogger({ level: 'silent', secrets: new SecretRegistry() }),
      concurrency: 2,
      queues: engineQueues,
      handlers: engineJobHandlers(h.deps, {}, { queue, baseUrl: () => baseUrl }),
      pollIntervalMs: 10,
      leaseMs: 60_000,
      backoff: { baseMs: 1_000, capMs: 60_000 },
    });
    await enqueueFlowRun(h.store.db, queue, h.flowId, 'manual', 10);
    pool.start();
    try {
      for (let i = 0; i < 500 && (await listDeliveries(h.store.db)).length === 0; i++)
        await new Promise((r) => setTimeout(r, 20));
      const [delivery] = await listDeliveries(h.store.db);
      expect(delivery).toMatchObject({ message_kind: 'opened', recipient: 'ops', state: 'pending' });
      expect(JSON.parse(delivery!.message)).toMatchObject({
        count: 1,
        documents: ['loopback item I00002'],
        links: { fix: expect.stringMatching(/^http:\/\/127\.0\.0\.1:3999\/dead-letters\?flow=items&error=/) },
      });
      expect(await listAlerts(h.store.db)).toHaveLength(1);
      const jobs = await h.store.db
        .selectFrom('jobs')
        .select(['name', 'state'])
        .orderBy('created_at')
        .execute();
      expect(jobs.map((j) => j.name)).toEqual(['flow.run', alertsEvaluateJob]);
    } finally {
      await pool.stop({ graceMs: 1_000 });
    }
  });
});
