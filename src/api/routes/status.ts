import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { budgetReport, type BudgetReportRow } from '../../engine/budget-report.js';
import { listConnections } from '../../store/repos/connections.js';
import { listEvents } from '../../store/repos/events.js';
import { listFlows } from '../../store/repos/flows.js';
import { listRuns } from '../../store/repos/runs.js';
import { pairScopeOf, responses, type ApiContext, type ApiRoute } from '../route-kit.js';

export interface StatusReport {
  /** Which kind of database (`sqlite`, `postgres`); never where it is. */
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

/** What is configured, what ran, what needs attention, within the caller's pairs. */
export async function statusReport(ctx: ApiContext, req: FastifyRequest): Promise<StatusReport> {
  const db = ctx.app.store.db;
  const scope = pairScopeOf(req);
  const inScope = (pairId: string | null) =>
    scope === undefined || (pairId !== null && scope.includes(pairId));
  const [connections, flows, runs, events, dead, budgets] = await Promise.all([
    listConnections(db),
    listFlows(db),
    listRuns(db, { limit: 20, pairIds: scope }),
    listEvents(db, { limit: 20, pairIds: scope }),
    db
      .selectFrom('dead_letters')
      .select(['flow_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', '=', 'open')
      .groupBy('flow_id')
      .execute(),
    budgetReport(db, ctx.app.clock.now()),
  ]);
  const openByFlow = new Map(dead.map((d) => [d.flow_id, Number(d.n)]));
  const visibleConnections = connections.filter((c) => inScope(c.pairId));
  return {
    database: ctx.app.store.caps.dialect,
    connections: visibleConnections.map((c) => ({
      id: c.id,
      pairId: c.pairId,
      app: c.app,
      status: c.status,
      pausedReason: c.pausedReason,
    })),
    flows: flows
      .filter((f) => inScope(f.pairId))
      .map((f) => ({
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
    budgets: budgets.filter((b) => scope === undefined || inScope(b.pairId)),
  };
}

const statusBody = z
  .object({
    database: z.string().describe('sqlite or postgres'),
    connections: z.array(z.unknown()),
    flows: z.array(z.unknown()),
    runs: z.array(z.unknown()),
    events: z.array(z.unknown()),
    budgets: z.array(z.unknown()),
  })
  .meta({ id: 'Status' });

export const statusRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/api/status',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Connections, flows, recent runs and events, API budgets, in one answer',
        tags: ['meta'],
        response: responses({ 200: statusBody }),
      },
    },
    (req) => statusReport(ctx, req),
  );
};
