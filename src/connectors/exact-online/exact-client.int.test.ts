import { afterEach, describe, expect, it } from 'vitest';
import { CallCounter, connectorContext } from '../../engine/connector-context.js';
import { defaultExactClientId, defaultExactClientSecret } from '../../sandboxes/exact-online/credentials.js';
import { buildExactSandbox } from '../../sandboxes/exact-online/server.js';
import { upsertConnection } from '../../store/repos/connections.js';
import { testDialects } from '../../testing/databases.js';
import { createEngineHarness, type EngineHarness } from '../../testing/engine-harness.js';
import { VirtualClock } from '../../testing/virtual-clock.js';
import { tokensToCredentials } from '../kit/token-lease.js';
import { ExactClient } from './exact-client.js';

describe.each(testDialects)('the Exact Online client against the sandbox on %s', (dialect) => {
  let h: EngineHarness;
  let close: (() => Promise<unknown>) | undefined;
  afterEach(async () => {
    await close?.();
    await h?.close();
  });

  /** A client whose stored pair claims to be valid for a day (so the sandbox is the one to say no). */
  async function setUp() {
    h = await createEngineHarness(dialect);
    const clock = new VirtualClock('2026-03-10T09:00:30.000Z');
    h.deps.clock = clock;
    const { app, state } = buildExactSandbox({ clock, seed: 'demo' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    close = () => app.close();
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const minted = (await (
      await fetch(`${url}/__sandbox/tokens`, { method: 'POST', body: '{}' })
    ).json()) as { access_token: string; refresh_token: string };
    const now = clock.now();
    const credentials = tokensToCredentials({
      accessToken: minted.access_token,
      refreshToken: minted.refresh_token,
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 86_400_000).toISOString(),
    });
    await upsertConnection(
      h.store.db,
      {
        id: 'exact',
        pairId: 'p1',
        app: 'exact-online',
        name: 'Exact',
        settings: {},
        encryptedCredentials: h.deps.box.encryptJson(credentials),
        credentialRefs: {},
      },
      now.toISOString(),
    );
    const row = await h.store.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', 'exact')
      .executeTakeFirstOrThrow();
    const ctx = connectorContext(h.deps, row, new CallCounter(), new AbortController().signal);
    const client = new ExactClient(
      ctx,
      { baseUrl: url, clientId: defaultExactClientId, clientSecret: defaultExactClientSecret },
      state.divisions[0]!.code,
    );
    const tokenCalls = async () =>
      ((await (await fetch(`${url}/__sandbox/requests`)).json()) as Array<{ path: string }>).filter(
        (r) => r.path === '/api/oauth2/token',
      ).length;
    return { client, clock, tokenCalls };
  }

  it('creates an account, finds it by code and by e-mail, and updates it partially', async () => {
    const { client } = await setUp();
    const created = await client.create('crm/Accounts', {
      Name: 'Fietsenmakerij De Spaak',
      Code: '900123',
      Email: 'info@despaak.nl',
      City: 'Utrecht',
    });
    expect(created).toMatchObject({ Name: 'Fietsenmakerij De Spaak', Code: '            900123' });
    expect(await client.findAccountByCode('900123')).toMatchObject({
      ID: created.ID,
      Email: 'info@despaak.nl',
    });
    expect(await client.findAccountByEmail('info@despaak.nl')).toMatchObject({ ID: created.ID });
    expect(await client.findAccountByEmail('nobody@example.nl')).toBeNull();
    await client.update('crm/Accounts', String(created.ID), { Name: 'Fietsenmakerij De Spaak BV' });
    expect(await client.findAccountByCode('900123', ['Name', 'City'])).toEqual(
      expect.objectContaining({ Name: 'Fietsenmakerij De Spaak BV', City: 'Utrecht' }),
    );
    expect(await client.findSalesOrderByYourRef('koppel:no-such-order')).toBeNull();
  });

  it('refreshes once and retries once when Exact refuses a token it believed valid', async () => {
    const { client, clock, tokenCalls } = await setUp();
    expect(await client.findAccountByEmail('nobody@example.nl')).toBeNull();
    clock.advance(601_000); // the sandbox expired the token; our copy says it has a day left
    expect(await client.findAccountByEmail('nobody@example.nl')).toBeNull();
    expect(await tokenCalls()).toBe(1);
  });
});
