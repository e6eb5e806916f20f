import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultExactClientId } from '../sandboxes/exact-online/credentials.js';
import { buildExactSandbox } from '../sandboxes/exact-online/server.js';
import { upsertConnection } from '../store/repos/connections.js';
import { upsertPair } from '../store/repos/pairs.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../testing/databases.js';
import { harnessSecretKey } from '../testing/engine-harness.js';
import { ScaledClock } from '../testing/scaled-clock.js';

const entry = path.resolve(import.meta.dirname, '../testing/budget-caller-entry.ts');
const division = 3215711;
/** Sandbox minutes of two real seconds: the test crosses several without waiting long. */
const speed = 30;

interface Outcome {
  statuses: number[];
  refused?: string;
}

/** Starts a caller; it resolves `ready` once it waits for the go file, and `outcome` when done. */
function startCaller(tdb: TestDatabase, env: Record<string, string>) {
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const outcome = runCaller(tdb, env, ready);
  return { ready: isReady, outcome };
}

function runCaller(tdb: TestDatabase, env: Record<string, string>, ready: () => void): Promise<Outcome> {
  return new Promise((resolve, reject) => {
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
        ? resolve(JSON.parse(stdout.slice('ready\n'.length)) as Outcome)
        : reject(new Error(`caller exited with ${code}`)),
    );
  });
}

describe.each(testDialects)('two processes sharing one API budget on %s', (dialect) => {
  let tdb: TestDatabase;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    await tdb?.drop();
  });

  it('never exceed the minute or the day together, and get no 429', async () => {
    const anchor = Date.now();
    const clock = new ScaledClock(anchor, speed);
    const { app } = buildExactSandbox({ clock, seed: 'demo' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    close = () => app.close();
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    await fetch(`${url}/__sandbox/settings`, { method: 'PUT', body: JSON.stringify({ dailyLimit: 100 }) });
    const token = (
      (await (await fetch(`${url}/__sandbox/tokens`, { method: 'POST', body: '{}' })).json()) as {
        access_token: string;
      }
    ).access_token;

    tdb = await createTestDatabase(dialect);
    const store = tdb.open();
    await upsertPair(store.db, { id: 'p1', name: 'Pair 1' }, clock.now().toISOString());
    await upsertConnection(
      store.db,
      {
        id: 'exact',
        pairId: 'p1',
        app: 'exact-online',
        name: 'Exact',
        settings: { baseUrl: url, clientId: defaultExactClientId, division },
        encryptedCredentials: null,
        credentialRefs: {},
      },
      clock.now().toISOString(),
    );
    await store.close();

    const env = {
      CLOCK_ANCHOR: String(anchor),
      CLOCK_SPEED: String(speed),
      ACCESS_TOKEN: token,
      // Each wants the whole day, so both run until the day is spent.
      CALLS: '100',
      GO_FILE: path.join(tdb.dataDir, 'go'),
    };
    const callers = [startCaller(tdb, env), startCaller(tdb, env)];
    await Promise.all(callers.map((c) => c.ready));
    writeFileSync(env.GO_FILE, '');
    const outcomes = await Promise.all(callers.map((c) => c.outcome));

    const calls = (
      (await (await fetch(`${url}/__sandbox/requests`)).json()) as Array<{
        path: string;
        status: number;
        rateLimit: Record<string, string>;
      }>
    ).filter((c) => c.path.includes('/vat/VATCodes'));
    expect(calls.filter((c) => c.status === 429)).toEqual([]);
    // Together they used exactly the day: 100 calls answered 200, and both were then refused.
    expect(calls).toHaveLength(100);
    expect(outcomes.flatMap((o) => o.statuses)).toEqual(Array.from({ length: 100 }, () => 200));
    expect(outcomes.map((o) => o.refused)).toEqual(['exact.daily_limit', 'exact.daily_limit']);
    expect(outcomes.every((o) => o.statuses.length > 0)).toBe(true);
    // Per minute as the sandbox counted them: its log stamps a request when answered, which at 30
    // times real speed may be the next minute, so group by the minute its headers name.
    const perMinute = new Map<string, number>();
    for (const c of calls) {
      const minute = c.rateLimit['x-ratelimit-minutely-reset'] ?? 'none';
      perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
    }
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(60);
    expect(perMinute.size).toBeGreaterThanOrEqual(2);
  });
});
