import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { sandboxUser } from '../credentials.js';
import { defaultExactClientId } from '../credentials.js';
import { toAmsterdamWallClock } from '../amsterdam-time.js';
import { progressOrder } from '../entities/sales-orders.js';
import type { SandboxState } from '../sandbox-state.js';
import { exactSettingsPatchSchema, exactSettingsSchema, patchExactSettings } from '../settings.js';
import { faultSchema } from './fault-injection.js';
import { exactSeeds, loadSeed } from '../seed/load-seed.js';
import { seedDemoDivision } from '../seed/demo-seed.js';
import { FixtureError, exactFixtureSchema, loadFixture, type ExactFixture } from '../seed/load-fixture.js';

const resetSchema = z.strictObject({
  seed: z.enum(exactSeeds).optional(),
  fixture: exactFixtureSchema.optional(),
});
const advanceSchema = z.strictObject({ ms: z.number().int().nonnegative() });
const redirectUriBody = z.strictObject({ uri: exactSettingsSchema.shape.redirectUris.element });
const speedSchema = z.strictObject({ speed: z.number().positive().max(1_000_000) });
const mintSchema = z.strictObject({
  divisions: z.array(z.number().int()).min(1).optional(),
  /** Another app's client id, e.g. to see that webhook subscriptions are per app. */
  clientId: z.string().min(1).optional(),
});
const progressSchema = z.strictObject({
  division: z.number().int(),
  orderId: z.string().min(1),
  lines: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        quantityDelivered: z.number().optional(),
        quantityInvoiced: z.number().optional(),
      }),
    )
    .optional(),
  cancel: z.boolean().optional(),
});
const addDivisionsSchema = z.strictObject({
  count: z.number().int().min(1).max(1000),
  /** What each new division holds, as a reset's seed does for the seed's own. */
  seed: z.enum(exactSeeds).optional(),
});
const revokeSchema = z.strictObject({
  /** One access token; every access token when absent. */
  accessToken: z.string().min(1).optional(),
});

