import { toAmsterdamWallClock } from '../amsterdam-time.js';
import type { DivisionInfo } from '../divisions.js';
import type { DivisionData } from '../entities/entity-store.js';
import type { SandboxState } from '../sandbox-state.js';
import type { DemoAccount } from './demo-accounts.js';
import { seedAccounts } from './demo-accounts.js';
import type { DemoItem } from './demo-items.js';
import { seedItems } from './demo-items.js';
import type { DemoOrder } from './demo-orders.js';
import { seedSalesOrders } from './demo-orders.js';
import type { DemoVatCode } from './demo-vat.js';
import { seedVatCodes } from './demo-vat.js';
import type { SeedContext } from './seed-context.js';
import { seedReferenceData } from './demo-reference-data.js';
import { seedFinance } from './demo-finance.js';
import { seedContext } from './seed-context.js';

/** What the seed steps of one division produced, for the steps after them. */
export interface DemoDivisionSeed {
  readonly vatCodes: ReadonlyMap<string, DemoVatCode>;
  readonly accounts: readonly DemoAccount[];
  readonly items: readonly DemoItem[];
  readonly orders: readonly DemoOrder[];
}

/**
 * How much of the demo business a seed holds: `demo` all of it; `reference` the master and
 * reference data (VAT codes, accounts, items, contacts, prices, stock, chart of accounts, journals)
 * without sales orders, invoices or bookings, for tests that add their own documents.
 */
export type DemoScope = 'demo' | 'reference';

/** One division's demo data: each step creates rows through the store and returns what it made. */
function seedDivision(ctx: SeedContext, scope: DemoScope): DemoDivisionSeed {
  const vatCodes = seedVatCodes(ctx);
  const accounts = seedAccounts(ctx);
  const items = seedItems(ctx);
  // Each step draws from its own generator, so leaving the documents out changes no other row.
  const orders = scope === 'demo' ? seedSalesOrders(ctx, accounts, items) : [];
  // Contacts, addresses, groups, prices, warehouses and stock; then invoices and bookings for the orders.
  seedReferenceData(ctx.division, ctx.data, ctx.now, ctx.settings, { accounts, items });
  seedFinance(ctx.division, ctx.data, ctx.now, ctx.settings, { transactions: scope === 'demo' });
  return { vatCodes, accounts, items, orders };
}

/** Seed one division (e.g. one added through the control API) as the demo seeds each of its own. */
export function seedDemoDivision(
  state: SandboxState,
  division: DivisionInfo,
  scope: DemoScope,
): DemoDivisionSeed {
  const data = state.division(division.code);
  if (!data) throw new Error(`no division ${division.code} in the sandbox`);
  const instant = state.clock.now();
  const ctx = seedContext(division, data, toAmsterdamWallClock(instant), instant.getTime(), state.settings);
  return seedDivision(ctx, scope);
}

/** Seeded divisions by scope and clock instant: resets at the same "now" (the usual case in tests) copy instead. */
const built = new Map<string, { data: Map<number, DivisionData>; seeded: Map<number, DemoDivisionSeed> }>();
const builtLimit = 4;

/**
 * The demo business: the same rows on every start (seeded generators, no Math.random), with dates
 * anchored on the sandbox clock's now. Returns each division's seed by division code. Built once
 * per process and clock instant, then deep-copied (`cache: false` always builds afresh).
 */
export function seedDemo(
  state: SandboxState,
  options: { cache?: boolean; scope?: DemoScope } = {},
): Map<number, DemoDivisionSeed> {
  const scope = options.scope ?? 'demo';
  const instant = state.clock.now();
  const now = toAmsterdamWallClock(instant);
  const key = `${scope}@${instant.toISOString()}`;
  const cached = options.cache === false ? undefined : built.get(key);
  if (cached) {
    // The copy keeps the listeners of the data it replaces, so its writes still deliver webhooks.
    for (const [code, data] of cached.data) state.data.set(code, data.clone(state.data.get(code)));
    return cached.seeded;
  }
  const seeded = new Map<number, DemoDivisionSeed>();
  for (const division of state.divisions) {
    const data = state.division(division.code);
    if (!data) continue;
    seeded.set(
      division.code,
      seedDivision(seedContext(division, data, now, instant.getTime(), state.settings), scope),
    );
  }
  if (options.cache !== false) {
    if (built.size >= builtLimit) built.delete(built.keys().next().value ?? '');
    const pristine = new Map([...state.data].map(([code, data]) => [code, data.clone()]));
    built.set(key, { data: pristine, seeded });
  }
  return seeded;
}
