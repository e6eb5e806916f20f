import {
  demoEndpointChoices,
  mintSandboxTokens,
  registerDemoRedirectUri,
  type DemoSandboxes,
} from '../cli/demo/demo-setup.js';
import { firstSetupLink } from '../access/first-setup.js';
import { systemClock } from '../core/clock.js';
import { loadConfig } from '../core/config.js';
import { redirectUriOf } from '../engine/connect/start-authorization.js';
import { createApp, type App } from '../main.js';
import { asperionSandbox } from '../sandboxes/asperion/asperion-sandbox.js';
import { exactOnlineSandbox } from '../sandboxes/exact-online/descriptor.js';
import { startService, type RunningService } from '../service.js';
import type { DialectName } from '../store/database.js';
import { createTestDatabase } from './databases.js';
import { captureLogLines, harnessSecretKey } from './engine-harness.js';
import { freePort } from './webhook-receiver.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

/**
 * Test-only: a fresh installation, as a new user meets it: the real service on an empty database
 * (no user, no pair), and both sandboxes that know its redirect URI, as an operator registers it
 * with Exact's App Center and Asperion. Exact holds the demo's master data (customers, items, VAT
 * codes) but no invoices, so a first run moves only what a test adds.
 */
export interface FreshService {
  app: App;
  service: RunningService;
  sandboxes: DemoSandboxes;
  /** The one-time link that makes the first owner. */
  setupLink: string;
  /** A call to the Exact sandbox's API in `division`; the JSON answer's `d`. */
  exact(method: string, path: string, body?: unknown, division?: number): Promise<any>;
  close(): Promise<void>;
}

export async function startFreshService(dialect: DialectName): Promise<FreshService> {
  const tdb = await createTestDatabase(dialect);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    ...tdb.env,
    KOPPEL_HOST: '127.0.0.1',
    KOPPEL_PORT: String(port),
    KOPPEL_PUBLIC_URL: url,
    KOPPEL_SECRET_KEY: harnessSecretKey,
    KOPPEL_LOG_LEVEL: 'info',
  });
  const app = await createApp(config, { logDestination: captureLogLines().destination });
  const options = { host: '127.0.0.1', port: 0, clock: systemClock };
  const exactSandbox = await exactOnlineSandbox.start({ ...options, seed: 'reference' });
  const asperion = await asperionSandbox.start({ ...options, seed: 'demo' });
  const sandboxes: DemoSandboxes = {
    exact: exactSandbox,
    asperion,
    close: async () => {
      await Promise.allSettled([exactSandbox.close(), asperion.close()]);
    },
  };
  await registerDemoRedirectUri(sandboxes, redirectUriOf(url));
  // A first sync reads master data: Exact's 60 calls a minute would make a test wait for minutes.
  const limits = await fetch(`${exactSandbox.url}/__sandbox/settings`, {
    method: 'PUT',
    body: JSON.stringify({ minutelyLimit: 10_000 }),
  });
  if (!limits.ok) throw new Error(`the Exact sandbox refused its limits: ${await limits.text()}`);
  const setup = await firstSetupLink(app.store.db, app.clock, url);
  if (!setup) throw new Error('a fresh database has a user already');

  const tokens = new Map<number, string>();
  const exact = async (method: string, path: string, body?: unknown, division = 3215711) => {
    let token = tokens.get(division);
    if (!token) {
      token = (await mintSandboxTokens(exactSandbox.url, '/__sandbox/tokens', { divisions: [division] }))
        .access_token;
      tokens.set(division, token);
    }
    const res = await fetch(`${exactSandbox.url}/api/v1/${division}/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text === '' ? undefined : (JSON.parse(text) as { d: any }).d;
  };

  // As `koppel demo` does: the sandboxes are offered when a connection is made.
  const service = await startService(app, {
    pollIntervalMs: 100,
    tickMs: 1_000,
    graceMs: 5_000,
    endpointChoices: demoEndpointChoices(sandboxes),
  });
  return {
    app,
    service,
    sandboxes,
    setupLink: setup.url,
    exact,
    async close() {
      await service.stop();
      await sandboxes.close();
      await app.close();
      await tdb.drop();
    },
  };
}
