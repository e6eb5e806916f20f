import type { ConnectorContext } from '../connectors/kit/connector-context.js';
import { tokensToCredentials } from '../connectors/kit/token-lease.js';
import type { ExactApp } from '../connectors/exact-online/oauth.js';
import { CallCounter, connectorContext } from '../engine/connector-context.js';
import type { EngineDeps } from '../engine/deps.js';
import {
  defaultExactClientId,
  defaultExactClientSecret,
  defaultExactWebhookSecret,
} from '../sandboxes/exact-online/credentials.js';
import { buildExactSandbox } from '../sandboxes/exact-online/server.js';
import type { ExactSeed } from '../sandboxes/exact-online/seed/load-seed.js';
import type { DialectName } from '../store/database.js';
import { upsertConnection } from '../store/repos/connections.js';
import { createEngineHarness, type EngineHarness } from './engine-harness.js';
import { VirtualClock } from './virtual-clock.js';

/**
 * Test-only: the Exact Online sandbox and an engine harness sharing one virtual clock, a minted
 * token pair stored (encrypted) on connection `exact`, and helpers to read the sandbox's log.
 */
export interface ExactFixture {
  h: EngineHarness;
  clock: VirtualClock;
  url: string;
  app: ExactApp;
  division: number;
  accessToken: string;
  /** A connector context for connection `exact`, as the engine would build it for a run. */
  context(deps?: EngineDeps): Promise<ConnectorContext>;
  requests(): Promise<Array<{ at: string; path: string; status: number }>>;
  tokenCalls(): Promise<number>;
  close(): Promise<void>;
}

export async function startExactFixture(
  dialect: DialectName,
  options: { seed?: ExactSeed; claimedLifetimeMs?: number } = {},
): Promise<ExactFixture> {
  const h = await createEngineHarness(dialect);
  const clock = new VirtualClock('2026-03-10T09:00:30.000Z');
  h.deps.clock = clock;
  const { app, state } = buildExactSandbox({ clock, seed: options.seed ?? 'demo' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const minted = (await (await fetch(`${url}/__sandbox/tokens`, { method: 'POST', body: '{}' })).json()) as {
    access_token: string;
    refresh_token: string;
    expires_in: string;
  };
  const now = clock.now();
  const lifetimeMs = options.claimedLifetimeMs ?? Number(minted.expires_in) * 1000;
  const credentials = {
    webhookSecret: defaultExactWebhookSecret,
    ...tokensToCredentials({
      accessToken: minted.access_token,
      refreshToken: minted.refresh_token,
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + lifetimeMs).toISOString(),
    }),
  };
  await upsertConnection(
    h.store.db,
    {
      id: 'exact',
      pairId: 'p1',
      app: 'exact-online',
      name: 'Exact',
      settings: {},
      encryptedCredentials: h.deps.box.encryptJson(credentials),
      credentialRefs: {},
    },
    now.toISOString(),
  );
  const requests = async () =>
    (await (await fetch(`${url}/__sandbox/requests`)).json()) as Array<{
      at: string;
      path: string;
      status: number;
    }>;
  return {
    h,
    clock,
    url,
    app: { baseUrl: url, clientId: defaultExactClientId, clientSecret: defaultExactClientSecret },
    division: state.divisions[0]!.code,
    accessToken: minted.access_token,
    async context(deps = h.deps) {
      const row = await deps.store.db
        .selectFrom('connections')
        .selectAll()
        .where('id', '=', 'exact')
        .executeTakeFirstOrThrow();
      return connectorContext(deps, row, new CallCounter(), new AbortController().signal);
    },
    requests,
    tokenCalls: async () => (await requests()).filter((r) => r.path === '/api/oauth2/token').length,
    async close() {
      await app.close();
      await h.close();
    },
  };
}
