import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import { systemClock } from '../src/core/clock.js';
import { StoreQueue } from '../src/queue/store-queue.js';
import { createLogger } from '../src/core/logging.js';
import { SecretBox } from '../src/core/secret-box.js';
import { SecretRegistry } from '../src/core/secret-registry.js';
import type { EngineDeps } from '../src/engine/deps.js';
import { defaultRetryOptions } from '../src/engine/retry-policy.js';
import { runFlow } from '../src/engine/run-flow.js';
import type { FlowKind, FlowRegistry, SourcePage } from '../src/engine/types.js';
import { migrateToLatest, openStore, type Store } from '../src/store/database.js';
import { upsertConnection } from '../src/store/repos/connections.js';
import { upsertFlow } from '../src/store/repos/flows.js';
import { upsertPair } from '../src/store/repos/pairs.js';

/**
 * 100,000 records through the whole engine (filter, map, link lookup, hash, write-ahead, create,
 * records with timelines, links, cursor) to a target that does nothing, on SQLite and Postgres.
 * The source generates pages lazily, so memory shows whether the engine streams.
 */
const total = Number(process.env.BENCH_RECORDS ?? 100_000);
const pageSize = 500;

const noopKind: FlowKind = {
  kind: 'bench-noop',
  title: 'Benchmark',
  sourceApp: 'bench',
  targetApp: 'bench',
  entity: 'Record',
  settingsSchema: z.record(z.string(), z.unknown()),
  defaultMapping: {
    fields: {
      name: { source: 'name', required: true },
      sku: { source: 'code' },
      email: { source: 'contact.email' },
      street: { source: 'address.street' },
      city: { source: 'address.city' },
      country: { source: 'address.country', valueMap: 'countries' },
      price: { source: 'price' },
      description: { source: 'description', overwrite: false },
      quantity: { expr: 'quantity * 2' },
    },
    valueMaps: { countries: { entries: { NL: 'Nederland', BE: 'België' }, fallback: 'Buitenland' } },
  },
  open: () => ({
    async *read(): AsyncIterable<SourcePage> {
      for (let start = 0; start < total; start += pageSize) {
        const records = Array.from({ length: Math.min(pageSize, total - start) }, (_, i) =>
          record(start + i),
        );
        yield { records, cursor: String(start + records.length) };
      }
    },
    sourceId: (r) => String(r.id),
    naturalKey: (r) => `koppel:bench:${String(r.id)}`,
    withNaturalKey: (p, key) => ({ ...p, reference: key }),
    target: {
      create: (_p, key) =>
        Promise.resolve({
          targetId: `T-${key.slice(13)}`,
          request: { method: 'POST', url: '/noop', status: 201 },
        }),
      update: (id) => Promise.resolve({ targetId: id }),
      findByNaturalKey: () => Promise.resolve(null),
    },
  }),
};

function record(n: number): Record<string, unknown> {
  return {
    id: `R${n}`,
    name: `Record ${n}`,
    code: `SKU-${n}`,
    contact: { email: `r${n}@example.nl`, phone: '+31 20 123 4567' },
    address: { street: `Keizersgracht ${n % 900}`, city: 'Amsterdam', country: n % 3 ? 'NL' : 'BE' },
    price: `${n % 1000}.${String(n % 100).padStart(2, '0')}`,
    description: `Record number ${n} with a description of moderate length for realism`,
    quantity: n % 17,
  };
}

