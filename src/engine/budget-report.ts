import type { Kysely } from 'kysely';
import { viewBudget, type BudgetState, type BudgetView } from '../connectors/kit/api-budget.js';
import { listApiBudgets } from '../store/repos/api-budgets.js';
import { listConnections } from '../store/repos/connections.js';
import type { Database } from '../store/schema.js';

export interface BudgetReportRow {
  /** The pair whose Exact connection works in this division; null when no connection does now. */
  pairId: string | null;
  connectionId: string | null;
  division: string;
  clientId: string;
  /** Null until a call to the division was made. */
  budget: BudgetView | null;
}

/**
 * The API budget of every Exact division, as last seen by any process on the database: one row per
 * Exact connection, plus budgets seen for divisions no connection uses any more.
 */
export async function budgetReport(
  db: Kysely<Database>,
  now: Date,
  options: { pairId?: string | undefined } = {},
): Promise<BudgetReportRow[]> {
  const [connections, budgets] = await Promise.all([listConnections(db), listApiBudgets(db)]);
  const exact = connections.filter((c) => c.app === 'exact-online');
  const view = (state: string) => viewBudget(JSON.parse(state) as BudgetState, now.getTime());
  const rows: BudgetReportRow[] = exact.map((c) => {
    const clientId = String(c.settings['clientId'] ?? '');
    const division = String(c.settings['division'] ?? '');
    const seen = budgets.find(
      (b) => b.app === 'exact-online' && b.client_id === clientId && b.division === division,
    );
    return {
      pairId: c.pairId,
      connectionId: c.id,
      division,
      clientId,
      budget: seen ? view(seen.state) : null,
    };
  });
  for (const b of budgets) {
    if (b.app !== 'exact-online' || rows.some((r) => r.clientId === b.client_id && r.division === b.division))
      continue;
    rows.push({
      pairId: null,
      connectionId: null,
      division: b.division,
      clientId: b.client_id,
      budget: view(b.state),
    });
  }
  return options.pairId === undefined ? rows : rows.filter((r) => r.pairId === options.pairId);
}

/** Column titles and cells of `koppel budget`. */
export const budgetHeaders = [
  'pair',
  'division',
  'minute used',
  'minute left',
  'minute reset',
  'day used',
  'day left',
  'day reset (UTC)',
  'errors 1h',
  'seen',
];

const time = (ms: number | undefined) =>
  ms === undefined ? '-' : new Date(ms).toISOString().slice(0, 19) + 'Z';

/** One table row; `-` where nothing was seen yet. */
export function budgetCells(r: BudgetReportRow): Array<string | number> {
  const b = r.budget;
  return [
    r.pairId ?? '-',
    r.division,
    b?.minute?.used ?? '-',
    b?.minute?.left ?? '-',
    time(b?.minute?.resetAt),
    b?.day?.used ?? '-',
    b?.day?.left ?? '-',
    time(b?.day?.resetAt),
    b ? b.errorsLastHour : '-',
    b ? time(b.updatedAt) : 'never',
  ];
}
