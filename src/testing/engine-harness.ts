import { Writable } from 'node:stream';
import { createLogger } from '../core/logging.js';
import { SecretBox } from '../core/secret-box.js';
import { SecretRegistry } from '../core/secret-registry.js';
import type { EngineDeps } from '../engine/deps.js';
import { defaultRetryOptions } from '../engine/retry-policy.js';
import type { MappingDefinition } from '../mapping/types.js';
import type { DialectName, Store } from '../store/database.js';
import { upsertConnection } from '../store/repos/connections.js';
import { setFlowMappingVersion, upsertFlow } from '../store/repos/flows.js';
import { saveMappingVersion } from '../store/repos/mappings.js';
import { upsertPair } from '../store/repos/pairs.js';
import { putSetting } from '../store/repos/settings.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { loopbackRegistry } from './loopback-flow.js';
import { LoopbackServer } from './loopback-server.js';
import { FastClock } from './test-clock.js';
import { StoreQueue } from '../queue/store-queue.js';

export const harnessSecretKey = 'test-secret-key-for-koppel-harness';

/** Test-only: a fresh database, a loopback server, and engine dependencies wired as main.ts does. */
export interface EngineHarness {
  tdb: TestDatabase;
  store: Store;
  deps: EngineDeps;
  clock: FastClock;
  loopback: LoopbackServer;
  logLines: string[];
  flowId: string;
  /** Store a new mapping version and point the flow at it. */
  setMapping(definition: MappingDefinition): Promise<number>;
  setFlowSettings(settings: Record<string, unknown>): Promise<void>;
  setInstallationSetting(key: string, value: unknown): Promise<void>;
  close(): Promise<void>;
}

/** Test-only: a log destination that keeps every line it gets. */
export function captureLogLines(): { lines: string[]; destination: Writable } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, destination };
}

export async function createEngineHarness(
  dialect: DialectName,
  options: { flowSettings?: Record<string, unknown> } = {},
): Promise<EngineHarness> {
  const tdb = await createTestDatabase(dialect);
  const store = tdb.open();
  const loopback = await new LoopbackServer().start();
  const clock = new FastClock();
  const { lines: logLines, destination } = captureLogLines();
  const secrets = new SecretRegistry();
  const box = SecretBox.fromText(harnessSecretKey);
  const deps: EngineDeps = {
    store,
    queue: new StoreQueue(store, clock),
    box,
    secrets,
    logger: createLogger({ level: 'debug', secrets, destination }),
    clock,
    registry: loopbackRegistry,
    retry: defaultRetryOptions,
    writeConcurrency: 4,
    defaults: { payloadRetentionDays: 14, metadataRetentionDays: 90, webhookMaxAgeHours: 48 },
  };
  const flowId = 'items';
  await seedLoopbackFlow(store, box, loopback, flowId, options.flowSettings ?? {});
  const at = () => clock.now().toISOString();
  return {
    tdb,
    store,
    deps,
    clock,
    loopback,
    logLines,
    flowId,
    async setMapping(definition) {
      const saved = await saveMappingVersion(store.db, flowId, definition, at());
      await setFlowMappingVersion(store.db, flowId, saved.version, at());
      return saved.version;
    },
    async setFlowSettings(settings) {
      await store.db
        .updateTable('flows')
        .set({ settings: JSON.stringify(settings) })
        .where('id', '=', flowId)
        .execute();
    },
    async setInstallationSetting(key, value) {
      await putSetting(store.db, key, value, at());
    },
    async close() {
      await loopback.stop();
      await store.close();
      await tdb.drop();
    },
  };
}

export async function seedLoopbackFlow(
  store: Store,
  box: SecretBox,
  loopback: LoopbackServer,
  flowId: string,
  flowSettings: Record<string, unknown>,
): Promise<void> {
  const at = new Date().toISOString();
  const db = store.db;
  await upsertPair(db, { id: 'p1', name: 'Test pair' }, at);
  const settings = { baseUrl: loopback.url };
  await upsertConnection(
    db,
    {
      id: 'src',
      pairId: 'p1',
      app: 'loopback-source',
      name: 'Source',
      settings,
      encryptedCredentials: null,
      credentialRefs: {},
    },
    at,
  );
  await upsertConnection(
    db,
    {
      id: 'tgt',
      pairId: 'p1',
      app: 'loopback-target',
      name: 'Target',
      settings,
      encryptedCredentials: box.encryptJson({ token: loopback.token }),
      credentialRefs: {},
    },
    at,
  );
  await upsertFlow(
    db,
    {
      id: flowId,
      pairId: 'p1',
      kind: 'loopback-items',
      sourceConnectionId: 'src',
      targetConnectionId: 'tgt',
      enabled: true,
      schedule: null,
      priority: 100,
      settings: flowSettings,
      mappingVersion: null,
    },
    at,
  );
}

/** Source items with deterministic content. */
export function sampleItem(n: number, extra: Record<string, unknown> = {}) {
  const id = `I${String(n).padStart(5, '0')}`;
  return {
    id,
    name: `Item ${n}`,
    price: `${n}.${String(n % 100).padStart(2, '0')}`,
    email: `buyer${n}@example.nl`,
    iban: `NL${String(10 + (n % 89)).padStart(2, '0')}ABNA${String(n).padStart(10, '0')}`,
    description: `Description of item ${n}`,
    group: n % 3 === 0 ? 'A' : n % 3 === 1 ? 'B' : 'Z',
    ...extra,
  };
}
