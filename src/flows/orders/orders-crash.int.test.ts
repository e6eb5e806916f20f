import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { replayDeadLetters } from '../../engine/replay.js';
import { runFlow } from '../../engine/run-flow.js';
import { createApp, type App } from '../../main.js';
import { productRegistry } from '../../registry.js';
import { seededRandom } from '../../sandboxes/asperion/seed/seeded-random.js';
import {
  control,
  crashDivision as division,
  crashThenFinish,
  expectSettled,
  listAsperion,
  startCrashSetup,
  type ChildOutcome,
  type ChildWatch,
  type CrashSetup,
  type LoggedRequest,
  type Sandbox,
} from '../../testing/crash-harness.js';
import { testDialects } from '../../testing/databases.js';
import { harnessSecretKey } from '../../testing/engine-harness.js';
import { VirtualClock } from '../../testing/virtual-clock.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

// The orders flow survives SIGKILL at random moments and faults in both APIs, and ends with
// every order in Asperion exactly once.

const orderCount = 500;

const invoiceId = (n: number) => `0d000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const accountId = (n: number) => `0a000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const itemId = (n: number) => `0b000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** 500 open sales invoices (status 20) of five Dutch customers over four items, VAT VH. */
function salesFixture(seed: number) {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const streets = ['Keizersgracht 12', 'Oudegracht 3-bis', 'Markt 7', 'Stationsweg 101', 'Dorpsstraat 5A'];
  const cities = ['Amsterdam', 'Utrecht', 'Delft', 'Leiden', 'Gouda'];
  const accounts = streets.map((street, i) => ({
    ID: accountId(i + 1),
    Code: String(9001 + i),
    Name: `Crashtest Klant ${i + 1}`,
    Email: `klant${i + 1}@crashtest.example.nl`,
    AddressLine1: street,
    Postcode: `${1011 + i} AB`,
    City: cities[i],
    Country: 'NL',
    Status: 'C',
  }));
  const items = ['CT-FIETS', 'CT-BEL', 'CT-SLOT', 'CT-LAMP'].map((code, i) => ({
    ID: itemId(i + 1),
    Code: code,
    Description: `Crashtest ${code.slice(3).toLowerCase()}`,
  }));
  /** What each invoice should total excl. VAT, in cents. */
  const netCents = new Map<string, number>();
  const invoices = Array.from({ length: orderCount }, (_, i) => {
    const id = invoiceId(i + 1);
    const lines = Array.from({ length: 1 + pick(3) }, () => {
      const quantity = 1 + pick(4);
      const cents = 100 + pick(20000);
      netCents.set(id, (netCents.get(id) ?? 0) + quantity * cents);
      return {
        Item: itemId(1 + pick(items.length)),
        Quantity: quantity,
        UnitPrice: cents / 100,
        VATCode: 'VH',
      };
    });
    return {
      InvoiceID: id,
      Journal: '70',
      OrderedBy: accountId(1 + pick(accounts.length)),
      Description: `Crashtest order ${i + 1}`,
      SalesInvoiceLines: lines,
    };
  });
  const fixture = {
    divisions: {
      [division]: {
        'financial/GLAccounts': [{ Code: '8000', Description: 'Omzet hoog', Type: 110 }],
        'vat/VATCodes': [{ Code: 'VH', Description: 'BTW hoog', Type: 'E', VATTransactionType: 'B' }],
        'financial/Journals': [{ Code: '70', Description: 'Verkoopboek', Type: 20 }],
        'crm/Accounts': accounts,
        'logistics/Items': items,
        'salesinvoice/SalesInvoices': invoices,
      },
    },
  };
  return { fixture, netCents };
}

interface Setup extends CrashSetup<Sandbox & { lost: number }> {
  netCents: Map<string, number>;
}

/**
 * Both sandboxes in this process on `sandboxClock` (they outlive every child), the Exact one reset
 * to the fixture, and a database with the pair, both connections and the orders flow. Tokens are
 * stored as expiring on `engineClock` (a child process runs on the system clock).
 */
async function setUp(
  dialect: (typeof testDialects)[number],
  seed: number,
  sandboxClock: Clock,
  engineClock: Clock,
  lossyShare = 0,
): Promise<Setup> {
  const { fixture, netCents } = salesFixture(seed);
  const s = await startCrashSetup(dialect, {
    kind: 'orders',
    sandboxClock,
    engineClock,
    exactFixture: fixture,
    ...(lossyShare > 0 ? { asperionFront: (url: string) => lossyProxy(url, lossyShare, seed) } : {}),
  });
  return { ...s, netCents };
}

/** Every invoice in Asperion that carries a Koppel reference (the demo seed has invoices of its own). */
async function koppelInvoices(asperion: Sandbox): Promise<any[]> {
  // The sandboxes' faults and rate limit are off by now; a token of our own reads the list.
  const rows = await listAsperion(asperion, 'salesinvoiceswithlines');
  return rows.filter((r) => /\[koppel:[^\]]+\]/.test(String(r.description)));
}

/** Exactly one invoice per order, each with its net amount; nothing half-written left behind. */
async function expectEveryOrderOnce(s: Setup): Promise<void> {
  const invoices = await koppelInvoices(s.asperion);
  const references = invoices.map((i) => /\[koppel:([^\]]+)\]/.exec(String(i.description))![1]!);
  const counts = new Map<string, number>();
  for (const r of references) counts.set(r, (counts.get(r) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1).map(([r, n]) => `${r} ×${n}`);
  expect(twice, 'orders sent more than once').toEqual([]);
  const expected = [...s.netCents.keys()];
  expect(
    expected.filter((id) => !counts.has(id)),
    'orders lost',
  ).toEqual([]);
  expect(invoices).toHaveLength(orderCount);
  const wrong = invoices
    .map((i) => {
      const id = /\[koppel:([^\]]+)\]/.exec(String(i.description))![1]!;
      return { id, got: Math.round(Number(i.amountExclVat) * 100), want: s.netCents.get(id) };
    })
    .filter((x) => x.got !== x.want);
  expect(wrong, 'amounts').toEqual([]);

  await expectSettled(s.tdb, 'orders', orderCount);
}

/**
 * A fault neither sandbox makes: the answer lost after the write went through (a timeout on the way
 * back). In front of Asperion, a seeded share of the invoice creates is passed on and its answer
 * thrown away by closing the connection, so the client cannot know whether the invoice exists.
 */
async function lossyProxy(
  targetUrl: string,
  share: number,
  seed: number,
): Promise<Sandbox & { lost: number }> {
  const random = seededRandom(seed);
  let lost = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(
            ([k, v]) => typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k),
          ),
        ) as Record<string, string>;
        const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
        const answer = await fetch(targetUrl + req.url, {
          method: req.method!,
          headers,
          ...(body ? { body } : {}),
        });
        const text = Buffer.from(await answer.arrayBuffer());
        const create =
          req.method === 'POST' && req.url!.toLowerCase().startsWith('/v1/salesinvoiceswithlines');
        if (create && answer.ok && random() < share) {
          lost++;
          req.socket.destroy();
          return;
        }
        const out: Record<string, string> = {};
        answer.headers.forEach((v, k) => {
          if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k))
            out[k] = v;
        });
        res.writeHead(answer.status, out).end(text);
      })().catch(() => req.socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    get lost() {
      return lost;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The orders flow's writes: invoice creates in Asperion. */
const invoices = (r: LoggedRequest) => r.path.startsWith('/v1/salesinvoiceswithlines');
const invoiceCreates: ChildWatch = { app: 'asperion', isWrite: (r) => r.method === 'POST' && invoices(r) };

/**
 * GETs to the invoice list before a child's first invoice create: the look-ups of the recovery of
 * what the child before it left in doubt.
 */
function recoveryLookups(outcome: ChildOutcome): number {
  const log = outcome.requests;
  const firstCreate = log.findIndex((r) => r.method === 'POST' && invoices(r));
  return log
    .slice(0, firstCreate < 0 ? log.length : firstCreate)
    .filter((r) => r.method === 'GET' && invoices(r)).length;
}

describe.each(testDialects)('orders flow under crashes and faults (%s)', (dialect) => {
  let s: Setup | undefined;
  let app: App | undefined;
  afterEach(async () => {
    await app?.close();
    await s?.close();
    app = undefined;
    s = undefined;
  });

  it('sends 500 orders exactly once through ten SIGKILLs at random moments', async () => {
    // The sandboxes keep time with the children (the system clock), as Asperion does with Koppel:
    // recovery lists what changed since the rows in doubt were written.
    s = await setUp(dialect, 5, systemClock, {
      now: () => new Date(),
      sleep: () => Promise.resolve(),
    });
    const random = seededRandom(dialect === 'sqlite' ? 11 : 12);
    // Spread the kills over the run: 15–50 creates into each child, so all ten land before the end.
    const killAfters = Array.from({ length: 10 }, () => 15 + Math.floor(random() * 36));
    const { killed, last } = await crashThenFinish(s, 'orders', invoiceCreates, killAfters);
    expect(killed.reduce((sum, k) => sum + k.writes, 0)).toBeLessThan(orderCount);
    const lookups = [...killed, last].map(recoveryLookups);
    // Only the creates in doubt are looked up, by listing Koppel's invoices changed since: with at
    // most 500 of them, five pages of 100 (or fewer look-ups one by one) after every kill.
    expect(
      lookups.slice(1).every((n) => n <= 5),
      `recovery look-ups per restart: ${lookups.slice(1).join(', ')}`,
    ).toBe(true);
    await expectEveryOrderOnce(s);
  }, 150_000);

  it('sends every order exactly once through 5xx, timeouts and 429s in both APIs', async () => {
    // One virtual clock for the engine and both sandboxes: Retry-After, backoff, simulated timeouts
    // and rate-limit windows all pass without real waiting.
    const clock = new VirtualClock('2026-03-10T09:00:00.000Z');
    s = await setUp(dialect, 6, clock, clock, 0.05);
    const { exact, asperion } = s;
    await control(exact.url, 'PUT', 'settings', {
      randomFaults: { errorRate: 0.1, errorStatus: 503, seed: 7 },
      errorsPerHour: 0,
    });
    for (const p of [
      '/sync/SalesInvoice/SalesInvoices',
      '/bulk/SalesInvoice/SalesInvoiceLines',
      '/bulk/CRM/Accounts',
    ])
      await control(exact.url, 'POST', 'faults', { path: p, status: 429, times: 2, method: 'GET' });
    await control(asperion.url, 'PUT', 'settings', {
      faults: { errorRate: 0.08, errorStatus: 503, timeoutRate: 0.04, timeoutMs: 30_000, seed: 9 },
      rateLimit: { enabled: true, requests: 40, windowSeconds: 10 },
    });
    const faultsOff = () =>
      control(asperion.url, 'PUT', 'settings', {
        faults: { errorRate: 0, timeoutRate: 0 },
        rateLimit: { enabled: false },
      });
    try {
      app = await createApp(
        loadConfig({ ...s.tdb.env, KOPPEL_SECRET_KEY: harnessSecretKey, KOPPEL_LOG_LEVEL: 'silent' }),
        { registry: productRegistry, clock },
      );
      const deps = app.engine;
      // Two attempts a record, so some records do run out and become dead letters to replay.
      deps.retry = { ...deps.retry, maxAttempts: 2 };
      // As a user would: run, replay what failed, run again, until nothing is left over.
      let rounds = 0;
      let replays = 0;
      for (; rounds < 12; rounds++) {
        const run = await runFlow(deps, { flowId: 'orders', trigger: 'manual' });
        const open = await deps.store.db
          .selectFrom('dead_letters')
          .select('id')
          .where('state', '=', 'open')
          .execute();
        if (open.length > 0) replays++;
        if (open.length > 0)
          await replayDeadLetters(deps, { filter: { ids: open.map((r) => r.id) }, mode: 'current' });
        const links = await deps.store.db
          .selectFrom('links')
          .select('source_id')
          .where('flow_id', '=', 'orders')
          .execute();
        if (run.state === 'succeeded' && open.length === 0 && links.length === orderCount) break;
      }
      await faultsOff();
      await expectEveryOrderOnce(s);
      expect(rounds).toBeLessThan(12);
      // The faults did happen, and some records ran out of attempts and were replayed.
      expect(replays).toBeGreaterThan(0);
      expect(s.front!.lost).toBeGreaterThan(5);
      const log = (await control(asperion.url, 'GET', 'requests')).requests as any[];
      expect(log.filter((r) => r.status === 503).length).toBeGreaterThan(0);
      expect(log.filter((r) => r.status === 504).length).toBeGreaterThan(0);
      expect(log.filter((r) => r.status === 429).length).toBeGreaterThan(0);
      const exactLog = await control(exact.url, 'GET', 'requests');
      expect(exactLog.filter((r: any) => r.status === 503).length).toBeGreaterThan(0);
      expect(exactLog.filter((r: any) => r.status === 429).length).toBeGreaterThan(0);
    } finally {
      await faultsOff();
    }
  }, 60_000);
});
