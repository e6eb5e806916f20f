import { z } from 'zod';
import { budgetReport } from '../../engine/budget-report.js';
import { dashboardDays, failedRuns, flowDays } from '../../engine/flow-days.js';
import { flowStatus } from '../../engine/flow-status.js';
import { listEvents } from '../../store/repos/events.js';
import { listConnections } from '../../store/repos/connections.js';
import { listFlows } from '../../store/repos/flows.js';
import { getPair } from '../../store/repos/pairs.js';
import { eventBody, runSummaryBody } from '../activity-schemas.js';
import { assertPairInScope, notFound, responses, type ApiRoute } from '../route-kit.js';
import { idParams } from '../schemas.js';
import { budgetAnswer, budgetRowBody } from './budget.js';
import { connectionBody, viewOf } from './connection-answer.js';
import { eventView } from './events.js';

const count = z.number().int();

const flowDayBody = z
  .object({
    date: z.string().describe('YYYY-MM-DD, a UTC day'),
    created: count.describe('Documents created in the target'),
    updated: count.describe('Documents updated in the target'),
    failed: count.describe('Records that failed, dead-lettered or not'),
  })
  .meta({ id: 'FlowDay', description: 'What a flow moved on one day.' });

const dashboardFlowBody = z.object({
  id: z.string(),
  kind: z.string(),
  enabled: z.boolean(),
  schedule: z.string().nullable(),
  nextRunAt: z.string().nullable().describe('When the schedule starts the next run'),
  waitingFor: z.string().nullable().describe('Why no run starts (a paused connection)'),
  lastRun: runSummaryBody.nullable(),
  openDeadLetters: count,
  failedRuns: count.describe('Runs in the window that failed outright'),
  days: z.array(flowDayBody).describe(`One entry per day of the last ${dashboardDays}, oldest first`),
});

const attentionLimit = 20;

const pairDashboardBody = z
  .object({
    pairId: z.string(),
    name: z.string(),
    generatedAt: z.string(),
    flows: z.array(dashboardFlowBody),
    connections: z.array(connectionBody).describe('With their health: status, why, token age'),
    budget: z.array(budgetRowBody).describe("The Exact API budget of the pair's divisions"),
    attention: z.object({
      total: count.describe('Events of the pair nobody acknowledged yet'),
      items: z.array(eventBody).describe(`The newest of them, up to ${attentionLimit}`),
    }),
  })
  .meta({ id: 'PairDashboard', description: 'One pair at a glance.' });

/** A pair at a glance: per flow what it moved and how it runs, connection health, budget, alerts. */
export const pairDashboardRoute: ApiRoute = (server, ctx) => {
  const { db } = ctx.app.store;
  server.get(
    '/api/pairs/:id/dashboard',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'A pair’s dashboard',
        description: `Per flow: documents created, updated and failed per UTC day over the last ${dashboardDays} days, failed runs, open dead letters, last and next run; the connections' health; the Exact API budget per division; the events waiting to be acknowledged.`,
        tags: ['pairs'],
        params: idParams,
        response: responses({ 200: pairDashboardBody }),
      },
    },
    async (req) => {
      const missing = () => notFound('pair', req.params.id, 'pair.not_found');
      assertPairInScope(req, req.params.id, missing);
      const pair = await getPair(db, req.params.id);
      if (!pair) throw missing();
      const now = ctx.app.clock.now();
      const flows = await listFlows(db, { pairId: pair.id });
      const ids = flows.map((f) => f.id);
      const [statuses, days, failed, connections, budget, events, unacknowledged] = await Promise.all([
        Promise.all(flows.map((f) => flowStatus(db, ctx.app.registry, now, f))),
        flowDays(ctx.app.store, ids, now),
        failedRuns(db, ids, now),
        listConnections(db, { pairId: pair.id }),
        budgetReport(db, now, { pairId: pair.id }),
        listEvents(db, { pairId: pair.id, acknowledged: false, limit: attentionLimit }),
        db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('pair_id', '=', pair.id)
          .where('acknowledged_at', 'is', null)
          .executeTakeFirstOrThrow(),
      ]);
      return {
        pairId: pair.id,
        name: pair.name,
        generatedAt: now.toISOString(),
        flows: statuses.map((s) => ({
          id: s.id,
          kind: s.kind,
          enabled: s.enabled,
          schedule: s.schedule,
          nextRunAt: s.nextRunAt,
          waitingFor: s.waitingFor,
          lastRun: s.lastRun,
          openDeadLetters: s.openDeadLetters,
          failedRuns: failed.get(s.id) ?? 0,
          days: days.get(s.id) ?? [],
        })),
        connections: connections.map((c) => viewOf(ctx, c)),
        budget: budget.map(budgetAnswer),
        attention: { total: Number(unacknowledged.n), items: events.map(eventView) },
      };
    },
  );
};
