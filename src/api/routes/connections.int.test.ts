import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../access/api-tokens.js';
import { systemPrincipal } from '../../access/principal.js';
import { OffsetClock, systemClock } from '../../core/clock.js';
import { KoppelError } from '../../core/errors.js';
import { pauseConnection } from '../../engine/pause-connection.js';
import {
  defaultClientId as asperionClientId,
  defaultClientSecret as asperionSecret,
  defaultPassword,
  defaultUsername,
} from '../../sandboxes/asperion/credentials.js';
import {
  startTestSandbox as startAsperion,
  type TestSandbox as AsperionSandbox,
} from '../../sandboxes/asperion/testing/test-sandbox.js';
import {
  defaultExactClientId,
  defaultExactClientSecret,
  defaultExactWebhookSecret,
} from '../../sandboxes/exact-online/credentials.js';
import {
  startTestSandbox as startExact,
  type TestSandbox as ExactSandbox,
} from '../../sandboxes/exact-online/test-sandbox.js';
import { listConnections } from '../../store/repos/connections.js';
import { upsertFlow } from '../../store/repos/flows.js';
import { upsertPair } from '../../store/repos/pairs.js';
import { startApiHarness, type ApiClient, type ApiHarness } from '../../testing/api-harness.js';
import { submitConsent } from '../../testing/consent-form.js';
import { testDialects } from '../../testing/databases.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the API's JSON as it comes */

