import { benchReady, exactControl, setAsperionRate } from './bench-pair.js';
import { naiveOrders } from './naive-orders.js';
import { defaultAsperionRate } from '../src/connectors/asperion/rate-governor.js';
import { runFlow, type RunResult } from '../src/engine/run-flow.js';
import type { DialectName } from '../src/store/database.js';
import { startPair, type Pair } from '../src/testing/flow-test-pair.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the bench reads the sandboxes' JSON as it comes */

/**
 * The orders flow (Exact sales invoices → Asperion draft invoices) as webhooks run it: after a
 * warm-up run over the pair (its customers and articles are then known), one new run per size, 1,
 * 10 and 1,000 new invoices and a big batch (`BENCH_ORDERS`, default 10,000; 0: none), so each run pays its own
 * per-run reads again as a real webhook run does. Calls are counted from the sandboxes' request
 * logs (what crossed HTTP), not from Koppel's own counters. Next to Koppel, a naive client
 * (`naive-orders.ts`) handles the same orders over HTTP, counted the same way.
 *
 * The bench fails (exit code 1) when a run dead-letters or fails a record, or when an invoice's
 * totals in Asperion differ from Exact's by a cent. Both sandboxes run in-process with their limits
 * off; SQLite by default, `BENCH_DIALECTS=sqlite,postgres` adds Postgres (the local server).
 * Orders per second include the polling of Asperion's request log (it keeps 1,000 entries).
 *
 * Those runs lift the connection's limit on Asperion calls, so they measure Koppel. Two more runs,
 * of 10 and of 1 new invoices, keep Asperion's default limit (5 calls a second): what a webhook run
 * takes in practice. The pair's clock is virtual (it moves when someone sleeps) until then; for
 * those runs it follows real time, so waiting for a slot takes the time it would.
 */
const sizes = [1, 10, 1_000];
// The big batch: about a minute on a quiet machine (2 cores), so it runs by default; 0 leaves it out.
const bigOrders = Number(process.env.BENCH_ORDERS ?? 10_000);
const big = bigOrders > 0 ? bigOrders : undefined;
const defaultRateSizes = [10, 1];
const defaultRateLabel = `@${defaultAsperionRate.requests}/s`;
const warmUp = Number(process.env.BENCH_ORDERS_WARMUP ?? 200);
const customers = 50;
const items = 100;
const fixtureChunk = 1_000;

/** RSS samples: the process's peak. */
const rss = { peak: 0 };
const sampleRss = () => {
  rss.peak = Math.max(rss.peak, process.memoryUsage().rss);
};

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const accountId = (n: number) => `0d000000-0000-4000-8000-${hex(n, 12)}`;
const itemId = (n: number) => `0f000000-0000-4000-8000-${hex(n, 12)}`;
const invoiceId = (n: number) => `0e000000-0000-4000-8000-${hex(n, 12)}`;

/** A small deterministic PRNG (mulberry32), so every run sends the same orders. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Invoice `n` (status 20, open, the sandbox's default): 1–5 lines at VAT `VH`. Invoice n's first
 * line has item n % 100 and its customer is n % 50, so a warm-up of 100 or more covers them all.
 */
function invoice(n: number, random: () => number): { row: Record<string, unknown>; lines: number } {
  const lines = 1 + Math.floor(random() * 5);
  return {
    lines,
    row: {
      InvoiceID: invoiceId(n),
      Journal: '70',
      OrderedBy: accountId(n % customers),
      Description: `Bench order ${n}`,
      SalesInvoiceLines: Array.from({ length: lines }, (_, l) => ({
        Item: itemId(l === 0 ? n % items : Math.floor(random() * items)),
        Quantity: 1 + Math.floor(random() * 4),
        UnitPrice: Math.round(100 + random() * 9_900) / 100,
        VATCode: 'VH',
      })),
    },
  };
}

