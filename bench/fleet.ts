import os from 'node:os';
import path from 'node:path';
import {
  budgetUse,
  callsPerDivision,
  duplicateCount,
  callsPerAdministration,
  jainIndex,
  percentile,
} from '../src/testing/fleet-figures.js';
import { startFleet, type Fleet, type FleetPair } from '../src/testing/fleet-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the bench reads the sandboxes' JSON as it comes */

/**
 * What a fleet of Koppel processes on PostgreSQL does with many pairs: for 1 and then 3 worker
 * processes (plus one web process that receives the webhooks), each on a fresh database and fresh
 * sandboxes, `--pairs` pairs each start with a backfill of `--backfill` Exact sales orders while a
 * stream of single orders arrives by webhook (one every `--stream-ms`, the pairs in turn). After
 * `--warmup` seconds, `--seconds` seconds are measured; then the stream stops and the fleet drains
 * (until no run waits or `--drain` seconds have passed).
 *
 * Exact's limits are the real ones (60 calls a minute and 5,000 a day per division, 429s past them);
 * both sandboxes answer every call in 100–300 ms. Figures come from the sandboxes: Exact's calls
 * from its request log, duplicates and lost orders through Asperion's API. The live wait is from
 * the webhook delivery (the attempt the web process accepted, by Exact's log of deliveries) to the
 * moment Asperion answered the create of that order's document (the record's outcome in Koppel's
 * activity log); the document's existence is checked through Asperion's API after the drain.
 */

interface Settings {
  pairs: number;
  seconds: number;
  warmup: number;
  backfill: number;
  streamMs: number;
  drain: number;
  workers: number[];
  /** Jobs each worker process runs at once (KOPPEL_WORKERS); undefined: the product's default. */
  slots: number | undefined;
}

/** `--name value` or `--name=value`, else `BENCH_FLEET_<NAME>`, else the default. */
function option(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}` && args[i + 1] !== undefined) return args[i + 1]!;
    if (args[i]!.startsWith(`--${name}=`)) return args[i]!.slice(name.length + 3);
  }
  return process.env[`BENCH_FLEET_${name.toUpperCase().replace(/-/g, '_')}`] ?? fallback;
}

function settings(): Settings {
  const int = (name: string, fallback: number) => {
    const value = Number(option(name, String(fallback)));
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
    return value;
  };
  return {
    pairs: Math.max(1, int('pairs', 50)),
    seconds: Math.max(1, int('seconds', 120)),
    warmup: int('warmup', 30),
    backfill: int('backfill', 1_000),
    streamMs: Math.max(50, int('stream-ms', 1_000)),
    drain: int('drain', 120),
    workers: option('workers', '1,3')
      .split(',')
      .map((w) => Number(w)),
    slots: option('slots', '') === '' ? undefined : Math.max(1, int('slots', 2)),
  };
}

/** Koppel's own Asperion call rate when a connection sets none (the connector's default). */
const asperionDefaultRate = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function getJson(url: string, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(url, { headers: { accept: 'application/json', ...headers } });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res.json();
}

interface StreamOrder {
  id: string;
  pair: FleetPair;
  createdAt: number;
}

/** When Exact sent each order's webhook that the web process accepted, by order id. */
async function readDeliveries(fleet: Fleet, into: Map<string, number>): Promise<void> {
  const deliveries = (await getJson(`${fleet.exact.url}/__sandbox/webhooks/deliveries`)) as any[];
  for (const d of deliveries) {
    if (d.state !== 'delivered' || into.has(d.key)) continue;
    const accepted = d.attempts.at(-1);
    if (accepted) into.set(String(d.key), new Date(accepted.at).getTime());
  }
}

/** When Asperion answered the create of each order's document, by order id (Koppel's records). */
async function documentTimes(fleet: Fleet, ids: string[]): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await fleet.store.db
      .selectFrom('records')
      .select(['source_id', 'state', 'timeline', 'updated_at'])
      .where('source_id', 'in', ids.slice(i, i + 500))
      .where('state', '=', 'created')
      .execute();
    for (const row of rows) {
      const timeline = JSON.parse(row.timeline) as Array<{ at: string; step: string }>;
      const at = new Date(timeline.find((t) => t.step === 'created')?.at ?? row.updated_at).getTime();
      const before = times.get(row.source_id);
      if (before === undefined || at < before) times.set(row.source_id, at);
    }
  }
  return times;
}

/** Every Koppel-made document reference per administration, through Asperion's API. */
async function asperionReferences(fleet: Fleet): Promise<Map<number, string[]>> {
  const token = (
    (await (
      await fetch(`${fleet.asperion.url}/__sandbox/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
    ).json()) as { access_token: string }
  ).access_token;
  const out = new Map<number, string[]>();
  const pending = [...fleet.pairs];
  const worker = async () => {
    for (let pair = pending.shift(); pair; pair = pending.shift()) {
      const refs: string[] = [];
      for (let page = 1; ; page++) {
        const query = new URLSearchParams({
          Description: '[koppel:',
          Description_comparison: 'Contains',
          pageSize: '100',
          page: String(page),
        });
        const body = await getJson(`${fleet.asperion.url}/v1/salesinvoices?${query}`, {
          authorization: `Bearer ${token}`,
          'x-tenant-id': String(pair.administration),
        });
        for (const row of body._data as Array<{ description: string | null }>) {
          const ref = /\[koppel:([^\]]+)\]/.exec(row.description ?? '')?.[1];
          if (ref !== undefined) refs.push(ref);
        }
        if (!body._meta.nextPage) break;
      }
      out.set(pair.administration, refs);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return out;
}

