import { KoppelError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { getFlow } from '../store/repos/flows.js';
import { insertReconcileReport, updateReconcileReport } from '../store/repos/reconcile-reports.js';
import { latestRecordsOf } from '../store/repos/records.js';
import type { EngineDeps } from './deps.js';
import { loadFlowSetup } from './flow-setup.js';
import type { ReconcileDocument, ReconcilePeriod } from './reconcile-types.js';
import { daysOf, totalsOf, type DayTotals, type SideTotals } from './reconcile-totals.js';

export type { DayTotals, SideTotals } from './reconcile-totals.js';

export type DifferenceKind = 'missing' | 'extra' | 'different';

/** One document the books disagree on, what differs, and the Koppel record that explains it. */
export interface ReconcileDifference {
  kind: DifferenceKind;
  sourceId: string;
  date: string;
  label: string;
  /** For `different`: which amounts differ. */
  fields: Array<'net' | 'vat' | 'gross'>;
  source: SideTotals | null;
  target: (SideTotals & { id: string }) | null;
  /** Koppel's latest record of the document in this flow, when it has one. */
  record: {
    id: string;
    state: string;
    targetId: string | null;
    error: { code: string; message: string } | null;
  } | null;
}

/** Who asked for a reconciliation; stored with its report. */
export const reconcileTriggers = ['schedule', 'cli', 'api'] as const;
export type ReconcileTrigger = (typeof reconcileTriggers)[number];

/** The report: `agree` is what a notifier or an exit code needs; `differences` what it names. */
export interface ReconcileReport {
  /** The stored report (`reconcile_reports`), to come back to it later. */
  reportId: string;
  flowId: string;
  period: ReconcilePeriod;
  agree: boolean;
  totals: { source: SideTotals; target: SideTotals };
  days: DayTotals[];
  differences: ReconcileDifference[];
  /** API calls the reconciliation took, per side. */
  apiCalls: { source: number; target: number };
}

/** The previous calendar month of `now` (UTC days). */
export function previousMonth(now: Date): ReconcilePeriod {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

/**
 * Whether the books agree for a flow's period: both sides read by the flow's kind (opened as for a
 * dry run: nothing is written to either side), compared per document by Koppel's reference and to
 * the cent, with totals per day. Every reconciliation is stored in `reconcile_reports`, whoever
 * asked, so an accountant can come back to it and the reconcile alert reads the newest; one that
 * fails is stored with its error. A request that names no flow, no day or a kind that cannot
 * reconcile is refused before anything is stored: it compared nothing.
 */
export async function reconcileFlow(
  deps: EngineDeps,
  request: {
    flowId: string;
    trigger: ReconcileTrigger;
    from?: string | undefined;
    to?: string | undefined;
    signal?: AbortSignal;
  },
): Promise<ReconcileReport> {
  const period = periodOf(deps.clock.now(), request.from, request.to);
  const flow = await getFlow(deps.store.db, request.flowId);
  if (!flow)
    throw new KoppelError(`No flow "${request.flowId}"`, { code: 'flow.not_found', kind: 'not_found' });
  if (!deps.registry.kinds.get(flow.kind)?.reconcile)
    throw new KoppelError(`Flow ${flow.id} (${flow.kind}) cannot be reconciled`, {
      code: 'reconcile.unsupported',
      kind: 'invalid',
    });
  const reportId = newId('rcn', deps.clock.now());
  await insertReconcileReport(deps.store.db, {
    id: reportId,
    flow_id: flow.id,
    pair_id: flow.pairId,
    trigger: request.trigger,
    period_from: period.from,
    period_to: period.to,
    started_at: deps.clock.now().toISOString(),
    finished_at: null,
    documents: 0,
    differences: 0,
    calls: 0,
    report: '{}',
    error: null,
  });
  let report: ReconcileReport;
  try {
    report = { reportId, ...(await compare(deps, flow.id, period, request.signal)) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await updateReconcileReport(deps.store.db, reportId, {
      finished_at: deps.clock.now().toISOString(),
      error: deps.secrets.scrub(message),
    });
    throw e;
  }
  const extra = report.differences.filter((d) => d.kind === 'extra').length;
  await updateReconcileReport(deps.store.db, reportId, {
    finished_at: deps.clock.now().toISOString(),
    // Documents compared: every source document, and the target's that no source document has.
    documents: report.totals.source.count + extra,
    differences: report.differences.length,
    calls: report.apiCalls.source + report.apiCalls.target,
    report: deps.secrets.scrub(JSON.stringify(report)),
  });
  return report;
}

async function compare(
  deps: EngineDeps,
  flowId: string,
  period: ReconcilePeriod,
  signal = new AbortController().signal,
): Promise<Omit<ReconcileReport, 'reportId'>> {
  // Reading a month of both sides is history, not live work: it spends the budget a backfill may.
  const setup = await loadFlowSetup(deps, flowId, signal, {
    dryRun: true,
    run: { trigger: 'reconcile', cursor: null, backfill: true },
  });
  const kind = deps.registry.kinds.get(setup.flow.kind);
  if (!kind?.reconcile)
    throw new KoppelError(`Flow ${setup.flow.id} (${setup.flow.kind}) cannot be reconciled`, {
      code: 'reconcile.unsupported',
      kind: 'invalid',
    });
  const sides = await kind.reconcile(setup.context, period);
  const targets = new Map<string, ReconcileDocument[]>();
  for (const doc of sides.target) targets.set(doc.sourceId, [...(targets.get(doc.sourceId) ?? []), doc]);
  const differences: Array<Omit<ReconcileDifference, 'record'>> = [];
  const sourceIds = new Set<string>();
  for (const doc of sides.source) {
    sourceIds.add(doc.sourceId);
    const held = targets.get(doc.sourceId) ?? [];
    const target = held[0];
    if (!target) {
      differences.push({ ...about('missing', doc), source: totalsOf([doc]), target: null });
      continue;
    }
    // Two target documents for one source document is a difference too: the second is extra.
    for (const twin of held.slice(1)) differences.push(extra(twin));
    const fields = differing(doc, target);
    if (fields.length > 0)
      differences.push({
        ...about('different', doc),
        fields,
        source: totalsOf([doc]),
        target: { ...totalsOf([target]), id: target.id },
      });
  }
  for (const doc of sides.target) if (!sourceIds.has(doc.sourceId)) differences.push(extra(doc));
  differences.sort((a, b) => a.date.localeCompare(b.date) || a.sourceId.localeCompare(b.sourceId));
  const records = await latestRecordsOf(
    deps.store.db,
    setup.flow.id,
    differences.map((d) => d.sourceId),
  );
  const withRecords = differences.map((d) => ({ ...d, record: recordOf(records.get(d.sourceId)) }));
  const calls = setup.calls.toJSON();
  return {
    flowId: setup.flow.id,
    period,
    agree: differences.length === 0,
    totals: { source: totalsOf(sides.source), target: totalsOf(sides.target) },
    days: daysOf(sides.source, sides.target),
    differences: withRecords,
    apiCalls: { source: calls[setup.source.id] ?? 0, target: calls[setup.target.id] ?? 0 },
  };
}

const day = /^\d{4}-\d{2}-\d{2}$/;

function periodOf(now: Date, from?: string, to?: string): ReconcilePeriod {
  const fallback = previousMonth(now);
  const period = { from: from ?? fallback.from, to: to ?? fallback.to };
  for (const d of [period.from, period.to])
    if (!day.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)))
      throw new KoppelError(`"${d}" is not a day (YYYY-MM-DD)`, {
        code: 'reconcile.bad_period',
        kind: 'invalid',
      });
  if (period.from > period.to)
    throw new KoppelError(`The period starts (${period.from}) after it ends (${period.to})`, {
      code: 'reconcile.bad_period',
      kind: 'invalid',
    });
  return period;
}

function about(kind: DifferenceKind, doc: ReconcileDocument) {
  return { kind, sourceId: doc.sourceId, date: doc.date, label: doc.label, fields: [] };
}

function extra(doc: ReconcileDocument): Omit<ReconcileDifference, 'record'> {
  return { ...about('extra', doc), source: null, target: { ...totalsOf([doc]), id: doc.id } };
}

function differing(a: ReconcileDocument, b: ReconcileDocument): Array<'net' | 'vat' | 'gross'> {
  const fields: Array<'net' | 'vat' | 'gross'> = [];
  if (a.net !== b.net) fields.push('net');
  const rates = new Set([...a.vat.keys(), ...b.vat.keys()]);
  if ([...rates].some((r) => (a.vat.get(r) ?? 0n) !== (b.vat.get(r) ?? 0n))) fields.push('vat');
  if (a.gross !== b.gross) fields.push('gross');
  return fields;
}

function recordOf(
  row:
    | {
        id: string;
        state: string;
        target_id: string | null;
        error_code: string | null;
        error_message: string | null;
      }
    | undefined,
): ReconcileDifference['record'] {
  if (!row) return null;
  return {
    id: row.id,
    state: row.state,
    targetId: row.target_id,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
  };
}