/** Adds invoices [from, to) to Exact through the fixture API, in chunks; returns their line count. */
async function addInvoices(pair: Pair, from: number, to: number, random: () => number): Promise<number> {
  let lines = 0;
  for (let start = from; start < to; start += fixtureChunk) {
    const rows = [];
    for (let n = start; n < Math.min(to, start + fixtureChunk); n++) {
      const made = invoice(n, random);
      lines += made.lines;
      rows.push(made.row);
    }
    await pair.addExact({ 'salesinvoice/SalesInvoices': rows });
  }
  return lines;
}

/**
 * Every request Asperion's API saw while `work` ran. Its log keeps the last 1,000 requests, so it
 * is read every 200 ms and joined by sequence number; a gap (requests lost between two reads)
 * fails the count rather than under-report it.
 */
async function countAsperion(pair: Pair, work: () => Promise<void>): Promise<number> {
  await pair.asperion.call('DELETE', '/__sandbox/requests', { auth: false });
  const seen = new Set<number>();
  let lost = false;
  const read = async () => {
    const log = (await pair.asperion.call('GET', '/__sandbox/requests', { auth: false })).body
      .requests as Array<{
      seq: number;
    }>;
    // A full log whose oldest entry is new to us may have dropped some before it.
    if (log.length >= 1_000 && seen.size > 0 && !seen.has(log[0]!.seq)) lost = true;
    for (const r of log) seen.add(r.seq);
  };
  let polling = Promise.resolve();
  const timer = setInterval(() => {
    polling = polling.then(read);
  }, 200);
  try {
    await work();
  } finally {
    clearInterval(timer);
    await polling;
    await read();
  }
  if (lost) throw new Error("Asperion's request log overflowed between two reads: the count would be short");
  return seen.size;
}

/** Every request Exact's API saw while `work` ran (its log is made large enough by benchReady). */
async function countExact(pair: Pair, work: () => Promise<void>): Promise<number> {
  await exactControl(pair, 'DELETE', 'requests');
  await work();
  const logged = (await exactControl(pair, 'GET', 'requests')) as Array<{ path: string }>;
  return logged.filter((r) => r.path.startsWith('/api/')).length;
}

interface Measured {
  /** At Asperion's default limit rather than the lifted one. */
  defaultRate: boolean;
  orders: number;
  lines: number;
  seconds: number;
  exactCalls: number;
  asperionCalls: number;
  naive?: { exactCalls: number; asperionCalls: number; seconds: number };
}

/** Why the bench must fail: dead letters or failed records of a run, a total that differs. */
const failures: string[] = [];

async function checkRun(pair: Pair, run: RunResult, what: string, expected: number): Promise<void> {
  const failed = (run.counts['deadLettered'] ?? 0) + (run.counts['failed'] ?? 0);
  if (run.state !== 'succeeded' || failed > 0 || run.counts['created'] !== expected)
    failures.push(
      `${what}: run ${run.state}, ${JSON.stringify(run.counts)} (expected ${expected} created)\n` +
        (await pair.deadLetters()).slice(0, 5).join('\n'),
    );
}

/** Asperion's totals of Koppel's invoices against Exact's, to the cent, for invoices [from, to). */
async function checkTotals(pair: Pair, from: number, to: number): Promise<number> {
  const wanted = new Set(Array.from({ length: to - from }, (_, i) => invoiceId(from + i)));
  const exact = new Map<string, any>();
  for (const row of await pair.exact('bulk/SalesInvoice/SalesInvoices', {
    $select: 'InvoiceID,AmountFC,AmountFCExclVat,VATAmountFC',
  }))
    if (wanted.has(row.InvoiceID)) exact.set(row.InvoiceID, row);
  const cents = (v: unknown) => Math.round(Number(v) * 100);
  let checked = 0;
  for (const sent of await pair.invoices()) {
    const id = /\[koppel:([^\]]+)\]/.exec(String(sent.description))?.[1];
    if (id === undefined || !wanted.has(id)) continue;
    const source = exact.get(id);
    const pairs = [
      ['excl. VAT', sent.amountExclVat, source?.AmountFCExclVat],
      ['VAT', sent.vatAmount, source?.VATAmountFC],
      ['incl. VAT', sent.amountInclVat, source?.AmountFC],
    ] as const;
    for (const [what, asperion, exactValue] of pairs)
      if (cents(asperion) !== cents(exactValue))
        failures.push(`invoice ${id}: ${what} ${asperion} in Asperion, ${exactValue} in Exact`);
    checked++;
  }
  if (checked !== wanted.size)
    failures.push(`totals: ${checked} of ${wanted.size} benched invoices found in Asperion`);
  return checked;
}

