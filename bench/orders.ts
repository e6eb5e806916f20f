import { benchReady, exactControl } from './bench-pair.js';
import { runFlow } from '../src/engine/run-flow.js';
import type { DialectName } from '../src/store/database.js';
import { startPair, type Pair } from '../src/testing/flow-test-pair.js';

/**
 * The orders flow (Exact sales invoices → Asperion draft invoices) at steady state: both sandboxes
 * in-process with their limits off, debtors and articles already in Asperion (a warm-up batch sent
 * them), then one run over `BENCH_ORDERS` new invoices. Prints the API calls per order on each
 * side next to what the naive process costs, orders per second end to end, and peak RSS (the whole
 * process: both sandboxes, their data and the engine); ends with one JSON line.
 *
 * The Exact sandbox keeps its demo seed (it carries the VAT codes, journals and ledger accounts an
 * invoice needs) and a first run sends the demo's own invoices; the bench's customers, items and
 * invoices come through the fixture API. SQLite by default; `BENCH_DIALECTS=sqlite,postgres` adds
 * Postgres (the local server, as the tests use it).
 *
 * The naive process (issue 5) checks the order, checks the customer, creates or updates the
 * customer, checks each product and creates the order; the issue counts that as at least
 * 3 + lines calls an order, and that lower bound is what is printed, from the batch's own lines.
 */
const total = Number(process.env.BENCH_ORDERS ?? 10_000);
const warmUp = Number(process.env.BENCH_ORDERS_WARMUP ?? 200);
const customers = 50;
const items = 100;
const fixtureChunk = 1_000;

/** RSS samples: the process's peak, and the peak during the measured run (reset just before it). */
const rss = { peak: 0, run: 0 };
const sampleRss = () => {
  const now = process.memoryUsage().rss;
  rss.peak = Math.max(rss.peak, now);
  rss.run = Math.max(rss.run, now);
};

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const accountId = (n: number) => `0d000000-0000-4000-8000-${hex(n, 12)}`;
const itemId = (n: number) => `0f000000-0000-4000-8000-${hex(n, 12)}`;
const invoiceId = (n: number) => `0e000000-0000-4000-8000-${hex(n, 12)}`;

/** A small deterministic PRNG (mulberry32), so every run sends the same batch. */
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

