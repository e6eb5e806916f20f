import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, type Role } from '../access/principal.js';
import { newId } from '../core/ids.js';
import { openAlert } from '../store/repos/alerts.js';
import { insertEvent } from '../store/repos/events.js';
import { insertReconcileReport } from '../store/repos/reconcile-reports.js';
import { upsertConnection } from '../store/repos/connections.js';
import { upsertFlow } from '../store/repos/flows.js';
import { upsertPair } from '../store/repos/pairs.js';
import { sampleAlert } from '../testing/alert-fixtures.js';
import type { ApiClient } from '../testing/api-harness.js';
import { startApiHarness, type ApiHarness } from '../testing/api-harness.js';
import { testDialects } from '../testing/databases.js';
import { loopbackRegistry } from '../testing/loopback-flow.js';
import { LoopbackServer } from '../testing/loopback-server.js';
import { sampleItem } from '../testing/engine-harness.js';
import { routesOf } from './server.js';
import type { DeclaredRoute } from './auth/access-control.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the API's JSON as it comes */

/**
 * Every route, walked one by one from the server's own route table: without credentials it refuses;
 * with a role below the one it declares it refuses; for a caller limited to another pair, an
 * entity of this pair does not exist (404, as an unknown id); installation-wide routes refuse a
 * caller limited to some pairs; state changes on a session need the CSRF token. A new route that
 * this table cannot classify fails the test until it is classified.
 */

/** Routes whose `:id` names an entity of a pair, by the resource the path starts with. */
const pairBound = [
  'pairs',
  'connections',
  'flows',
  'runs',
  'records',
  'dead-letters',
  'events',
  'alerts',
  'jobs',
  'reconcile-reports',
];
/**
 * Routes that concern no single pair: the caller, the document, lists filtered by scope, or (when
 * declared `installationWide`) the whole installation.
 */
const unbound = [
  'session',
  'status',
  'openapi.json',
  'docs',
  'audit',
  'budget',
  'flow-kinds',
  'apps',
  'setup',
  'users',
  'tokens',
  'settings',
  'workspace',
  'purge',
  'metrics',
  'notifications',
  'workers',
];

/** A body good enough to get past validation to the scope check, for routes that need one. */
const sampleBodies: Record<string, unknown> = {
  'PATCH /api/pairs/:id': { name: 'Renamed' },
  'PATCH /api/connections/:id': { name: 'Renamed' },
  'PATCH /api/flows/:id': { enabled: false },
  'POST /api/flows/:id/mapping': { mapping: { fields: { name: { source: 'name' } } } },
  'POST /api/flows/:id/mapping/preview': { samples: [{ id: 'x', name: 'y' }] },
  'POST /api/flows/:id/mapping/diff': { mapping: { fields: { name: { source: 'name' } } } },
  'POST /api/flows/:id/mapping/activate': { version: 0 },
  'POST /api/flows/:id/dry-run': {},
  'POST /api/dead-letters/:id/replay': { mode: 'current' },
  'POST /api/flows/:id/debtor-choices': { account: '70019', debtor: '1003' },
  'PUT /api/notifications': { recipients: [] },
  'POST /api/notifications/test': { recipient: 'Office' },
};

/** `runs` of `/api/runs/:id`; `metrics` of `/metrics`, outside `/api/`. */
const resourceOf = (url: string) => url.split('/')[url.startsWith('/api/') ? 2 : 1] ?? '';
const below = (role: Role): Role | undefined => roles[roles.indexOf(role) - 1];