async function measure(dialect: DialectName): Promise<{ runs: Measured[]; checked: number }> {
  const pair = await startPair(dialect);
  try {
    const { h } = pair.fx;
    await benchReady(pair);

    // The demo seed's own invoices first (the seed carries the VAT codes, journals and ledger
    // accounts the invoices need), so the measured runs read only the bench's invoices.
    await runFlow(h.deps, { flowId: 'orders', trigger: 'manual' });

    const random = prng(5);
    await pair.addExact({
      'crm/Accounts': Array.from({ length: customers }, (_, n) => ({
        ID: accountId(n),
        Name: `Bench Klant ${n}`,
        Email: `bench${n}@example.nl`,
        AddressLine1: `Dorpsstraat ${n + 1}`,
        Postcode: '1234 AB',
        City: 'Utrecht',
        Country: 'NL',
        Status: 'C',
      })),
      'logistics/Items': Array.from({ length: items }, (_, n) => ({
        ID: itemId(n),
        Code: `BENCH-${String(n).padStart(3, '0')}`,
        Description: `Bench item ${n}`,
      })),
    });
    await addInvoices(pair, 0, warmUp, random);
    const warm = await runFlow(h.deps, { flowId: 'orders', trigger: 'manual' });
    await checkRun(pair, warm, 'warm-up', warmUp);

    const runs: Measured[] = [];
    let next = warmUp;
    const plan = [
      ...[...sizes, ...(big === undefined ? [] : [big])].map((size) => ({ size, defaultRate: false })),
      ...defaultRateSizes.map((size) => ({ size, defaultRate: true })),
    ];
    for (const { size, defaultRate } of plan) {
      if (defaultRate) {
        await setAsperionRate(pair, defaultAsperionRate);
        pair.fx.clock.followRealTime();
        // Each run starts with the window empty: the calls of the runs before hold their slots for
        // a window after their answers.
        pair.fx.clock.advance(2 * defaultAsperionRate.windowSeconds * 1000);
      }
      const from = next;
      next += size;
      const lines = await addInvoices(pair, from, next, random);
      let run: RunResult | undefined;
      let seconds = 0;
      const exactCalls = await countExact(pair, async () => {
        const asperionCalls = await countAsperion(pair, async () => {
          const started = performance.now();
          run = await runFlow(h.deps, { flowId: 'orders', trigger: 'webhook' });
          seconds = (performance.now() - started) / 1000;
          sampleRss();
        });
        runs.push({ defaultRate, orders: size, lines, seconds, exactCalls: 0, asperionCalls });
      });
      const measured = runs.at(-1)!;
      measured.exactCalls = exactCalls;
      await checkRun(pair, run!, `run of ${size}${defaultRate ? ` ${defaultRateLabel}` : ''}`, size);
      // The naive client over the same orders (not the big batch: it takes one call at a time; not
      // at the default limit either: it has none).
      if ((big === undefined || size !== big) && !defaultRate) {
        let naiveSeconds = 0;
        let naiveAsperion = 0;
        const ids = Array.from({ length: size }, (_, i) => invoiceId(from + i));
        const naiveExact = await countExact(pair, async () => {
          naiveAsperion = await countAsperion(pair, async () => {
            const started = performance.now();
            await naiveOrders(pair, ids);
            naiveSeconds = (performance.now() - started) / 1000;
          });
        });
        measured.naive = {
          exactCalls: naiveExact,
          asperionCalls: naiveAsperion,
          seconds: naiveSeconds,
        };
      }
    }
    const checked = await checkTotals(pair, warmUp, next);
    return { runs, checked };
  } finally {
    await pair.asperion.close();
    await pair.fx.close();
  }
}

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

