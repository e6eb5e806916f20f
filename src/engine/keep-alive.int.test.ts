import { afterEach, describe, expect, it } from 'vitest';
import { ExactClient } from '../connectors/exact-online/exact-client.js';
import { tokensFromCredentials, tokensToCredentials, TokenLease } from '../connectors/kit/token-lease.js';
import { exactTokenPolicy, exactTokenRefresher } from '../connectors/exact-online/oauth.js';
import type { ClaimedJob } from '../queue/index.js';
import { productRegistry } from '../registry.js';
import { getConnection, upsertConnection } from '../store/repos/connections.js';
import { testDialects } from '../testing/databases.js';
import { startExactFixture, type ExactFixture } from '../testing/exact-fixture.js';
import { CallCounter, connectorContext } from './connector-context.js';
import { engineJobHandlers, engineSchedules, keepAliveJob } from './job-handlers.js';

const day = 86_400_000;

describe.each(testDialects)('the connection keep-alive job against the Exact sandbox on %s', (dialect) => {
  let x: ExactFixture;
  afterEach(async () => x?.close());

  /** Connection `id` on the sandbox with a pair minted now (the fixture's own pair for `exact`). */
  async function connect(id: string, tokens?: Record<string, string>) {
    let pair = tokens;
    if (!pair) {
      const minted = (await (
        await fetch(`${x.url}/__sandbox/tokens`, { method: 'POST', body: '{}' })
      ).json()) as { access_token: string; refresh_token: string };
      const now = x.clock.now();
      pair = tokensToCredentials({
        accessToken: minted.access_token,
        refreshToken: minted.refresh_token,
        issuedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + 600_000).toISOString(),
      });
    }
    await upsertConnection(
      x.h.store.db,
      {
        id,
        pairId: 'p1',
        app: 'exact-online',
        name: id,
        settings: { baseUrl: x.url, clientId: x.app.clientId, division: x.division },
        encryptedCredentials: x.h.deps.box.encryptJson({ clientSecret: x.app.clientSecret, ...pair }),
        credentialRefs: {},
      },
      x.clock.now().toISOString(),
    );
  }

  async function start() {
    x = await startExactFixture(dialect, { seed: 'empty' });
    x.h.deps.registry = productRegistry;
    const row = await getConnection(x.h.store.db, 'exact');
    await connect('exact', x.h.deps.box.decryptJson(row!.encryptedCredentials!));
    const schedule = (await engineSchedules(x.h.deps, '17 3 * * *', 20)).find((s) => s.name === keepAliveJob);
    const handler = engineJobHandlers(x.h.deps)[keepAliveJob]!;
    const runJob = () =>
      handler({ id: 'job', name: keepAliveJob, payload: schedule!.payload } as unknown as ClaimedJob, {
        signal: new AbortController().signal,
        heartbeat: () => Promise.resolve(true),
      });
    return { schedule, runJob };
  }

  const stored = async (id: string) => {
    const row = await getConnection(x.h.store.db, id);
    return { row: row!, tokens: tokensFromCredentials(x.h.deps.box.decryptJson(row!.encryptedCredentials!)) };
  };
  const events = (type: string) =>
    x.h.store.db.selectFrom('events').selectAll().where('type', '=', type).orderBy('created_at').execute();
  const leaseFor = async (id: string) => {
    const row = await x.h.store.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const ctx = connectorContext(x.h.deps, row, new CallCounter(), new AbortController().signal);
    return new TokenLease(ctx, exactTokenRefresher(ctx, x.app), exactTokenPolicy);
  };

  it('renews a connection idle for 21 days once, so Exact’s 30-day expiry does not bite at day 35', async () => {
    const { schedule, runJob } = await start();
    expect(schedule).toMatchObject({
      key: 'connections:keepalive',
      cron: '41 4 * * *',
      payload: { idleDays: 20 },
    });
    // A control connection the job skips (paused) shows what happens without the keep-alive.
    await connect('control');
    await x.h.store.db
      .updateTable('connections')
      .set({ status: 'paused' })
      .where('id', '=', 'control')
      .execute();

    x.clock.advance(19 * day);
    await runJob();
    expect(await x.tokenCalls()).toBe(0);

    x.clock.advance(2 * day);
    // Two runs at once (two workers, or a run and the job): one token call, one event.
    await Promise.all([runJob(), runJob()]);
    expect(await x.tokenCalls()).toBe(1);
    const renewed = await stored('exact');
    expect(renewed.tokens?.issuedAt).toBe(x.clock.now().toISOString());
    expect(renewed.row.status).toBe('active');
    expect(await events('connection.kept_alive')).toEqual([
      expect.objectContaining({ connection_id: 'exact', severity: 'info' }),
    ]);

    x.clock.advance(14 * day);
    const client = new ExactClient(await x.context(), x.app, x.division);
    expect(await client.findAccountByCode('1')).toBeNull();
    expect(await x.tokenCalls()).toBe(2);

    await x.h.store.db
      .updateTable('connections')
      .set({ status: 'active' })
      .where('id', '=', 'control')
      .execute();
    await expect((await leaseFor('control')).accessToken()).rejects.toMatchObject({
      code: 'oauth.reauthorization_required',
      message: expect.stringMatching(/refresh token expired/i),
    });
  });

  it('pauses for a new authorization a connection whose refresh token is already dead', async () => {
    const { runJob } = await start();
    // `spent`: its refresh token was used by someone else (a restored backup), "Old refresh token used".
    await connect('spent');
    const before = await stored('spent');
    x.clock.advance(601_000);
    await (await leaseFor('spent')).accessToken();
    await upsertConnection(
      x.h.store.db,
      {
        id: 'spent',
        pairId: 'p1',
        app: 'exact-online',
        name: 'spent',
        settings: { baseUrl: x.url, clientId: x.app.clientId, division: x.division },
        encryptedCredentials: x.h.deps.box.encryptJson({
          clientSecret: x.app.clientSecret,
          ...tokensToCredentials(before.tokens!),
        }),
        credentialRefs: {},
      },
      x.clock.now().toISOString(),
    );

    // `exact` has been idle for 31 days: its refresh token expired.
    x.clock.advance(31 * day);
    await runJob();
    for (const id of ['exact', 'spent']) {
      const { row } = await stored(id);
      expect(row).toMatchObject({ status: 'paused' });
      // One sentence: what was refused, and how to authorize again.
      expect(row.pausedReason).toMatch(
        new RegExp(
          `^Exact Online refused the refresh token \\(.+\\); authorize again with \`koppel connect ${id}\` or POST /api/connections/${id}/authorize$`,
        ),
      );
    }
    expect((await stored('exact')).row.pausedReason).toMatch(
      /\(invalid_request: The refresh token expired at /,
    );
    expect((await stored('spent')).row.pausedReason).toMatch(
      /\(unauthorized_client: Old refresh token used\);/,
    );
    expect((await events('connection.paused')).map((e) => e.connection_id).sort()).toEqual([
      'exact',
      'spent',
    ]);
    expect(await events('connection.kept_alive')).toEqual([]);

    // Paused connections are left alone by the next day's run.
    const calls = await x.tokenCalls();
    x.clock.advance(day);
    await runJob();
    expect(await x.tokenCalls()).toBe(calls);
  });
});
