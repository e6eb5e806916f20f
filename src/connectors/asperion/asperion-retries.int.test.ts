import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import {
  createAsperionClientHarness,
  type AsperionClientHarness,
} from '../../testing/asperion-client-harness.js';
import { testDialects } from '../../testing/databases.js';
import type { AsperionClient } from './asperion-client.js';
import type { SalesInvoiceInput } from './resource-types.js';

/**
 * Time for the client: every sleep is recorded and moves this clock and the sandbox's clock forward
 * at once, then runs the test's hook (to lift a fault "while the client waits").
 */
class WaitingClock implements Clock {
  readonly sleeps: number[] = [];
  onSleep: (() => Promise<unknown>) | undefined;
  private at: number;

  constructor(
    start: Date,
    private readonly t: AsperionClientHarness,
  ) {
    this.at = start.getTime();
  }

  now(): Date {
    return new Date(this.at);
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.at += ms;
    this.t.sandbox.clock.advance(ms);
    const hook = this.onSleep;
    this.onSleep = undefined;
    await hook?.();
  }
}

describe.each(testDialects)('Asperion retries against the sandbox’s faults on %s', (dialect) => {
  let t: AsperionClientHarness;
  afterEach(async () => t?.close());

  async function setUp(): Promise<{ c: AsperionClient; clock: WaitingClock }> {
    t = await createAsperionClientHarness(dialect);
    const clock = new WaitingClock(t.h.clock.now(), t);
    const c = await t.client({ clock });
    await t.clearLog();
    return { c, clock };
  }
  const statuses = async (method: string, prefix: string) =>
    (await t.log()).filter((r) => r.method === method && r.url.startsWith(prefix)).map((r) => r.status);
  const noFaults = () => t.settings({ faults: { errorRate: 0 } });

  it('retries a read after 502/503/504 with doubling waits, and gives up with a typed transient error', async () => {
    const { c, clock } = await setUp();
    await t.settings({ faults: { errorRate: 1, errorStatus: 503 } });
    clock.onSleep = noFaults;
    expect(await c.debtors.count()).toBe(12);
    expect(await statuses('GET', '/v1/debtors')).toEqual([503, 200]);

    await t.clearLog();
    await t.settings({ faults: { errorRate: 1, errorStatus: 502 } });
    await expect(c.debtors.get(1)).rejects.toMatchObject({
      kind: 'transient',
      code: 'asperion.unavailable',
      details: { status: 502 },
    });
    expect(await statuses('GET', '/v1/debtors')).toEqual([502, 502, 502, 502]);
    expect(clock.sleeps).toEqual([1000, 1000, 2000, 4000]);
    // Every retry leaves one warning with the method, the URL template, the status and the wait.
    await new Promise((r) => setTimeout(r, 50));
    const retries = t.h.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'Asperion call retried');
    expect(retries.map((l) => [l.method, l.endpoint, l.status, l.waitMs])).toEqual([
      ['GET', '/v1/debtors', 503, 1000],
      ['GET', '/v1/debtors/{id}', 502, 1000],
      ['GET', '/v1/debtors/{id}', 502, 2000],
      ['GET', '/v1/debtors/{id}', 502, 4000],
    ]);
    for (const line of t.h.logLines) expect(line).not.toMatch(/Bearer|access_token/i);
  });

  it('waits out a 429 for its Retry-After, then goes on', async () => {
    const { c, clock } = await setUp();
    await t.settings({ rateLimit: { enabled: true, requests: 2, windowSeconds: 30 } });
    await c.debtors.count();
    await c.articles.count();
    expect(await c.vatCodes.count()).toBeGreaterThan(0);
    expect((await t.log()).map((r) => r.status)).toEqual([200, 200, 429, 200]);
    expect(clock.sleeps).toEqual([30_000]);
  });

  it('never retries a create on its own: one POST and a typed transient error; retried only when the caller opts in', async () => {
    const { c, clock } = await setUp();
    const debtor = (await c.debtors.list({ Blocked: false }))[0]!;
    const input: SalesInvoiceInput = {
      date: t.h.clock.now().toISOString().slice(0, 10),
      journalId: '70',
      debtorCustomerNumber: debtor.customerNumber,
      lines: [{ amount: 100n, ledgerAccountId: 8000, vatCode: 'H21' }],
    };
    const before = await c.salesInvoices.count();
    await t.settings({ faults: { errorRate: 1, errorStatus: 503 } });
    await expect(c.salesInvoices.create(input)).rejects.toMatchObject({
      kind: 'transient',
      code: 'asperion.unavailable',
    });
    expect(await statuses('POST', '/v1/salesinvoiceswithlines')).toEqual([503]);
    expect(clock.sleeps).toEqual([]);
    await t.settings({ faults: { errorRate: 1, errorStatus: 504 } });
    await expect(c.salesInvoices.create(input)).rejects.toMatchObject({
      kind: 'transient',
      details: { status: 504, outcomeUnknown: true },
    });
    expect(await statuses('POST', '/v1/salesinvoiceswithlines')).toEqual([503, 504]);
    expect(clock.sleeps).toEqual([]);
    await t.settings({ faults: { errorRate: 1, errorStatus: 503 } });

    clock.onSleep = noFaults;
    await c.salesInvoices.create(input, { retry: true });
    expect(await statuses('POST', '/v1/salesinvoiceswithlines')).toEqual([503, 504, 503, 201]);
    expect(await c.salesInvoices.count()).toBe(before + 1);
  });

  it('retries reads after network failures; a create that failed on the network is reported as of unknown outcome', async () => {
    const { clock } = await setUp();
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const c = await t.client({ clock, apiBaseUrl: `http://127.0.0.1:${port}` });
    await expect(c.debtors.list()).rejects.toMatchObject({ kind: 'transient', code: 'asperion.network' });
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
    await expect(
      c.debtors.create({ name: 'X', address: 'Y 1', postCode: '1000 AA', city: 'Z', countryCode: 'NL' }),
    ).rejects.toMatchObject({
      kind: 'transient',
      code: 'asperion.network',
      details: { outcomeUnknown: true },
    });
    expect(clock.sleeps).toHaveLength(3);
  });
});