interface Figures {
  pairs: number;
  workers: number;
  exact_budget_use: number;
  /** Asperion API calls ÷ what Koppel's default rate (5 a second per administration) allowed. */
  asperion_rate_use: number;
  asperion_jain_fairness: number | null;
  /** Null when no pair made an Exact call in the window. */
  jain_fairness: number | null;
  live_wait_p95_ms: number | null;
  live_wait_measure: 'webhook delivered -> document created in Asperion';
  live_orders: number;
  live_without_document: number;
  duplicates: number;
  /** Orders without a document after a complete drain; null when the drain did not complete. */
  lost: number | null;
  /** Orders without a document when the bench stopped (backlog or lost). */
  undocumented: number;
  '429s': number;
  drained: boolean;
  window_s: number;
  exact_calls: number;
  /** Exact calls to the pairs' divisions over the whole run (warm-up and drain too). */
  exact_calls_run: number;
  documents: number;
}

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

async function measure(s: Settings, workers: number): Promise<Figures> {
  const logFile = path.join(os.tmpdir(), `koppel-fleet-${workers}w-${process.pid}.log`);
  const setupStarted = Date.now();
  const fleet = await startFleet({
    pairs: s.pairs,
    workers,
    backfillOrders: s.backfill,
    ...(s.slots === undefined ? {} : { slots: s.slots }),
    latencyMs: 100,
    latencySpreadMs: 200,
    logFile,
  });
  process.stdout.write(
    `fleet ${workers} worker(s): ${s.pairs} pairs ready in ${Math.round((Date.now() - setupStarted) / 1000)} s (${s.backfill} backfill orders each); processes' logs in ${logFile}\n`,
  );
  try {
    const stream: StreamOrder[] = [];
    const delivered = new Map<string, number>();
    let streaming = true;
    const streamer = (async () => {
      for (let turn = 0; streaming; turn++) {
        const pair = fleet.pairs[turn % fleet.pairs.length]!;
        const createdAt = Date.now();
        const [id] = await fleet.addOrders(pair, 1);
        stream.push({ id: id!, pair, createdAt });
        await sleep(Math.max(0, s.streamMs - (Date.now() - createdAt)));
      }
    })();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        await readDeliveries(fleet, delivered).catch(() => undefined);
        await sleep(3_000);
      }
    })();

    await sleep(s.warmup * 1000);
    const from = Date.now();
    await sleep(s.seconds * 1000);
    const to = Date.now();
    streaming = false;
    await streamer;
    process.stdout.write(`  window over; draining (at most ${s.drain} s)\n`);

    const drainUntil = Date.now() + s.drain * 1000;
    let pending = await fleet.pendingRuns();
    while (pending > 0 && Date.now() < drainUntil) {
      await sleep(2_000);
      pending = await fleet.pendingRuns();
    }
    polling = false;
    await poller;
    await readDeliveries(fleet, delivered);
    const drainedAt = Date.now();

    const inWindow = (iso: string) => {
      const t = new Date(iso).getTime();
      return t >= from && t < to;
    };
    const exactLog = (await getJson(`${fleet.exact.url}/__sandbox/requests`)) as Array<{
      at: string;
      path: string;
      status: number;
    }>;
    const asperionLog = (await getJson(`${fleet.asperion.url}/__sandbox/requests`)).requests as Array<{
      at: string;
      status: number;
      administrationId: number | null;
    }>;
    const divisions = fleet.pairs.map((p) => p.division);
    const windowPaths = exactLog.filter((r) => inWindow(r.at)).map((r) => r.path);
    const perDivision = callsPerDivision(windowPaths, divisions);
    const exactCalls = [...perDivision.values()].reduce((a, b) => a + b, 0);
    const jain = jainIndex([...perDivision.values()]);
    const runPaths = exactLog.map((r) => r.path);
    const exactCallsRun = [...callsPerDivision(runPaths, divisions).values()].reduce((a, b) => a + b, 0);
    // Asperion's rate, not Exact's budget, bounds an orders backfill (Exact's sync feed returns
    // 1,000 rows a call): its use per administration at Koppel's default rate of 5 calls a second.
    const perAdministration = callsPerAdministration(
      asperionLog.filter((r) => inWindow(r.at)),
      fleet.pairs.map((p) => p.administration),
    );
    const asperionCalls = [...perAdministration.values()].reduce((a, b) => a + b, 0);
    const asperionJain = jainIndex([...perAdministration.values()]);
    const minutely = ((await getJson(`${fleet.exact.url}/__sandbox/settings`)) as { minutelyLimit: number })
      .minutelyLimit;
    const tooMany =
      exactLog.filter((r) => r.status === 429).length + asperionLog.filter((r) => r.status === 429).length;

    const live = stream.filter((o) => o.createdAt >= from && o.createdAt < to);
    const documents = await documentTimes(
      fleet,
      live.map((o) => o.id),
    );
    const waits: number[] = [];
    let withoutDocument = 0;
    for (const order of live) {
      const sent = delivered.get(order.id) ?? order.createdAt;
      const done = documents.get(order.id);
      if (done === undefined) withoutDocument++;
      // An order still without a document waited at least until the drain ended.
      waits.push((done ?? drainedAt) - sent);
    }

    const references = await asperionReferences(fleet);
    const allRefs = [...references.values()].flat();
    const made = new Set(allRefs);
    const ordered = [...fleet.orders.values()].flat();
    const undocumented = ordered.filter((id) => !made.has(id)).length;
    const figures: Figures = {
      pairs: s.pairs,
      workers,
      exact_budget_use: round(budgetUse(exactCalls, divisions.length, minutely, to - from), 4),
      jain_fairness: jain === null ? null : round(jain, 3),
      live_wait_p95_ms: percentile(waits, 95),
      live_wait_measure: 'webhook delivered -> document created in Asperion',
      live_orders: live.length,
      live_without_document: withoutDocument,
      duplicates: duplicateCount(allRefs),
      // Undrained, an order without a document may still be in the backlog: lost is unknown.
      lost: pending === 0 ? undocumented : null,
      undocumented,
      '429s': tooMany,
      drained: pending === 0,
      window_s: round((to - from) / 1000, 1),
      asperion_rate_use: round(
        budgetUse(asperionCalls, perAdministration.size, asperionDefaultRate * 60, to - from),
        4,
      ),
      asperion_jain_fairness: asperionJain === null ? null : round(asperionJain, 3),
      exact_calls: exactCalls,
      exact_calls_run: exactCallsRun,
      documents: made.size,
    };
    const calls = [...perDivision.values()].sort((a, b) => a - b);
    process.stdout.write(
      [
        `  Exact calls in the ${figures.window_s} s window: ${exactCalls} of ${Math.round((divisions.length * minutely * (to - from)) / 60_000)} the minute budgets allowed (use ${figures.exact_budget_use}); per pair min ${calls[0]}, median ${calls[Math.floor(calls.length / 2)]}, max ${calls.at(-1)}; Jain ${figures.jain_fairness ?? 'undefined (no calls)'}; ${exactCallsRun} Exact calls over the whole run`,
        `  live orders in the window: ${live.length}, wait p50 ${percentile(waits, 50)} ms, p95 ${figures.live_wait_p95_ms} ms (webhook delivered -> document created); ${withoutDocument} without a document after the drain`,
        `  Asperion API calls in the window: ${asperionCalls} (use ${figures.asperion_rate_use} of 5 a second per administration); Jain ${figures.asperion_jain_fairness ?? 'undefined (no calls)'}`,
        `  documents in Asperion: ${made.size} of ${ordered.length} orders; duplicates ${figures.duplicates}, ${figures.drained ? `lost ${figures.lost}` : `lost unknown: not drained (${pending} runs still queued or running after ${s.drain} s), ${undocumented} orders without a document yet`}; 429s ${tooMany}`,
      ].join('\n') + '\n',
    );
    return figures;
  } finally {
    await fleet.close();
  }
}

export async function fleetBench(): Promise<void> {
  const s = settings();
  process.stdout.write(
    `fleet: ${s.pairs} pairs on PostgreSQL, worker processes ${s.workers.join(' then ')} (+1 web), ` +
      `backfill ${s.backfill} sales orders a pair, a webhook order every ${s.streamMs} ms, ` +
      `warm-up ${s.warmup} s, window ${s.seconds} s, drain up to ${s.drain} s; Exact 60 calls/min per division, 100–300 ms a call; ` +
      `${s.slots ?? "the product's default"} jobs at once per worker process\n`,
  );
  const results: Figures[] = [];
  for (const workers of s.workers) results.push(await measure(s, workers));
  for (const figures of results) process.stdout.write(`${JSON.stringify({ bench: 'fleet', ...figures })}\n`);
}
