import type { Cents } from '../core/money.js';
import type { ReconcileDocument } from './reconcile-types.js';

/** Money of one side: cents as integers (JSON has no bigint), VAT per rate. */
export interface SideTotals {
  count: number;
  netCents: number;
  vatCents: Record<string, number>;
  grossCents: number;
}

export interface DayTotals {
  date: string;
  source: SideTotals;
  target: SideTotals;
}

/** Summed in exact cents; rates highest first, so a report reads 21 %, 9 %, 0 %. */
export function totalsOf(docs: readonly ReconcileDocument[]): SideTotals {
  let net = 0n;
  let gross = 0n;
  const vat = new Map<string, Cents>();
  for (const d of docs) {
    net += d.net;
    gross += d.gross;
    for (const [rate, amount] of d.vat) vat.set(rate, (vat.get(rate) ?? 0n) + amount);
  }
  const rates = [...vat.keys()].sort((a, b) => Number(b) - Number(a));
  return {
    count: docs.length,
    netCents: Number(net),
    vatCents: Object.fromEntries(rates.map((r) => [r, Number(vat.get(r))])),
    grossCents: Number(gross),
  };
}

/** Both sides per day that either side has a document on, in date order. */
export function daysOf(
  source: readonly ReconcileDocument[],
  target: readonly ReconcileDocument[],
): DayTotals[] {
  const dates = [...new Set([...source, ...target].map((d) => d.date))].sort();
  return dates.map((date) => ({
    date,
    source: totalsOf(source.filter((d) => d.date === date)),
    target: totalsOf(target.filter((d) => d.date === date)),
  }));
}
