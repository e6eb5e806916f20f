import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { canSeePair } from '../../access/principal.js';
import { flowStatus } from '../../engine/flow-status.js';
import { resetFlowCursor } from '../../engine/reset-flow-cursor.js';
import { getFlow, type Flow } from '../../store/repos/flows.js';
import {
  changeFlow,
  createFlow,
  noSuchPair,
  removeFlow,
  type FlowChange,
} from '../../workspace/flow-changes.js';
import { cronSchema, flowPrioritySchema, slugSchema } from '../../workspace/workspace-schema.js';
import {
  assertPairInScope,
  audit,
  notFound,
  principalOf,
  responses,
  type ApiContext,
  type ApiRoute,
} from '../route-kit.js';
import { idParams } from '../schemas.js';
import { flowBody } from './flows.js';

const schedule = cronSchema
  .nullable()
  .describe('Cron expression, UTC (5 fields, 6 with seconds); null: none');
const settings = z
  .record(z.string(), z.unknown())
  .describe("The kind's settings (`GET /api/flow-kinds`); left out, its defaults");

const newFlow = z.object({
  id: slugSchema.describe('Unique in the installation'),
  pairId: z.string().min(1),
  kind: z.string().min(1).describe('A flow kind (`GET /api/flow-kinds`)'),
  source: z.string().min(1).describe("The pair's connection it reads from, of the kind's source app"),
  target: z.string().min(1).describe("The pair's connection it writes to, of the kind's target app"),
  enabled: z.boolean().default(false),
  schedule: schedule.default(null),
  priority: flowPrioritySchema.default(100).describe('Lower goes first when flows share the API budget'),
  settings: settings.default({}),
});

const flowChange = z
  .object({
    enabled: z.boolean(),
    schedule,
    priority: flowPrioritySchema,
    settings: settings.describe('Replaces the stored settings; checked against the kind, defaults filled in'),
  })
  .partial()
  .refine((c) => Object.keys(c).length > 0, {
    message: 'name at least one of enabled, schedule, priority, settings',
  });

/** What changed, for the audit log: field → { from, to }. */
function changes(before: Flow, after: Flow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['enabled', 'schedule', 'priority', 'settings'] as const)
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key]))
      out[key] = { from: before[key], to: after[key] };
  return out;
}

/** Change a flow the caller may see, audit it and answer it as `GET /api/flows/{id}` does. */
async function applyChange(
  ctx: ApiContext,
  req: FastifyRequest,
  id: string,
  change: FlowChange,
  action: string,
) {
  const { app } = ctx;
  const missing = () => notFound('flow', id, 'flow.not_found');
  const before = await getFlow(app.store.db, id);
  if (!before) throw missing();
  assertPairInScope(req, before.pairId, missing);
  const after = await changeFlow(app.store.db, app.registry, app.clock, id, change);
  if (!after) throw missing();
  await audit(ctx, req, {
    action,
    target: { kind: 'flow', id },
    pairId: after.pairId,
    details: changes(before, after),
  });
  return flowStatus(app.store.db, app.registry, app.clock.now(), after);
}

/** Creating, changing, enabling, disabling and deleting flows: the same tables `koppel apply` writes. */
export const flowChangesRoute: ApiRoute = (server, ctx) => {
  const { app } = ctx;

  server.post(
    '/api/flows',
    {
      config: { access: 'owner' },
      schema: {
        summary: 'Create a flow',
        description:
          "Checked as a workspace file's flow is: the kind, its settings by the kind's schema, and source and target connections of the pair and of the kind's apps. It uses the kind's default mapping until one is published.",
        tags: ['flows'],
        body: newFlow,
        response: responses({ 201: flowBody }),
      },
    },
    async (req, reply) => {
      // A pair the caller may not see is answered as one that does not exist.
      if (!canSeePair(principalOf(req), req.body.pairId)) throw noSuchPair(req.body.pairId);
      const flow = await createFlow(app.store.db, app.registry, app.clock, req.body);
      await audit(ctx, req, {
        action: 'flow.create',
        target: { kind: 'flow', id: flow.id },
        pairId: flow.pairId,
        details: {
          kind: flow.kind,
          source: flow.sourceConnectionId,
          target: flow.targetConnectionId,
          enabled: flow.enabled,
          schedule: flow.schedule,
          priority: flow.priority,
          settings: flow.settings,
        },
      });
      return reply.status(201).send(await flowStatus(app.store.db, app.registry, app.clock.now(), flow));
    },
  );

  server.patch(
    '/api/flows/:id',
    {
      config: { access: 'owner' },
      schema: {
        summary: 'Change a flow',
        description:
          "Enable or disable it, change its schedule, priority or settings (checked against its kind; the answer has them with the kind's defaults filled in).",
        tags: ['flows'],
        params: idParams,
        body: flowChange,
        response: responses({ 200: flowBody }),
      },
    },
    (req) => applyChange(ctx, req, req.params.id, req.body, 'flow.update'),
  );

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const)
    server.post(
      `/api/flows/:id/${verb}`,
      {
        config: { access: 'owner' },
        schema: {
          summary: `${verb === 'enable' ? 'Enable' : 'Disable'} a flow`,
          description: enabled
            ? 'It runs on its schedule and webhooks from now on.'
            : 'Its schedule and webhooks start no run any more; a run going on finishes.',
          tags: ['flows'],
          params: idParams,
          response: responses({ 200: flowBody }),
        },
      },
      (req) => applyChange(ctx, req, req.params.id, { enabled }, `flow.${verb}`),
    );

  server.delete(
    '/api/flows/:id/cursor',
    {
      config: { access: 'operator' },
      schema: {
        summary: "Reset a flow's cursor",
        description:
          'Its next run reads the whole source from the start (creating nothing twice, but spending API calls). Refused (409) while a run of the flow is queued or running.',
        tags: ['flows'],
        params: idParams,
        response: responses({ 200: flowBody }),
      },
    },
    async (req) => {
      const missing = () => notFound('flow', req.params.id, 'flow.not_found');
      const flow = await getFlow(app.store.db, req.params.id);
      if (!flow) throw missing();
      assertPairInScope(req, flow.pairId, missing);
      const result = await resetFlowCursor(app.store.db, flow.id);
      await audit(ctx, req, {
        action: 'flow.cursor_reset',
        target: { kind: 'flow', id: flow.id },
        pairId: flow.pairId,
        details: { streams: result.cleared.map((c) => c.stream) },
      });
      return flowStatus(app.store.db, app.registry, app.clock.now(), flow);
    },
  );

  server.delete(
    '/api/flows/:id',
    {
      config: { access: 'owner' },
      schema: {
        summary: 'Delete a flow',
        description: 'With its mapping versions; its run history is left to retention.',
        tags: ['flows'],
        params: idParams,
        response: responses({ 204: z.null().describe('Deleted') }),
      },
    },
    async (req, reply) => {
      const missing = () => notFound('flow', req.params.id, 'flow.not_found');
      const flow = await getFlow(app.store.db, req.params.id);
      if (!flow) throw missing();
      assertPairInScope(req, flow.pairId, missing);
      if (!(await removeFlow(app.store.db, flow.id))) throw missing();
      await audit(ctx, req, {
        action: 'flow.delete',
        target: { kind: 'flow', id: flow.id },
        pairId: flow.pairId,
      });
      return reply.status(204).send(null);
    },
  );
};
