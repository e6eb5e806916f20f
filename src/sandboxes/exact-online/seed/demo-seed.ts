import { toAmsterdamWallClock } from '../amsterdam-time.js';
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

/** One division's demo data: each step creates rows through the store and returns what it made. */
function seedDivision(ctx: SeedContext): DemoDivisionSeed {
  const vatCodes = seedVatCodes(ctx);
  const accounts = seedAccounts(ctx);
  const items = seedItems(ctx);
  const orders = seedSalesOrders(ctx, accounts, items);
  // Contacts, addresses, groups, prices, warehouses and stock; then invoices and bookings for the orders.
  seedReferenceData(ctx.division, ctx.data, ctx.now, ctx.settings, { accounts, items });
  seedFinance(ctx.division, ctx.data, ctx.now, ctx.settings);
  return { vatCodes, accounts, items, orders };
}

/** Seeded divisions by clock instant: resets at the same "now" (the usual case in tests) copy instead. */
const built = new Map<string, { data: Map<number, DivisionData>; seeded: Map<number, DemoDivisionSeed> }>();
const builtLimit = 4;

/**
 * The demo business: the same rows on every start (seeded generators, no Math.random), with dates
 * anchored on the sandbox clock's now. Returns each division's seed by division code. Built once
 * per process and clock instant, then deep-copied (`cache: false` always builds afresh).
 */
export function seedDemo(
  state: SandboxState,
  options: { cache?: boolean } = {},
): Map<number, DemoDivisionSeed> {
  const instant = state.clock.now();
  const now = toAmsterdamWallClock(instant);
  const cached = options.cache === false ? undefined : built.get(instant.toISOString());
  if (cached) {
    for (const [code, data] of cached.data) state.data.set(code, data.clone());
    return cached.seeded;
  }
  const seeded = new Map<number, DemoDivisionSeed>();
  for (const division of state.divisions) {
    const data = state.division(division.code);
    if (!data) continue;
    seeded.set(
      division.code,
      seedDivision(seedContext(division, data, now, instant.getTime(), state.settings)),
    );
  }
  if (options.cache !== false) {
    if (built.size >= builtLimit) built.delete(built.keys().next().value ?? '');
    const pristine = new Map([...state.data].map(([code, data]) => [code, data.clone()]));
    built.set(instant.toISOString(), { data: pristine, seeded });
  }
  return seeded;
}
