import { getReconcileReport, latestCompletedReconcileReports } from '../../store/repos/reconcile-reports.js';
import type { EngineDeps } from '../deps.js';
import type { DifferenceKind, ReconcileReport } from '../reconcile-flow.js';
import type { ReconcilePeriod } from '../reconcile-types.js';
import type { Problem } from './types.js';

/** Documents a problem names; the report has the rest. */
const namedDocuments = 5;

/**
 * One critical problem per flow whose newest completed reconciliation found the books differing.
 * A newer report that agrees is no problem, so the alert's lifecycle resolves it; a failed one
 * changes nothing (it compared nothing). `now` is part of every detector's signature; what is
 * stored decides here.
 */
export async function detectReconcileDifferences(deps: EngineDeps, _now: Date): Promise<Problem[]> {
  const db = deps.store.db;
  const latest = (await latestCompletedReconcileReports(db)).filter((r) => r.differences > 0);
  if (latest.length === 0) return [];
  // A deleted flow's old reports raise nothing: there is nothing left to fix through Koppel.
  const flows = new Set(
    (
      await db
        .selectFrom('flows')
        .select('id')
        .where(
          'id',
          'in',
          latest.map((r) => r.flow_id),
        )
        .execute()
    ).map((f) => f.id),
  );
  const problems: Problem[] = [];
  for (const row of latest) {
    if (!flows.has(row.flow_id)) continue;
    const stored = await getReconcileReport(db, row.id);
    if (!stored) continue;
    const report = JSON.parse(stored.report) as Partial<ReconcileReport>;
    const differences = report.differences ?? [];
    const period = { from: row.period_from, to: row.period_to };
    const docs = differences.map((d) => documentOf(d.label, d.sourceId));
    const nouns = new Set(docs.map((d) => d.noun));
    const noun = nouns.size === 1 && [...nouns][0] ? [...nouns][0]! : 'document';
    const count = row.differences;
    problems.push({
      key: `reconcile:${row.flow_id}`,
      kind: 'reconcile.difference',
      severity: 'critical',
      pairId: row.pair_id,
      flowId: row.flow_id,
      connectionId: null,
      title: `The books of flow ${row.flow_id} differ between Exact and Asperion`,
      why:
        `${count} ${plural(noun, count)} ${periodText(period)} ${count === 1 ? 'differs' : 'differ'} ` +
        `between Exact and Asperion: ${kindsText(differences.map((d) => d.kind))}.`,
      count,
      documents: [...new Set(docs.map((d) => d.number))].slice(0, namedDocuments),
      fix: {
        action:
          'Open the report, correct each document that differs (or replay its record), then reconcile the period again.',
        webPath: `/api/reconcile-reports/${row.id}?format=csv`,
        cli: `koppel reconcile ${row.flow_id} --from ${period.from} --to ${period.to}`,
      },
    });
  }
  return problems;
}

/**
 * A document as people know it from its label (`Exact sales invoice 26700012`): the kind of
 * document and its own number; without a number, Koppel's reference is all there is.
 */
function documentOf(label: string, sourceId: string): { noun: string; number: string } {
  const words = label.trim().split(/\s+/);
  const last = words.at(-1) ?? '';
  if (words.length > 2 && /\d/.test(last)) return { noun: words.slice(1, -1).join(' '), number: last };
  return { noun: words.slice(1).join(' '), number: sourceId };
}

function plural(noun: string, count: number): string {
  return count === 1 ? noun : `${noun}s`;
}

const order: DifferenceKind[] = ['missing', 'extra', 'different'];

function kindsText(kinds: DifferenceKind[]): string {
  return order
    .map((k) => [k, kinds.filter((x) => x === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

const months = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `of November 2026`, `of 10 March 2026`, or `of 4 March 2026 to 10 March 2026`. */
function periodText(p: ReconcilePeriod): string {
  const [fy, fm, fd] = p.from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = p.to.split('-').map(Number) as [number, number, number];
  const lastOfMonth = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  const day = (y: number, m: number, d: number) => `${d} ${months[m - 1]} ${y}`;
  if (fy === ty && fm === tm && fd === 1 && td === lastOfMonth) return `of ${months[fm - 1]} ${fy}`;
  if (p.from === p.to) return `of ${day(fy, fm, fd)}`;
  return `of ${day(fy, fm, fd)} to ${day(ty, tm, td)}`;
}
