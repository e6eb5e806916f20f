import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../access/api-tokens.js';
import { systemPrincipal } from '../../access/principal.js';
import { buildApiServer } from '../server.js';
import { insertApiBudget } from '../../store/repos/api-budgets.js';
import { upsertConnection } from '../../store/repos/connections.js';
import { queueDelivery } from '../../store/repos/notification-deliveries.js';
import { startTwoPairs, type TwoPairs } from '../../testing/api-activity-fixture.js';
import { startApiHarness, type ApiClient, type ApiHarness } from '../../testing/api-harness.js';
import { runThroughApi } from '../../testing/api-waits.js';
import { testDialects } from '../../testing/databases.js';
import { sampleItem } from '../../testing/engine-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the API's JSON as it comes */

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition; comments checked for a HELP and TYPE per metric. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\w+) (\w+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line.startsWith('#')) continue;
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

/** The value of the one sample with this name whose labels include these; 0 when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}

describe.each(testDialects)('GET /metrics (%s)', (dialect) => {
  let f: TwoPairs;
  let viewer: ApiClient;
  let runs: any[];
  beforeAll(async () => {
    f = await startTwoPairs(dialect);
    const operator = await f.h.signedIn('operator');
    viewer = await f.h.withToken('viewer');
    for (let n = 1; n <= 4; n++) f.loopback.put(sampleItem(n, n === 3 ? { name: '' } : {}));
    const first = await runThroughApi(operator, 'items');
    f.loopback.put(sampleItem(5));
    f.loopback.faults.rateLimited = { count: 1, retryAfterSeconds: 1 };
    const second = await runThroughApi(operator, 'items');
    const other = await runThroughApi(operator, 'items2');
    runs = [first, second, other];
  });
  afterAll(async () => {
    await f?.close();
  });

  it('counts the runs, records, durations and API calls that happened, as the API reports them', async () => {
    const answer = await viewer.get('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const { samples, types } = parseExposition(answer.body as string);
    expect(types.get('koppel_runs_total')).toBe('counter');
    expect(types.get('koppel_run_duration_seconds')).toBe('histogram');
    expect(types.get('koppel_dead_letters_open')).toBe('gauge');

    expect(runs.map((r) => [r.flowId, r.state])).toEqual([
      ['items', 'partial'],
      ['items', 'succeeded'],
      ['items2', expect.any(String)],
    ]);
    for (const flow of ['items', 'items2']) {
      const mine = runs.filter((r) => r.flowId === flow);
      const pair = mine[0].pairId as string;
      for (const outcome of ['succeeded', 'partial', 'failed', 'cancelled'])
        expect([flow, outcome, valueOf(samples, 'koppel_runs_total', { flow, outcome })]).toEqual([
          flow,
          outcome,
          mine.filter((r) => r.state === outcome).length,
        ]);
      const byState: Record<string, number> = {};
      for (const r of mine)
        for (const [state, n] of Object.entries(r.recordsByState as Record<string, number>))
          byState[state] = (byState[state] ?? 0) + n;
      const exported = Object.fromEntries(
        samples
          .filter((s) => s.name === 'koppel_records_total' && s.labels.flow === flow)
          .map((s) => [s.labels.outcome, s.value]),
      );
      expect(exported).toEqual(byState);
      expect(valueOf(samples, 'koppel_run_duration_seconds_count', { flow, pair })).toBe(mine.length);
      const seconds = mine.reduce((sum, r) => sum + r.durationMs / 1000, 0);
      expect(valueOf(samples, 'koppel_run_duration_seconds_sum', { flow })).toBeCloseTo(seconds, 3);
      expect(valueOf(samples, 'koppel_run_duration_seconds_bucket', { flow, le: '+Inf' })).toBe(mine.length);
    }
    expect(valueOf(samples, 'koppel_records_total', { pair: 'p1', flow: 'items', outcome: 'created' })).toBe(
      4,
    );
    expect(valueOf(samples, 'koppel_records_total', { flow: 'items', outcome: 'dead_lettered' })).toBe(1);
    for (const connection of ['src', 'tgt', 'src2', 'tgt2']) {
      const calls = runs.reduce((sum, r) => sum + (r.apiCalls[connection] ?? 0), 0);
      expect([connection, valueOf(samples, 'koppel_api_calls_total', { connection })]).toEqual([
        connection,
        calls,
      ]);
    }
    expect(valueOf(samples, 'koppel_api_calls_total', { connection: 'tgt', pair: 'p1' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'koppel_api_throttled_total', { connection: 'tgt' })).toBe(1);
    expect(valueOf(samples, 'koppel_api_throttled_total', { connection: 'tgt2' })).toBe(0);
  });

  it('shows open dead letters per flow, a flow without any included', async () => {
    const open = await viewer.get('/api/dead-letters?state=open');
    expect(open.status).toBe(200);
    const openOf = (flow: string) => open.body.items.filter((d: any) => d.flowId === flow).length;
    const { samples } = parseExposition((await viewer.get('/metrics')).body as string);
    expect(valueOf(samples, 'koppel_dead_letters_open', { pair: 'p1', flow: 'items' })).toBe(1);
    expect(openOf('items')).toBe(1);
    expect(valueOf(samples, 'koppel_dead_letters_open', { pair: 'p2', flow: 'items2' })).toBe(
      openOf('items2'),
    );
    expect(samples.some((s) => s.name === 'koppel_dead_letters_open' && s.labels.flow === 'items2')).toBe(
      true,
    );
  });

  it('reads the queue and the Exact budgets from the store at scrape time', async () => {
    const db = f.h.app.store.db;
    const now = Date.now();
    // A queue no worker here polls: the job waits, and its age is what the gauge must show.
    await f.h.service.queue.enqueue({ queue: 'parked', name: 'nothing', runAt: new Date(now - 120_000) });
    await f.h.service.queue.enqueue({ queue: 'parked', name: 'later', runAt: new Date(now + 3_600_000) });
    const at = new Date(now).toISOString();
    await upsertConnection(
      db,
      {
        id: 'ex',
        pairId: 'p1',
        app: 'exact-online',
        name: 'Exact',
        settings: { clientId: 'app-1', division: 7 },
        encryptedCredentials: null,
        credentialRefs: {},
      },
      at,
    );
    await insertApiBudget(db, {
      key: 'exact-online:app-1:7',
      app: 'exact-online',
      client_id: 'app-1',
      division: '7',
      state: JSON.stringify({
        minute: { limit: 60, remaining: 45, resetAt: now + 30_000 },
        day: { limit: 5000, remaining: 4000, resetAt: now + 3_600_000 },
        minuteLimit: 60,
        inFlight: 0,
        errors: {},
        updatedAt: now,
      }),
      version: 1,
      updated_at: at,
    });
    const { samples } = parseExposition((await viewer.get('/metrics')).body as string);
    expect(valueOf(samples, 'koppel_queue_jobs', { queue: 'parked', state: 'queued' })).toBe(2);
    const age = valueOf(samples, 'koppel_queue_oldest_waiting_seconds', { queue: 'parked' });
    expect(age).toBeGreaterThanOrEqual(120);
    expect(age).toBeLessThan(3600);
    const budget = { pair: 'p1', connection: 'ex', division: '7' };
    expect(valueOf(samples, 'koppel_exact_budget_used', { ...budget, window: 'minute' })).toBe(15);
    expect(valueOf(samples, 'koppel_exact_budget_left', { ...budget, window: 'minute' })).toBe(45);
    expect(valueOf(samples, 'koppel_exact_budget_used', { ...budget, window: 'day' })).toBe(1000);
    expect(valueOf(samples, 'koppel_exact_budget_left', { ...budget, window: 'day' })).toBe(4000);
  });

  it('counts notification messages per channel and state, zero for the combinations without any', async () => {
    const db = f.h.app.store.db;
    const at = new Date().toISOString();
    const later = new Date(Date.now() + 24 * 3_600_000).toISOString();
    const rows = [
      { channel: 'email', state: 'pending', next: later },
      { channel: 'webhook', state: 'sent', next: at },
      { channel: 'webhook', state: 'sent', next: at },
      { channel: 'email', state: 'failed', next: at },
    ].map((r, i) => ({
      id: `ntf_metrics${i}`,
      dedupe_key: `metrics:${i}`,
      alert_id: null,
      message_kind: 'test',
      recipient: 'ops',
      channel: r.channel,
      address: r.channel === 'email' ? 'ops@example.nl' : null,
      message: '{}',
      state: r.state,
      attempts: r.state === 'pending' ? 0 : 1,
      next_attempt_at: r.next,
      locked_until: null,
      last_error: r.state === 'failed' ? 'answered 400' : null,
      created_at: at,
      sent_at: r.state === 'sent' ? at : null,
    }));
    for (const row of rows) await queueDelivery(db, row);
    try {
      const { samples, types } = parseExposition((await viewer.get('/metrics')).body as string);
      expect(types.get('koppel_notification_deliveries')).toBe('gauge');
      const value = (channel: string, state: string) =>
        valueOf(samples, 'koppel_notification_deliveries', { channel, state });
      expect([value('email', 'pending'), value('email', 'sent'), value('email', 'failed')]).toEqual([
        1, 0, 1,
      ]);
      expect([value('webhook', 'pending'), value('webhook', 'sent'), value('webhook', 'failed')]).toEqual([
        0, 2, 0,
      ]);
      expect(samples.filter((s) => s.name === 'koppel_notification_deliveries')).toHaveLength(6);
    } finally {
      await db.deleteFrom('notification_deliveries').where('id', 'like', 'ntf_metrics%').execute();
    }
  });

  it('is refused without credentials and to a caller limited to some pairs', async () => {
    expect((await f.h.anonymous().get('/metrics')).status).toBe(401);
    const scoped = await f.h.withToken('viewer', { pairScope: ['p2'] });
    expect((await scoped.get('/metrics')).status).toBe(403);
  });

  it('is on the webhook listener only when KOPPEL_METRICS_ON_WEBHOOK_PORT says so, and protected there too', async () => {
    const listen = async (metricsOnWebhookPort: boolean) => {
      const app = { ...f.h.app, config: { ...f.h.app.config, metricsOnWebhookPort } };
      const server = await buildApiServer(
        { app, queue: f.h.service.queue, baseUrl: () => f.h.url },
        { listener: 'webhooks' },
      );
      await server.listen({ host: '127.0.0.1', port: 0 });
      const address = server.server.address();
      return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
    };
    const { token } = await createApiToken(f.h.app.store.db, f.h.app.clock, systemPrincipal, {
      name: 'scraper',
      role: 'viewer',
      pairScope: null,
    });
    const scrape = (url: string, bearer?: string) =>
      fetch(`${url}/metrics`, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {});
    const off = await listen(false);
    try {
      expect((await scrape(off.url, token)).status).toBe(404);
    } finally {
      await off.server.close();
    }
    const on = await listen(true);
    try {
      expect((await scrape(on.url)).status).toBe(401);
      const answer = await scrape(on.url, token);
      expect(answer.status).toBe(200);
      const { samples } = parseExposition(await answer.text());
      expect(valueOf(samples, 'koppel_runs_total', { flow: 'items', outcome: 'partial' })).toBe(1);
    } finally {
      await on.server.close();
    }
  });
});

describe.each(testDialects)('GET /readyz (%s)', (dialect) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness(dialect);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is ready with its database, its migrations and its workers, and says which is missing', async () => {
    const ok = await h.anonymous().get('/readyz');
    expect([ok.status, ok.body]).toEqual([
      200,
      { ready: true, checks: { database: 'ok', migrations: 'ok', workers: 'ok' } },
    ]);
    const db = h.app.store.db;
    const last = await sql<{ name: string }>`select max(name) as name from koppel_migrations`.execute(db);
    const name = last.rows[0]!.name;
    const row = await sql<
      Record<string, unknown>
    >`select * from koppel_migrations where name = ${name}`.execute(db);
    await sql`delete from koppel_migrations where name = ${name}`.execute(db);
    const behind = await h.anonymous().get('/readyz');
    expect([behind.status, behind.body]).toEqual([
      503,
      { ready: false, checks: { database: 'ok', migrations: 'failing', workers: 'ok' } },
    ]);
    await sql`insert into koppel_migrations (name, timestamp) values (${name}, ${row.rows[0]!['timestamp']})`.execute(
      db,
    );
    expect((await h.anonymous().get('/readyz')).status).toBe(200);

    // The store closed under the server: nothing can be read, and it says the database first.
    await h.app.store.close();
    const down = await h.anonymous().get('/readyz');
    expect([down.status, down.body]).toEqual([
      503,
      { ready: false, checks: { database: 'failing', migrations: 'failing', workers: 'ok' } },
    ]);
  });
});
