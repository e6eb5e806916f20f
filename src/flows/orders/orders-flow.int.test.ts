import { afterEach, describe, expect, it } from 'vitest';
import { tokensToCredentials } from '../../connectors/kit/token-lease.js';
import { runFlow } from '../../engine/run-flow.js';
import { productRegistry } from '../../registry.js';
import { defaultClientId, defaultClientSecret } from '../../sandboxes/asperion/credentials.js';
import { startTestSandbox, type TestSandbox } from '../../sandboxes/asperion/testing/test-sandbox.js';
import { upsertConnection } from '../../store/repos/connections.js';
import { upsertFlow } from '../../store/repos/flows.js';
import { testDialects } from '../../testing/databases.js';
import { startExactFixture, type ExactFixture } from '../../testing/exact-fixture.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

interface Pair {
  fx: ExactFixture;
  asperion: TestSandbox;
  exact(path: string, query?: Record<string, string>): Promise<any[]>;
  addExact(rows: Record<string, unknown[]>): Promise<void>;
  invoices(): Promise<any[]>;
  setSettings(settings: Record<string, unknown>): Promise<void>;
  run(): ReturnType<typeof runFlow>;
  records(state: string): Promise<Array<{ source_id: string; state: string; error_message: string | null }>>;
}

async function startPair(dialect: (typeof testDialects)[number]): Promise<Pair> {
  const fx = await startExactFixture(dialect);
  const { h } = fx;
  h.deps.registry = productRegistry;
  const asperion = await startTestSandbox({ now: '2026-03-10T09:00:00.000Z' });
  const at = fx.clock.now().toISOString();
  await h.store.db
    .updateTable('connections')
    .set({ settings: JSON.stringify({ baseUrl: fx.url, clientId: fx.app.clientId, division: fx.division }) })
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
  const flow = (settings: Record<string, unknown>) => ({
    id: 'orders',
    pairId: 'p1',
    kind: 'orders',
    sourceConnectionId: 'exact',
    targetConnectionId: 'asperion',
    enabled: true,
    schedule: null,
    priority: 100,
    settings,
    mappingVersion: null,
  });
  await upsertFlow(h.store.db, flow({}), at);
  const exact = async (path: string, query: Record<string, string> = {}) => {
    const res = await fetch(`${fx.url}/api/v1/${fx.division}/${path}?${new URLSearchParams(query)}`, {
      headers: { authorization: `Bearer ${fx.accessToken}`, accept: 'application/json' },
    });
    const body = (await res.json()) as any;
    if (!res.ok) throw new Error(`${path}: ${JSON.stringify(body)}`);
    return Array.isArray(body.d) ? body.d : body.d.results;
  };
  return {
    fx,
    asperion,
    exact,
    async addExact(rows) {
      const res = await fetch(`${fx.url}/__sandbox/fixture`, {
        method: 'POST',
        body: JSON.stringify({ divisions: { [fx.division]: rows } }),
      });
      if (!res.ok) throw new Error(`fixture refused: ${await res.text()}`);
    },
    async invoices() {
      const res = await asperion.call('GET', '/v1/salesinvoiceswithlines?pageSize=100', {
        headers: { 'x-tenant-id': '1' },
      });
      return res.body._data;
    },
    async setSettings(settings) {
      await upsertFlow(h.store.db, flow(settings), fx.clock.now().toISOString());
    },
    run: () => runFlow(h.deps, { flowId: 'orders', trigger: 'manual' }),
    async records(state) {
      return h.store.db
        .selectFrom('records')
        .select(['source_id', 'state', 'error_message'])
        .where('flow_id', '=', 'orders')
        .where('state', '=', state)
        .execute() as any;
    },
  };
}

const lines = (invoice: any): any[] => invoice.lines?._data ?? invoice.lines;
const byRef = (invoices: any[], id: string) => invoices.find((i) => String(i.description).includes(`[koppel:${id}]`));

describe.each(testDialects)('orders flow, sales invoices (%s)', (dialect) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.asperion.close();
    await pair?.fx.close();
    pair = undefined;
  });

  it('moves the demo invoices into Asperion, skips drafts with the reason, and creates nothing on a second run', async () => {
    pair = await startPair(dialect);
    const before = (await pair.invoices()).length;
    const demo = await pair.exact('bulk/SalesInvoice/SalesInvoices', {
      $select: 'InvoiceID,Status,AmountFC,AmountFCExclVat,VATAmountFC',
    });
    const sendable = demo.filter((i) => i.Status === 20 || i.Status === 50);
    const first = await pair.run();
    expect(first.state).toBe('succeeded');
    expect(first.counts).toMatchObject({ deadLettered: 0 });
    const after = await pair.invoices();
    expect(after.length - before).toBe(sendable.length);
    for (const source of sendable) {
      const sent = byRef(after, source.InvoiceID);
      expect(sent, source.InvoiceID).toBeDefined();
      expect(sent.amountExclVat).toBe(source.AmountFCExclVat);
      expect(sent.amountInclVat).toBe(source.AmountFC);
      expect(sent.journalId).toBe('70');
    }
    const skipped = await pair.records('skipped');
    expect(skipped.length).toBe(demo.length - sendable.length);
    expect(skipped[0]?.error_message ?? '').toBe('');

    const second = await pair.run();
    expect(second.state).toBe('succeeded');
    expect((await pair.invoices()).length).toBe(after.length);
  });
});
