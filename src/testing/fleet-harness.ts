import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { mintSandboxTokens, type MintedTokens } from '../cli/demo/demo-setup.js';
import { tokensToCredentials } from '../connectors/kit/token-lease.js';
import { systemClock } from '../core/clock.js';
import { loadConfig } from '../core/config.js';
import { flowRunJobSpec } from '../engine/enqueue-run.js';
import { engineQueue } from '../engine/job-names.js';
import { createApp } from '../main.js';
import { asperionSandbox } from '../sandboxes/asperion/asperion-sandbox.js';
import {
  defaultClientId as asperionClientId,
  defaultClientSecret as asperionSecret,
} from '../sandboxes/asperion/credentials.js';
import {
  defaultExactClientId,
  defaultExactClientSecret,
  defaultExactWebhookSecret,
} from '../sandboxes/exact-online/credentials.js';
import { exactOnlineSandbox } from '../sandboxes/exact-online/descriptor.js';
import type { RunningSandbox } from '../sandboxes/types.js';
import type { Store } from '../store/database.js';
import { upsertConnection } from '../store/repos/connections.js';
import { upsertFlow } from '../store/repos/flows.js';
import { upsertPair } from '../store/repos/pairs.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { pendingFlowRuns } from './pending-runs.js';
import { harnessSecretKey } from './engine-harness.js';
import { freePort } from './webhook-receiver.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the harness reads the sandboxes' JSON as it comes */

/**
 * Test-only: a fleet of Koppel processes on one PostgreSQL database (one web process that receives
 * the webhooks, `workers` worker processes) with `pairs` pairs, each an Exact sandbox division →
 * an Asperion sandbox administration, both sandboxes one server each with the real per-division
 * limits of Exact and a per-call latency. Every pair's orders flow reads Exact sales orders.
 */

const entry = path.resolve(import.meta.dirname, 'koppel-entry.ts');

export interface FleetOptions {
  pairs: number;
  /** Worker processes (`koppel start --role worker`). */
  workers: number;
  /** Sales orders per division before the processes start: the backfill. */
  backfillOrders: number;
  /** Per-call latency of both sandboxes: `latencyMs` plus 0 to `latencySpreadMs`. */
  latencyMs: number;
  latencySpreadMs: number;
  /** Jobs each worker process runs at once (KOPPEL_WORKERS); the product's default when absent. */
  slots?: number;
  /** Where the processes' log lines (stderr) go. */
  logFile: string;
}

export interface FleetPair {
  pairId: string;
  flowId: string;
  division: number;
  administration: number;
}

export interface Fleet {
  pairs: FleetPair[];
  exact: RunningSandbox;
  asperion: RunningSandbox;
  store: Store;
  /** Adds `count` sales orders to a pair's division (as someone working in Exact would); their ids. */
  addOrders(pair: FleetPair, count: number): Promise<string[]>;
  /** Every order the fleet's divisions were given, by pair id. */
  orders: Map<string, string[]>;
  /** Flow-run jobs queued or running. */
  pendingRuns(): Promise<number>;
  close(): Promise<void>;
}

const customersPerPair = 10;
const itemsPerPair = 20;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const accountId = (pair: number, n: number) => `0d${hex(pair, 6)}-0000-4000-8000-${hex(n, 12)}`;
const itemId = (pair: number, n: number) => `0f${hex(pair, 6)}-0000-4000-8000-${hex(n, 12)}`;
const orderId = (pair: number, n: number) => `0a${hex(pair, 6)}-0000-4000-8000-${hex(n, 12)}`;

