import { tokensToCredentials } from '../connectors/kit/token-lease.js';
import { CallCounter, connectorContext } from '../engine/connector-context.js';
import { runFlow, type RunResult } from '../engine/run-flow.js';
import { storePairLinks, storePairMemory } from '../engine/pair-memory.js';
import type { FlowRuntimeContext } from '../engine/types.js';
import { productRegistry } from '../registry.js';
import { defaultClientId, defaultClientSecret } from '../sandboxes/asperion/credentials.js';
import { startTestSandbox, type TestSandbox } from '../sandboxes/asperion/testing/test-sandbox.js';
import { upsertConnection } from '../store/repos/connections.js';
import { setFlowMappingVersion, upsertFlow } from '../store/repos/flows.js';
import { saveMappingVersion } from '../store/repos/mappings.js';
import type { MappingDefinition } from '../mapping/types.js';
import type { ExactSeed } from '../sandboxes/exact-online/seed/load-seed.js';
import type { DialectName } from '../store/database.js';
import { startExactFixture, type ExactFixture } from './exact-fixture.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

/** Test-only: both sandboxes, a store, and one flow between them (orders unless told otherwise). */
export interface Pair {
  /** The flow's id, which is its kind (`orders`, `customers`, …). */
  flowId: string;
  fx: ExactFixture;
  asperion: TestSandbox;
  /** Stop both sandboxes and close the store. */
  close(): Promise<void>;
  exact(path: string, query?: Record<string, string>): Promise<any[]>;
  addExact(rows: Record<string, unknown[]>): Promise<void>;
  /** A write through Exact's own API (POST, PUT or DELETE by key). */
  writeExact(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<void>;
  invoices(): Promise<any[]>;
  list(path: string): Promise<any[]>;
  setSettings(settings: Record<string, unknown>): Promise<void>;
  /** Publish a new mapping version of the flow and point the flow at it. */
  setMapping(definition: MappingDefinition): Promise<void>;
  run(): Promise<RunResult>;
  /** The context a run of the flow would get, with these settings. */
  runtimeContext(settings: Record<string, unknown>): Promise<FlowRuntimeContext>;
  /** The errors of the dead letters, for a failure message that says what went wrong. */
  deadLetters(): Promise<string[]>;
  records(
    state: string,
  ): Promise<Array<{ source_id: string; state: string; error_message: string | null; timeline: string }>>;
}

/**
 * `seed` is the Exact sandbox's: `reference` (default) has the demo's customers, items and VAT codes
 * but no documents, so a run reads only what the test adds; `demo` runs over the whole demo business.
 */
/** The test pair's orders flow, `exact` → `asperion` in pair `p1`, unscheduled, with these settings. */
export function ordersFlowRow(settings: Record<string, unknown>) {
  return flowRow('orders', settings);
}

/**
 * The test pair's flow of `kind` (its id is the kind), between the pair's `exact` and `asperion`
 * connections in the direction the kind declares, unscheduled, with these settings.
 */
export function flowRow(kind: string, settings: Record<string, unknown>) {
  const declared = productRegistry.kinds.get(kind);
  if (!declared) throw new Error(`no flow kind ${kind}`);
  const connectionOf = (app: string) => (app === 'exact-online' ? 'exact' : 'asperion');
  return {
    id: kind,
    pairId: 'p1',
    kind,
    sourceConnectionId: connectionOf(declared.sourceApp),
    targetConnectionId: connectionOf(declared.targetApp),
    enabled: true,
    schedule: null,
    priority: 100,
    settings,
    mappingVersion: null,
  };
}

export async function startPair(
  dialect: DialectName,
  options: { seed?: ExactSeed; kind?: string; settings?: Record<string, unknown> } = {},
): Promise<Pair> {
  const flowId = options.kind ?? 'orders';
  const fx = await startExactFixture(dialect, { seed: options.seed ?? 'reference' });
  const { h } = fx;
  h.deps.registry = productRegistry;
  const asperion = await startTestSandbox({ now: '2026-03-10T09:00:00.000Z' });
  const at = fx.clock.now().toISOString();
  const exactRow = await h.store.db
    .selectFrom('connections')
    .select('credentials')
    .where('id', '=', 'exact')
    .executeTakeFirstOrThrow();
  await h.store.db
    .updateTable('connections')
    .set({
      settings: JSON.stringify({ baseUrl: fx.url, clientId: fx.app.clientId, division: fx.division }),
      // The app's secret, so a run can refresh Exact's tokens as a real connection does.
      credentials: h.deps.box.encryptJson({
        ...h.deps.box.decryptJson(exactRow.credentials!),
        clientSecret: fx.app.clientSecret,
      }),
    })
    .where('id', '=', 'exact')
    .execute();
  const minted = (await asperion.call('POST', '/__sandbox/tokens', { body: {}, auth: false })).body;
  await upsertConnection(
    h.store.db,
    {
      id: 'asperion',
      pairId: 'p1',
      app: 'asperion',
      name: 'Asperion',
      settings: {
        apiBaseUrl: asperion.url,
        identityBaseUrl: asperion.url,
        clientId: defaultClientId,
        administrationId: 1,
        language: 'en',
        rateLimit: { requests: 1000, windowSeconds: 1 },
      },
      encryptedCredentials: h.deps.box.encryptJson({
        clientSecret: defaultClientSecret,
        ...tokensToCredentials({
          accessToken: minted.access_token,
          refreshToken: minted.refresh_token,
          issuedAt: at,
          expiresAt: new Date(fx.clock.now().getTime() + minted.expires_in * 1000).toISOString(),
        }),
      }),
      credentialRefs: {},
    },
    at,
  );
  await upsertFlow(h.store.db, flowRow(flowId, options.settings ?? {}), at);
  /** Every row of an Exact list, following `__next` past the page size (1,000 for bulk endpoints). */
  const exact = async (path: string, query: Record<string, string> = {}) => {
    const rows: any[] = [];
    let url: string | undefined = `${fx.url}/api/v1/${fx.division}/${path}?${new URLSearchParams(query)}`;
    while (url) {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${fx.accessToken}`, accept: 'application/json' },
      });
      const body = (await res.json()) as any;
      if (!res.ok) throw new Error(`${path}: ${JSON.stringify(body)}`);
      if (Array.isArray(body.d)) return [...rows, ...body.d];
      rows.push(...body.d.results);
      url = body.d.__next;
    }
    return rows;
  };
  async function listAsperion(path: string): Promise<any[]> {
    const rows: any[] = [];
    for (let page = 1; ; page++) {
      const res = await asperion.call(
        'GET',
        `/v1/${path}${path.includes('?') ? '&' : '?'}pageSize=100&page=${page}`,
        {
          headers: { 'x-tenant-id': '1' },
        },
      );
      rows.push(...res.body._data);
      if (!res.body._meta.nextPage) return rows;
    }
  }
  return {
    flowId,
    fx,
    asperion,
    async close() {
      await asperion.close();
      await fx.close();
    },
    exact,
    async writeExact(method, path, body) {
      const res = await fetch(`${fx.url}/api/v1/${fx.division}/${path}`, {
        method,
        headers: {
          authorization: `Bearer ${fx.accessToken}`,
          accept: 'application/json',
          'content-type': 'application/json',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${await res.text()}`);
    },
    async addExact(rows) {
      const res = await fetch(`${fx.url}/__sandbox/fixture`, {
        method: 'POST',
        body: JSON.stringify({ divisions: { [fx.division]: rows } }),
      });
      if (!res.ok) throw new Error(`fixture refused: ${await res.text()}`);
    },
    invoices() {
      return listAsperion('salesinvoiceswithlines');
    },
    list: listAsperion,
    async setSettings(settings) {
      await upsertFlow(h.store.db, flowRow(flowId, settings), fx.clock.now().toISOString());
    },
    async setMapping(definition) {
      const at = fx.clock.now().toISOString();
      const saved = await saveMappingVersion(h.store.db, flowId, definition, at);
      await setFlowMappingVersion(h.store.db, flowId, saved.version, at);
    },
    run: () => runFlow(h.deps, { flowId, trigger: 'manual' }),
    async runtimeContext(settings) {
      const rows = await h.store.db.selectFrom('connections').selectAll().execute();
      const ctxOf = (id: string) =>
        connectorContext(
          h.deps,
          rows.find((r) => r.id === id)!,
          new CallCounter(),
          new AbortController().signal,
        );
      return {
        flowId,
        pairId: 'p1',
        settings,
        // The connections in the direction the flow's kind declares.
        source: ctxOf(flowRow(flowId, {}).sourceConnectionId),
        target: ctxOf(flowRow(flowId, {}).targetConnectionId),
        clock: h.deps.clock,
        logger: h.deps.logger,
        memory: storePairMemory(h.store, 'p1', h.deps.clock),
        links: storePairLinks(h.store, 'p1'),
      };
    },
    async deadLetters() {
      const rows = await h.store.db
        .selectFrom('dead_letters')
        .select(['source_id', 'error_message'])
        .execute();
      return rows.map((r) => `${r.source_id}: ${r.error_message}`);
    },
    async records(state) {
      return h.store.db
        .selectFrom('records')
        .select(['source_id', 'state', 'error_message', 'timeline'])
        .where('flow_id', '=', flowId)
        .where('state', '=', state)
        .execute() as any;
    },
  };
}

export const lines = (invoice: any): any[] => invoice.lines?._data ?? invoice.lines;
export const byRef = (invoices: any[], id: string) =>
  invoices.find((i) => String(i.description).includes(`[koppel:${id}]`));
