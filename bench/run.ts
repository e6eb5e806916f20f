/**
 * `npm run bench -- <name…>` runs the named benchmarks (all when none is named). Each prints its
 * figures and ends with one JSON line. Benchmarks measure; they assert nothing about time.
 */
import { asperionBench } from './asperion.js';
import { engineBench } from './engine.js';
import { exactBench } from './exact.js';
import { flowsBench } from './flows.js';
import { ordersBench } from './orders.js';

const benches: Record<string, () => Promise<void>> = {
  engine: engineBench,
  exact: exactBench,
  asperion: asperionBench,
  orders: ordersBench,
  flows: flowsBench,
};

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = names.length ? names : Object.keys(benches);
for (const name of selected) {
  const bench = benches[name];
  if (!bench) {
    process.stderr.write(`Unknown benchmark "${name}". Known: ${Object.keys(benches).join(', ')}\n`);
    process.exit(2);
  }
  await bench();
}
