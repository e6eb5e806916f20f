import type { Clock } from '../core/clock.js';
import { AsperionClient, type AsperionClientOptions } from '../connectors/asperion/asperion-client.js';
import { tokensToCredentials } from '../connectors/kit/token-lease.js';
import { CallCounter, connectorContext } from '../engine/connector-context.js';
import type { EngineDeps } from '../engine/deps.js';
import { defaultClientId, defaultClientSecret } from '../sandboxes/asperion/credentials.js';
import { startTestSandbox, type TestSandbox } from '../sandboxes/asperion/testing/test-sandbox.js';
import type { AsperionSettings } from '../sandboxes/asperion/settings.js';
import type { DialectName } from '../store/database.js';
import { upsertConnection } from '../store/repos/connections.js';
import { createEngineHarness, type EngineHarness } from './engine-harness.js';

export interface LoggedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  status: number;
}

/** Test-only: an Asperion connection in a fresh store, with its tokens minted by a test sandbox. */
export interface AsperionClientHarness {
  h: EngineHarness;
  sandbox: TestSandbox;
  /**
   * A client on the connection; `clock` replaces the harness clock (time is all tests inject) and
   * `deps` the harness's engine deps (e.g. a second store connection, as another process has).
   */
  client(
    options?: Partial<Omit<AsperionClientOptions, 'app' | 'apiBaseUrl'>> & {
      clock?: Clock;
      deps?: EngineDeps;
      apiBaseUrl?: string;
    },
  ): Promise<AsperionClient>;
  /** The sandbox's request log (API and token calls; not the control API). */
  log(): Promise<LoggedRequest[]>;
  clearLog(): Promise<void>;
  settings(changes: Partial<AsperionSettings> | Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export async function createAsperionClientHarness(dialect: DialectName): Promise<AsperionClientHarness> {
  const h = await createEngineHarness(dialect);
  const sandbox = await startTestSandbox({ now: h.clock.now().toISOString() });
  const minted = (await sandbox.call('POST', '/__sandbox/tokens', { body: {}, auth: false })).body as {
    access_token: string;
    refresh_token: string;
    expires_in: number;
  };
  const now = h.clock.now();
  const credentials = tokensToCredentials({
    accessToken: minted.access_token,
    refreshToken: minted.refresh_token,
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + minted.expires_in * 1000).toISOString(),
  });
  await upsertConnection(
    h.store.db,
    {
      id: 'asperion',
      pairId: 'p1',
      app: 'asperion',
      name: 'Asperion',
      settings: {},
      encryptedCredentials: h.deps.box.encryptJson(credentials),
      credentialRefs: {},
    },
    now.toISOString(),
  );
  const harness: AsperionClientHarness = {
    h,
    sandbox,
    async client(options = {}) {
      const { clock, deps: given, ...rest } = options;
      const base = given ?? h.deps;
      const deps: EngineDeps = clock ? { ...base, clock } : base;
      const row = await deps.store.db
        .selectFrom('connections')
        .selectAll()
        .where('id', '=', 'asperion')
        .executeTakeFirstOrThrow();
      const ctx = connectorContext(deps, row, new CallCounter(), new AbortController().signal);
      return new AsperionClient(ctx, {
        app: { identityBaseUrl: sandbox.url, clientId: defaultClientId, clientSecret: defaultClientSecret },
        apiBaseUrl: sandbox.url,
        administrationId: 1,
        language: 'en',
        // Fast enough not to slow tests down; the governor's own tests set a rate.
        rate: { requests: 1000, windowSeconds: 1 },
        ...rest,
      });
    },
    async log() {
      const body = (await sandbox.call('GET', '/__sandbox/requests', { auth: false })).body as {
        requests: LoggedRequest[];
      };
      return body.requests;
    },
    async clearLog() {
      await sandbox.call('DELETE', '/__sandbox/requests', { auth: false });
    },
    async settings(changes) {
      const res = await sandbox.call('PUT', '/__sandbox/settings', { body: changes, auth: false });
      if (res.status !== 200) throw new Error(`settings refused: ${JSON.stringify(res.body)}`);
    },
    async close() {
      await sandbox.close();
      await h.close();
    },
  };
  return harness;
}
