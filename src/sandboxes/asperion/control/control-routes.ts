import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { msg } from '../http/messages.js';
import { ProblemError } from '../http/problem-error.js';
import { issueTokenPair } from '../oauth/token-store.js';
import { defaultClientId, defaultUsername } from '../credentials.js';
import { loadSeed, seedNames } from '../seed/load-seed.js';
import { loadFixture, fixtureSchema } from '../seed/load-fixture.js';
import { defaultSettings, mergeSettings, redirectUriSchema } from '../settings.js';
import type { AdministrationData } from '../state/administration-data.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { addAdministration, applySettings } from '../state/sandbox-state.js';
import { seedReferenceData } from '../seed/reference-data.js';
import { deleteDraft, editDraftLine } from './edit-draft.js';
import { finaliseInvoice } from './finalise-invoice.js';
import { registerPayment } from './register-payment.js';

const resetBody = z.object({ seed: z.enum(seedNames).default('demo') }).strict();
const seedBody = z.union([
  z.object({ seed: z.enum(seedNames) }).strict(),
  z.object({ fixture: fixtureSchema }).strict(),
]);
const advanceBody = z.object({ seconds: z.number().int().min(0) }).strict();
const speedBody = z.object({ speed: z.number().positive().max(1_000_000) }).strict();
const tokenBody = z
  .object({
    username: z.string().default(defaultUsername),
    expiresInSeconds: z.number().int().min(1).optional(),
  })
  .strict();
const revokeBody = z.object({ accessToken: z.string().min(1).optional() }).strict();
const periodBody = z
  .object({ bookyear: z.number().int(), bookperiod: z.number().int().min(1).max(12) })
  .strict();
const lineEditBody = z.object({ line: z.number().int().min(0).default(0), amount: z.number() }).strict();
const paymentBody = z.object({ amount: z.number().optional(), date: z.string().optional() }).strict();
const administrationsBody = z
  .object({
    count: z.number().int().min(1).max(1000),
    username: z.string().default(defaultUsername),
    /** `demo` gives each the reference data (VAT codes, ledger accounts, debtor kinds) of the demo seed. */
    seed: z.enum(seedNames).default('demo'),
  })
  .strict();
const packagesBody = z
  .object({ inBalance: z.boolean().optional(), inTrade: z.boolean().optional() })
  .strict();

/**
 * The control API (§6.5) under /__sandbox/, a prefix no real Asperion path has. Tests and demos use it
 * to play what happens inside the Asperion app (finalising, payments, closing periods) and to steer
 * the sandbox (seed, settings, clock, tokens, request log).
 */