async function call(url: string, method: string, body?: unknown): Promise<any> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 500)}`);
  return text === '' ? undefined : JSON.parse(text);
}

function credentialsOf(tokens: MintedTokens, now: Date): Record<string, string> {
  return tokensToCredentials({
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + Number(tokens.expires_in) * 1000).toISOString(),
  });
}

/** A sales order of pair `p` (index `n`): 1–3 lines of its items, for one of its customers. */
function order(p: number, n: number): Record<string, unknown> {
  const lines = 1 + (n % 3);
  return {
    OrderID: orderId(p, n),
    OrderedBy: accountId(p, n % customersPerPair),
    Description: `Fleet order ${n}`,
    SalesOrderLines: Array.from({ length: lines }, (_, l) => ({
      Item: itemId(p, (n + l * 7) % itemsPerPair),
      Quantity: 1 + ((n + l) % 4),
      UnitPrice: 5 + ((n * 13 + l * 29) % 200),
      VATCode: 'VH',
    })),
  };
}

/** Starts the sandboxes, configures the pairs and their backfills, then the processes. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const sandboxOptions = { host: '127.0.0.1', port: 0, clock: systemClock };
    const exact = await exactOnlineSandbox.start({ ...sandboxOptions, seed: 'reference' });
    cleanups.push(() => exact.close());
    const asperion = await asperionSandbox.start({ ...sandboxOptions, seed: 'demo' });
    cleanups.push(() => asperion.close());

    const divisions = (await call(`${exact.url}/__sandbox/divisions`, 'POST', { count: options.pairs }))
      .divisions as Array<{ code: number }>;
    const administrations = (
      await call(`${asperion.url}/__sandbox/administrations`, 'POST', { count: options.pairs })
    ).administrations as Array<{ id: number }>;
    const latency = { latencyMs: options.latencyMs, latencySpreadMs: options.latencySpreadMs };
    // Exact's limits stay the real ones (60 a minute, 5,000 a day per division); the logs keep every call.
    await call(`${exact.url}/__sandbox/settings`, 'PUT', {
      requestLogSize: 5_000_000,
      randomFaults: latency,
    });
    await call(`${asperion.url}/__sandbox/settings`, 'PUT', { requestLogSize: 5_000_000, faults: latency });

    const tdb: TestDatabase = await createTestDatabase('postgres');
    cleanups.push(() => tdb.drop());
    const env = { ...tdb.env, KOPPEL_SECRET_KEY: harnessSecretKey, KOPPEL_LOG_LEVEL: 'silent' };
    const app = await createApp(loadConfig(env));
    cleanups.push(() => app.close());

    const pairs: FleetPair[] = divisions.map((d, i) => ({
      pairId: `pair-${i + 1}`,
      flowId: `orders-${i + 1}`,
      division: d.code,
      administration: administrations[i]!.id,
    }));
    const orders = new Map<string, string[]>();
    const next = new Map<string, number>();
    const indexOf = (pair: FleetPair) => pairs.indexOf(pair) + 1;
    const addOrders = async (pair: FleetPair, count: number) => {
      const p = indexOf(pair);
      const from = next.get(pair.pairId) ?? 0;
      next.set(pair.pairId, from + count);
      const rows = Array.from({ length: count }, (_, i) => order(p, from + i));
      await call(`${exact.url}/__sandbox/fixture`, 'POST', {
        divisions: { [pair.division]: { 'salesorder/SalesOrders': rows } },
      });
      const ids = rows.map((r) => r['OrderID'] as string);
      orders.set(pair.pairId, [...(orders.get(pair.pairId) ?? []), ...ids]);
      return ids;
    };

    const at = new Date();
    const db = app.store.db;
    for (const pair of pairs) {
      const p = indexOf(pair);
      await call(`${exact.url}/__sandbox/fixture`, 'POST', {
        divisions: {
          [pair.division]: {
            'crm/Accounts': Array.from({ length: customersPerPair }, (_, n) => ({
              ID: accountId(p, n),
              Name: `Fleet Klant ${p}-${n}`,
              Email: `klant${n}@pair${p}.example.nl`,
              AddressLine1: `Dorpsstraat ${n + 1}`,
              Postcode: '1234 AB',
              City: 'Utrecht',
              Country: 'NL',
              Status: 'C',
            })),
            'logistics/Items': Array.from({ length: itemsPerPair }, (_, n) => ({
              ID: itemId(p, n),
              Code: `FLEET-${String(n).padStart(3, '0')}`,
              Description: `Fleet item ${n}`,
            })),
          },
        },
      });
      for (let done = 0; done < options.backfillOrders; done += 500)
        await addOrders(pair, Math.min(500, options.backfillOrders - done));

      const exactTokens = await mintSandboxTokens(exact.url, '/__sandbox/tokens', {
        divisions: [pair.division],
      });
      const asperionTokens = await mintSandboxTokens(asperion.url, '/__sandbox/tokens', {});
      await upsertPair(db, { id: pair.pairId, name: `Fleet pair ${p}` }, at.toISOString());
      await upsertConnection(
        db,
        {
          id: `${pair.pairId}-exact`,
          pairId: pair.pairId,
          app: 'exact-online',
          name: `Exact division ${pair.division}`,
          settings: { baseUrl: exact.url, clientId: defaultExactClientId, division: pair.division },
          encryptedCredentials: app.engine.box.encryptJson({
            clientSecret: defaultExactClientSecret,
            webhookSecret: defaultExactWebhookSecret,
            ...credentialsOf(exactTokens, at),
          }),
          credentialRefs: {},
        },
        at.toISOString(),
      );
      await upsertConnection(
        db,
        {
          id: `${pair.pairId}-asperion`,
          pairId: pair.pairId,
          app: 'asperion',
          name: `Asperion administration ${pair.administration}`,
          // The connection's own limit on Asperion calls stays the product's default.
          settings: {
            apiBaseUrl: asperion.url,
            identityBaseUrl: asperion.url,
            clientId: asperionClientId,
            administrationId: pair.administration,
          },
          encryptedCredentials: app.engine.box.encryptJson({
            clientSecret: asperionSecret,
            ...credentialsOf(asperionTokens, at),
          }),
          credentialRefs: {},
        },
        at.toISOString(),
      );
      await upsertFlow(
        db,
        {
          id: pair.flowId,
          pairId: pair.pairId,
          kind: 'orders',
          sourceConnectionId: `${pair.pairId}-exact`,
          targetConnectionId: `${pair.pairId}-asperion`,
          enabled: true,
          // Only the backfill and webhooks start runs, so every run in the window is one of theirs.
          schedule: null,
          priority: 100,
          settings: { source: 'salesOrders' },
          mappingVersion: null,
        },
        at.toISOString(),
      );
    }
    const log = createWriteStream(options.logFile, { flags: 'a' });
    cleanups.push(() => new Promise((resolve) => log.end(resolve)));
    const webPort = await freePort();
    const publicUrl = `http://127.0.0.1:${webPort}`;
    const processEnv = {
      ...process.env,
      ...tdb.env,
      KOPPEL_SECRET_KEY: harnessSecretKey,
      KOPPEL_LOG_LEVEL: 'warn',
      KOPPEL_PUBLIC_URL: publicUrl,
      KOPPEL_HOST: '127.0.0.1',
    };
    const spawnKoppel = (role: 'web' | 'worker', name: string, extra: Record<string, string> = {}) => {
      const child = spawn(process.execPath, ['--import', 'tsx', entry, 'start', '--role', role], {
        env: { ...processEnv, ...extra },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr!.on('data', (d: Buffer) => log.write(`[${name}] ${d.toString()}`));
      cleanups.push(() => stop(child));
      return child;
    };
    spawnKoppel('web', 'web', { KOPPEL_PORT: String(webPort) });
    await waitFor(
      async () => (await fetch(`${publicUrl}/healthz`).catch(() => undefined))?.ok === true,
      60_000,
    );
    const slots = options.slots === undefined ? {} : { KOPPEL_WORKERS: String(options.slots) };
    for (let w = 1; w <= options.workers; w++) spawnKoppel('worker', `worker-${w}`, slots);
    // A deployment's webhooks are subscribed long before a backfill; here the processes subscribe
    // as they start, and the subscription job would otherwise wait behind the backfills for a slot.
    await waitFor(async () => {
      const rows = (await call(`${exact.url}/__sandbox/webhooks/subscriptions`, 'GET')) as any[];
      const subscribed = new Set(
        rows.filter((r) => String(r.Topic).toLowerCase() === 'salesorders').map((r) => Number(r.Division)),
      );
      return pairs.every((p) => subscribed.has(p.division));
    }, 300_000);
    // The backfills: the flows have no cursor yet, so their first runs read every order there is.
    // Through the queue the processes use (pg-boss on PostgreSQL by default), not the jobs table.
    for (const pair of pairs)
      await app.queue.enqueue({ ...flowRunJobSpec(pair.flowId, 'manual', 100), queue: engineQueue });

    return {
      pairs,
      exact,
      asperion,
      store: app.store,
      addOrders,
      orders,
      pendingRuns: () => pendingFlowRuns(app.queue),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** SIGTERM (a graceful stop), then SIGKILL if the process still runs 10 s later. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
