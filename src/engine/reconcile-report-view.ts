import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import {
  getReconcileReport,
  listReconcileReports,
  type ReconcileReportRow,
} from '../store/repos/reconcile-reports.js';
import type { ReconcileReport } from './reconcile-flow.js';

/** A stored reconciliation as a list shows it: what was compared, when, and what it found. */
export interface ReconcileReportSummary {
  id: string;
  flowId: string;
  pairId: string;
  trigger: string;
  period: { from: string; to: string };
  startedAt: string;
  finishedAt: string | null;
  /** `running` until it ends; `failed` with its error; else whether the books agreed. */
  outcome: 'running' | 'failed' | 'agree' | 'differ';
  documents: number;
  differences: number;
  calls: number;
  error: string | null;
}

/** A stored reconciliation with its report (null while it runs or when it failed). */
export interface ReconcileReportDetail extends ReconcileReportSummary {
  report: ReconcileReport | null;
}

function summaryOf(row: ReconcileReportRow): ReconcileReportSummary {
  return {
    id: row.id,
    flowId: row.flow_id,
    pairId: row.pair_id,
    trigger: row.trigger,
    period: { from: row.period_from, to: row.period_to },
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.error
      ? 'failed'
      : row.finished_at === null
        ? 'running'
        : Number(row.differences) > 0
          ? 'differ'
          : 'agree',
    documents: Number(row.documents),
    differences: Number(row.differences),
    calls: Number(row.calls),
    error: row.error,
  };
}

/** A flow's stored reconciliations, newest first; `next` pages on with `before`. */
export async function flowReconcileReports(
  db: Kysely<Database>,
  flowId: string,
  page: { limit: number; before?: string | undefined },
): Promise<{ items: ReconcileReportSummary[]; next: string | null }> {
  const rows = await listReconcileReports(db, {
    flowIds: [flowId],
    limit: page.limit + 1,
    ...(page.before ? { before: page.before } : {}),
  });
  const items = rows.slice(0, page.limit).map(summaryOf);
  return { items, next: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}

export async function reconcileReportDetail(
  db: Kysely<Database>,
  id: string,
): Promise<ReconcileReportDetail | undefined> {
  const row = await getReconcileReport(db, id);
  if (!row) return undefined;
  const summary = summaryOf(row);
  const report =
    summary.outcome === 'agree' || summary.outcome === 'differ'
      ? (JSON.parse(row.report) as ReconcileReport)
      : null;
  return { ...summary, report };
}
