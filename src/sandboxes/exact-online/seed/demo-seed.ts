import { toAmsterdamWallClock } from '../amsterdam-time.js';
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
import { seedContext } from './seed-context.js';

/** What the seed steps of one division produced, for the steps after them. */
export interface DemoDivisionSeed {
  vatCodes: Map<string, DemoVatCode>;
  accounts: DemoAccount[];
  items: DemoItem[];
  orders: DemoOrder[];
}

/** One division's demo data: each step creates rows through the store and returns what it made. */
function seedDivision(ctx: SeedContext): DemoDivisionSeed {
  const vatCodes = seedVatCodes(ctx);
  const accounts = seedAccounts(ctx);
  const items = seedItems(ctx);
  const orders = seedSalesOrders(ctx, accounts, items);
  return { vatCodes, accounts, items, orders };
}

/**
 * The demo business: the same rows on every start (seeded generators, no Math.random), with dates
 * anchored on the sandbox clock's now. Returns each division's seed by division code.
 */
export function seedDemo(state: SandboxState): Map<number, DemoDivisionSeed> {
  const instant = state.clock.now();
  const now = toAmsterdamWallClock(instant);
  const seeded = new Map<number, DemoDivisionSeed>();
  for (const division of state.divisions) {
    const data = state.division(division.code);
    if (!data) continue;
    seeded.set(
      division.code,
      seedDivision(seedContext(division, data, now, instant.getTime(), state.settings)),
    );
  }
  return seeded;
}
