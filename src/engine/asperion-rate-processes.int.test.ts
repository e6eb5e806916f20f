import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tokensToCredentials } from '../connectors/kit/token-lease.js';
import { SecretBox } from '../core/secret-box.js';
import { createAsperionServer } from '../sandboxes/asperion/asperion-server.js';
import { defaultClientId } from '../sandboxes/asperion/credentials.js';
import { upsertConnection } from '../store/repos/connections.js';
import { upsertPair } from '../store/repos/pairs.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../testing/databases.js';
import { harnessSecretKey } from '../testing/engine-harness.js';
import { ScaledClock } from '../testing/scaled-clock.js';

const entry = path.resolve(import.meta.dirname, '../testing/asperion-caller-entry.ts');
/** Sandbox seconds of a fifth of a real one: many windows pass without waiting long. */
const speed = 5;
const rate = { requests: 5, windowSeconds: 1 };
const callsEach = 20;

/** Starts a caller; it resolves `ready` once it waits for the go file, and `outcome` when done. */
function startCaller(tdb: TestDatabase, env: Record<string, string>) {
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const outcome = new Promise<{ statuses: number[] }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      env: {
        ...process.env,
        ...tdb.env,
        KOPPEL_SECRET_KEY: harnessSecretKey,
        KOPPEL_LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.startsWith('ready\n')) ready();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout.slice('ready\n'.length)) as { statuses: number[] })
        : reject(new Error(`caller exited with ${code}`)),
    );
  });
  return { ready: isReady, outcome };
}

describe.each(testDialects)('two processes calling one Asperion administration on %s', (dialect) => {
  let tdb: TestDatabase;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    await tdb?.drop();
  });

  // One caller a process, and several: the waiting ones of a process take their slots together.
  it.each([1, 3])(
    'stay together under the self-imposed rate in every window with %i caller(s) each, and get no 429',
    async (concurrency) => {
      const anchor = Date.now();
      const clock = new ScaledClock(anchor, speed);
      // The sandbox refuses what goes over the same rate, per token and administration.
      const { app } = createAsperionServer({
        clock,
        seed: 'demo',
        settings: { rateLimit: { enabled: true, ...rate } },
      });
      // When each call arrived. The log's own stamp is taken once the answer has gone out, which on
      // a busy machine can be well after the caller had it (and had let the next call through).
      const arrivals: number[] = [];
      app.addHook('onRequest', async (request) => {
        if (request.url.startsWith('/v1/vatcodes')) arrivals.push(clock.now().getTime());
      });
      await app.listen({ host: '127.0.0.1', port: 0 });
      close = () => app.close();
      const address = app.server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const minted = (await (
        await fetch(`${url}/__sandbox/tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).json()) as {
        access_token: string;
        refresh_token: string;
      };

      tdb = await createTestDatabase(dialect);
      const store = tdb.open();
      const now = clock.now();
      await upsertPair(store.db, { id: 'p1', name: 'Pair 1' }, now.toISOString());
      await upsertConnection(
        store.db,
        {
          id: 'asperion',
          pairId: 'p1',
          app: 'asperion',
          name: 'Asperion',
          settings: {
            apiBaseUrl: url,
            identityBaseUrl: url,
            clientId: defaultClientId,
            administrationId: 1,
            rateLimit: rate,
          },
          encryptedCredentials: SecretBox.fromText(harnessSecretKey).encryptJson(
            tokensToCredentials({
              accessToken: minted.access_token,
              refreshToken: minted.refresh_token,
              issuedAt: now.toISOString(),
              expiresAt: new Date(now.getTime() + 86_400_000).toISOString(),
            }),
          ),
          credentialRefs: {},
        },
        now.toISOString(),
      );
      await store.close();

      const env = {
        CLOCK_ANCHOR: String(anchor),
        CLOCK_SPEED: String(speed),
        CALLS: String(callsEach),
        CONCURRENCY: String(concurrency),
        GO_FILE: path.join(tdb.dataDir, 'go'),
      };
      const callers = [startCaller(tdb, env), startCaller(tdb, env)];
      await Promise.all(callers.map((c) => c.ready));
      writeFileSync(env.GO_FILE, '');
      const outcomes = await Promise.all(callers.map((c) => c.outcome));

      const { requests } = (await (await fetch(`${url}/__sandbox/requests`)).json()) as {
        requests: Array<{ url: string; status: number; at: string }>;
      };
      const calls = requests.filter((r) => r.url.startsWith('/v1/vatcodes'));
      expect(calls.filter((c) => c.status === 429)).toEqual([]);
      expect(calls).toHaveLength(2 * callsEach);
      expect(outcomes.map((o) => o.statuses)).toEqual([
        Array.from({ length: callsEach }, () => 200),
        Array.from({ length: callsEach }, () => 200),
      ]);
      // As the sandbox saw them arrive: no window of the rate holds more calls.
      expect(arrivals).toHaveLength(2 * callsEach);
      const times = arrivals.sort((a, b) => a - b);
      const busiest = Math.max(
        ...times.map(
          (start) => times.filter((t) => t >= start && t < start + rate.windowSeconds * 1000).length,
        ),
      );
      expect(busiest).toBeLessThanOrEqual(rate.requests);
      // And the rate was used, not merely avoided: the busiest window is full.
      expect(busiest).toBe(rate.requests);
    },
  );
});
