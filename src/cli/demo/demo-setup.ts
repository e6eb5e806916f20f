import type { EndpointChoice } from '../../api/route-kit.js';
import type { Clock } from '../../core/clock.js';
import { tokensToCredentials } from '../../connectors/kit/token-lease.js';
import type { App } from '../../main.js';
import {
  defaultClientId as asperionClientId,
  defaultClientSecret as asperionSecret,
} from '../../sandboxes/asperion/credentials.js';
import { asperionSandbox } from '../../sandboxes/asperion/asperion-sandbox.js';
import {
  defaultExactClientId,
  defaultExactClientSecret,
  defaultExactWebhookSecret,
} from '../../sandboxes/exact-online/credentials.js';
import { exactOnlineSandbox } from '../../sandboxes/exact-online/descriptor.js';
import type { RunningSandbox, SandboxDescriptor } from '../../sandboxes/types.js';
import { upsertConnection } from '../../store/repos/connections.js';
import { upsertFlow } from '../../store/repos/flows.js';
import { upsertPair } from '../../store/repos/pairs.js';

/** The ids of what the demo configures, so the output and tests can name them. */
export const demoIds = {
  pair: 'demo',
  exact: 'demo-exact',
  asperion: 'demo-asperion',
  /** The orders flow (the demo's first and main flow); every flow kind has one: `demoFlowId(kind)`. */
  flow: 'demo-orders',
  /** The main demo division of the Exact sandbox and the first Asperion administration. */
  division: 3215711,
  administration: 1,
} as const;

/** The user the demo's one-time sign-in link is for. */
export const demoOwnerEmail = 'demo@koppel.local';

/** The demo's flow of one kind. */
export const demoFlowId = (kind: string) => `demo-${kind}`;

/**
 * The order of the demo's first runs: articles before their stock, orders (which make debtors in
 * Asperion) before customers go back to Exact. A kind not named here runs after these.
 */
const firstRunOrder = ['products', 'stock', 'orders', 'customers'];

/** The demo's flows in the order of their first runs: one per flow kind the installation knows. */
export function demoFlows(app: App): Array<{ id: string; kind: string; title: string }> {
  const rank = (kind: string) => {
    const at = firstRunOrder.indexOf(kind);
    return at === -1 ? firstRunOrder.length : at;
  };
  return [...app.registry.kinds.values()]
    .sort((a, b) => rank(a.kind) - rank(b.kind))
    .map((k) => ({ id: demoFlowId(k.kind), kind: k.kind, title: k.title }));
}

export interface DemoSandboxes {
  exact: RunningSandbox;
  asperion: RunningSandbox;
  close(): Promise<void>;
}

/** A sandbox on its usual port, or on a free one when something else has that port. */
async function startOnPreferredPort(sandbox: SandboxDescriptor, clock: Clock): Promise<RunningSandbox> {
  const options = { host: '127.0.0.1', seed: 'demo' as const, clock };
  try {
    return await sandbox.start({ ...options, port: sandbox.defaultPort });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return sandbox.start({ ...options, port: 0 });
  }
}

export async function startDemoSandboxes(clock: Clock): Promise<DemoSandboxes> {
  const exact = await startOnPreferredPort(exactOnlineSandbox, clock);
  const asperion = await startOnPreferredPort(asperionSandbox, clock).catch(async (error: unknown) => {
    await exact.close();
    throw error;
  });
  return {
    exact,
    asperion,
    close: async () => {
      await Promise.allSettled([exact.close(), asperion.close()]);
    },
  };
}

/**
 * Registers Koppel's redirect URI with both sandboxes' apps, as an operator registers it in Exact's
 * App Center and with Asperion: the sandboxes send the browser back only to a registered URI.
 */
export async function registerDemoRedirectUri(sandboxes: DemoSandboxes, redirectUri: string): Promise<void> {
  for (const sandbox of [sandboxes.exact, sandboxes.asperion]) {
    const res = await fetch(`${sandbox.url}/__sandbox/redirect-uris`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uri: redirectUri }),
    });
    if (!res.ok)
      throw new Error(`The sandbox at ${sandbox.url} refused the redirect URI ${redirectUri}: ${res.status}`);
  }
}

