import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sandboxUser } from '../credentials.js';
import { defaultExactClientId } from '../credentials.js';
import type { SandboxState } from '../sandbox-state.js';
import { exactSettingsPatchSchema } from '../settings.js';
import { faultSchema } from './fault-injection.js';
import { loadSeed } from '../seed/load-seed.js';

const resetSchema = z.strictObject({ seed: z.enum(['demo', 'empty']).optional() });
const advanceSchema = z.strictObject({ ms: z.number().int().nonnegative() });
const mintSchema = z.strictObject({
  divisions: z.array(z.number().int()).min(1).optional(),
  /** Another app's client id, e.g. to see that webhook subscriptions are per app. */
  clientId: z.string().min(1).optional(),
});

function jsonBody(body: unknown): unknown {
  if (typeof body !== 'string' || body.trim() === '') return {};
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
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
    loadSeed(state, input.data.seed ?? 'demo');
    return { ok: true, seed: input.data.seed ?? 'demo' };
  });

  app.get('/__sandbox/settings', async () => state.settings);

  app.put('/__sandbox/settings', async (request, reply) => {
    const input = parse(exactSettingsPatchSchema, request.body);
    if (!input.success) return reply.status(400).send({ error: input.error.issues });
    const patch = Object.fromEntries(Object.entries(input.data).filter(([, v]) => v !== undefined));
    state.settings = { ...state.settings, ...patch };
    return state.settings;
  });

  app.get('/__sandbox/clock', async () => ({
    now: state.clock.now().toISOString(),
    offsetMs: state.clock.offset,
  }));

  app.post('/__sandbox/clock/advance', async (request, reply) => {
    const input = parse(advanceSchema, request.body);
    if (!input.success) return reply.status(400).send({ error: input.error.issues });
    state.clock.advance(input.data.ms);
    return { now: state.clock.now().toISOString(), offsetMs: state.clock.offset };
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
