import { configureDemoPair, demoIds, mintSandboxTokens, type DemoSandboxes } from '../cli/demo/demo-setup.js';
import { systemClock } from '../core/clock.js';
import { loadConfig } from '../core/config.js';
import { createApp, type App } from '../main.js';
import { asperionSandbox } from '../sandboxes/asperion/asperion-sandbox.js';
import { exactOnlineSandbox } from '../sandboxes/exact-online/descriptor.js';
import { startService, type RunningService } from '../service.js';
import type { DialectName } from '../store/database.js';
import { saveCursor } from '../store/repos/cursors.js';
import { createTestDatabase } from './databases.js';
import { captureLogLines, harnessSecretKey } from './engine-harness.js';
import { pendingFlowRuns } from './pending-runs.js';
import { freePort } from './webhook-receiver.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

/**
 * Test-only: the real service (`startService`) on a known free port with KOPPEL_PUBLIC_URL
 * pointing at it, both sandboxes on the system clock, and the demo pair of `koppel demo`, except
 * that the orders flow has no schedule (only webhooks and explicit runs start it) and its cursor
 * is past the demo's invoices, so a run reads only what a test adds.
 */
export interface ServiceUnderTest {
  app: App;
  service: RunningService;
  sandboxes: DemoSandboxes;
  logLines: string[];
  /** A call to the Exact sandbox's API in the demo division; the JSON answer's `d`. */
  exact(method: string, path: string, body?: unknown): Promise<any>;
  /** Every Asperion sales invoice. */
  asperionInvoices(): Promise<any[]>;
  /** Every row of an Asperion list (`articles`, `debtors?Name=…`), page after page. */
  asperionList(path: string): Promise<any[]>;
  /** Runs of a demo flow (default the orders flow), oldest first. */
  runs(flowId?: string): Promise<Array<{ id: string; trigger: string; state: string; counts: string }>>;
  /** Flow-run jobs not finished yet. */
  pendingRuns(): Promise<number>;
  close(): Promise<void>;
}

export async function startServiceUnderTest(dialect: DialectName): Promise<ServiceUnderTest> {
  const tdb = await createTestDatabase(dialect);
  const port = await freePort();
  const { lines: logLines, destination: logDestination } = captureLogLines();
  const config = loadConfig({
    ...tdb.env,
    KOPPEL_HOST: '127.0.0.1',
    KOPPEL_PORT: String(port),
    KOPPEL_PUBLIC_URL: `http://127.0.0.1:${port}`,
    KOPPEL_SECRET_KEY: harnessSecretKey,
    KOPPEL_LOG_LEVEL: 'info',
  });
  const app = await createApp(config, { logDestination });
  const options = { host: '127.0.0.1', port: 0, seed: 'demo' as const, clock: systemClock };
  const exactSandbox = await exactOnlineSandbox.start(options);
  const asperion = await asperionSandbox.start(options);
  const sandboxes: DemoSandboxes = {
    exact: exactSandbox,
    asperion,
    close: async () => {
      await Promise.allSettled([exactSandbox.close(), asperion.close()]);
    },
  };
  await configureDemoPair(app, sandboxes);
  const db = app.store.db;
  // Runs only when a test (or a webhook) starts them.
  await db.updateTable('flows').set({ schedule: null }).execute();

  const exactToken = (
    await mintSandboxTokens(exactSandbox.url, '/__sandbox/tokens', { divisions: [demoIds.division] })
  ).access_token;
  const asperionToken = (await mintSandboxTokens(asperion.url, '/__sandbox/tokens', {})).access_token;
  const exactFetch = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${exactToken}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
    if (text === '') return undefined;
    const { d } = JSON.parse(text) as { d: any };
    // A `$top` answer may be a bare-array `d` (reference 4.2): callers read `.results` either way.
    return Array.isArray(d) ? { results: d } : d;
  };
  const exact = (method: string, path: string, body?: unknown) =>
    exactFetch(method, `${exactSandbox.url}/api/v1/${demoIds.division}/${path}`, body);

  // Every demo flow runs here, some over the whole demo: Exact's 60 calls a minute would make a test
  // wait for the next minute rather than for its webhook. The governor follows the limit the
  // sandbox's headers announce.
  const limits = await fetch(`${exactSandbox.url}/__sandbox/settings`, {
    method: 'PUT',
    body: JSON.stringify({ minutelyLimit: 10_000 }),
  });
  if (!limits.ok) throw new Error(`the Exact sandbox refused its limits: ${await limits.text()}`);

  // The cursor past every demo invoice: a run reads only invoices the test adds.
  let highest = 0n;
  let next: string | undefined =
    `${exactSandbox.url}/api/v1/${demoIds.division}/sync/SalesInvoice/SalesInvoices?$select=Timestamp`;
  while (next) {
    const page = (await exactFetch('GET', next)) as {
      results: Array<{ Timestamp: number }>;
      __next?: string;
    };
    for (const row of page.results) if (BigInt(row.Timestamp) > highest) highest = BigInt(row.Timestamp);
    next = page.__next;
  }
  await saveCursor(db, demoIds.flow, String(highest), new Date().toISOString());

  const asperionList = async (path: string) => {
    const rows: any[] = [];
    for (let page = 1; ; page++) {
      const separator = path.includes('?') ? '&' : '?';
      const res = await fetch(`${asperion.url}/v1/${path}${separator}pageSize=100&page=${page}`, {
        headers: { authorization: `Bearer ${asperionToken}`, 'x-tenant-id': '1', accept: 'application/json' },
      });
      const body = (await res.json()) as any;
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(body)}`);
      rows.push(...body._data);
      if (!body._meta.nextPage) return rows;
    }
  };

  const service = await startService(app, { pollIntervalMs: 100, tickMs: 1_000, graceMs: 5_000 });
  return {
    app,
    service,
    sandboxes,
    logLines,
    exact,
    asperionInvoices: () => asperionList('salesinvoiceswithlines'),
    asperionList,
    runs: (flowId = demoIds.flow) =>
      db
        .selectFrom('runs')
        .select(['id', 'trigger', 'state', 'counts'])
        .where('flow_id', '=', flowId)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
    // Through the queue port: on PostgreSQL the jobs live in pg-boss, not in the jobs table.
    pendingRuns: () => pendingFlowRuns(app.queue),
    async close() {
      await service.stop();
      await sandboxes.close();
      await app.close();
      await tdb.drop();
    },
  };
}
