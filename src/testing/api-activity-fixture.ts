import type { App } from '../main.js';
import { upsertConnection } from '../store/repos/connections.js';
import { upsertFlow } from '../store/repos/flows.js';
import { upsertPair } from '../store/repos/pairs.js';
import type { DialectName } from '../store/database.js';
import { startApiHarness, type ApiHarness } from './api-harness.js';
import { seedLoopbackFlow } from './engine-harness.js';
import { loopbackRegistry } from './loopback-flow.js';
import { LoopbackServer } from './loopback-server.js';

/**
 * Test-only: the API over a loopback server with two pairs, so scope can be proven: pair `p1`
 * (connections `src`, `tgt`, flow `items`) and pair `p2` (connections `src2`, `tgt2`, flow
 * `items2`), both flows enabled, unscheduled, with `labels` on so records have a label.
 */
export interface TwoPairs {
  h: ApiHarness;
  loopback: LoopbackServer;
  close(): Promise<void>;
}

export async function startTwoPairs(
  dialect: DialectName,
  options: { flowSettings?: Record<string, unknown> } = {},
): Promise<TwoPairs> {
  const loopback = await new LoopbackServer().start();
  const settings = { labels: true, ...options.flowSettings };
  const h = await startApiHarness(dialect, {
    registry: loopbackRegistry,
    configure: async (app: App) => {
      await seedLoopbackFlow(app.store, app.box, loopback, 'items', settings);
      await seedSecondPair(app, loopback, settings);
    },
  });
  return {
    h,
    loopback,
    async close() {
      await h.close();
      await loopback.stop();
    },
  };
}

async function seedSecondPair(app: App, loopback: LoopbackServer, settings: Record<string, unknown>) {
  const at = app.clock.now().toISOString();
  const db = app.store.db;
  await upsertPair(db, { id: 'p2', name: 'Second pair' }, at);
  const base = { pairId: 'p2', settings: { baseUrl: loopback.url }, credentialRefs: {} };
  await upsertConnection(
    db,
    { ...base, id: 'src2', app: 'loopback-source', name: 'Source 2', encryptedCredentials: null },
    at,
  );
  await upsertConnection(
    db,
    {
      ...base,
      id: 'tgt2',
      app: 'loopback-target',
      name: 'Target 2',
      encryptedCredentials: app.box.encryptJson({ token: loopback.token }),
    },
    at,
  );
  await upsertFlow(
    db,
    {
      id: 'items2',
      pairId: 'p2',
      kind: 'loopback-items',
      sourceConnectionId: 'src2',
      targetConnectionId: 'tgt2',
      enabled: true,
      schedule: null,
      priority: 100,
      settings,
      mappingVersion: null,
    },
    at,
  );
}
