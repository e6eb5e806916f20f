import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { CallCounter, connectorContext } from '../../engine/connector-context.js';
import type { EngineDeps } from '../../engine/deps.js';
import { testDialects } from '../../testing/databases.js';
import { startExactFixture, type ExactFixture } from '../../testing/exact-fixture.js';
import { tokensToCredentials } from '../kit/token-lease.js';
import { ExactClient } from './exact-client.js';

/** The sandbox's answers to token calls, in order (the request log keeps them). */
async function tokenAnswers(x: ExactFixture): Promise<number[]> {
  return (await x.requests()).filter((r) => r.path === '/api/oauth2/token').map((r) => r.status);
}

describe.each(testDialects)(
  'Exact Online calls refused with a 401 on a token Koppel believes fresh (%s)',
  (dialect) => {
    let x: ExactFixture;
    let second: EngineDeps | undefined;
    afterEach(async () => {
      await second?.store.close();
      second = undefined;
      await x?.close();
    });

    const control = async (path: string, body: unknown) => {
      const res = await fetch(`${x.url}/__sandbox/${path}`, { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).toBe(200);
    };
    /** Exact's clock runs ahead of ours: the token expired there, while our copy has 10 minutes left. */
    const exactClockAhead = () => control('clock/advance', { ms: 601_000 });

    it('refreshes once and succeeds for a single read, a paged read, a sync read and a write when Exact’s clock is ahead', async () => {
      x = await startExactFixture(dialect);
      const client = new ExactClient(await x.context(), x.app, x.division);
      const ours = x.clock.now().toISOString();

      await exactClockAhead();
      expect(await client.findAccountByEmail('nobody@example.nl')).toBeNull();
      expect(await tokenAnswers(x)).toEqual([200]);

      // The token expires at Exact between two pages of one read: the second page is fetched again.
      const pages = client.pages<{ ID: string }>('crm/Accounts', { select: ['ID'], filter: "Name ne ''" });
      const ids: string[] = [];
      for await (const page of pages) {
        if (ids.length === 0) await exactClockAhead();
        ids.push(...page.map((r) => r.ID));
      }
      expect(ids.length).toBeGreaterThan(60);
      expect(new Set(ids).size).toBe(ids.length);
      expect(await tokenAnswers(x)).toEqual([200, 200]);

      await exactClockAhead();
      let synced = 0;
      for await (const page of client.syncRows('sync/CRM/Accounts', { select: ['ID'], checkpoint: null }))
        synced += page.rows.length;
      expect(synced).toBe(ids.length);
      expect(await tokenAnswers(x)).toEqual([200, 200, 200]);

      await exactClockAhead();
      const created = await client.create<{ ID: string }>('crm/Accounts', {
        Name: 'Na de 401',
        Code: '990001',
      });
      expect(created.ID).toBeTruthy();
      expect(await tokenAnswers(x)).toEqual([200, 200, 200, 200]);

      // Four refusals, each followed by the same call with the new token; our own clock never moved.
      expect((await x.requests()).filter((r) => r.status === 401)).toHaveLength(4);
      expect(x.clock.now().toISOString()).toBe(ours);
    });

    it('makes one token call when six callers in two processes are refused the same token', async () => {
      x = await startExactFixture(dialect);
      second = { ...x.h.deps, store: x.h.tdb.open() };
      const clients = await Promise.all(
        Array.from(
          // Six, not ten: every 401 counts towards Exact's ten errors an hour per endpoint (reference 3.1).
          { length: 6 },
          async (_, i) => new ExactClient(await x.context(i % 2 ? second : undefined), x.app, x.division),
        ),
      );
      await exactClockAhead();
      const found = await Promise.all(clients.map((c) => c.findAccountByEmail('nobody@example.nl')));
      expect(found).toEqual(clients.map(() => null));
      expect(await tokenAnswers(x)).toEqual([200]);
      // Every caller now holds the rotated token: another round costs no token call and no 401.
      await Promise.all(clients.map((c) => c.findAccountByEmail('nobody@example.nl')));
      expect(await tokenAnswers(x)).toEqual([200]);
      expect((await x.requests()).filter((r) => r.status === 401)).toHaveLength(6);
    });

    it('waits out Exact’s "too early" after a revoked token instead of failing, then refreshes once', async () => {
      x = await startExactFixture(dialect);
      const client = new ExactClient(await x.context(), x.app, x.division);
      const started = x.clock.now().getTime();
      // Revoked at Exact a moment after it was issued: the 570-second rule still holds (reference 2.2).
      await control('tokens/revoke', {});
      expect(await client.findAccountByEmail('nobody@example.nl')).toBeNull();
      expect(await tokenAnswers(x)).toEqual([400, 200]);
      expect(x.clock.now().getTime() - started).toBeGreaterThanOrEqual(570_000);
      expect(x.clock.now().getTime() - started).toBeLessThan(600_000);
      const waited = x.h.logLines.find((l) => l.includes('refused as too early'));
      expect(waited).toContain('access_token not expired');
      expect(waited).not.toContain(x.accessToken);
    });

    it('gives up waiting when Exact still says "too early" after a whole token lifetime, without pausing', async () => {
      x = await startExactFixture(dialect);
      const client = new ExactClient(await x.context(), x.app, x.division);
      await fetch(`${x.url}/__sandbox/settings`, {
        method: 'PUT',
        body: JSON.stringify({ earliestRefreshAgeSeconds: 86_400 }),
      });
      await control('tokens/revoke', {});
      await expect(client.findAccountByEmail('nobody@example.nl')).rejects.toMatchObject({
        code: 'oauth.too_early',
        kind: 'transient',
      });
      const answers = await tokenAnswers(x);
      expect(answers.length).toBeGreaterThan(1);
      expect(answers.every((s) => s === 400)).toBe(true);
    });

    it('raises a second 401 right after a successful refresh as a lost authorization', async () => {
      x = await startExactFixture(dialect);
      const client = new ExactClient(await x.context(), x.app, x.division);
      await exactClockAhead();
      await control('faults', { path: '/crm/Accounts', status: 401, times: 2, message: 'Unauthorized' });
      await expect(client.findAccountByEmail('nobody@example.nl')).rejects.toMatchObject({
        code: 'exact.unauthorized',
        kind: 'auth',
      });
      expect(await tokenAnswers(x)).toEqual([200]);
    });

    it('stops waiting for "too early" when the run is cancelled', async () => {
      x = await startExactFixture(dialect);
      // Real time here, so the wait is a real one that only the run's signal can cut short.
      const now = systemClock.now();
      const minted = (await (
        await fetch(`${x.url}/__sandbox/tokens`, { method: 'POST', body: '{}' })
      ).json()) as {
        access_token: string;
        refresh_token: string;
      };
      await x.h.store.db
        .updateTable('connections')
        .set({
          credentials: x.h.deps.box.encryptJson(
            tokensToCredentials({
              accessToken: minted.access_token,
              refreshToken: minted.refresh_token,
              issuedAt: now.toISOString(),
              expiresAt: new Date(now.getTime() + 600_000).toISOString(),
            }),
          ),
        })
        .where('id', '=', 'exact')
        .execute();
      const row = await x.h.store.db
        .selectFrom('connections')
        .selectAll()
        .where('id', '=', 'exact')
        .executeTakeFirstOrThrow();
      const run = new AbortController();
      const ctx = connectorContext({ ...x.h.deps, clock: systemClock }, row, new CallCounter(), run.signal);
      const client = new ExactClient(ctx, x.app, x.division);
      await control('tokens/revoke', {});
      const call = client.findAccountByEmail('nobody@example.nl');
      const settled = call.then(
        () => 'succeeded',
        () => 'failed',
      );
      for (let i = 0; i < 100 && (await tokenAnswers(x)).length === 0; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(await tokenAnswers(x)).toEqual([400]);
      const cancelledAt = Date.now();
      run.abort(new Error('run cancelled'));
      expect(await settled).toBe('failed');
      expect(Date.now() - cancelledAt).toBeLessThan(2_000);
      await expect(call).rejects.toThrow('run cancelled');
    });
  },
);
