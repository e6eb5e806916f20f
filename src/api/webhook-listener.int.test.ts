import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import { mintSandboxTokens } from '../cli/demo/demo-setup.js';
import { tokensToCredentials } from '../connectors/kit/token-lease.js';
import {
  defaultExactClientId,
  defaultExactClientSecret,
  defaultExactWebhookSecret,
} from '../sandboxes/exact-online/credentials.js';
import { exactOnlineSandbox } from '../sandboxes/exact-online/descriptor.js';
import type { RunningSandbox } from '../sandboxes/types.js';
import { upsertConnection } from '../store/repos/connections.js';
import { upsertFlow } from '../store/repos/flows.js';
import { upsertPair } from '../store/repos/pairs.js';
import { createApiToken } from '../access/api-tokens.js';
import { systemPrincipal } from '../access/principal.js';
import { ApiClient, startApiHarness, type ApiHarness } from '../testing/api-harness.js';
import { testDialects } from '../testing/databases.js';
import { signedExactDelivery } from '../testing/exact-webhook-sample.js';
import { freePort } from '../testing/webhook-receiver.js';
import { buildApiServer } from './server.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the API's JSON as it comes */

const division = 3215711;

/** Every method and path a server routes, read from Fastify's route tree. */
function routesOf(tree: string): Array<{ method: string; path: string }> {
  const routes: Array<{ method: string; path: string }> = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const path = (depth === 0 ? '' : stack[depth - 1]!) + m[2]!;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of m[3]?.split(', ') ?? []) routes.push({ method, path });
  }
  return routes;
}

/** The routes a listener serves, from a server built as the service builds it (never listening). */
async function routesServedBy(h: ApiHarness, listener: 'main' | 'webhooks') {
  const server = await buildApiServer(
    { app: h.app, queue: h.service.queue, baseUrl: () => h.url },
    { listener },
  );
  await server.ready();
  const routes = routesOf(server.printRoutes({ commonPrefix: false }));
  await server.close();
  return routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
}

/** A request to `path` with every parameter filled in, as a stranger or a client would send it. */
async function call(base: string, method: string, path: string, bearer?: string) {
  const res = await fetch(`${base}${path.replace(/:[^/]+/g, 'x').replace(/\*$/, 'x')}`, {
    method,
    redirect: 'manual',
    headers: {
      accept: 'application/json',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }),
    },
    ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }),
  });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as any).error?.code;
  } catch {
    code = undefined;
  }
  return { status: res.status, code, text };
}