type Dialect = 'sqlite' | 'postgres';
const dialects: readonly Dialect[] = ['sqlite', 'postgres'];
const adminUrl = process.env.KOPPEL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Figures {
  perSecond: number;
  seconds: number;
  peakRssMb: number;
  peakHeapUsedMb: number;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/**
 * Peak RSS and heap used, sampled every 50 ms and after each stored page. With SQLite and this
 * no-op source and target nothing waits on I/O, so the event loop turns (and the timer fires) only
 * between pages; the page samples and the kernel's high-water mark (maxRSS) cover the rest. Before
 * the engine yielded between pages, the timer did not fire at all during a SQLite run.
 */
class MemoryPeaks {
  rss = 0;
  heapUsed = 0;
  /** Over the whole bench, never reset. */
  overallRss = 0;
  private readonly timer = setInterval(() => this.sample(), 50);

  sample(): void {
    const m = process.memoryUsage();
    this.rss = Math.max(this.rss, m.rss);
    this.heapUsed = Math.max(this.heapUsed, m.heapUsed);
    this.overallRss = Math.max(this.overallRss, m.rss);
  }

  /** Starts a new window; returns the kernel's high-water mark so far. */
  reset(): number {
    this.rss = 0;
    this.heapUsed = 0;
    this.sample();
    return maxRss();
  }

  /** The window's peaks; `maxRssBefore` from `reset` tells whether the high-water mark rose in it. */
  peaks(maxRssBefore: number): { rss: number; heapUsed: number } {
    this.sample();
    const high = maxRss();
    return { rss: high > maxRssBefore ? Math.max(this.rss, high) : this.rss, heapUsed: this.heapUsed };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

const maxRss = () => process.resourceUsage().maxRSS * 1024;

/** Why a dialect cannot be measured here, or undefined when it can. */
async function unavailable(dialect: string): Promise<string | undefined> {
  if (!(dialects as readonly string[]).includes(dialect))
    return `"${dialect}" is not a database Koppel runs on (${dialects.join(', ')})`;
  if (dialect !== 'postgres') return undefined;
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  // A refused connection also reports an error event; the rejected connect below says the same.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (e) {
    // The URL without credentials: the reason is printed.
    const u = new URL(adminUrl);
    return `Postgres at ${u.hostname}:${u.port || '5432'} did not answer (${(e as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function measure(dialect: Dialect, memory: MemoryPeaks): Promise<Figures> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'koppel-bench-'));
  let databaseUrl: string | undefined;
  let dbName = '';
  if (dialect === 'postgres') {
    dbName = `koppel_bench_${randomBytes(4).toString('hex')}`;
    await adminQuery(adminUrl, `create database ${dbName}`);
    const u = new URL(adminUrl);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  const store: Store = openStore({ dataDir, databaseUrl });
  try {
    await migrateToLatest(store);
    await seed(store);
    const secrets = new SecretRegistry();
    const registry: FlowRegistry = { kinds: new Map([[noopKind.kind, noopKind]]), apps: new Map() };
    const deps: EngineDeps = {
      store,
      queue: new StoreQueue(store, systemClock),
      box: SecretBox.fromText('bench-key-bench-key-bench-key'),
      secrets,
      logger: createLogger({ level: 'warn', secrets }),
      clock: systemClock,
      registry,
      retry: defaultRetryOptions,
      writeConcurrency: 8,
      defaults: { payloadRetentionDays: 14, metadataRetentionDays: 90, webhookMaxAgeHours: 48 },
    };
    const maxRssBefore = memory.reset();
    const started = performance.now();
    const result = await runFlow(deps, {
      flowId: 'bench',
      trigger: 'manual',
      onProgress: () => memory.sample(),
    });
    const seconds = (performance.now() - started) / 1000;
    const peaks = memory.peaks(maxRssBefore);
    if (result.counts.created !== total)
      throw new Error(`expected ${total} created, got ${JSON.stringify(result.counts)}`);
    return {
      perSecond: Math.round(total / seconds),
      seconds,
      peakRssMb: mb(peaks.rss),
      peakHeapUsedMb: mb(peaks.heapUsed),
    };
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (dbName) await adminQuery(adminUrl, `drop database if exists ${dbName} with (force)`);
  }
}

async function seed(store: Store): Promise<void> {
  const at = new Date().toISOString();
  await upsertPair(store.db, { id: 'bench', name: 'Bench' }, at);
  for (const id of ['bench-src', 'bench-tgt']) {
    await upsertConnection(
      store.db,
      {
        id,
        pairId: 'bench',
        app: 'bench',
        name: id,
        settings: {},
        encryptedCredentials: null,
        credentialRefs: {},
      },
      at,
    );
  }
  await upsertFlow(
    store.db,
    {
      id: 'bench',
      pairId: 'bench',
      kind: 'bench-noop',
      sourceConnectionId: 'bench-src',
      targetConnectionId: 'bench-tgt',
      enabled: true,
      schedule: null,
      priority: 100,
      settings: {},
      mappingVersion: null,
    },
    at,
  );
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function engineBench(): Promise<void> {
  const memory = new MemoryPeaks();
  memory.sample();
  try {
    process.stdout.write(
      `engine: ${total.toLocaleString('en')} records, pages of ${pageSize}, no-op target; ` +
        `RSS ${mb(memory.rss)} MB before the first run\n`,
    );
    const named = process.env.BENCH_DIALECTS?.split(',')
      .map((d) => d.trim())
      .filter((d, i, all) => d && all.indexOf(d) === i);
    const json: Record<string, unknown> = { bench: 'engine', records: total };
    const skipped: Record<string, string> = {};
    const wanted: readonly string[] = named ?? dialects;
    for (const dialect of [...wanted, ...dialects.filter((d) => !wanted.includes(d))]) {
      const reason = wanted.includes(dialect) ? await unavailable(dialect) : 'not named in BENCH_DIALECTS';
      if (reason !== undefined) {
        skipped[dialect] = reason;
        json[`${dialect}_records_per_s`] = 'skipped';
        process.stdout.write(`  ${`${dialect}:`.padEnd(10)} skipped: ${reason}\n`);
        continue;
      }
      const f = await measure(dialect as Dialect, memory);
      process.stdout.write(
        `  ${`${dialect}:`.padEnd(10)} ${f.perSecond.toLocaleString('en')} records/s (${f.seconds.toFixed(1)} s), ` +
          `peak RSS ${f.peakRssMb} MB, peak heap used ${f.peakHeapUsedMb} MB during the run\n`,
      );
      Object.assign(json, {
        [`${dialect}_records_per_s`]: f.perSecond,
        [`${dialect}_peak_rss_mb`]: f.peakRssMb,
        [`${dialect}_peak_heap_used_mb`]: f.peakHeapUsedMb,
      });
    }
    const peakMb = mb(Math.max(memory.overallRss, maxRss()));
    process.stdout.write(`  peak RSS: ${peakMb} MB (whole process)\n`);
    if (Object.keys(skipped).length > 0) json['skipped'] = skipped;
    process.stdout.write(`${JSON.stringify({ ...json, peak_rss_mb: peakMb })}\n`);
  } finally {
    memory.stop();
  }
}
