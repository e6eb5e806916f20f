/**
 * Test-only: the figures of the fleet benchmark (`bench/fleet.ts`), as pure functions over what the
 * sandboxes logged, so they can be checked without a fleet.
 */

/**
 * Jain's fairness index over the shares `xs`: (Σx)² / (n · Σx²). 1 when every share is equal, 1/n
 * when one takes everything. Undefined (null) when nobody has anything: no calls say nothing of
 * fairness, and calling them fair would flatter an idle fleet.
 */
export function jainIndex(xs: readonly number[]): number | null {
  const sum = xs.reduce((a, b) => a + b, 0);
  const squares = xs.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? null : (sum * sum) / (xs.length * squares);
}

/**
 * Calls made ÷ calls the minute budgets allowed in a window: `divisions` budgets of `perMinute`
 * calls each, over `windowMs`.
 */
export function budgetUse(calls: number, divisions: number, perMinute: number, windowMs: number): number {
  const allowed = (divisions * perMinute * windowMs) / 60_000;
  return allowed === 0 ? 0 : calls / allowed;
}

/** The nearest-rank percentile `p` (0–100) of `xs`; null for no values. */
export function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** The division of an Exact REST call's path (`/api/v1/<division>/…`); null for other paths. */
export function divisionOfPath(path: string): number | null {
  const match = /^\/api\/v1\/(\d+)\//.exec(path);
  return match ? Number(match[1]) : null;
}

/** Per division of `divisions`, the calls among `paths` made to it (0 for one never called). */
export function callsPerDivision(
  paths: readonly string[],
  divisions: readonly number[],
): Map<number, number> {
  const counts = new Map(divisions.map((d) => [d, 0]));
  for (const path of paths) {
    const division = divisionOfPath(path);
    if (division !== null && counts.has(division)) counts.set(division, counts.get(division)! + 1);
  }
  return counts;
}

/** How many documents share a reference beyond the first, over `references` (one per document). */
export function duplicateCount(references: readonly string[]): number {
  return references.length - new Set(references).size;
}

/**
 * Per administration of `administrations`, the API calls among `entries` (the Asperion sandbox's
 * log: identity calls carry no administration and are left out); 0 for one never called.
 */
export function callsPerAdministration(
  entries: ReadonlyArray<{ administrationId: number | null }>,
  administrations: readonly number[],
): Map<number, number> {
  const counts = new Map(administrations.map((a) => [a, 0]));
  for (const { administrationId: a } of entries)
    if (a !== null && counts.has(a)) counts.set(a, counts.get(a)! + 1);
  return counts;
}