describe.each(testDialects)('the webhook listener of KOPPEL_WEBHOOK_PORT (%s)', (dialect) => {
  let h: ApiHarness;
  let exact: RunningSandbox;
  let webhookUrl: string;
  let owner: ApiClient;
  let ownerToken: string;

  beforeAll(async () => {
    exact = await exactOnlineSandbox.start({ host: '127.0.0.1', port: 0, seed: 'empty', clock: systemClock });
    const webhookPort = await freePort();
    h = await startApiHarness(dialect, {
      // As README says to run it: the public URL is the webhook listener, behind the reverse proxy.
      env: {
        KOPPEL_WEBHOOK_PORT: String(webhookPort),
        KOPPEL_PUBLIC_URL: `http://127.0.0.1:${webhookPort}`,
      },
      configure: async (app) => {
        const now = app.clock.now();
        const at = now.toISOString();
        const tokens = await mintSandboxTokens(exact.url, '/__sandbox/tokens', { divisions: [division] });
        await upsertPair(app.store.db, { id: 'p1', name: 'Pair' }, at);
        await upsertConnection(
          app.store.db,
          {
            id: 'hooked',
            pairId: 'p1',
            app: 'exact-online',
            name: 'Exact',
            settings: { baseUrl: exact.url, clientId: defaultExactClientId, division },
            encryptedCredentials: app.box.encryptJson({
              clientSecret: defaultExactClientSecret,
              webhookSecret: defaultExactWebhookSecret,
              ...tokensToCredentials({
                accessToken: tokens.access_token,
                refreshToken: tokens.refresh_token,
                issuedAt: at,
                expiresAt: new Date(now.getTime() + 600_000).toISOString(),
              }),
            }),
            credentialRefs: {},
          },
          at,
        );
        await upsertConnection(
          app.store.db,
          {
            id: 'books',
            pairId: 'p1',
            app: 'asperion',
            name: 'Asperion',
            settings: { administrationId: 1 },
            encryptedCredentials: null,
            credentialRefs: {},
          },
          at,
        );
        // Enabled, unscheduled: only its webhook topic matters here (SalesInvoices).
        await upsertFlow(
          app.store.db,
          {
            id: 'orders',
            pairId: 'p1',
            kind: 'orders',
            sourceConnectionId: 'hooked',
            targetConnectionId: 'books',
            enabled: true,
            schedule: null,
            priority: 100,
            settings: {},
            mappingVersion: null,
          },
          at,
        );
      },
    });
    webhookUrl = h.service.webhookUrl!;
    ({ token: ownerToken } = await createApiToken(h.app.store.db, h.app.clock, systemPrincipal, {
      name: 'owner',
      role: 'owner',
      pairScope: null,
    }));
    owner = new ApiClient(h.url, ownerToken);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await exact?.close();
  });

  it('listens on its own port', () => {
    expect(webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(webhookUrl).not.toBe(h.url);
  });

  it('serves only the webhooks, the OAuth callback and /healthz', async () => {
    const served = (await routesServedBy(h, 'webhooks')).map((r) => r.path);
    expect(served).toContain('/healthz');
    expect(served).toContain('/webhooks/:segment/:connectionId');
    for (const path of served) expect(path).toMatch(/^\/(healthz|webhooks\/|oauth\/callback$)/);
  });

  it('answers 404 to every other route of the main listener, API and pages, signed in or not', async () => {
    const own = new Set((await routesServedBy(h, 'webhooks')).map((r) => `${r.method} ${r.path}`));
    const main = await routesServedBy(h, 'main');
    const paths = main.map((r) => r.path);
    for (const expected of ['/', '/login', '/api/status', '/api/openapi.json', '/api/flows/:id/runs'])
      expect(paths).toContain(expected);
    const others = main.filter((r) => !own.has(`${r.method} ${r.path}`));
    expect(others.length).toBeGreaterThan(10);
    for (const r of others)
      for (const bearer of [undefined, ownerToken]) {
        const answer = await call(webhookUrl, r.method, r.path, bearer);
        expect({ route: `${r.method} ${r.path}`, status: answer.status, code: answer.code }).toEqual({
          route: `${r.method} ${r.path}`,
          status: 404,
          code: 'http.not_found',
        });
        expect(answer.text).not.toContain(h.app.store.location);
      }
  });

  it('serves every route on the main port', async () => {
    for (const r of await routesServedBy(h, 'main')) {
      const answer = await call(h.url, r.method, r.path);
      expect({ route: `${r.method} ${r.path}`, code: answer.code }).not.toEqual({
        route: `${r.method} ${r.path}`,
        code: 'http.not_found',
      });
    }
    expect((await owner.get('/api/status')).status).toBe(200);
  });

  it('subscribes with callbacks under KOPPEL_PUBLIC_URL, and accepts Exact’s probe and deliveries on the webhook port', async () => {
    const callback = `${webhookUrl}/webhooks/exact/hooked`;
    const until = Date.now() + 30_000;
    let subscribed: any;
    while (!subscribed && Date.now() < until) {
      const all = (await (await fetch(`${exact.url}/__sandbox/webhooks/subscriptions`)).json()) as any[];
      subscribed = all.find((s) => s.Topic === 'SalesInvoices');
      if (!subscribed) await new Promise((r) => setTimeout(r, 100));
    }
    // The sandbox created it only after its probe of the callback answered 2xx (reference 6.1).
    expect(subscribed).toMatchObject({ CallbackURL: callback, Division: division });

    const delivery = signedExactDelivery({ at: new Date(), topic: 'Accounts', entityPath: 'crm/Accounts' });
    const accepted = await fetch(callback, { method: 'POST', body: delivery });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ kind: 'enqueued', topic: 'Accounts', flows: [] });
    const repeated = await fetch(callback, { method: 'POST', body: delivery });
    expect(await repeated.json()).toEqual({ kind: 'duplicate', duplicate: true });
    expect((await fetch(`${webhookUrl}/healthz`)).status).toBe(200);
  });
});
