/**
 * `npm run bench -- flows`: for each flow besides orders (which has its own bench), API
 * calls per record on a first full load of the demo data and at steady state, records per second
 * with the sandboxes' limits off, and peak memory. Prints a line per flow and one JSON line at the end.
 */
import type { FlowFigures } from './flow-figures.js';
import { measureCustomers } from './flows-customers.js';
import { measureProducts } from './flows-products.js';
import { measureStock } from './flows-stock.js';

const measures: Array<[string, () => Promise<FlowFigures>]> = [
  ['customers', measureCustomers],
  ['products', measureProducts],
  ['stock', measureStock],
];

const round = (n: number, places = 3) => Math.round(n * 10 ** places) / 10 ** places;

export async function flowsBench(): Promise<void> {
  process.stdout.write(
    'flows: first full load of the demo data (plus added records), then a steady run; SQLite, limits off\n',
  );
  const json: Record<string, unknown> = { bench: 'flows' };
  for (const [name, measure] of measures) {
    const f = await measure();
    const first = f.firstLoad;
    process.stdout.write(
      `  ${name.padEnd(10)} first load ${first.records} records (created ${first.created}, updated ${first.updated}, ` +
        `skipped ${first.skipped}, failed ${first.failed}): ${round(first.sourceCallsPerRecord)} source + ` +
        `${round(first.targetCallsPerRecord)} target calls/record, ${Math.round(first.recordsPerSecond)} records/s; ` +
        `steady (${f.steady.changed} changed): ${f.steady.sourceCalls} source + ${f.steady.targetCalls} target calls ` +
        `(${round(f.steady.targetCallsPerRecord)} target calls per changed record); peak ${f.peakRssMb} MB\n`,
    );
    json[name] = {
      records: first.records,
      first_source_calls_per_record: round(first.sourceCallsPerRecord),
      first_target_calls_per_record: round(first.targetCallsPerRecord),
      records_per_s: Math.round(first.recordsPerSecond),
      steady_changed: f.steady.changed,
      steady_source_calls_per_record: round(f.steady.sourceCallsPerRecord),
      steady_target_calls_per_record: round(f.steady.targetCallsPerRecord),
      peak_rss_mb: f.peakRssMb,
    };
  }
  process.stdout.write(`${JSON.stringify(json)}\n`);
}
