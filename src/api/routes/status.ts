import { listEvents } from '../../store/repos/events.js';
import { listRuns } from '../../store/repos/runs.js';
import { listConnections } from '../../store/repos/connections.js';
import { listFlows } from '../../store/repos/flows.js';
import { budgetReport, type BudgetReportRow } from '../../engine/budget-report.js';
import type { ApiRoute } from '../server.js';

export interface StatusReport {
  database: string;
  connections: Array<{
    id: string;
    pairId: string;
    app: string;
    status: string;
    pausedReason: string | null;
  }>;
  flows: Array<{
    id: string;
    pairId: string;
    kind: string;
    enabled: boolean;
    schedule: string | null;
    openDeadLetters: number;
  }>;
  runs: Array<{
    id: string;
    flowId: string;
    trigger: string;
    state: string;
    counts: unknown;
    apiCalls: unknown;
    createdAt: string;
    finishedAt: string | null;
    error: string | null;
  }>;
  events: Array<{ type: string; severity: string; message: string; createdAt: string }>;
  /** The API budget per Exact division, as last seen by any process. */
  budgets: BudgetReportRow[];
}

/** What is configured, what ran, what needs attention: the read-only status the start page shows. */
export async function statusReport(ctx: Parameters<ApiRoute>[1]): Promise<StatusReport> {
  const db = ctx.app.store.db;
  const [connections, flows, runs, events, dead, budgets] = await Promise.all([
    listConnections(db),
    listFlows(db),
    listRuns(db, { limit: 20 }),
    listEvents(db, { limit: 20 }),
    db
      .selectFrom('dead_letters')
      .select(['flow_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', '=', 'open')
      .groupBy('flow_id')
      .execute(),
    budgetReport(db, ctx.app.clock.now()),
  ]);
  const openByFlow = new Map(dead.map((d) => [d.flow_id, Number(d.n)]));
  return {
    database: ctx.app.store.location,
    connections: connections.map((c) => ({
      id: c.id,
      pairId: c.pairId,
      app: c.app,
      status: c.status,
      pausedReason: c.pausedReason,
    })),
    flows: flows.map((f) => ({
      id: f.id,
      pairId: f.pairId,
      kind: f.kind,
      enabled: f.enabled,
      schedule: f.schedule,
      openDeadLetters: openByFlow.get(f.id) ?? 0,
    })),
    runs: runs.map((r) => ({
      id: r.id,
      flowId: r.flow_id,
      trigger: r.trigger,
      state: r.state,
      counts: JSON.parse(r.counts) as unknown,
      apiCalls: JSON.parse(r.api_calls) as unknown,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
      error: r.error_code ? `${r.error_code}: ${r.error_message ?? ''}` : null,
    })),
    events: events.map((e) => ({
      type: e.type,
      severity: e.severity,
      message: e.message,
      createdAt: e.created_at,
    })),
    budgets,
  };
}

export const statusRoute: ApiRoute = (app, ctx) => {
  app.get('/api/status', () => statusReport(ctx));
};
