/**
 * `npm run bench -- <name…>` runs the named benchmarks (all when none is named). Each prints its
 * figures and ends with one JSON line. Benchmarks measure; they assert nothing about time.
 *
 * A bench's module is imported only when that bench runs: the others load sandboxes, Fastify and
 * fixtures at import, and that memory would count in the peak RSS of whichever bench runs first.
 */
const benches: Record<string, () => Promise<() => Promise<void>>> = {
  engine: async () => (await import('./engine.js')).engineBench,
  exact: async () => (await import('./exact.js')).exactBench,
  asperion: async () => (await import('./asperion.js')).asperionBench,
  'asperion-window': async () => (await import('./asperion-window.js')).asperionWindowBench,
  orders: async () => (await import('./orders.js')).ordersBench,
  flows: async () => (await import('./flows.js')).flowsBench,
  dashboard: async () => (await import('./dashboard.js')).dashboardBench,
  metrics: async () => (await import('./metrics.js')).metricsBench,
  takeover: async () => (await import('./takeover.js')).takeoverBench,
  'job-queue': async () => (await import('./job-queue.js')).jobQueueBench,
  fleet: async () => (await import('./fleet.js')).fleetBench,
};

// Options go to the benches as `--name value` or `--name=value` (e.g. `fleet --pairs 8`): a value is
// no bench name.
const args = process.argv.slice(2);
const names = args.filter(
  (a, i) => !a.startsWith('-') && !(args[i - 1]?.startsWith('--') && !args[i - 1]!.includes('=')),
);
const selected = names.length ? names : Object.keys(benches);
const unknown = selected.filter((name) => !benches[name]);
if (unknown.length > 0) {
  process.stderr.write(
    `Unknown benchmark "${unknown.join('", "')}". Known: ${Object.keys(benches).join(', ')}\n`,
  );
  process.exit(2);
}
for (const name of selected) {
  const bench = await benches[name]!();
  await bench();
}
