import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../core/logging.js';
import { SecretRegistry } from '../core/secret-registry.js';
import { StoreQueue, WorkerPool } from '../queue/index.js';
import { saveCursor } from '../store/repos/cursors.js';
import { upsertFlow } from '../store/repos/flows.js';
import { testDialects } from '../testing/databases.js';
import { createEngineHarness, sampleItem, type EngineHarness } from '../testing/engine-harness.js';
import { enqueueFlowRun } from './enqueue-run.js';
import {
  engineJobHandlers,
  engineQueue,
  engineQueues,
  engineSchedules,
  flowLockKey,
} from './job-handlers.js';
import { pauseConnection } from './pause-connection.js';
import { KoppelError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { getDelivery, queueDelivery } from '../store/repos/notification-deliveries.js';
import { NotificationWebhookReceiver } from '../testing/notification-webhook-receiver.js';
import { notificationsDeliverJob } from './job-handlers.js';
import { writeNotificationSettings } from './notifications/settings.js';
import { notificationSettingsSchema } from './notifications/types.js';

describe.each(testDialects)('engine jobs on %s', (dialect) => {
  let h: EngineHarness;
  afterEach(async () => h?.close());

  async function scheduleFlow(schedule: string | null, enabled = true) {
    await upsertFlow(
      h.store.db,
      {
        id: h.flowId,
        pairId: 'p1',
        kind: 'loopback-items',
        sourceConnectionId: 'src',
        targetConnectionId: 'tgt',
        enabled,
        schedule,
        priority: 10,
        settings: {},
        mappingVersion: null,
      },
      h.clock.now().toISOString(),
    );
  }

  it('schedules enabled flows with a cron and the purge, never a flow whose connection is paused', async () => {
    h = await createEngineHarness(dialect);
    await scheduleFlow('*/5 * * * *');
    const schedules = await engineSchedules(h.deps, '17 3 * * *');
    expect(schedules).toEqual([
      {
        key: 'flow:items',
        cron: '*/5 * * * *',
        name: 'flow.run',
        // No cursor yet: its first run is a backfill, kept from the slot held for live work.
        queue: 'engine.backfill',
        payload: { flowId: 'items', trigger: 'schedule' },
        // Fires fold into a run of the flow that waits, as webhook and manual requests do.
        dedupeKey: 'flow.run:items',
        dedupeWhile: 'queued',
        lockKey: 'flow:items',
        priority: 10,
      },
      {
        key: 'dead-letters:items',
        cron: '*/5 * * * *',
        name: 'dead-letters.auto-retry',
        queue: 'engine',
        payload: { flowId: 'items' },
        lockKey: 'flow:items',
        priority: 10,
      },
      {
        key: 'activity:purge',
        cron: '17 3 * * *',
        name: 'activity.purge',
        queue: 'engine',
        payload: {},
        lockKey: 'activity:purge',
      },
    ]);
    await saveCursor(h.store.db, 'items', '5', h.clock.now().toISOString());
    expect((await engineSchedules(h.deps, '17 3 * * *'))[0]).toMatchObject({
      key: 'flow:items',
      queue: 'engine',
    });
    await scheduleFlow('*/5 * * * *', false);
    expect((await engineSchedules(h.deps, '17 3 * * *')).map((s) => s.key)).toEqual(['activity:purge']);
    await scheduleFlow('*/5 * * * *');
    await pauseConnection(h.deps, 'src', new KoppelError('gone', { code: 'x.y', kind: 'auth' }), {
      pairId: 'p1',
      flowId: 'items',
      runId: 'run_x',
    });
    expect((await engineSchedules(h.deps, '17 3 * * *')).map((s) => s.key)).toEqual(['activity:purge']);
  });

  it('schedules no flow whose connection waits for an authorization or a tenant, and does once it is active', async () => {
    h = await createEngineHarness(dialect);
    await scheduleFlow('*/5 * * * *');
    const keys = async () => (await engineSchedules(h.deps, '17 3 * * *')).map((s) => s.key);
    for (const status of ['needs_authorization', 'needs_tenant']) {
      await h.store.db.updateTable('connections').set({ status }).where('id', '=', 'tgt').execute();
      expect(await keys()).toEqual(['activity:purge']);
    }
    await h.store.db.updateTable('connections').set({ status: 'active' }).where('id', '=', 'tgt').execute();
    expect(await keys()).toEqual(['flow:items', 'dead-letters:items', 'activity:purge']);
  });

  it('runs a flow as a job, and hands a run that hit a long rate limit back to the queue for later', async () => {
    h = await createEngineHarness(dialect);
    for (let n = 1; n <= 3; n++) h.loopback.put(sampleItem(n));
    const queue = new StoreQueue(h.store, h.clock);
    const secrets = new SecretRegistry();
    const pool = new WorkerPool({
      queue,
      clock: h.clock,
      logger: createLogger({ level: 'silent', secrets }),
      concurrency: 2,
      queues: engineQueues,
      handlers: engineJobHandlers(h.deps),
      pollIntervalMs: 10,
      leaseMs: 60_000,
      backoff: { baseMs: 1_000, capMs: 60_000 },
    });
    h.loopback.faults.rateLimited = { count: 1, retryAfterSeconds: 3600 };
    const job = await enqueueFlowRun(h.store.db, queue, h.flowId, 'manual', 10);
    expect((await enqueueFlowRun(h.store.db, queue, h.flowId, 'manual', 10)).deduped).toBe(true);
    pool.start();
    try {
      let state: string | undefined;
      for (let i = 0; i < 200 && state !== 'queued'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const j = await queue.get(job.id);
        state = j?.attempts === 1 ? j.state : undefined;
      }
      const retried = await queue.get(job.id);
      expect(retried).toMatchObject({ state: 'queued', attempts: 1, lockKey: flowLockKey('items') });
      // Retry-After 3600 s: the queue waits an hour, not its own short backoff.
      expect(retried!.runAt.getTime() - h.clock.now().getTime()).toBeGreaterThan(3_500_000);
      expect(retried!.lastError).toContain('loopback.rate_limited');

      h.clock.advance(3_600_000);
      for (let i = 0; i < 200 && (await queue.get(job.id))?.state !== 'completed'; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect((await queue.get(job.id))?.state).toBe('completed');
      expect(h.loopback.target.size).toBe(3);
      const runs = await h.store.db
        .selectFrom('runs')
        .select(['state', 'job_id'])
        .orderBy('created_at')
        .execute();
      expect(runs).toEqual([
        { state: 'failed', job_id: job.id },
        { state: 'succeeded', job_id: job.id },
      ]);
    } finally {
      await pool.stop({ graceMs: 1_000 });
    }
  });

  it('schedules the delivery of notifications only while one waits, and the job sends it', async () => {
    h = await createEngineHarness(dialect);
    const receiver = await new NotificationWebhookReceiver('a-signing-secret-1234').start();
    const keys = async () => (await engineSchedules(h.deps, '17 3 * * *')).map((s) => s.key);
    const queue = new StoreQueue(h.store, h.clock);
    const pool = new WorkerPool({
      queue,
      clock: h.clock,
      logger: createLogger({ level: 'silent', secrets: new SecretRegistry() }),
      concurrency: 1,
      queues: engineQueues,
      handlers: engineJobHandlers(h.deps),
      pollIntervalMs: 10,
      leaseMs: 60_000,
      backoff: { baseMs: 1_000, capMs: 60_000 },
    });
    try {
      expect(await keys()).not.toContain('notifications:deliver');
      const at = h.clock.now().toISOString();
      await writeNotificationSettings(
        h.store.db,
        h.deps.box,
        notificationSettingsSchema.parse({
          recipients: [{ name: 'hook', webhook: { url: receiver.url(), secret: 'a-signing-secret-1234' } }],
        }),
        at,
      );
      const id = newId('ntf');
      await queueDelivery(h.store.db, {
        id,
        dedupe_key: id,
        alert_id: null,
        message_kind: 'test',
        recipient: 'hook',
        channel: 'webhook',
        address: null,
        message: JSON.stringify({ id, kind: 'test', title: 'Test', links: { fix: 'https://x.example/' } }),
        state: 'pending',
        attempts: 0,
        next_attempt_at: at,
        locked_until: null,
        last_error: null,
        created_at: at,
        sent_at: null,
      });
      const schedule = (await engineSchedules(h.deps, '17 3 * * *')).find(
        (s) => s.key === 'notifications:deliver',
      );
      expect(schedule).toEqual({
        key: 'notifications:deliver',
        cron: '* * * * *',
        name: notificationsDeliverJob,
        queue: engineQueue,
        payload: {},
        lockKey: 'notifications:deliver',
      });
      await queue.enqueue({
        name: schedule!.name,
        queue: schedule!.queue,
        payload: {},
        lockKey: 'notifications:deliver',
      });
      pool.start();
      for (let i = 0; i < 300 && (await getDelivery(h.store.db, id))?.state !== 'sent'; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(await getDelivery(h.store.db, id)).toMatchObject({ state: 'sent', attempts: 1 });
      expect(receiver.calls.map((c) => c.signatureValid)).toEqual([true]);
      expect(await keys()).not.toContain('notifications:deliver');
    } finally {
      await pool.stop({ graceMs: 1_000 });
      await receiver.stop();
    }
  });
});