export function registerControlRoutes(app: FastifyInstance, state: SandboxState): void {
  app.post('/__sandbox/reset', async (request) => {
    const { seed } = parse(resetBody, request.body ?? {});
    applySettings(state, defaultSettings());
    state.requestLog.entries = [];
    loadSeed(state, seed);
    return { ok: true, seed };
  });

  app.post('/__sandbox/seed', async (request) => {
    const body = parse(seedBody, request.body);
    if ('seed' in body) loadSeed(state, body.seed);
    else loadFixture(state, body.fixture);
    return { ok: true };
  });

  app.get('/__sandbox/settings', async () => state.settings);
  app.put('/__sandbox/settings', async (request) => {
    try {
      applySettings(state, mergeSettings(state.settings, request.body));
    } catch (e) {
      if (e instanceof z.ZodError) throw invalid(e);
      throw e;
    }
    return state.settings;
  });

  // The default app's registered redirect URIs, one at a time (the whole list is the setting redirectUris).
  app.get('/__sandbox/redirect-uris', async () => ({ redirectUris: state.settings.redirectUris }));
  app.post('/__sandbox/redirect-uris', async (request, reply) => {
    const { uri } = parse(z.strictObject({ uri: redirectUriSchema }), request.body);
    if (!state.settings.redirectUris.includes(uri))
      applySettings(state, { ...state.settings, redirectUris: [...state.settings.redirectUris, uri] });
    return reply.code(201).send({ redirectUris: state.settings.redirectUris });
  });
  app.delete('/__sandbox/redirect-uris', async (request) => {
    const { uri } = parse(z.strictObject({ uri: z.string() }), request.query);
    if (!state.settings.redirectUris.includes(uri)) throw notFound(uri);
    applySettings(state, {
      ...state.settings,
      redirectUris: state.settings.redirectUris.filter((r) => r !== uri),
    });
    return { redirectUris: state.settings.redirectUris };
  });

  const clockView = () => ({ now: state.clock.now().toISOString(), speed: state.clock.speed });
  app.get('/__sandbox/clock', async () => clockView());
  app.post('/__sandbox/clock/advance', async (request) => {
    state.clock.advance(parse(advanceBody, request.body).seconds * 1000);
    return clockView();
  });
  // Run the sandbox clock faster than real time (token lifetimes, rate windows, latency follow it).
  app.put('/__sandbox/clock', async (request) => {
    state.clock.setSpeed(parse(speedBody, request.body).speed);
    return clockView();
  });

  app.post('/__sandbox/tokens', async (request) => {
    const body = parse(tokenBody, request.body ?? {});
    const user = state.users.find((u) => u.username === body.username);
    if (!user) throw notFound(`user ${body.username}`);
    return issueTokenPair(
      state.tokens,
      { clientId: defaultClientId, username: user.username, scope: '' },
      state.clock.now().getTime(),
      {
        accessSeconds: body.expiresInSeconds ?? state.settings.accessTokenTtlSeconds,
        refreshSeconds: state.settings.refreshTokenTtlSeconds,
      },
    );
  });

  // Withdraw access tokens server-side (one, or all): the API answers them 401 like unknown ones;
  // refresh tokens stay usable.
  app.post('/__sandbox/tokens/revoke', async (request) => {
    const { accessToken } = parse(revokeBody, request.body ?? {});
    const now = state.clock.now().getTime();
    const targets = accessToken === undefined ? [...state.tokens.accessTokens.keys()] : [accessToken];
    let revoked = 0;
    for (const token of targets) {
      if ((state.tokens.accessTokens.get(token)?.expiresAt ?? 0) > now) revoked += 1;
      state.tokens.accessTokens.delete(token);
    }
    return { revoked };
  });

  // More administrations for one user, as an accountant with many clients has: each new one has
  // the next free id, both packages and (seed demo) the reference data, and no business.
  app.post('/__sandbox/administrations', async (request, reply) => {
    const body = parse(administrationsBody, request.body ?? {});
    const user = state.users.find((u) => u.username === body.username);
    if (!user) throw notFound(`user ${body.username}`);
    const first = Math.max(0, ...state.administrations.keys()) + 1;
    const added = Array.from({ length: body.count }, (_, i) => {
      const id = first + i;
      const data = addAdministration(state, {
        id,
        name: `Administratie ${id} B.V.`,
        telephoneNumber: '030-0000000',
        email: `administratie${id}@example.nl`,
        packages: { inBalance: true, inTrade: true },
      });
      if (body.seed === 'demo') seedReferenceData(data);
      user.administrationIds.push(id);
      return data.administration;
    });
    return reply.status(201).send({ administrations: added });
  });

  app.put('/__sandbox/administrations/:adm/packages', async (request) => {
    const data = administration(state, request.params);
    Object.assign(data.administration.packages, parse(packagesBody, request.body));
    return data.administration;
  });

  app.post('/__sandbox/administrations/:adm/closed-periods', async (request) => {
    const data = administration(state, request.params);
    const { bookyear, bookperiod } = parse(periodBody, request.body);
    data.closedPeriods.add(`${bookyear}/${bookperiod}`);
    return { closedPeriods: [...data.closedPeriods] };
  });

  app.post('/__sandbox/administrations/:adm/salesinvoices/:id/finalise', async (request) => {
    const data = administration(state, request.params);
    return finaliseInvoice(state, data, (request.params as { id: string }).id);
  });

  app.put('/__sandbox/administrations/:adm/salesinvoices/:id/line', async (request) => {
    const data = administration(state, request.params);
    const body = parse(lineEditBody, request.body ?? {});
    return editDraftLine(state, data, (request.params as { id: string }).id, body);
  });

  app.delete('/__sandbox/administrations/:adm/salesinvoices/:id', async (request) => {
    const data = administration(state, request.params);
    deleteDraft(data, (request.params as { id: string }).id);
    return { ok: true };
  });

  app.post('/__sandbox/administrations/:adm/salesinvoices/:id/payments', async (request) => {
    const data = administration(state, request.params);
    const body = parse(paymentBody, request.body ?? {});
    const options = {
      ...(body.amount === undefined ? {} : { amount: body.amount }),
      ...(body.date === undefined ? {} : { date: body.date }),
    };
    return registerPayment(state, data, (request.params as { id: string }).id, options);
  });

  app.get('/__sandbox/requests', async () => ({ requests: state.requestLog.entries }));
  app.delete('/__sandbox/requests', async () => {
    state.requestLog.entries = [];
    return { ok: true };
  });
}

function administration(state: SandboxState, params: unknown): AdministrationData {
  const id = Number((params as { adm: string }).adm);
  const data = state.administrations.get(id);
  if (!data) throw notFound(`administration ${(params as { adm: string }).adm}`);
  return data;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw invalid(result.error);
  return result.data;
}

function invalid(error: z.ZodError): ProblemError {
  const errors: Record<string, ReturnType<typeof msg>[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '$';
    (errors[key] ??= []).push(msg('badQuery', { value: issue.message, param: key }));
  }
  return new ProblemError({ status: 400, title: msg('validationTitle'), errors });
}

function notFound(what: string): ProblemError {
  return new ProblemError({
    status: 404,
    title: msg('notFoundTitle'),
    detail: msg('unknownRoute', { path: what }),
  });
}