export async function ordersBench(): Promise<void> {
  sampleRss();
  const sampler = setInterval(sampleRss, 100);
  try {
    const dialects = (process.env.BENCH_DIALECTS?.split(',') ?? ['sqlite']) as DialectName[];
    process.stdout.write(
      `orders: new runs of ${[...sizes, ...(big === undefined ? [] : [big])].map((s) => s.toLocaleString('en')).join(', ')} ` +
        `Exact sales invoices (1–5 lines, VAT VH) after a warm-up run of ${warmUp}; ${customers} customers, ` +
        `${items} items, limits off; then runs of ${defaultRateSizes.join(' and ')} at Asperion's default limit ` +
        `(${defaultRateLabel}); calls from the sandboxes' request logs\n`,
    );
    const json: Record<string, unknown> = { bench: 'orders' };
    for (const dialect of dialects) {
      const { runs, checked } = await measure(dialect);
      const prefix = dialects.length > 1 ? `${dialect}_` : '';
      process.stdout.write(
        `  ${dialect}: totals of ${checked} invoices checked against Exact's to the cent\n`,
      );
      process.stdout.write(
        `    ${'run'.padEnd(8)} ${'Exact/order'.padStart(12)} ${'Asperion/order'.padStart(15)} ` +
          `${'orders/s'.padStart(9)} | ${'naive Exact'.padStart(12)} ${'naive Asperion'.padStart(15)} ${'naive orders/s'.padStart(15)}\n`,
      );
      for (const m of runs) {
        const size = m.orders;
        const label = `${size.toLocaleString('en')}${m.defaultRate ? ` ${defaultRateLabel}` : ''}`;
        const key = `${size}${m.defaultRate ? '_default_rate' : ''}`;
        const exact = m.exactCalls / m.orders;
        const asperion = m.asperionCalls / m.orders;
        const perSecond = m.orders / m.seconds;
        const naive = m.naive;
        process.stdout.write(
          `    ${label.padEnd(8)} ${exact.toFixed(3).padStart(12)} ${asperion.toFixed(3).padStart(15)} ` +
            `${(perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond).toString()).padStart(9)} | ` +
            (naive
              ? `${(naive.exactCalls / m.orders).toFixed(3).padStart(12)} ${(naive.asperionCalls / m.orders).toFixed(3).padStart(15)} ` +
                `${Math.round(m.orders / naive.seconds)
                  .toString()
                  .padStart(15)}`
              : `${'(not run)'.padStart(12)}`) +
            ` (${(m.lines / m.orders).toFixed(2)} lines an order${m.defaultRate ? `, ${m.seconds.toFixed(2)} s` : ''})\n`,
        );
        Object.assign(json, {
          [`${prefix}exact_calls_per_order_run${key}`]: round(exact, 4),
          [`${prefix}asperion_calls_per_order_run${key}`]: round(asperion, 4),
          [`${prefix}orders_per_s_run${key}`]: perSecond < 10 ? round(perSecond, 1) : Math.round(perSecond),
          ...(naive
            ? {
                [`${prefix}naive_exact_calls_per_order_run${key}`]: round(naive.exactCalls / m.orders, 4),
                [`${prefix}naive_asperion_calls_per_order_run${key}`]: round(
                  naive.asperionCalls / m.orders,
                  4,
                ),
              }
            : {}),
        });
      }
    }
    sampleRss();
    const peakMb = Math.round(Math.max(rss.peak, process.resourceUsage().maxRSS * 1024) / 1024 / 1024);
    process.stdout.write(`  peak RSS: ${peakMb} MB (whole process, sandboxes included)\n`);
    for (const failure of failures) process.stderr.write(`orders bench: ${failure}\n`);
    process.stdout.write(`${JSON.stringify({ ...json, peak_rss_mb: peakMb, failures: failures.length })}\n`);
    if (failures.length > 0) process.exitCode = 1;
  } finally {
    clearInterval(sampler);
  }
}
