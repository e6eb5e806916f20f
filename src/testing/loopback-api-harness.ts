import type { FlowRegistry } from '../engine/types.js';
import type { DialectName } from '../store/database.js';
import { upsertConnection } from '../store/repos/connections.js';
import { upsertFlow } from '../store/repos/flows.js';
import { upsertPair } from '../store/repos/pairs.js';
import { startApiHarness, type ApiHarness, type ApiHarnessOptions } from './api-harness.js';
import { seedLoopbackFlow } from './engine-harness.js';
import { loopbackRegistry } from './loopback-flow.js';
import { LoopbackServer } from './loopback-server.js';

export interface LoopbackApiHarness extends ApiHarness {
  loopback: LoopbackServer;
  /** Flow `items` of pair `p1` (connections `src`, `tgt`). */
  flowId: string;
  /** Flow `other` of pair `p2`, on the same loopback server: for requests across pairs. */
  otherFlowId: string;
}

/**
 * Test-only: the API harness with two pairs of loopback flows: `p1` with flow `items`, `p2` with
 * flow `other`, both reading and writing one loopback server.
 */
export async function startLoopbackApiHarness(
  dialect: DialectName,
  options: ApiHarnessOptions & { flowSettings?: Record<string, unknown>; registry?: FlowRegistry } = {},
): Promise<LoopbackApiHarness> {
  const loopback = await new LoopbackServer().start();
  const { flowSettings = {}, ...rest } = options;
  try {
    const h = await startApiHarness(dialect, {
      registry: loopbackRegistry,
      ...rest,
      async configure(app) {
        await seedLoopbackFlow(app.store, app.box, loopback, 'items', flowSettings);
        const at = new Date().toISOString();
        const settings = { baseUrl: loopback.url };
        await upsertPair(app.store.db, { id: 'p2', name: 'Other pair' }, at);
        for (const [id, appName, credentials] of [
          ['src2', 'loopback-source', null],
          ['tgt2', 'loopback-target', app.box.encryptJson({ token: loopback.token })],
        ] as const) {
          await upsertConnection(
            app.store.db,
            {
              id,
              pairId: 'p2',
              app: appName,
              name: id,
              settings,
              encryptedCredentials: credentials,
              credentialRefs: {},
            },
            at,
          );
        }
        await upsertFlow(
          app.store.db,
          {
            id: 'other',
            pairId: 'p2',
            kind: 'loopback-items',
            sourceConnectionId: 'src2',
            targetConnectionId: 'tgt2',
            enabled: true,
            schedule: null,
            priority: 100,
            settings: flowSettings,
            mappingVersion: null,
          },
          at,
        );
        await rest.configure?.(app);
      },
    });
    return {
      ...h,
      loopback,
      flowId: 'items',
      otherFlowId: 'other',
      async close() {
        await h.close();
        await loopback.stop();
      },
    };
  } catch (e) {
    await loopback.stop();
    throw e;
  }
}