interface Figures {
  orders: number;
  lines: number;
  loadMs: number;
  /** RSS just before the measured run, and its peak during it (MB). */
  rssBeforeMb: number;
  rssRunMb: number;
  seconds: number;
  exactCalls: number;
  exactLogged: number;
  asperionCalls: number;
  counts: Record<string, number>;
  state: string;
  /** The measured run's dead letters by error code (the expression time limit trips under load). */
  deadLetters: Record<string, number>;
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

async function measure(dialect: DialectName): Promise<Figures> {
  const pair = await startPair(dialect);
  try {
    const { h } = pair.fx;
    await benchReady(pair);

    // The demo seed's own invoices first (the seed carries the VAT codes, journals and ledger
    // accounts the invoices need), so the measured run reads only the bench's invoices.
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
    if (warm.counts.created !== warmUp)
      throw new Error(`warm-up: ${JSON.stringify(warm.counts)}\n${(await pair.deadLetters()).join('\n')}`);

    const loadStart = performance.now();
    const lines = await addInvoices(pair, warmUp, warmUp + total, random);
    const loadMs = performance.now() - loadStart;
    await exactControl(pair, 'DELETE', 'requests');
    await pair.asperion.call('DELETE', '/__sandbox/requests', { auth: false });

    const rssBefore = process.memoryUsage().rss;
    rss.run = rssBefore;
    const started = performance.now();
    const run = await runFlow(h.deps, { flowId: 'orders', trigger: 'manual' });
    const seconds = (performance.now() - started) / 1000;
    sampleRss();
    const logged = (await exactControl(pair, 'GET', 'requests')) as Array<{ path: string }>;
    const deadLetters: Record<string, number> = {};
    for (const d of await h.store.db
      .selectFrom('dead_letters')
      .select('error_code')
      .where('run_id', '=', run.runId)
      .execute())
      deadLetters[d.error_code] = (deadLetters[d.error_code] ?? 0) + 1;
    return {
      orders: total,
      lines,
      loadMs,
      rssBeforeMb: Math.round(rssBefore / 1024 / 1024),
      rssRunMb: Math.round(rss.run / 1024 / 1024),
      seconds,
      exactCalls: run.apiCalls['exact'] ?? 0,
      exactLogged: logged.filter((r) => r.path.startsWith('/api/')).length,
      asperionCalls: run.apiCalls['asperion'] ?? 0,
      counts: run.counts,
      state: run.state,
      deadLetters,
    };
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
      `orders: ${total.toLocaleString('en')} Exact sales invoices (1–5 lines, VAT VH) after a warm-up ` +
        `of ${warmUp}; ${customers} customers, ${items} items, limits off\n`,
    );
    const json: Record<string, unknown> = { bench: 'orders', orders: total };
    for (const dialect of dialects) {
      const f = await measure(dialect);
      const exact = f.exactCalls / f.orders;
      const asperion = f.asperionCalls / f.orders;
      const naive = 3 + f.lines / f.orders;
      const ratio = naive / (exact + asperion);
      const perSecond = f.orders / f.seconds;
      process.stdout.write(
        [
          `  ${dialect}: run ${f.state}, ${JSON.stringify(f.counts)}` +
            (Object.keys(f.deadLetters).length ? `, dead letters ${JSON.stringify(f.deadLetters)}` : ''),
          `    fixture load:        ${Math.round(f.loadMs)} ms for ${f.orders} invoices, ${f.lines} lines`,
          `    Exact calls/order:    ${exact.toFixed(4)} (${f.exactCalls} calls; sandbox log ${f.exactLogged})`,
          `    Asperion calls/order: ${asperion.toFixed(4)} (${f.asperionCalls} calls)`,
          `    naive calls/order:    ${naive.toFixed(2)} (3 + lines, the issue's lower bound; ` +
            `${(f.lines / f.orders).toFixed(2)} lines an order)`,
          `    naive/Koppel:         ${ratio.toFixed(1)}x (both sides' calls)`,
          `    end to end:           ${Math.round(perSecond)} orders/s (${f.seconds.toFixed(1)} s)`,
          `    RSS:                  ${f.rssBeforeMb} MB before the run (sandboxes loaded), ` +
            `peak ${f.rssRunMb} MB during it`,
        ].join('\n') + '\n',
      );
      const prefix = dialects.length > 1 ? `${dialect}_` : '';
      Object.assign(json, {
        [`${prefix}exact_calls_per_order`]: round(exact, 4),
        [`${prefix}asperion_calls_per_order`]: round(asperion, 4),
        [`${prefix}naive_calls_per_order`]: round(naive, 2),
        [`${prefix}naive_ratio`]: round(ratio, 1),
        [`${prefix}orders_per_s`]: Math.round(perSecond),
        [`${prefix}created`]: f.counts['created'] ?? 0,
        [`${prefix}dead_lettered`]: f.counts['deadLettered'] ?? 0,
        [`${prefix}fixture_load_ms`]: Math.round(f.loadMs),
        [`${prefix}run_peak_rss_mb`]: f.rssRunMb,
      });
    }
    sampleRss();
    const peakMb = Math.round(Math.max(rss.peak, process.resourceUsage().maxRSS * 1024) / 1024 / 1024);
    process.stdout.write(`  peak RSS: ${peakMb} MB (whole process, sandboxes included)\n`);
    process.stdout.write(`${JSON.stringify({ ...json, peak_rss_mb: peakMb })}\n`);
  } finally {
    clearInterval(sampler);
  }
}
