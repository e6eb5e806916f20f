import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import { systemClock } from '../src/core/clock.js';
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

async function measure(dialect: 'sqlite' | 'postgres'): Promise<{ perSecond: number; seconds: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'koppel-bench-'));
  let databaseUrl: string | undefined;
  let dbName = '';
  const admin = process.env.KOPPEL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  if (dialect === 'postgres') {
    dbName = `koppel_bench_${randomBytes(4).toString('hex')}`;
    await adminQuery(admin, `create database ${dbName}`);
    const u = new URL(admin);
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
      box: SecretBox.fromText('bench-key-bench-key-bench-key'),
      secrets,
      logger: createLogger({ level: 'warn', secrets }),
      clock: systemClock,
      registry,
      retry: defaultRetryOptions,
      writeConcurrency: 8,
      defaults: { payloadRetentionDays: 14, metadataRetentionDays: 90, webhookMaxAgeHours: 48 },
    };
    const started = performance.now();
    const result = await runFlow(deps, { flowId: 'bench', trigger: 'manual' });
    const seconds = (performance.now() - started) / 1000;
    if (result.counts.created !== total)
      throw new Error(`expected ${total} created, got ${JSON.stringify(result.counts)}`);
    return { perSecond: Math.round(total / seconds), seconds };
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (dbName) await adminQuery(admin, `drop database if exists ${dbName} with (force)`);
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
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    process.stdout.write(
      `engine: ${total.toLocaleString('en')} records, pages of ${pageSize}, no-op target\n`,
    );
    const only = process.env.BENCH_DIALECTS?.split(',');
    const skipped = { perSecond: 0, seconds: 0 };
    const sqlite = !only || only.includes('sqlite') ? await measure('sqlite') : skipped;
    process.stdout.write(
      `  sqlite:   ${sqlite.perSecond.toLocaleString('en')} records/s (${sqlite.seconds.toFixed(1)} s)\n`,
    );
    const postgres = !only || only.includes('postgres') ? await measure('postgres') : skipped;
    process.stdout.write(
      `  postgres: ${postgres.perSecond.toLocaleString('en')} records/s (${postgres.seconds.toFixed(1)} s)\n`,
    );
    peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
    const peakMb = Math.round(peakRss / 1024 / 1024);
    process.stdout.write(`  peak RSS: ${peakMb} MB\n`);
    process.stdout.write(
      JSON.stringify({
        bench: 'engine',
        records: total,
        sqlite_records_per_s: sqlite.perSecond,
        postgres_records_per_s: postgres.perSecond,
        peak_rss_mb: peakMb,
      }) + '\n',
    );
  } finally {
    clearInterval(sampler);
  }
}