describe.each(testDialects)('every route, one by one (%s)', (dialect) => {
  let h: ApiHarness;
  let loopback: LoopbackServer;
  const ids: Record<string, { a: string; b: string }> = {};
  const clients = new Map<string, ApiClient>();
  let routes: DeclaredRoute[];

  beforeAll(async () => {
    loopback = await new LoopbackServer().start();
    loopback.put(sampleItem(1));
    loopback.put(sampleItem(2, { name: 'Refused' }));
    loopback.faults.rejectName = 'Refused';
    h = await startApiHarness(dialect, {
      registry: loopbackRegistry,
      configure: async (app) => {
        const at = app.clock.now().toISOString();
        const { db } = app.store;
        for (const p of ['a', 'b']) {
          await upsertPair(db, { id: `pair-${p}`, name: `Pair ${p}` }, at);
          for (const side of ['src', 'tgt'])
            await upsertConnection(
              db,
              {
                id: `${side}-${p}`,
                pairId: `pair-${p}`,
                app: side === 'src' ? 'loopback-source' : 'loopback-target',
                name: side,
                settings: { baseUrl: loopback.url },
                encryptedCredentials: side === 'tgt' ? app.box.encryptJson({ token: loopback.token }) : null,
                credentialRefs: {},
              },
              at,
            );
          await upsertFlow(
            db,
            {
              id: `flow-${p}`,
              pairId: `pair-${p}`,
              kind: 'loopback-items',
              sourceConnectionId: `src-${p}`,
              targetConnectionId: `tgt-${p}`,
              enabled: true,
              schedule: null,
              priority: 100,
              settings: {},
              mappingVersion: null,
            },
            at,
          );
          await insertEvent(db, {
            id: newId('evt'),
            type: 'test.event',
            severity: 'warning',
            pair_id: `pair-${p}`,
            flow_id: `flow-${p}`,
            connection_id: null,
            run_id: null,
            message: 'Something to look at',
            details: '{}',
            created_at: at,
            acknowledged_at: null,
          });
          await openAlert(db, sampleAlert({ id: `alr-pair-${p}`, pair_id: `pair-${p}` }));
          await insertReconcileReport(db, {
            id: `rcn_fixture_${p}`,
            flow_id: `flow-${p}`,
            pair_id: `pair-${p}`,
            trigger: 'schedule',
            period_from: '2026-03-01',
            period_to: '2026-03-31',
            started_at: at,
            finished_at: null,
            documents: 0,
            differences: 0,
            calls: 0,
            report: '{}',
            error: null,
          });
        }
      },
    });
    const starter = await h.withToken('operator');
    for (const p of ['a', 'b'] as const)
      expect((await starter.post(`/api/flows/flow-${p}/runs`)).status).toBe(202);
    const { db } = h.app.store;
    for (let waited = 0; ; waited += 100) {
      // A run row starts `queued` for a moment before `running`: wait for runs that have ended.
      const done = await db
        .selectFrom('runs')
        .select('id')
        .where('state', 'in', ['succeeded', 'partial', 'failed', 'cancelled'])
        .execute();
      if (done.length === 2) break;
      if (waited > 30_000) throw new Error('the fixture runs did not finish');
      await new Promise((r) => setTimeout(r, 100));
    }
    const one = async (
      table: 'runs' | 'records' | 'dead_letters' | 'events',
      pair: string,
      idColumn = 'id',
    ) =>
      String(
        (
          (await db
            .selectFrom(table)
            .selectAll()
            .where('pair_id', '=', pair)
            .executeTakeFirstOrThrow()) as any
        )[idColumn],
      );
    const both = async (f: (p: string) => Promise<string> | string) => ({ a: await f('a'), b: await f('b') });
    ids['pairs'] = await both((p) => `pair-${p}`);
    ids['connections'] = await both((p) => `src-${p}`);
    ids['flows'] = await both((p) => `flow-${p}`);
    ids['runs'] = await both((p) => one('runs', `pair-${p}`));
    ids['records'] = await both((p) => one('records', `pair-${p}`));
    ids['dead-letters'] = await both((p) => one('dead_letters', `pair-${p}`));
    ids['events'] = await both((p) => one('events', `pair-${p}`));
    ids['alerts'] = await both((p) => `alr-pair-${p}`);
    ids['jobs'] = await both((p) => one('runs', `pair-${p}`, 'job_id'));
    ids['reconcile-reports'] = await both((p) => `rcn_fixture_${p}`);
    for (const role of roles) {
      clients.set(role, await h.signedIn(role));
      clients.set(`${role}@b`, await h.signedIn(role, { pairScope: ['pair-b'] }));
    }
    routes = routesOf(h.service.apiServer).filter(
      (r) => r.method !== 'HEAD' && !r.url.startsWith('/api/docs/'),
    );
  }, 90_000);
  afterAll(async () => {
    await h?.close();
    await loopback?.stop();
  });

  /** The route's path with pair a's entities (or the given pair's) in its parameters. */
  const pathOf = (r: DeclaredRoute, pair: 'a' | 'b' = 'a') =>
    r.url.replace(/:(\w+)/g, (_m, name: string) => {
      if (name === 'id') return encodeURIComponent(ids[resourceOf(r.url)]?.[pair] ?? 'unknown');
      if (name === 'version') return '0';
      if (name === 'key') return 'retention';
      if (name === 'segment') return 'exact';
      if (name === 'connectionId') return ids['connections']![pair];
      return 'x';
    });
  const send = (client: ApiClient, r: DeclaredRoute, pair: 'a' | 'b' = 'a') =>
    client.call(r.method, pathOf(r, pair), sampleBodies[`${r.method} ${r.url}`]);

  it('classifies every route', () => {
    const unknown = routes
      .filter((r) => r.access !== 'public' && !r.page)
      .filter((r) => ![...pairBound, ...unbound].includes(resourceOf(r.url)));
    expect(unknown).toEqual([]);
    expect(routes.length).toBeGreaterThan(10);
  });

  it('refuses every route but the public ones without credentials', async () => {
    const refused: string[] = [];
    for (const r of routes.filter((x) => x.access !== 'public')) {
      const answer = await send(h.anonymous(), r);
      const ok = r.page
        ? answer.status === 302
        : answer.status === 401 && answer.body.error?.code === 'auth.required';
      if (!ok) refused.push(`${r.method} ${r.url} answered ${answer.status}`);
    }
    expect(refused).toEqual([]);
  });

  it('refuses every route to a role below the one it needs, by session and by token', async () => {
    const wrong: string[] = [];
    for (const r of routes) {
      if (r.access === 'public') continue;
      const lower = below(r.access);
      if (!lower) continue;
      for (const client of [clients.get(lower)!, await h.withToken(lower)]) {
        const answer = await send(client, r);
        if (answer.status !== 403 || answer.body.error?.code !== 'auth.forbidden')
          wrong.push(`${r.method} ${r.url} as ${lower}: ${answer.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers 404 for another pair’s entity, exactly as for an unknown one', async () => {
    const wrong: string[] = [];
    for (const r of routes) {
      if (r.access === 'public' || !r.url.includes(':id') || !pairBound.includes(resourceOf(r.url))) continue;
      const scoped = clients.get(`${r.access}@b`)!;
      const other = await send(scoped, r, 'a');
      if (other.status !== 404) wrong.push(`${r.method} ${r.url} for pair a as pair-b user: ${other.status}`);
      if (r.method === 'DELETE') continue;
      const own = await send(scoped, r, 'b');
      if (own.status === 404 || own.status === 403)
        wrong.push(`${r.method} ${r.url} for own pair: ${own.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses installation-wide routes to a caller limited to some pairs', async () => {
    const wrong: string[] = [];
    const wide = routes.filter((x) => x.installationWide);
    for (const resource of ['users', 'tokens', 'workers'])
      expect(wide.some((x) => resourceOf(x.url) === resource)).toBe(true);
    for (const r of wide) {
      const answer = await send(clients.get(`${r.access}@b`)!, r);
      if (answer.status !== 403) wrong.push(`${r.method} ${r.url}: ${answer.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses every state change on a session without its CSRF token', async () => {
    const wrong: string[] = [];
    for (const r of routes.filter((x) => x.access !== 'public' && !['GET', 'HEAD'].includes(x.method))) {
      const answer = await clients
        .get('owner')!
        .call(r.method, pathOf(r), sampleBodies[`${r.method} ${r.url}`], {
          csrf: false,
        });
      if (answer.status !== 403 || answer.body.error?.code !== 'auth.csrf')
        wrong.push(`${r.method} ${r.url}: ${answer.status}`);
    }
    expect(wrong).toEqual([]);
  });
});