/**
 * The sandboxes as places to connect to, with their apps' client ids, so that the web app's setup
 * wizard can be tried against them (their client secrets are in the sandboxes' READMEs).
 */
export function demoEndpointChoices(sandboxes: DemoSandboxes): EndpointChoice[] {
  return [
    {
      app: 'exact-online',
      label: `Exact Online sandbox (${sandboxes.exact.url})`,
      settings: { baseUrl: sandboxes.exact.url, clientId: defaultExactClientId },
    },
    {
      app: 'asperion',
      label: `Asperion sandbox (${sandboxes.asperion.url})`,
      settings: {
        apiBaseUrl: sandboxes.asperion.url,
        identityBaseUrl: sandboxes.asperion.url,
        clientId: asperionClientId,
      },
    },
  ];
}

export interface MintedTokens {
  access_token: string;
  refresh_token: string;
  expires_in: string | number;
}

/** A token pair from a sandbox's control API, as the consent round trip would give it. */
export async function mintSandboxTokens(url: string, path: string, body: unknown): Promise<MintedTokens> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`The sandbox at ${url} refused to mint tokens: ${res.status}`);
  return (await res.json()) as MintedTokens;
}

function credentialsOf(tokens: MintedTokens, now: Date): Record<string, string> {
  return tokensToCredentials({
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + Number(tokens.expires_in) * 1000).toISOString(),
  });
}

/**
 * The demo pair: Exact sandbox division → Asperion sandbox administration, with connections
 * authorized through the sandboxes and every flow kind on its default settings and mapping, each
 * run every minute.
 */
export async function configureDemoPair(app: App, sandboxes: DemoSandboxes): Promise<void> {
  const now = app.clock.now();
  const at = now.toISOString();
  const db = app.store.db;
  const exactTokens = await mintSandboxTokens(sandboxes.exact.url, '/__sandbox/tokens', {
    divisions: [demoIds.division],
  });
  const asperionTokens = await mintSandboxTokens(sandboxes.asperion.url, '/__sandbox/tokens', {});
  await upsertPair(db, { id: demoIds.pair, name: 'Demo: Exact Online sandbox → Asperion sandbox' }, at);
  await upsertConnection(
    db,
    {
      id: demoIds.exact,
      pairId: demoIds.pair,
      app: 'exact-online',
      name: 'Exact Online sandbox',
      settings: { baseUrl: sandboxes.exact.url, clientId: defaultExactClientId, division: demoIds.division },
      encryptedCredentials: app.engine.box.encryptJson({
        clientSecret: defaultExactClientSecret,
        webhookSecret: defaultExactWebhookSecret,
        ...credentialsOf(exactTokens, now),
      }),
      credentialRefs: {},
    },
    at,
  );
  await upsertConnection(
    db,
    {
      id: demoIds.asperion,
      pairId: demoIds.pair,
      app: 'asperion',
      name: 'Asperion sandbox',
      settings: {
        apiBaseUrl: sandboxes.asperion.url,
        identityBaseUrl: sandboxes.asperion.url,
        clientId: asperionClientId,
        administrationId: demoIds.administration,
        // The sandbox has no rate limit; the default self-imposed 5 a second would make the first demo run take minutes.
        rateLimit: { requests: 200, windowSeconds: 1 },
      },
      encryptedCredentials: app.engine.box.encryptJson({
        clientSecret: asperionSecret,
        ...credentialsOf(asperionTokens, now),
      }),
      credentialRefs: {},
    },
    at,
  );
  const connectionOf = (appName: string) => (appName === 'exact-online' ? demoIds.exact : demoIds.asperion);
  for (const flow of demoFlows(app)) {
    const kind = app.registry.kinds.get(flow.kind)!;
    await upsertFlow(
      db,
      {
        id: flow.id,
        pairId: demoIds.pair,
        kind: flow.kind,
        sourceConnectionId: connectionOf(kind.sourceApp),
        targetConnectionId: connectionOf(kind.targetApp),
        enabled: true,
        schedule: '* * * * *',
        // Lower runs first: orders go before the other flows when runs wait for a worker.
        priority: flow.kind === 'orders' ? 100 : 150,
        settings: {},
        mappingVersion: null,
      },
      at,
    );
  }
}
