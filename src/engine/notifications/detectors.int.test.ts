import { afterEach, describe, expect, it } from 'vitest';
import { StoreQueue } from '../../queue/index.js';
import { newId } from '../../core/ids.js';
import { insertApiBudget } from '../../store/repos/api-budgets.js';
import { insertRun } from '../../store/repos/runs.js';
import { testDialects } from '../../testing/databases.js';
import { createEngineHarness, sampleItem, type EngineHarness } from '../../testing/engine-harness.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';
import { unreachableUrl, WebhookReceiver } from '../../testing/webhook-receiver.js';
import { enqueueFlowRun } from '../enqueue-run.js';
import { runFlow } from '../run-flow.js';
import { ensureWebhookSubscriptions } from '../webhook-subscriptions.js';
import {
  detectBacklog,
  detectBudgetNearLimit,
  detectExpiringTokens,
  detectFailingFlows,
  detectRefusedWebhooks,
} from './detectors.js';

const dayMs = 86_400_000;

describe.each(testDialects)('alert detectors on %s', (dialect) => {
  describe('with the Exact sandbox', () => {
    let pair: Pair | undefined;
    let receiver: WebhookReceiver | undefined;
    afterEach(async () => {
      await receiver?.stop();
      await pair?.close();
      pair = receiver = undefined;
    });

    it('sees a refused webhook subscription until a later check succeeds', async () => {
      pair = await startPair(dialect);
      const deps = pair.fx.h.deps;
      await ensureWebhookSubscriptions(deps, new URL(await unreachableUrl()).origin);
      const [refused] = await detectRefusedWebhooks(deps, deps.clock.now());
      expect(refused).toMatchObject({
        key: 'webhooks.refused:exact',
        kind: 'webhooks.refused',
        severity: 'warning',
        connectionId: 'exact',
      });
      expect(refused!.title).toContain('SalesInvoices');
      // A later success clears it by one restored event; further successes add none.
      receiver = await new WebhookReceiver().start();
      await ensureWebhookSubscriptions(deps, new URL(receiver.url).origin);
      expect(await detectRefusedWebhooks(deps, deps.clock.now())).toEqual([]);
      await ensureWebhookSubscriptions(deps, new URL(receiver.url).origin);
      const restored = await pair.fx.h.store.db
        .selectFrom('events')
        .select('type')
        .where('type', '=', 'webhook.subscription_restored')
        .execute();
      expect(restored).toHaveLength(1);
    });

    it('warns of an Exact refresh token that dies within three days unused', async () => {
      pair = await startPair(dialect);
      const deps = pair.fx.h.deps;
      const now = deps.clock.now();
      expect(await detectExpiringTokens(deps, now)).toEqual([]);
      const [expiring] = await detectExpiringTokens(deps, new Date(now.getTime() + 28 * dayMs));
      expect(expiring).toMatchObject({ key: 'token.expiring:exact', severity: 'warning' });
      expect(expiring!.fix.cli).toBe('koppel connect exact');
      // Nothing of the credentials travels in the problem.
      const credentials = deps.box.decryptJson(
        (
          await pair.fx.h.store.db
            .selectFrom('connections')
            .select('credentials')
            .where('id', '=', 'exact')
            .executeTakeFirstOrThrow()
        ).credentials!,
      );
      expect(JSON.stringify(expiring)).not.toContain(credentials['refreshToken']);
    });

    it('warns of a division whose day budget is at least 90 % used', async () => {
      pair = await startPair(dialect);
      const deps = pair.fx.h.deps;
      const now = deps.clock.now();
      const row = await pair.fx.h.store.db
        .selectFrom('connections')
        .select('settings')
        .where('id', '=', 'exact')
        .executeTakeFirstOrThrow();
      const settings = JSON.parse(row.settings) as { clientId: string; division: number };
      // The state the budget ledger keeps after Exact's headers said 450 of 5000 calls are left today.
      const state = (remaining: number) =>
        JSON.stringify({
          minute: null,
          day: { limit: 5000, remaining, resetAt: now.getTime() + 3_600_000 },
          minuteLimit: 60,
          inFlight: 0,
          errors: {},
          updatedAt: now.getTime(),
        });
      const key = `exact-online:${settings.clientId}:${settings.division}`;
      await pair.fx.h.store.db.deleteFrom('api_budgets').execute();
      await insertApiBudget(pair.fx.h.store.db, {
        key,
        app: 'exact-online',
        client_id: settings.clientId,
        division: String(settings.division),
        state: state(450),
        version: 0,
        updated_at: now.toISOString(),
      });
      const [near] = await detectBudgetNearLimit(deps, now);
      expect(near).toMatchObject({ kind: 'budget.near_limit', connectionId: 'exact', severity: 'warning' });
      expect(near!.title).toContain('91 %');
      await pair.fx.h.store.db
        .updateTable('api_budgets')
        .set({ state: state(600) })
        .execute();
      expect(await detectBudgetNearLimit(deps, now)).toEqual([]);
    });
  });

  describe('with the loopback flow', () => {
    let h: EngineHarness;
    afterEach(async () => h?.close());

    it('sees a flow whose last three finished runs failed, until one succeeds', async () => {
      h = await createEngineHarness(dialect);
      h.loopback.put(sampleItem(1));
      h.loopback.faults.sourceDown = true;
      for (let i = 0; i < 2; i++) await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
      expect(await detectFailingFlows(h.deps, h.clock.now())).toEqual([]);
      await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
      const [failing] = await detectFailingFlows(h.deps, h.clock.now());
      expect(failing).toMatchObject({
        key: `flow.failing:${h.flowId}`,
        severity: 'critical',
        flowId: h.flowId,
      });
      expect(failing!.fix.webPath).toMatch(/^\/activity\/runs\/run_/);
      h.loopback.faults.sourceDown = false;
      await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
      expect(await detectFailingFlows(h.deps, h.clock.now())).toEqual([]);
    });

    it('counts a yielded run neither as a failure nor as a success of the flow', async () => {
      h = await createEngineHarness(dialect);
      h.loopback.faults.sourceDown = true;
      /** A backfill that gave its worker up for API budget, as the engine records one. */
      const yielded = async () => {
        h.clock.advance(1_000);
        const at = h.clock.now().toISOString();
        await insertRun(h.store.db, {
          id: newId('run', h.clock.now()),
          pair_id: 'p1',
          flow_id: h.flowId,
          trigger: 'schedule',
          state: 'yielded',
          job_id: null,
          counts: '{}',
          api_calls: '{}',
          error_code: 'budget.yield',
          error_message: 'The Exact minute budget for this division is spent',
          created_at: at,
          started_at: at,
          finished_at: at,
        });
      };
      const failed = async () => {
        h.clock.advance(1_000);
        expect((await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' })).state).toBe('failed');
      };
      await failed();
      await failed();
      for (let i = 0; i < 3; i++) await yielded();
      expect(await detectFailingFlows(h.deps, h.clock.now())).toEqual([]);
      await yielded();
      await failed();
      expect(await detectFailingFlows(h.deps, h.clock.now())).toMatchObject([{ kind: 'flow.failing' }]);
    });

    it('sees runs waiting in the queue for more than 30 minutes', async () => {
      h = await createEngineHarness(dialect);
      await enqueueFlowRun(h.store.db, new StoreQueue(h.store, h.clock), h.flowId, 'manual', 10);
      const now = h.clock.now();
      expect(await detectBacklog(h.deps, new Date(now.getTime() + 29 * 60_000))).toEqual([]);
      const [late] = await detectBacklog(h.deps, new Date(now.getTime() + 31 * 60_000));
      expect(late).toMatchObject({ key: `backlog:${h.flowId}`, kind: 'backlog.growing', flowId: h.flowId });
      expect(late!.title).toContain('1 run waiting for 31 minutes');
    });
  });
});
