/**
 * `npm run bench -- dashboard`: a pair with 100,000 records and 1,000 runs over 30 days (and 200
 * events waiting for someone), on SQLite and Postgres; the time GET /api/pairs/{id}/dashboard
 * takes over HTTP, median and p95 of 20 calls after 3 to warm up; on SQLite also how long Chromium
 * takes from opening the dashboard until every flow's chart is drawn (median of 5 loads, each in a
 * fresh tab, after one to warm up). Prints a line per dialect and one JSON line at the end.
 */
import { newId } from '../src/core/ids.js';
import type { DialectName } from '../src/store/database.js';
import { insertEvent } from '../src/store/repos/events.js';
import { startTwoPairs, type TwoPairs } from '../src/testing/api-activity-fixture.js';
import { startTestBrowser } from '../src/testing/browser.js';
import { seedFlowHistory } from '../src/testing/dashboard-history.js';

const records = Number(process.env.BENCH_RECORDS ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 1_000);
const calls = 20;
const warmUp = 3;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (n: number) => Math.round(n * 10) / 10;

async function measure(dialect: DialectName) {
  const f = await startTwoPairs(dialect);
  try {
    const store = f.h.app.store;
    const seeding = performance.now();
    await seedFlowHistory(store, { pairId: 'p1', flowId: 'items', now: new Date(), runs, records });
    for (let i = 0; i < 200; i++)
      await insertEvent(store.db, {
        id: newId('evt'),
        type: 'run.failed',
        severity: 'error',
        pair_id: 'p1',
        flow_id: 'items',
        connection_id: null,
        run_id: null,
        message: `Run ${i} failed`,
        details: '{}',
        created_at: new Date().toISOString(),
        acknowledged_at: null,
      });
    const seedMs = performance.now() - seeding;
    const viewer = await f.h.withToken('viewer');
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < warmUp + calls; i++) {
      const started = performance.now();
      const answer = await viewer.get('/api/pairs/p1/dashboard');
      const ms = performance.now() - started;
      if (answer.status !== 200)
        throw new Error(`dashboard: ${answer.status} ${JSON.stringify(answer.body)}`);
      bytes = JSON.stringify(answer.body).length;
      if (i >= warmUp) times.push(ms);
    }
    times.sort((a, b) => a - b);
    const render = dialect === 'sqlite' ? await renderTimes(f) : undefined;
    return { median: percentile(times, 50), p95: percentile(times, 95), seedMs, bytes, render };
  } finally {
    await f.close();
  }
}

/**
 * Milliseconds from asking for the dashboard until each flow's chart is on its canvas and the
 * last run is written out: what a person waits for, server and browser together.
 */
async function renderTimes(f: TwoPairs): Promise<number[] | string> {
  let browser;
  try {
    browser = await startTestBrowser(f.h.service.url, f.h.app);
  } catch (e) {
    return `skipped: ${(e as Error).message}`;
  }
  try {
    const page = await browser.signedInPage('viewer');
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const tab = await page.context().newPage();
      const started = performance.now();
      await tab.goto('/');
      await tab.locator('.flow-card canvas').nth(1).waitFor();
      await tab
        .getByText(/succeeded|partial|failed/)
        .first()
        .waitFor();
      if (i > 0) times.push(performance.now() - started);
      await tab.close();
    }
    return times.sort((a, b) => a - b);
  } finally {
    await browser.close();
  }
}

export async function dashboardBench(): Promise<void> {
  process.stdout.write(
    `dashboard: GET /api/pairs/p1/dashboard over HTTP, ${records} records and ${runs} runs over 30 days, ${calls} calls\n`,
  );
  const json: Record<string, unknown> = { bench: 'dashboard', records, runs };
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const m = await measure(dialect);
    process.stdout.write(
      `  ${dialect.padEnd(9)} median ${round(m.median)} ms, p95 ${round(m.p95)} ms ` +
        `(answer ${Math.round(m.bytes / 1024)} KiB; seeded in ${Math.round(m.seedMs / 1000)} s)\n`,
    );
    json[dialect] = { median_ms: round(m.median), p95_ms: round(m.p95) };
    if (typeof m.render === 'string') process.stdout.write(`  render in Chromium: ${m.render}\n`);
    else if (m.render) {
      process.stdout.write(
        `  render in Chromium (${dialect}): median ${Math.round(percentile(m.render, 50))} ms, ` +
          `slowest ${Math.round(m.render.at(-1)!)} ms of ${m.render.length} loads\n`,
      );
      json.render_median_ms = Math.round(percentile(m.render, 50));
    }
  }
  process.stdout.write(`${JSON.stringify(json)}\n`);
}
