import { z } from 'zod';
import { flowStatus } from '../../engine/flow-status.js';
import { getFlow, listFlows } from '../../store/repos/flows.js';
import { runSummaryBody } from '../activity-schemas.js';
import { assertPairInScope, notFound, pairScopeOf, responses, type ApiRoute } from '../route-kit.js';
import { idParams } from '../schemas.js';

export const flowBody = z
  .object({
    id: z.string(),
    pairId: z.string(),
    kind: z.string().describe('Its flow kind (`GET /api/flow-kinds`)'),
    sourceConnectionId: z.string(),
    targetConnectionId: z.string(),
    enabled: z.boolean(),
    schedule: z.string().nullable().describe('Cron expression, UTC; null: webhooks and by hand only'),
    priority: z.number().int().describe('Lower goes first when flows of a pair share the API budget'),
    settings: z
      .record(z.string(), z.unknown())
      .describe("As a run reads them: what was set, with the kind's defaults filled in"),
    settingsProblem: z
      .string()
      .nullable()
      .describe('Why the stored settings cannot be read (a run would fail with it)'),
    mappingVersion: z.number().int().nullable().describe("null: the kind's default mapping"),
    cursor: z
      .object({ value: z.string(), updatedAt: z.string() })
      .nullable()
      .describe('Where the next run reads from; null: from the beginning'),
    nextRunAt: z.string().nullable().describe('When the schedule starts the next run'),
    waitingFor: z.string().nullable().describe('What holds the flow back (a paused connection)'),
    lastRun: runSummaryBody.nullable(),
    openDeadLetters: z.number().int(),
    webhookTopics: z.array(z.string()).describe('Webhook topics that start a run; empty: schedule only'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Flow', description: 'One directional sync inside a pair, and where it stands.' });

export const flowsRoute: ApiRoute = (server, ctx) => {
  const { app } = ctx;
  const { db } = app.store;

  server.get(
    '/api/flows',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'List the flows',
        description: 'Only flows of pairs the caller may see, ordered by id.',
        tags: ['flows'],
        querystring: z.object({ pair: z.string().min(1).optional().describe('Only the flows of this pair') }),
        response: responses({ 200: z.object({ items: z.array(flowBody) }) }),
      },
    },
    async (req) => {
      const scope = pairScopeOf(req);
      const flows = (
        await listFlows(db, req.query.pair === undefined ? {} : { pairId: req.query.pair })
      ).filter((f) => scope === undefined || scope.includes(f.pairId));
      const now = app.clock.now();
      return { items: await Promise.all(flows.map((f) => flowStatus(db, app.registry, now, f))) };
    },
  );

  server.get(
    '/api/flows/:id',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Show a flow',
        description:
          'Its settings, schedule, priority, mapping version, cursor, next scheduled run, last run, open dead letters and webhook topics.',
        tags: ['flows'],
        params: idParams,
        response: responses({ 200: flowBody }),
      },
    },
    async (req) => {
      const missing = () => notFound('flow', req.params.id, 'flow.not_found');
      const flow = await getFlow(db, req.params.id);
      if (!flow) throw missing();
      assertPairInScope(req, flow.pairId, missing);
      return flowStatus(db, app.registry, app.clock.now(), flow);
    },
  );
};
