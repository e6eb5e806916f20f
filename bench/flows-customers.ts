import { benchReady } from './bench-pair.js';
import type { RunResult } from '../src/engine/run-flow.js';
import { startPair, type Pair } from '../src/testing/flow-test-pair.js';
import type { FlowFigures } from './flow-figures.js';

/**
 * The customers flow (Asperion debtors → Exact accounts) on SQLite, both sandboxes in-process with
 * their limits off: a first full load of the Asperion demo debtors plus `BENCH_CUSTOMERS` (2,000)
 * more added through Asperion's own API (a third companies with an attention-to person, the rest
 * persons; NL, BE, DE and US), then a steady run after 10 of them changed. Calls come from each
 * run's `apiCalls` (per connection: `asperion` is the source, `exact` the target).
 */
const extra = Number(process.env.BENCH_CUSTOMERS ?? 2_000);
const changed = 10;
const countries = ['NL', 'NL', 'NL', 'BE', 'DE', 'US'];

function debtor(n: number): Record<string, unknown> {
  const company = n % 3 === 0;
  const country = countries[n % countries.length]!;
  return {
    name: company ? `Bench Handel ${n} BV` : `Bench Persoon ${n}`,
    ...(company ? { attentionTo: `Contact Persoon ${n}`, debtorKindId: 'ZAK' } : { debtorKindId: 'PAR' }),
    address: `Benchstraat ${n}`,
    postCode: '1234 AB',
    city: 'Utrecht',
    countryCode: country,
    emailAddress: `bench${n}@customers.example.nl`,
    phoneNumber: `+31 30 ${String(n).padStart(7, '0')}`,
    paymentConditionId: 1 + (n % 4),
    ...(company && country !== 'NL' && country !== 'US' ? { vatNumber: `${country}0${n}` } : {}),
  };
}

async function asperionCall(pair: Pair, method: string, path: string, body?: unknown) {
  const res = await pair.asperion.call(method, path, {
    ...(body === undefined ? {} : { body }),
    headers: { 'x-tenant-id': '1' },
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: number };
}

async function advanceAsperion(pair: Pair, seconds: number): Promise<void> {
  const res = await pair.asperion.call('POST', '/__sandbox/clock/advance', {
    body: { seconds },
    auth: false,
  });
  if (res.status >= 300) throw new Error(`Asperion clock: ${res.status}`);
}

const perRecord = (calls: number, records: number) =>
  records === 0 ? 0 : Math.round((calls / records) * 1000) / 1000;

export async function measureCustomers(): Promise<FlowFigures> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const pair = await startPair('sqlite', { kind: 'customers' });
  try {
    await benchReady(pair);

    // One debtor a second on Asperion's clock, so their change stamps spread as a real
    // administration's do (a poll rereads the minute before its last stamp, not every debtor).
    const added: number[] = [];
    for (let n = 0; n < extra; n++) {
      added.push((await asperionCall(pair, 'POST', '/v1/debtors', debtor(n))).id);
      await advanceAsperion(pair, 1);
    }

    const started = performance.now();
    const first: RunResult = await pair.run();
    const seconds = (performance.now() - started) / 1000;
    const read = first.counts['read'] ?? 0;
    if (first.state !== 'succeeded') throw new Error(`first load: ${first.state} ${first.error?.message}`);

    // The changes come a little later (past the poll's one-minute overlap).
    await advanceAsperion(pair, 120);
    added.sort((a, b) => a - b);
    for (const id of added.slice(0, changed))
      await asperionCall(pair, 'PUT', `/v1/debtors/${id}`, { phoneNumber: `+31 20 ${id}` });
    const steady = await pair.run();
    const steadyChanged = (steady.counts['updated'] ?? 0) + (steady.counts['created'] ?? 0);
    if (steadyChanged !== changed)
      throw new Error(
        `steady run: ${JSON.stringify(steady.counts)} ${(await pair.deadLetters()).join('\n')}`,
      );

    return {
      flow: 'customers',
      firstLoad: {
        records: read,
        created: first.counts['created'] ?? 0,
        updated: first.counts['updated'] ?? 0,
        skipped: first.counts['skipped'] ?? 0,
        failed: first.counts['deadLettered'] ?? first.counts['failed'] ?? 0,
        sourceCallsPerRecord: perRecord(first.apiCalls['asperion'] ?? 0, read),
        targetCallsPerRecord: perRecord(first.apiCalls['exact'] ?? 0, read),
        recordsPerSecond: Math.round(read / seconds),
      },
      steady: {
        changed,
        sourceCallsPerRecord: perRecord(steady.apiCalls['asperion'] ?? 0, changed),
        targetCallsPerRecord: perRecord(steady.apiCalls['exact'] ?? 0, changed),
        sourceCalls: steady.apiCalls['asperion'] ?? 0,
        targetCalls: steady.apiCalls['exact'] ?? 0,
      },
      peakRssMb: Math.round(peakRss / 1024 / 1024),
    };
  } finally {
    clearInterval(sampler);
    await pair.close();
  }
}
