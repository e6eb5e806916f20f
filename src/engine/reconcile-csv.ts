import { formatCents } from '../core/money.js';
import type { ReconcileReport, SideTotals } from './reconcile-flow.js';

/**
 * The report as CSV an accountant can sign a month off from: one row per day and side's totals, then
 * a row per difference and side that holds the document. Amounts in euros with two decimals (exact: formatted from cents); VAT per
 * rate as `rate:amount` pairs, so a day with several rates stays one row.
 */
export function reconcileCsv(report: ReconcileReport): string {
  const rows: string[][] = [
    [
      'row',
      'date',
      'side',
      'kind',
      'source_id',
      'label',
      'count',
      'net',
      'vat',
      'gross',
      'differs',
      'record',
      'record_state',
    ],
  ];
  const totals = (t: SideTotals) => [String(t.count), euros(t.netCents), vatText(t), euros(t.grossCents)];
  for (const d of report.days) {
    rows.push(['day', d.date, 'exact', '', '', '', ...totals(d.source), '', '', '']);
    rows.push(['day', d.date, 'asperion', '', '', '', ...totals(d.target), '', '', '']);
  }
  rows.push([
    'total',
    `${report.period.from}..${report.period.to}`,
    'exact',
    '',
    '',
    '',
    ...totals(report.totals.source),
    '',
    '',
    '',
  ]);
  rows.push([
    'total',
    `${report.period.from}..${report.period.to}`,
    'asperion',
    '',
    '',
    '',
    ...totals(report.totals.target),
    '',
    '',
    '',
  ]);
  // A difference has a row per side that holds the document, so both amounts stand side by side.
  for (const x of report.differences)
    for (const [side, t] of [
      ['exact', x.source],
      ['asperion', x.target],
    ] as const)
      if (t)
        rows.push([
          'difference',
          x.date,
          side,
          x.kind,
          x.sourceId,
          side === 'asperion' && x.target ? `${x.label} (Asperion ${x.target.id})` : x.label,
          ...totals(t),
          x.fields.join(' '),
          x.record?.id ?? '',
          x.record?.state ?? '',
        ]);
  return rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

export const euros = (cents: number): string => formatCents(BigInt(cents));

export function vatText(t: SideTotals): string {
  return Object.entries(t.vatCents)
    .map(([rate, cents]) => `${rate}%:${euros(cents)}`)
    .join(' ');
}

/** A cell quoted when it holds a comma, quote or line break; a leading =+-@ is defused for spreadsheets. */
function cell(value: string): string {
  const safe = /^[=+@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
