import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { buildExactSandbox } from '../../src/sandboxes/exact-online/server.js';
import { createAsperionServer } from '../../src/sandboxes/asperion/asperion-server.js';
import { seededRandom } from '../../src/sandboxes/asperion/seed/seeded-random.js';
import { otherUsername } from '../../src/sandboxes/asperion/seed/load-seed.js';
import { loadConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/logging.js';
import { SecretRegistry } from '../../src/core/secret-registry.js';
import { openJobQueue } from '../../src/queue/open-job-queue.js';
import { upsertFlow } from '../../src/store/repos/flows.js';
import { ownerFromSetupLink } from '../../src/testing/api-harness.js';
import { control, listen, storeSandboxPair, type Sandbox } from '../../src/testing/crash-harness.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/databases.js';
import { harnessSecretKey } from '../../src/testing/engine-harness.js';
import { freePort } from '../../src/testing/webhook-receiver.js';
import { flowRow } from '../../src/testing/flow-test-pair.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the test reads the sandboxes' JSON as it comes */

/**
 * A fleet under chaos, on Postgres: a web process and three worker processes (two jobs each) run
 * the orders backfills of three pairs against both sandboxes with their real rate limits and random
 * faults, while new invoices arrive by webhook every two seconds and a random worker is killed
 * with SIGKILL every 10 to 20 seconds, ten times, and started again at once (as a supervisor
 * would). Afterwards every invoice is in Asperion exactly
 * once (counted through its API), every job ended completed, nobody was answered 429, and every
 * token call succeeded (two processes refreshing one token would have made the second fail: both
 * sandboxes rotate refresh tokens).
 */

const root = path.resolve(import.meta.dirname, '../..');
const entry = path.join(root, 'src/testing/koppel-entry.ts');
const seed = 20261207;
const invoicesPerPair = 300;
const kills = 10;
/** Asperion's limit per token and administration, and Koppel's own rate, the same. */
const asperionRate = { requests: 20, windowSeconds: 10 };
const tokenLifetimeSeconds = 120;

const pairs = [
  { id: 'p1', division: 3215711, administrationId: 1 },
  { id: 'p2', division: 3215712, administrationId: 2 },
  { id: 'p3', division: 3215713, administrationId: 3, asperionUsername: otherUsername },
] as const;

const hex = (n: number) => n.toString(16).padStart(12, '0');
const accountId = (p: number, n: number) => `0a00000${p}-0000-4000-8000-${hex(n)}`;
const itemId = (p: number, n: number) => `0b00000${p}-0000-4000-8000-${hex(n)}`;

/** Per division five customers, four items and `invoicesPerPair` open sales invoices, VAT VH. */
function exactFixture() {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const divisions: Record<string, unknown> = {};
  pairs.forEach((pair, p) => {
    divisions[pair.division] = {
      'financial/GLAccounts': [{ Code: '8000', Description: 'Omzet hoog', Type: 110 }],
      'vat/VATCodes': [{ Code: 'VH', Description: 'BTW hoog', Type: 'E', VATTransactionType: 'B' }],
      'financial/Journals': [{ Code: '70', Description: 'Verkoopboek', Type: 20 }],
      'crm/Accounts': Array.from({ length: 5 }, (_, i) => ({
        ID: accountId(p, i + 1),
        Code: String(9100 + 10 * p + i),
        Name: `Chaos Klant ${pair.id}-${i + 1}`,
        Email: `klant${i + 1}@${pair.id}.chaos.example.nl`,
        AddressLine1: `Chaosstraat ${i + 1}`,
        Postcode: `${1011 + i} AB`,
        City: 'Utrecht',
        Country: 'NL',
        Status: 'C',
      })),
      'logistics/Items': ['FIETS', 'BEL', 'SLOT', 'LAMP'].map((code, i) => ({
        ID: itemId(p, i + 1),
        Code: `CH-${code}`,
        Description: `Chaos ${code.toLowerCase()}`,
      })),
      'salesinvoice/SalesInvoices': Array.from({ length: invoicesPerPair }, (_, i) => ({
        InvoiceID: `0d00000${p}-0000-4000-8000-${hex(i + 1)}`,
        Journal: '70',
        OrderedBy: accountId(p, 1 + pick(5)),
        Description: `Chaos order ${pair.id}-${i + 1}`,
        SalesInvoiceLines: Array.from({ length: 1 + pick(3) }, () => ({
          Item: itemId(p, 1 + pick(4)),
          Quantity: 1 + pick(4),
          UnitPrice: (100 + pick(20_000)) / 100,
          VATCode: 'VH',
        })),
      })),
    };
  });
  return { divisions };
}

/** Answers a sandbox gave, by status, and its token calls, seen from outside its routes. */
interface Tally {
  statuses: Map<number, number>;
  tokenCalls: Array<{ status: number; grant: string }>;
}

function tallied(app: any, tokenPath: RegExp): Tally {
  const tally: Tally = { statuses: new Map(), tokenCalls: [] };
  app.addHook('onResponse', async (request: any, reply: any) => {
    const status = Number(reply.statusCode);
    tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
    if (request.method === 'POST' && tokenPath.test(String(request.url).split('?')[0] ?? '')) {
      // Exact's sandbox keeps the form as text, Asperion's parses it.
      const grant =
        typeof request.body === 'string'
          ? new URLSearchParams(request.body).get('grant_type')
          : request.body?.grant_type;
      tally.tokenCalls.push({ status, grant: String(grant ?? '?') });
    }
  });
  return tally;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('a fleet of three workers and a web process on Postgres, killed at random', () => {
  let tdb: TestDatabase;
  let exact: Sandbox;
  let asperion: Sandbox;
  let exactTally: Tally;
  let asperionTally: Tally;
  const children = new Set<ChildProcess>();
  const logDir = mkdtempSync(path.join(tmpdir(), 'koppel-chaos-'));

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    const exactSandbox = buildExactSandbox({ clock: systemClock, seed: 'empty' });
    exactTally = tallied(exactSandbox.app, /\/oauth2\/token$/i);
    exact = await listen(exactSandbox.app);
    const asperionServer = createAsperionServer({
      clock: systemClock,
      seed: 'demo',
      settings: {
        rateLimit: { enabled: true, ...asperionRate },
        accessTokenTtlSeconds: tokenLifetimeSeconds,
      },
    });
    asperionTally = tallied(asperionServer.app, /\/token$/i);
    asperion = await listen(asperionServer.app);
    await control(exact.url, 'POST', 'reset', { seed: 'empty', fixture: exactFixture() });
    // Exact's own limits (60 a minute, 5,000 a day per division) stay as they are.
    await control(exact.url, 'PUT', 'settings', {
      accessTokenLifetimeSeconds: tokenLifetimeSeconds,
      // As Exact: a refresh only in the last 30 seconds of a token's life.
      earliestRefreshAgeSeconds: tokenLifetimeSeconds - 30,
      randomFaults: {
        errorRate: 0.03,
        errorStatus: 503,
        errorMessage: '',
        latencyMs: 20,
        timeoutRate: 0.01,
        timeoutMs: 2_000,
        pathPrefix: '/api/v1/',
        seed,
      },
    });
    await control(asperion.url, 'PUT', 'settings', {
      faults: {
        errorRate: 0.03,
        errorStatus: 503,
        latencyMs: 20,
        timeoutRate: 0.01,
        timeoutMs: 2_000,
        pathPrefix: '/v1/',
        seed,
      },
    });
    const store = tdb.open();
    try {
      const at = new Date().toISOString();
      for (const pair of pairs) {
        await storeSandboxPair(store, systemClock, {
          pairId: pair.id,
          exactConnectionId: `exact-${pair.id}`,
          asperionConnectionId: `asperion-${pair.id}`,
          exactUrl: exact.url,
          asperionUrl: asperion.url,
          division: pair.division,
          administrationId: pair.administrationId,
          ...('asperionUsername' in pair ? { asperionUsername: pair.asperionUsername } : {}),
          asperionRateLimit: asperionRate,
        });
        await upsertFlow(
          store.db,
          {
            ...flowRow('orders', {}),
            // As a real installation has: a run that lost its worker too often (it failed after
            // its attempts) leaves the rest to the next scheduled run.
            schedule: '* * * * *',
            id: `orders-${pair.id}`,
            pairId: pair.id,
            sourceConnectionId: `exact-${pair.id}`,
            targetConnectionId: `asperion-${pair.id}`,
          },
          at,
        );
      }
    } finally {
      await store.close();
    }
  });

  let passed = false;
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    // The processes' logs (at info) are kept when the test failed: they say where a run stood.
    if (passed) rmSync(logDir, { recursive: true, force: true });
    else process.stderr.write(`[chaos] the processes' logs are in ${logDir}\n`);
    await exact?.close();
    await asperion?.close();
    await tdb?.drop();
  });

  function koppel(args: string[], env: Record<string, string> = {}) {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
      cwd: root,
      env: {
        ...process.env,
        ...tdb.env,
        KOPPEL_LOG_LEVEL: 'info',
        KOPPEL_SECRET_KEY: harnessSecretKey,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    const output = { text: '' };
    const log = createWriteStream(path.join(logDir, `${args.join('-')}-${child.pid}.log`));
    child.stdout!.on('data', (d: Buffer) => (output.text += d.toString()));
    // Two streams into one file: neither may end it (the other may still write); the child's
    // close, after both streams ended, does.
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    child.on('close', () => log.end());
    const exited = new Promise<void>((resolve) =>
      child.on('exit', () => {
        children.delete(child);
        resolve();
      }),
    );
    return { child, output, exited };
  }

  const startWorker = () => koppel(['start', '--role', 'worker'], { KOPPEL_WORKERS: '2' });

  /** Every invoice of an administration that carries a Koppel reference, through Asperion's API. */
  async function koppelInvoices(administrationId: number, username?: string): Promise<string[]> {
    const { access_token: token } = await control(
      asperion.url,
      'POST',
      'tokens',
      username ? { username } : {},
    );
    const references: string[] = [];
    for (let page = 1; ; page++) {
      const res = await fetch(`${asperion.url}/v1/salesinvoiceswithlines?pageSize=100&page=${page}`, {
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          'x-tenant-id': String(administrationId),
        },
      });
      const body = (await res.json()) as any;
      if (res.status !== 200) {
        page--; // an injected fault: ask for the same page again
        continue;
      }
      for (const row of body._data) {
        const ref = /\[koppel:([^\]]+)\]/.exec(String(row.description))?.[1];
        if (ref) references.push(ref);
      }
      if (!body._meta.nextPage) return references;
    }
  }

  it('sends every invoice of every pair exactly once through ten SIGKILLs, with no 429 and no lost job', async () => {
    // A known address, so that Exact's webhooks reach the web process (KOPPEL_PUBLIC_URL).
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const web = koppel(['start', '--role', 'web'], { KOPPEL_PORT: String(port), KOPPEL_PUBLIC_URL: url });
    await waitFor(
      'the web app',
      async () => (/web app\s+http:\/\//.test(web.output.text) ? true : undefined),
      60_000,
    );
    const workers = [startWorker(), startWorker(), startWorker()];
    const owner = await ownerFromSetupLink(
      url,
      await waitFor(
        'the setup link',
        async () => /first setup\s+(http:\/\/\S+)/.exec(web.output.text)?.[1],
        30_000,
      ),
    );
    for (const pair of pairs)
      expect((await owner.post(`/api/flows/orders-${pair.id}/runs`)).status).toBe(202);
    await waitFor(
      "every division's SalesInvoices subscription",
      async () => {
        const rows = (await control(exact.url, 'GET', 'webhooks/subscriptions')) as any[];
        const subscribed = new Set(
          rows.filter((r) => r.Topic === 'SalesInvoices').map((r) => Number(r.Division)),
        );
        return pairs.every((p) => subscribed.has(p.division)) ? true : undefined;
      },
      60_000,
    );

    // New invoices while the backfills run: each reaches Koppel only as a webhook delivery.
    const liveInvoices = new Map<string, string[]>(pairs.map((p) => [p.id, []]));
    let streaming = true;
    const stream = (async () => {
      const pick = seededRandom(seed + 2);
      for (let n = 1; streaming; n++) {
        const p = Math.floor(pick() * pairs.length);
        const pair = pairs[p]!;
        const id = `0d00000${p}-0000-4000-9000-${hex(n)}`;
        await control(exact.url, 'POST', 'fixture', {
          divisions: {
            [pair.division]: {
              'salesinvoice/SalesInvoices': [
                {
                  InvoiceID: id,
                  Journal: '70',
                  OrderedBy: accountId(p, 1),
                  Description: `Chaos webhook order ${pair.id}-${n}`,
                  SalesInvoiceLines: [{ Item: itemId(p, 1), Quantity: 1, UnitPrice: 9.95, VATCode: 'VH' }],
                },
              ],
            },
          },
        });
        liveInvoices.get(pair.id)!.push(id);
        await new Promise((r) => setTimeout(r, 2_000));
      }
    })();

    const random = seededRandom(seed + 1);
    const killedDuring: string[] = [];
    for (let k = 0; k < kills; k++) {
      await new Promise((r) => setTimeout(r, 10_000 + Math.floor(random() * 10_000)));
      const victim = Math.floor(random() * workers.length);
      const { child, exited } = workers[victim]!;
      child.kill('SIGKILL');
      await exited;
      killedDuring.push(`kill ${k + 1}: worker ${victim} (pid ${child.pid})`);
      workers[victim] = startWorker();
    }
    streaming = false;
    await stream;
    const expected = (pairId: string) => invoicesPerPair + liveInvoices.get(pairId)!.length;

    // Drained: every invoice is in its administration and no run is going or waiting.
    const everyInvoice = async () => {
      for (const pair of pairs) {
        const references = await koppelInvoices(
          pair.administrationId,
          'asperionUsername' in pair ? pair.asperionUsername : undefined,
        );
        if (new Set(references).size < expected(pair.id)) return false;
      }
      return true;
    };
    const store = tdb.open();
    const after: Array<() => Promise<void>> = [];
    try {
      // The queue the processes use: pg-boss, the default on PostgreSQL.
      const config = loadConfig({ ...tdb.env, KOPPEL_SECRET_KEY: harnessSecretKey });
      expect(config.queue).toBe('pg-boss');
      const queue = openJobQueue({
        engine: config.queue,
        store,
        clock: systemClock,
        logger: createLogger({ level: 'silent', secrets: new SecretRegistry() }),
        databaseUrl: config.databaseUrl,
      });
      after.push(() => queue.stop());
      // Runs from the cursor, and runs of the documents webhooks named during a backfill.
      const runJobs = new Set(['flow.run', 'flow.records']);
      const open = async () =>
        [...(await queue.list({ state: 'queued' })), ...(await queue.list({ state: 'running' }))].filter(
          (j) => runJobs.has(j.name),
        );
      await waitFor(
        'the fleet to finish every backfill',
        async () => ((await everyInvoice()) && (await open()).length === 0 ? true : undefined),
        300_000,
      );
      const jobs = (await queue.list({ limit: 5_000 })).filter((j) => runJobs.has(j.name));
      // A kill gives the job its start back; only a job that lost its worker at twenty starts
      // fails, saying so, and the next scheduled run goes on from its cursor. Any other end is a
      // lost or broken job.
      const failedByKills = jobs.filter(
        (j) => j.state === 'failed' && /^lease expired: worker /.test(j.lastError ?? ''),
      );
      expect(
        jobs
          .filter((j) => j.state !== 'completed' && !failedByKills.includes(j))
          .map((j) => `${j.id} ${j.state} ${j.lastError}`),
        'flow runs that neither completed nor ran out of workers',
      ).toEqual([]);
      // Kills landed on running jobs: some flow.run job needed more than one attempt.
      expect(Math.max(...jobs.map((j) => j.attempts)), killedDuring.join('\n')).toBeGreaterThan(1);
      for (const pair of pairs) {
        const last = await store.db
          .selectFrom('runs')
          .select('state')
          .where('flow_id', '=', `orders-${pair.id}`)
          .orderBy('created_at', 'desc')
          .executeTakeFirst();
        expect(last?.state, `${pair.id}: the last run`).toBe('succeeded');
      }
      // Deliveries during a backfill went in runs of their own documents.
      const named = jobs.filter((j) => j.name === 'flow.records');
      expect(named.length, 'flow.records jobs').toBeGreaterThan(0);
      process.stderr.write(
        `[chaos] run jobs failed by kills: ${failedByKills.length}; webhook invoices ` +
          `${[...liveInvoices.values()].flat().length}, flow.records jobs ${named.length}\n`,
      );
    } finally {
      for (const stop of after) await stop();
      await store.close();
    }

    for (const pair of pairs) {
      const references = await koppelInvoices(
        pair.administrationId,
        'asperionUsername' in pair ? pair.asperionUsername : undefined,
      );
      const counts = new Map<string, number>();
      for (const r of references) counts.set(r, (counts.get(r) ?? 0) + 1);
      expect(
        [...counts].filter(([, n]) => n > 1),
        `${pair.id}: invoices sent more than once`,
      ).toEqual([]);
      expect(counts.size, `${pair.id}: invoices in Asperion`).toBe(expected(pair.id));
      expect(liveInvoices.get(pair.id)!.filter((id) => !counts.has(id))).toEqual([]);
    }

    expect(exactTally.statuses.get(429) ?? 0, 'Exact answers 429').toBe(0);
    expect(asperionTally.statuses.get(429) ?? 0, 'Asperion answers 429').toBe(0);
    // Tokens of 2 minutes were refreshed while the fleet ran, each refresh by one process only.
    const refreshes = [...exactTally.tokenCalls, ...asperionTally.tokenCalls].filter(
      (c) => c.grant === 'refresh_token',
    );
    expect(refreshes.length).toBeGreaterThan(0);
    expect(refreshes.filter((c) => c.status !== 200)).toEqual([]);
    process.stderr.write(
      `[chaos] ${killedDuring.length} kills; token refreshes: Exact ${exactTally.tokenCalls.length}, ` +
        `Asperion ${asperionTally.tokenCalls.length}; answers Exact ${JSON.stringify([...exactTally.statuses])}, ` +
        `Asperion ${JSON.stringify([...asperionTally.statuses])}\n`,
    );
    web.child.kill('SIGTERM');
    for (const w of workers) w.child.kill('SIGTERM');
    passed = true;
  }, 900_000);
});