describe('the Asperion rate governor', () => {
  let t: AsperionClientHarness;
  afterEach(async () => t?.close());

  it('keeps concurrent callers of one app and administration under the self-imposed rate: no 429 where an ungoverned burst gets them', async () => {
    t = await createAsperionClientHarness('sqlite');
    // Client and sandbox share one manual clock, moved forward by this test while calls run.
    const clock = t.sandbox.clock;
    const rate = { requests: 4, windowSeconds: 1 };
    await t.settings({ rateLimit: { enabled: true, ...rate } });
    let running = true;
    const drive = (async () => {
      while (running) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        clock.advance(50);
      }
    })();
    const burst = async (clients: AsperionClient[]) => {
      const started = clock.now().getTime();
      const results = await Promise.allSettled(
        clients.flatMap((c) => [c.debtors.count(), c.journals.count(), c.vatCodes.count()]),
      );
      return { results, ms: clock.now().getTime() - started };
    };
    try {
      // Control: the same burst with a governor far above the sandbox's limit is refused in part.
      const loose = await Promise.all(
        [1, 2, 3, 4].map(() =>
          t.client({ clock, rate: { requests: 100, windowSeconds: 1 }, retry: { attempts: 1 } }),
        ),
      );
      const control = await burst(loose);
      expect(control.results.some((r) => r.status === 'rejected')).toBe(true);
      expect((await t.log()).some((r) => r.status === 429)).toBe(true);

      clock.advance(5_000);
      await t.clearLog();
      const governed = await Promise.all(
        [1, 2, 3, 4].map(() => t.client({ clock, rate, retry: { attempts: 1 } })),
      );
      expect(new Set(governed.map((c) => c.governor)).size).toBe(1);
      const run = await burst(governed);
      expect(run.results.every((r) => r.status === 'fulfilled')).toBe(true);
      const log = await t.log();
      expect(log).toHaveLength(12);
      expect(log.every((r) => r.status === 200)).toBe(true);
      // 12 calls at 4 a second: the last ones cannot start before two windows have passed.
      expect(run.ms).toBeGreaterThanOrEqual(2_000);
    } finally {
      running = false;
      await drive;
    }
  });
});
