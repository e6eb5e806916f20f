import { tokensToCredentials } from '../connectors/kit/token-lease.js';
import { defaultClientId, defaultClientSecret } from '../sandboxes/asperion/credentials.js';
import { startTestSandbox, type TestSandbox } from '../sandboxes/asperion/testing/test-sandbox.js';
import { defaultExactWebhookSecret } from '../sandboxes/exact-online/credentials.js';
import { upsertConnection } from '../store/repos/connections.js';
import { upsertFlow } from '../store/repos/flows.js';
import { upsertPair } from '../store/repos/pairs.js';
import { flowRow, type Pair } from './flow-test-pair.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

/** Test-only: a second pair beside a `Pair`, in the same store, with its own budgets and books. */
export interface SecondPair {
  pairId: string;
  flowId: string;
  /** Its Exact division, in the first pair's Exact sandbox: a budget of its own. */
  division: number;
  /** Its own Asperion sandbox. */
  asperion: TestSandbox;
  addExact(rows: Record<string, unknown[]>): Promise<void>;
  invoices(): Promise<any[]>;
  close(): Promise<void>;
}

/**
 * Pair `p2`: an orders flow `orders-2` from `division` of the first pair's Exact sandbox (its own
 * tokens, so neither pair's refresh spoils the other's) to a second Asperion sandbox.
 */
export async function startSecondPair(first: Pair, division: number): Promise<SecondPair> {
  const { fx } = first;
  const db = fx.h.store.db;
  const box = fx.h.deps.box;
  const at = fx.clock.now().toISOString();
  await upsertPair(db, { id: 'p2', name: 'Second pair' }, at);
  const exactTokens = (await (
    await fetch(`${fx.url}/__sandbox/tokens`, { method: 'POST', body: '{}' })
  ).json()) as {
    access_token: string;
    refresh_token: string;
    expires_in: string;
  };
  await upsertConnection(
    db,
    {
      id: 'exact-2',
      pairId: 'p2',
      app: 'exact-online',
      name: 'Exact 2',
      settings: { baseUrl: fx.url, clientId: fx.app.clientId, division },
      encryptedCredentials: box.encryptJson({
        webhookSecret: defaultExactWebhookSecret,
        clientSecret: fx.app.clientSecret,
        ...tokensToCredentials({
          accessToken: exactTokens.access_token,
          refreshToken: exactTokens.refresh_token,
          issuedAt: at,
          expiresAt: new Date(fx.clock.now().getTime() + Number(exactTokens.expires_in) * 1000).toISOString(),
        }),
      }),
      credentialRefs: {},
    },
    at,
  );
  const asperion = await startTestSandbox({ now: '2026-03-10T09:00:00.000Z' });
  const minted = (await asperion.call('POST', '/__sandbox/tokens', { body: {}, auth: false })).body;
  await upsertConnection(
    db,
    {
      id: 'asperion-2',
      pairId: 'p2',
      app: 'asperion',
      name: 'Asperion 2',
      settings: {
        apiBaseUrl: asperion.url,
        identityBaseUrl: asperion.url,
        clientId: defaultClientId,
        administrationId: 1,
        language: 'en',
        rateLimit: { requests: 1000, windowSeconds: 1 },
      },
      encryptedCredentials: box.encryptJson({
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
  await upsertFlow(
    db,
    {
      ...flowRow('orders', {}),
      id: 'orders-2',
      pairId: 'p2',
      sourceConnectionId: 'exact-2',
      targetConnectionId: 'asperion-2',
    },
    at,
  );
  return {
    pairId: 'p2',
    flowId: 'orders-2',
    division,
    asperion,
    async addExact(rows) {
      const res = await fetch(`${fx.url}/__sandbox/fixture`, {
        method: 'POST',
        body: JSON.stringify({ divisions: { [division]: rows } }),
      });
      if (!res.ok) throw new Error(`fixture refused: ${await res.text()}`);
    },
    async invoices() {
      const rows: any[] = [];
      for (let page = 1; ; page++) {
        const res = await asperion.call('GET', `/v1/salesinvoiceswithlines?pageSize=100&page=${page}`, {
          headers: { 'x-tenant-id': '1' },
        });
        rows.push(...res.body._data);
        if (!res.body._meta.nextPage) return rows;
      }
    },
    close: () => asperion.close(),
  };
}
