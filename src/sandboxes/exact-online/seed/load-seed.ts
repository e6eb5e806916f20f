import type { SandboxState } from '../sandbox-state.js';
import { seedDemo } from './demo-seed.js';

/** What a reset loads: the whole demo business, its reference data without documents, or nothing. */
export const exactSeeds = ['demo', 'reference', 'empty'] as const;
export type ExactSeed = (typeof exactSeeds)[number];

/**
 * Fill a freshly reset state: `demo` data, `reference` (the demo's master and reference data, no
 * sales orders, invoices or bookings) or nothing (`empty`; the divisions always exist).
 */
export function loadSeed(state: SandboxState, seed: ExactSeed): void {
  if (seed !== 'empty') seedDemo(state, { scope: seed });
}