function jsonBody(body: unknown): unknown {
  if (typeof body !== 'string' || body.trim() === '') return {};
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function loadFixtureReply(
  state: SandboxState,
  fixture: ExactFixture,
  reply: FastifyReply,
  extra: Record<string, unknown>,
) {
  try {
    return { ok: true, ...extra, ...loadFixture(state, fixture) };
  } catch (error) {
    if (error instanceof FixtureError)
      return reply.status(400).send({ error: error.message, where: error.where });
    throw error;
  }
}

/**
 * The control API for tests and demos, under `/__sandbox/` which no real Exact path uses. It is
 * not authenticated, not rate limited and not written to the request log.
 */
export function registerControlRoutes(app: FastifyInstance, state: SandboxState): void {
  const parse = <T>(schema: z.ZodType<T>, body: unknown) => schema.safeParse(jsonBody(body));

  app.post('/__sandbox/reset', async (request, reply) => {
    const input = parse(resetSchema, request.body);
    if (!input.success) return reply.status(400).send({ error: input.error.issues });
    state.reset();
    const seed = input.data.seed ?? 'demo';
    loadSeed(state, seed);
    if (!input.data.fixture) return { ok: true, seed };
    return loadFixtureReply(state, input.data.fixture, reply, { seed });
  });

  // Add rows to what is there, through the same rules as POSTs.
  app.post('/__sandbox/fixture', async (request, reply) => {
    const input = parse(exactFixtureSchema, request.body);
    if (!input.success) return reply.status(400).send({ error: input.error.issues });
    return loadFixtureReply(state, input.data, reply, {});
  });

  // More divisions, as a licence with many administrations has; tokens minted after this reach them.
  app.post('/__sandbox/divisions', async (request, reply) => {
    const input = parse(addDivisionsSchema, request.body);
    if (!input.success) return reply.status(400).send({ error: input.error.issues });
    const seed = input.data.seed ?? 'reference';
    const added = state.addDivisions(input.data.count);
    if (seed !== 'empty') for (const division of added) seedDemoDivision(state, division, seed);
    return reply
      .status(201)
      .send({ divisions: added.map((d) => ({ code: d.code, description: d.description })) });
  });

  app.get('/__sandbox/settings', async () => state.settings);

  app.put('/__sandbox/settings', async (request, reply) => {
    const input = parse(exactSettingsPatchSchema, request.body);
    if (!input.success) return reply.status(400).send({ error: input.error.issues });
    state.applySettings(patchExactSettings(state.settings, input.data));
    return state.settings;
  });

  // The app's registered redirect URIs, one at a time (the whole list is the setting redirectUris).
  app.get('/__sandbox/redirect-uris', async () => ({ redirectUris: state.settings.redirectUris }));

  app.post('/__sandbox/redirect-uris', async (request, reply) => {
    const input = parse(redirectUriBody, request.body);
    if (!input.success) return reply.status(400).send({ error: input.error.issues });
    const { uri } = input.data;
    if (!state.settings.redirectUris.includes(uri))
      state.applySettings({ ...state.settings, redirectUris: [...state.settings.redirectUris, uri] });
    return reply.status(201).send({ redirectUris: state.settings.redirectUris });
  });

  app.delete('/__sandbox/redirect-uris', async (request, reply) => {
    const uri = (request.query as Record<string, string | undefined>)['uri'];
    if (uri === undefined) return reply.status(400).send({ error: 'name the URI: ?uri=…' });
    if (!state.settings.redirectUris.includes(uri))
      return reply.status(404).send({ error: 'not registered' });
    const redirectUris = state.settings.redirectUris.filter((r) => r !== uri);
    state.applySettings({ ...state.settings, redirectUris });
    return { redirectUris };
  });

  const clockView = () => ({
    now: state.clock.now().toISOString(),
    offsetMs: state.clock.offset,
    speed: state.clock.speed,
  });

  app.get('/__sandbox/clock', async () => clockView());

  // Run the sandbox clock faster than real time (token ages, limits, webhook retries all follow it).
  app.put('/__sandbox/clock', async (request, reply) => {
    const input = parse(speedSchema, request.body);
    if (!input.success) return reply.status(400).send({ error: input.error.issues });
    state.clock.setSpeed(input.data.speed);
    return clockView();
  });

  app.post('/__sandbox/clock/advance', async (request, reply) => {
    const input = parse(advanceSchema, request.body);
    if (!input.success) return reply.status(400).send({ error: input.error.issues });
    state.clock.advance(input.data.ms);
    return clockView();
  });

  // A token pair without the consent round trip; not counted against the daily token-call cap.
  app.post('/__sandbox/tokens', async (request, reply) => {
    const input = parse(mintSchema, request.body);
    if (!input.success) return reply.status(400).send({ error: input.error.issues });
    const divisions = input.data.divisions ?? state.divisions.map((d) => d.code);
    const clientId = input.data.clientId ?? defaultExactClientId;
    const grant = state.tokens.newGrant(clientId, sandboxUser.userId, divisions);
    const pair = state.tokens.issuePair(grant, state.nowMs(), state.settings.accessTokenLifetimeSeconds);
    return {
      access_token: pair.accessToken,
      token_type: 'bearer',
      expires_in: String(state.settings.accessTokenLifetimeSeconds),
      refresh_token: pair.refreshToken,
      divisions,
    };
  });

  // Withdraw access tokens server-side (refresh tokens stay usable): the API answers them 401.
  app.post('/__sandbox/tokens/revoke', async (request, reply) => {
    const input = parse(revokeSchema, request.body);
    if (!input.success) return reply.status(400).send({ error: input.error.issues });
    return { revoked: state.tokens.revokeAccessTokens(state.nowMs(), input.data.accessToken) };
  });

  // Deliveries, invoicing or cancelling of a sales order as Exact's own processes would record them:
  // order and line statuses are read-only through the API (reference 7.9).
  app.post('/__sandbox/sales-orders/progress', async (request, reply) => {
    const input = parse(progressSchema, request.body);
    if (!input.success) return reply.status(400).send({ error: input.error.issues });
    const { division, orderId, ...progress } = input.data;
    const data = state.division(division);
    const now = toAmsterdamWallClock(state.clock.now());
    const done = data !== undefined && progressOrder(data, orderId, progress, now, state.settings);
    if (!done) return reply.status(404).send({ error: 'no such division, order or order line' });
    return { ok: true };
  });

  app.get('/__sandbox/faults', async () => state.faults.list());

  app.post('/__sandbox/faults', async (request, reply) => {
    const input = parse(faultSchema, request.body);
    if (!input.success) return reply.status(400).send({ error: input.error.issues });
    state.faults.add(input.data);
    return state.faults.list();
  });

  app.delete('/__sandbox/faults', async (_request, reply) => {
    state.faults.clear();
    return reply.status(204).send();
  });

  app.get('/__sandbox/requests', async () => state.log.list());

  app.delete('/__sandbox/requests', async (_request, reply) => {
    state.log.clear();
    return reply.status(204).send();
  });

  // Webhooks (reference 6): every app's subscriptions, the delivery queue with each attempt, and
  // a call that sends everything due by the sandbox clock and answers once those attempts settle.
  app.get('/__sandbox/webhooks/subscriptions', async () =>
    state.webhooks.allSubscriptions().map((s) => s.record.row),
  );

  app.get('/__sandbox/webhooks/deliveries', async () => state.webhooks.list());

  app.delete('/__sandbox/webhooks/deliveries', async (_request, reply) => {
    state.webhooks.clearDeliveries();
    return reply.status(204).send();
  });

  app.post('/__sandbox/webhooks/deliver', async () => ({
    attempted: (await state.webhooks.deliverDue()).map((d) => d.id),
    deliveries: state.webhooks.list(),
  }));
}