describe.each(testDialects)(
  'connecting Exact Online and Asperion accounts through the API (%s)',
  (dialect) => {
    let h: ApiHarness;
    let exact: ExactSandbox;
    let asperion: AsperionSandbox;
    let owner: ApiClient;
    const clock = new OffsetClock(systemClock);
    let made = 0;

    beforeAll(async () => {
      exact = await startExact('empty');
      asperion = await startAsperion({ seed: 'empty' });
      h = await startApiHarness(dialect, {
        clock,
        env: { KOPPEL_WEBHOOK_PORT: '0' },
        configure: (app) =>
          upsertPair(app.store.db, { id: 'p1', name: 'Pair one' }, clock.now().toISOString()),
      });
      owner = await h.withToken('owner');
    });
    afterAll(async () => {
      await h?.close();
      await exact?.close();
      await asperion?.close();
    });

    const newExact = async (client = owner) => {
      const id = `exact-${++made}`;
      const answer = await client.post('/api/connections', {
        pairId: 'p1',
        id,
        app: 'exact-online',
        name: 'Exact Online sandbox',
        settings: { baseUrl: exact.url, clientId: defaultExactClientId },
        credentials: { clientSecret: defaultExactClientSecret, webhookSecret: defaultExactWebhookSecret },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      return id;
    };
    const newAsperion = async () => {
      const id = `asperion-${++made}`;
      const answer = await owner.post('/api/connections', {
        pairId: 'p1',
        id,
        app: 'asperion',
        name: 'Asperion sandbox',
        settings: { apiBaseUrl: asperion.url, identityBaseUrl: asperion.url, clientId: asperionClientId },
        credentials: { clientSecret: asperionSecret },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      return id;
    };
    const authorizeUrl = async (id: string, client = owner) => {
      const answer = await client.post(`/api/connections/${id}/authorize`);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body.authorizeUrl as string;
    };
    /** The provider's redirect followed by a browser (with `client`'s cookies, if any). */
    const callback = (location: string, client: ApiClient = h.anonymous()) => {
      expect(location.startsWith(`${h.url}/oauth/callback?`)).toBe(true);
      return client.get<string>(location.slice(h.url.length));
    };
    const exactConsent = async (id: string, divisions?: string[], client?: ApiClient) =>
      callback(
        await submitConsent(await authorizeUrl(id), {
          button: 'approve',
          ...(divisions ? { checkboxes: { division: divisions } } : {}),
        }),
        client,
      );
    const connection = async (id: string) => (await owner.get(`/api/connections/${id}`)).body;

    it('connects Exact Online through its consent page, then waits for the division a PATCH chooses', async () => {
      const id = await newExact();
      const created = await connection(id);
      expect(created).toMatchObject({
        status: 'needs_authorization',
        redirectUri: `${h.url}/oauth/callback`,
        credentialsSet: ['clientSecret', 'webhookSecret'],
        tenant: { setting: 'division', id: null, name: null },
        authorizedAt: null,
      });
      expect(created.why).toBe(
        `Not authorized yet; authorize it with \`koppel connect ${id}\` or POST /api/connections/${id}/authorize`,
      );

      const url = new URL(await authorizeUrl(id));
      expect(`${url.origin}${url.pathname}`).toBe(`${exact.url}/api/oauth2/auth`);
      expect(url.searchParams.get('redirect_uri')).toBe(`${h.url}/oauth/callback`);
      expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);

      // Every division granted: the connection cannot guess which one to work in.
      const page = await callback(await submitConsent(url.toString(), { button: 'approve' }));
      expect(page.status).toBe(200);
      expect(page.body).toContain('Authorized: choose the division');
      expect(page.body).toContain('3215712');
      const authorized = await connection(id);
      expect(authorized).toMatchObject({
        status: 'needs_tenant',
        account: 'Sandra Sandbox (sandbox@koppel.test)',
        credentialsSet: [
          'accessToken',
          'accessTokenExpiresAt',
          'clientSecret',
          'refreshToken',
          'tokensIssuedAt',
          'webhookSecret',
        ],
      });
      expect(authorized.why).toContain(`koppel tenants ${id} --choose <id>`);
      expect(authorized.authorizedAt).not.toBeNull();
      expect(authorized.tokenAgeSeconds).toBeGreaterThanOrEqual(0);

      const tenants = await owner.get(`/api/connections/${id}/tenants`);
      expect(tenants.body.items.map((t: any) => [t.id, t.current, t.selected])).toEqual([
        [3215711, true, false],
        [3215712, false, false],
        [3215713, false, false],
      ]);
      expect(tenants.body.items.every((t: any) => t.name.length > 0)).toBe(true);

      const wrong = await owner.patch(`/api/connections/${id}`, { division: 999 });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error).toMatchObject({
        code: 'connection.tenant_unreachable',
        details: { field: 'division', tenantIds: [3215711, 3215712, 3215713] },
      });
      expect((await owner.patch(`/api/connections/${id}`, { administrationId: 1 })).status).toBe(400);

      const chosen = await owner.patch(`/api/connections/${id}`, { division: 3215712 });
      expect(chosen.status).toBe(200);
      expect(chosen.body).toMatchObject({
        status: 'active',
        why: null,
        settings: { division: 3215712 },
        tenant: { id: 3215712, name: tenants.body.items[1].name },
      });
      const audit = await h.app.store.db
        .selectFrom('audit_log')
        .select(['action', 'actor_kind'])
        .where('target_id', '=', id)
        .orderBy('at')
        .orderBy('id')
        .execute();
      expect(audit.map((a) => [a.action, a.actor_kind])).toEqual([
        ['connection.create', 'token'],
        ['connection.authorize_start', 'token'],
        ['connection.authorize', 'token'],
        ['connection.update', 'token'],
      ]);
    });

    it('chooses the only division a consent grants, and the page says what was connected', async () => {
      const id = await newExact();
      const page = await exactConsent(id, ['3215713']);
      expect(page.status).toBe(200);
      expect(page.body).toContain('<h1>Connected</h1>');
      expect(page.body).toContain(
        `Connected ${id} to Exact Online as Sandra Sandbox (sandbox@koppel.test), division 3215713`,
      );
      expect(page.body).toContain('<a href="/">');
      // The web app's setup wizard goes on from this connection.
      expect(page.body).toContain(`<a href="/setup-wizard/connections/${id}">Continue the setup</a>`);
      expect(await connection(id)).toMatchObject({
        status: 'active',
        settings: { division: 3215713 },
        tenant: { id: 3215713 },
      });
    });

    it('connects Asperion through its login form and waits for the administration a PATCH chooses', async () => {
      const id = await newAsperion();
      const location = await submitConsent(await authorizeUrl(id), {
        button: 'allow',
        fields: { username: defaultUsername, password: defaultPassword },
      });
      const page = await callback(location);
      expect(page.status).toBe(200);
      expect(page.body).toContain('Authorized: choose the administration');
      expect(await connection(id)).toMatchObject({ status: 'needs_tenant', account: null });
      const tenants = await owner.get(`/api/connections/${id}/tenants`);
      expect(tenants.body.items.map((t: any) => t.id)).toEqual([1, 2]);
      expect((await owner.patch(`/api/connections/${id}`, { division: 1 })).body.error.code).toBe(
        'connection.invalid_settings',
      );
      const wrong = await owner.patch(`/api/connections/${id}`, { administrationId: 3 });
      expect(wrong.body.error).toMatchObject({
        code: 'connection.tenant_unreachable',
        details: { tenantIds: [1, 2] },
      });
      const chosen = await owner.patch(`/api/connections/${id}`, { administrationId: 2 });
      expect(chosen.body).toMatchObject({ status: 'active', tenant: { setting: 'administrationId', id: 2 } });
    });

    it('uses a state once, and refuses an unknown one, each with a page that says so', async () => {
      const id = await newExact();
      const location = await submitConsent(await authorizeUrl(id), {
        button: 'approve',
        checkboxes: { division: ['3215711'] },
      });
      expect((await callback(location)).status).toBe(200);
      const again = await callback(location);
      expect(again.status).toBe(400);
      expect(again.body).toContain(`This authorization of connection ${id} was used already`);
      const unknown = await h.anonymous().get('/oauth/callback?code=abc&state=not-a-state-of-ours');
      expect(unknown.status).toBe(400);
      expect(unknown.body).toContain('Koppel does not know this authorization');
      expect((await h.anonymous().get('/oauth/callback?code=abc')).status).toBe(400);
    });

    it('creates, changes and deletes connections, taking secrets write-only and never a token', async () => {
      const id = await newExact();
      expect((await owner.get(`/api/connections/${id}/tenants`)).body.error).toMatchObject({
        code: 'connection.not_authorized',
        kind: 'conflict',
      });
      const again = await owner.post('/api/connections', {
        pairId: 'p1',
        id,
        app: 'exact-online',
        name: 'again',
        settings: { clientId: 'x' },
      });
      expect(again.body.error.code).toBe('connection.exists');
      const withToken = await owner.post('/api/connections', {
        pairId: 'p1',
        id: 'with-token',
        app: 'exact-online',
        name: 'x',
        settings: { clientId: 'x' },
        credentials: { refreshToken: 'a-refresh-token-from-elsewhere' },
      });
      expect(withToken.status).toBe(400);
      expect(withToken.body.error).toMatchObject({
        code: 'connection.bad_credentials',
        message: expect.stringContaining('tokens come from authorizing the connection'),
      });
      expect(
        (await owner.post('/api/connections', { pairId: 'nope', id: 'x1', app: 'asperion', name: 'x' }))
          .status,
      ).toBe(404);

      const secret = 'a-new-webhook-secret-4711';
      const changed = await owner.patch(`/api/connections/${id}`, {
        name: 'Exact Online (renamed)',
        settings: { readRetry: { attempts: 2 } },
        credentials: { webhookSecret: secret, clientSecret: null },
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        name: 'Exact Online (renamed)',
        settings: { readRetry: { attempts: 2 } },
        credentialsSet: ['webhookSecret'],
      });
      expect(JSON.stringify(changed.body)).not.toContain(secret);
      expect(
        (await owner.patch(`/api/connections/${id}`, { settings: { baseUrl: 'not a url' } })).body.error,
      ).toMatchObject({
        code: 'connection.invalid_settings',
        details: { issues: [{ field: 'settings.baseUrl' }] },
      });
      expect(
        (await owner.patch(`/api/connections/${id}`, { credentials: { accessToken: 'x' } })).status,
      ).toBe(400);

      // Viewers read; a scope that leaves the pair out sees no connection at all.
      const viewer = await h.withToken('viewer');
      expect((await viewer.get(`/api/connections/${id}`)).status).toBe(200);
      expect((await viewer.patch(`/api/connections/${id}`, { name: 'x' })).status).toBe(403);
      const elsewhere = await h.withToken('owner', { pairScope: ['p2'] });
      expect((await elsewhere.get('/api/connections')).body.items).toEqual([]);
      expect((await elsewhere.get(`/api/connections/${id}`)).status).toBe(404);
      expect((await elsewhere.post(`/api/connections/${id}/authorize`)).status).toBe(404);

      expect((await owner.delete(`/api/connections/${id}`)).status).toBe(204);
      expect((await owner.get(`/api/connections/${id}`)).status).toBe(404);
    });

    it('serves the callback on the webhook listener too, and nothing of the API there', async () => {
      const listener = h.service.webhookUrl!;
      const page = await fetch(`${listener}/oauth/callback?code=abc&state=not-a-state-of-ours`);
      expect(page.status).toBe(400);
      expect(await page.text()).toContain('Koppel does not know this authorization');
      const { token } = await createApiToken(h.app.store.db, clock, systemPrincipal, {
        name: 'probe',
        role: 'owner',
      });
      const api = await fetch(`${listener}/api/connections`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(api.status).toBe(404);
    });

    it('says consent was refused when the person denies it at the provider, and stays unauthorized', async () => {
      const id = await newExact();
      const location = await submitConsent(await authorizeUrl(id), { button: 'deny' });
      expect(new URL(location).searchParams.get('error')).toBe('access_denied');
      const page = await callback(location);
      expect(page.status).toBe(400);
      expect(page.body).toContain(
        `Consent was refused at Exact Online, so connection ${id} is not authorized`,
      );
      expect((await connection(id)).status).toBe('needs_authorization');
      const [state] = await h.app.store.db
        .selectFrom('oauth_states')
        .select(['outcome', 'outcome_message'])
        .where('connection_id', '=', id)
        .execute();
      expect(state).toMatchObject({
        outcome: 'failed',
        outcome_message: expect.stringContaining('Consent was refused'),
      });
    });

    it('refuses to finish an authorization in a browser signed in as another user', async () => {
      const alice = await h.signedIn('owner');
      const bob = await h.signedIn('owner');
      const id = await newExact(alice);
      const location = await submitConsent(await authorizeUrl(id, alice), {
        button: 'approve',
        checkboxes: { division: ['3215711'] },
      });
      const refused = await callback(location, bob);
      expect(refused.status).toBe(403);
      expect(refused.body).toContain(`Another user started this authorization of connection ${id}`);
      expect((await connection(id)).status).toBe('needs_authorization');
      // Alice's own browser finishes hers.
      const own = await submitConsent(await authorizeUrl(id, alice), {
        button: 'approve',
        checkboxes: { division: ['3215711'] },
      });
      expect((await callback(own, alice)).status).toBe(200);
      expect((await connection(id)).status).toBe('active');
    });

    it('resumes a paused connection that holds tokens, forgets them on disconnect, and resumes on a new authorization', async () => {
      const id = await newExact();
      await exactConsent(id, ['3215711']);
      const pause = (why: string) =>
        pauseConnection(
          h.app.engine,
          id,
          new KoppelError(`Connection ${id} must be authorized again: ${why}`, {
            code: 'oauth.reauthorization_required',
            kind: 'auth',
            details: { connectionId: id, why },
          }),
          { pairId: 'p1', flowId: null, runId: null },
        );
      await pause('Exact Online refused the refresh token (unauthorized_client: Old refresh token used)');
      const paused = await connection(id);
      expect(paused).toMatchObject({ status: 'paused' });
      expect(paused.why).toBe(
        `Exact Online refused the refresh token (unauthorized_client: Old refresh token used); authorize again with \`koppel connect ${id}\` or POST /api/connections/${id}/authorize`,
      );
      const resumed = await owner.post(`/api/connections/${id}/resume`);
      expect(resumed.body).toMatchObject({ status: 'active', why: null, pausedAt: null });

      expect((await owner.delete(`/api/connections/${id}/authorization`)).status).toBe(204);
      const forgotten = await connection(id);
      expect(forgotten).toMatchObject({
        status: 'needs_authorization',
        credentialsSet: ['clientSecret', 'webhookSecret'],
        authorizedAt: null,
        tenant: { id: 3215711 },
      });
      expect((await owner.post(`/api/connections/${id}/resume`)).body.error.code).toBe(
        'connection.not_paused',
      );
      await pause('the grant is gone');
      expect((await owner.post(`/api/connections/${id}/resume`)).body.error).toMatchObject({
        code: 'connection.not_authorized',
        message: expect.stringContaining(`koppel connect ${id}`),
      });

      const page = await exactConsent(id, ['3215711']);
      expect(page.body).toContain('it was paused and is active again');
      expect(await connection(id)).toMatchObject({ status: 'active', why: null, tenant: { id: 3215711 } });
    });

    it('starts no run of a flow whose connection waits, and a run requested anyway fails saying which and what to do', async () => {
      const source = await newExact();
      const target = await newAsperion();
      await exactConsent(source, ['3215711']);
      await upsertFlow(
        h.app.store.db,
        {
          id: `orders-${source}`,
          pairId: 'p1',
          kind: 'orders',
          sourceConnectionId: source,
          targetConnectionId: target,
          enabled: true,
          schedule: null,
          priority: 100,
          settings: {},
          mappingVersion: null,
        },
        clock.now().toISOString(),
      );
      const operator = await h.withToken('operator');
      expect((await operator.post(`/api/flows/orders-${source}/runs`)).status).toBe(202);
      let run: any;
      for (let i = 0; i < 100 && !run; i++) {
        run = await h.app.store.db
          .selectFrom('runs')
          .selectAll()
          .where('flow_id', '=', `orders-${source}`)
          .where('state', '=', 'failed')
          .executeTakeFirst();
        if (!run) await new Promise((r) => setTimeout(r, 100));
      }
      expect(run).toMatchObject({ error_code: 'connection.not_ready' });
      expect((await owner.delete(`/api/connections/${target}`)).body.error).toMatchObject({
        code: 'store.connection_in_use',
        kind: 'conflict',
      });
      expect(run.error_message).toBe(
        `Flow orders-${source} cannot run: connection ${target} is not authorized yet; authorize it with \`koppel connect ${target}\` or POST /api/connections/${target}/authorize`,
      );
    });

    it('never answers a credential value, in any connection answer or the audit log', async () => {
      const values = new Set<string>();
      for (const c of await listConnections(h.app.store.db))
        for (const value of Object.values(h.app.box.decryptJson(c.encryptedCredentials ?? 'null') ?? {}))
          if (typeof value === 'string' && value.length >= 8) values.add(value);
      expect(values.size).toBeGreaterThan(10);
      const answers = [JSON.stringify((await owner.get('/api/connections')).body)];
      for (const c of await listConnections(h.app.store.db)) {
        answers.push(JSON.stringify((await owner.get(`/api/connections/${c.id}`)).body));
        answers.push(JSON.stringify((await owner.get(`/api/connections/${c.id}/tenants`)).body));
      }
      answers.push(JSON.stringify(await h.app.store.db.selectFrom('audit_log').selectAll().execute()));
      answers.push(JSON.stringify(await h.app.store.db.selectFrom('oauth_states').selectAll().execute()));
      for (const text of answers) for (const value of values) expect(text).not.toContain(value);
    });

    // Near the end: it moves the Asperion sandbox's clock a month on for good.
    it('pauses a connection whose grant turns out to be gone when its tenants are asked for', async () => {
      const id = await newAsperion();
      await callback(
        await submitConsent(await authorizeUrl(id), {
          button: 'allow',
          fields: { username: defaultUsername, password: defaultPassword },
        }),
      );
      await asperion.call('POST', '/__sandbox/clock/advance', {
        body: { seconds: 31 * 86_400 },
        auth: false,
      });
      const tenants = await owner.get(`/api/connections/${id}/tenants`);
      expect(tenants.status).toBe(409);
      const why = `Asperion refused the refresh token (invalid_grant: Unknown, used or expired refresh token); authorize again with \`koppel connect ${id}\` or POST /api/connections/${id}/authorize`;
      expect(tenants.body.error).toMatchObject({ code: 'connection.authorization_lost', message: why });
      expect(await connection(id)).toMatchObject({ status: 'paused', why });
      const [event] = await h.app.store.db
        .selectFrom('events')
        .selectAll()
        .where('connection_id', '=', id)
        .execute();
      expect(event).toMatchObject({
        type: 'connection.paused',
        message: `Connection ${id} lost its authorization and is paused: ${why}.`,
      });
    });

    // Last: it moves Koppel's clock past the state's ten minutes for good.
    it('refuses a state older than ten minutes', async () => {
      const id = await newExact();
      const url = await authorizeUrl(id);
      clock.advance(11 * 60_000);
      const page = await callback(await submitConsent(url, { button: 'approve' }));
      expect(page.status).toBe(400);
      expect(page.body).toContain(`This authorization of connection ${id} expired (it lasts 10 minutes)`);
      expect((await connection(id)).status).toBe('needs_authorization');
    });
  },
);
