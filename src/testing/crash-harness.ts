import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import { budgetKeyText, type BudgetState } from '../connectors/kit/api-budget.js';
import { tokensToCredentials } from '../connectors/kit/token-lease.js';
import { systemClock, type Clock } from '../core/clock.js';
import { SecretBox } from '../core/secret-box.js';
import { defaultClientId, defaultClientSecret } from '../sandboxes/asperion/credentials.js';
import { createAsperionServer } from '../sandboxes/asperion/asperion-server.js';
import type { SeedName as AsperionSeed } from '../sandboxes/asperion/seed/load-seed.js';
import {
  defaultExactClientId,
  defaultExactClientSecret,
  defaultExactWebhookSecret,
} from '../sandboxes/exact-online/credentials.js';
import type { ExactSeed } from '../sandboxes/exact-online/seed/load-seed.js';
import { buildExactSandbox } from '../sandboxes/exact-online/server.js';
import type { DialectName } from '../store/database.js';
import { insertApiBudget } from '../store/repos/api-budgets.js';
import { upsertConnection } from '../store/repos/connections.js';
import { upsertFlow } from '../store/repos/flows.js';
import { upsertPair } from '../store/repos/pairs.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { harnessSecretKey } from './engine-harness.js';
import { flowRow } from './flow-test-pair.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

/**
 * Test-only: what the crash tests of every flow share. Both sandboxes live in the test process and
 * outlive the children; each child (crash-run-entry.ts) opens the app from the database's
 * environment, runs one flow and is killed with SIGKILL once a sandbox's request log shows enough
 * writes of this run.
 */

const entry = path.resolve(import.meta.dirname, 'crash-run-entry.ts');
export const crashDivision = 3215711;
const exactMinuteLimit = 100_000;

export interface Sandbox {
  url: string;
  close(): Promise<void>;
}

export async function listen(app: {
  listen(o: { host: string; port: number }): Promise<unknown>;
  server: { address(): unknown };
  close(): Promise<unknown>;
}): Promise<Sandbox> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, close: async () => void (await app.close()) };
}

/** A call to a sandbox's control API (`/__sandbox/<route>`), its JSON answer. */
export async function control(url: string, method: string, route: string, body?: unknown): Promise<any> {
  const res = await fetch(`${url}/__sandbox/${route}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

export interface CrashSetup<F extends Sandbox = Sandbox> {
  tdb: TestDatabase;
  exact: Sandbox;
  asperion: Sandbox;
  /** What stands in front of Asperion's API, when the test put something there. */
  front: F | undefined;
  /** Stops everything and drops the database. */
  close(): Promise<void>;
}

export interface CrashSetupOptions<F extends Sandbox> {
  /** The flow's kind, which is its id. */
  kind: string;
  settings?: Record<string, unknown>;
  /** The sandboxes' clock; the system clock (default) keeps time with the children. */
  sandboxClock?: Clock;
  /** The clock the stored tokens expire on (a child process runs on the system clock). */
  engineClock?: Clock;
  /** Exact's seed (default `empty`) and a fixture loaded on top of it. */
  exactSeed?: ExactSeed;
  exactFixture?: unknown;
  asperionSeed?: AsperionSeed;
  /** Something the flow reaches Asperion's API through (a proxy), given the sandbox's address. */
  asperionFront?: (asperionUrl: string) => Promise<F>;
}

/**
 * Both sandboxes in this process (Exact reset to its seed and fixture, its limits lifted), and a
 * fresh database with pair `p1`, connections `exact` and `asperion` holding minted tokens, and
 * the flow of `kind` between them.
 */
export async function startCrashSetup<F extends Sandbox = Sandbox>(
  dialect: DialectName,
  options: CrashSetupOptions<F>,
): Promise<CrashSetup<F>> {
  const sandboxClock = options.sandboxClock ?? systemClock;
  const engineClock = options.engineClock ?? systemClock;
  const exactSeed = options.exactSeed ?? 'empty';
  const tdb = await createTestDatabase(dialect);
  const exact = await listen(buildExactSandbox({ clock: sandboxClock, seed: exactSeed }).app);
  const asperion = await listen(
    createAsperionServer({ clock: sandboxClock, seed: options.asperionSeed ?? 'demo' }).app,
  );
  const front = options.asperionFront ? await options.asperionFront(asperion.url) : undefined;
  const setup: CrashSetup<F> = {
    tdb,
    exact,
    asperion,
    front,
    async close() {
      await exact.close();
      await front?.close();
      await asperion.close();
      await tdb.drop();
    },
  };
  try {
    if (options.exactFixture !== undefined)
      await control(exact.url, 'POST', 'reset', { seed: exactSeed, fixture: options.exactFixture });
    await control(exact.url, 'PUT', 'settings', { minutelyLimit: exactMinuteLimit, dailyLimit: 1_000_000 });
    await storePair(setup, options.kind, options.settings ?? {}, engineClock);
  } catch (e) {
    await setup.close();
    throw e;
  }
  return setup;
}

export interface SandboxPairSpec {
  pairId: string;
  exactConnectionId: string;
  asperionConnectionId: string;
  exactUrl: string;
  asperionUrl: string;
  /** Where the flow reaches Asperion's API (a proxy in front of it); default the sandbox. */
  asperionApiUrl?: string;
  division: number;
  administrationId: number;
  /** The Asperion user whose token the connection holds (administration 3 is another user's). */
  asperionUsername?: string;
  /** Koppel's own call rate for the administration (a connection setting). */
  asperionRateLimit: { requests: number; windowSeconds: number };
}

/**
 * A pair with an Exact and an Asperion connection holding tokens minted by the sandboxes' control
 * APIs, as the consent round trip would have stored them, encrypted with the harness key.
 */
export async function storeSandboxPair(
  store: { db: Parameters<typeof upsertPair>[0] },
  clock: Clock,
  spec: SandboxPairSpec,
): Promise<void> {
  const exactTokens = await control(spec.exactUrl, 'POST', 'tokens', {});
  const asperionTokens = await control(
    spec.asperionUrl,
    'POST',
    'tokens',
    spec.asperionUsername ? { username: spec.asperionUsername } : {},
  );
  const box = SecretBox.fromText(harnessSecretKey);
  const at = clock.now().toISOString();
  const credentials = (tokens: any) =>
    tokensToCredentials({
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      issuedAt: at,
      expiresAt: new Date(clock.now().getTime() + Number(tokens.expires_in) * 1000).toISOString(),
    });
  await upsertPair(store.db, { id: spec.pairId, name: `Pair ${spec.pairId}` }, at);
  await upsertConnection(
    store.db,
    {
      id: spec.exactConnectionId,
      pairId: spec.pairId,
      app: 'exact-online',
      name: 'Exact',
      settings: { baseUrl: spec.exactUrl, clientId: defaultExactClientId, division: spec.division },
      encryptedCredentials: box.encryptJson({
        clientSecret: defaultExactClientSecret,
        // What the Exact sandbox signs its webhook deliveries with, as the app registration has.
        webhookSecret: defaultExactWebhookSecret,
        ...credentials(exactTokens),
      }),
      credentialRefs: {},
    },
    at,
  );
  await upsertConnection(
    store.db,
    {
      id: spec.asperionConnectionId,
      pairId: spec.pairId,
      app: 'asperion',
      name: 'Asperion',
      settings: {
        apiBaseUrl: spec.asperionApiUrl ?? spec.asperionUrl,
        identityBaseUrl: spec.asperionUrl,
        clientId: defaultClientId,
        administrationId: spec.administrationId,
        language: 'en',
        rateLimit: spec.asperionRateLimit,
      },
      encryptedCredentials: box.encryptJson({
        clientSecret: defaultClientSecret,
        ...credentials(asperionTokens),
      }),
      credentialRefs: {},
    },
    at,
  );
}

async function storePair(
  s: CrashSetup<Sandbox>,
  kind: string,
  settings: Record<string, unknown>,
  clock: Clock,
) {
  const store = s.tdb.open();
  const at = clock.now().toISOString();
  try {
    await storeSandboxPair(store, clock, {
      pairId: 'p1',
      exactConnectionId: 'exact',
      asperionConnectionId: 'asperion',
      exactUrl: s.exact.url,
      asperionUrl: s.asperion.url,
      asperionApiUrl: s.front?.url ?? s.asperion.url,
      division: crashDivision,
      administrationId: 1,
      asperionRateLimit: { requests: 10_000, windowSeconds: 1 },
    });
    await upsertFlow(store.db, flowRow(kind, settings), at);
    // The sandbox's lifted minute limit, as Koppel learns it from the first answer: a fresh budget
    // assumes Exact's 60 calls for its first minute, and a flow that writes to Exact would wait for
    // the next minute instead of running into the next kill.
    const budget: BudgetState = {
      minute: null,
      day: null,
      minuteLimit: exactMinuteLimit,
      inFlight: 0,
      errors: {},
      updatedAt: clock.now().getTime(),
    };
    await insertApiBudget(store.db, {
      key: budgetKeyText({
        app: 'exact-online',
        clientId: defaultExactClientId,
        division: String(crashDivision),
      }),
      app: 'exact-online',
      client_id: defaultExactClientId,
      division: String(crashDivision),
      state: JSON.stringify(budget),
      version: 1,
      updated_at: at,
    });
  } finally {
    await store.close();
  }
}

/** Every row of an Asperion list (`path` may carry a query), with a token of the test's own. */
export async function listAsperion(asperion: Sandbox, listPath: string): Promise<any[]> {
  const { access_token: token } = await control(asperion.url, 'POST', 'tokens', {});
  const rows: any[] = [];
  for (let page = 1; ; page++) {
    const res = await fetch(
      `${asperion.url}/v1/${listPath}${listPath.includes('?') ? '&' : '?'}pageSize=100&page=${page}`,
      { headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'x-tenant-id': '1' } },
    );
    const body = (await res.json()) as any;
    if (res.status !== 200) throw new Error(`listing ${listPath}: ${res.status} ${JSON.stringify(body)}`);
    rows.push(...body._data);
    if (!body._meta.nextPage) return rows;
  }
}

/** Every row of an Exact list of the division, following `__next`, with a token of the test's own. */
export async function listExact(
  exact: Sandbox,
  listPath: string,
  query: Record<string, string> = {},
): Promise<any[]> {
  const { access_token: token } = await control(exact.url, 'POST', 'tokens', {});
  const rows: any[] = [];
  let url: string | undefined =
    `${exact.url}/api/v1/${crashDivision}/${listPath}?${new URLSearchParams(query)}`;
  while (url) {
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    const body = (await res.json()) as any;
    if (!res.ok) throw new Error(`listing ${listPath}: ${res.status} ${JSON.stringify(body)}`);
    if (Array.isArray(body.d)) return [...rows, ...body.d];
    rows.push(...body.d.results);
    url = body.d.__next;
  }
  return rows;
}

/** One request a sandbox answered: its path without the query. */
export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

/** A sandbox's request log, the same for both: Exact's entries have a path, Asperion's a url. */
export async function requestLog(sandbox: Sandbox, app: 'exact' | 'asperion'): Promise<LoggedRequest[]> {
  const answer = await control(sandbox.url, 'GET', 'requests');
  const entries = (app === 'exact' ? answer : answer.requests) as any[];
  return entries.map((r) => ({
    method: String(r.method),
    path: String(r.path ?? r.url).split('?')[0]!,
    status: Number(r.status),
  }));
}

export interface ChildOutcome {
  signal: NodeJS.Signals | null;
  code: number | null;
  stdout: string;
  /** The watched writes the sandbox answered with success while this child ran. */
  writes: number;
  /** The watched sandbox's log of this child's run. */
  requests: LoggedRequest[];
}

export interface ChildWatch {
  /** The sandbox whose request log shows the flow's writes. */
  app: 'exact' | 'asperion';
  /** Whether a request is one of the writes counted towards the kill. */
  isWrite(request: LoggedRequest): boolean;
}

/**
 * Runs flow `flowId` once in its own process. With `killAfter`, the test watches the sandbox's
 * request log and sends SIGKILL once that many writes succeeded in this run, so the kill lands
 * mid-run wherever the child happens to be (a create in flight, a link being written…).
 */
export async function runChild(
  s: CrashSetup<Sandbox>,
  flowId: string,
  watch: ChildWatch,
  killAfter?: number,
): Promise<ChildOutcome> {
  const sandbox = watch.app === 'exact' ? s.exact : s.asperion;
  await control(sandbox.url, 'DELETE', 'requests');
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: {
      ...process.env,
      ...s.tdb.env,
      KOPPEL_SECRET_KEY: harnessSecretKey,
      KOPPEL_LOG_LEVEL: 'warn',
      FLOW_ID: flowId,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  let exited = false;
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
  });
  const writes = (log: LoggedRequest[]) => log.filter((r) => watch.isWrite(r) && r.status < 300).length;
  if (killAfter !== undefined) {
    while (!exited) {
      if (writes(await requestLog(sandbox, watch.app)) >= killAfter) {
        child.kill('SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  const outcome = await done;
  const requests = await requestLog(sandbox, watch.app);
  return { ...outcome, stdout, writes: writes(requests), requests };
}

/**
 * Kills a child of the flow once per `killAfters` entry after that many writes (each must die by
 * the kill, not finish), then lets one child run to the end and expects it to succeed.
 */
export async function crashThenFinish(
  s: CrashSetup<Sandbox>,
  flowId: string,
  watch: ChildWatch,
  killAfters: readonly number[],
): Promise<{ killed: ChildOutcome[]; last: ChildOutcome }> {
  const killed: ChildOutcome[] = [];
  for (const [i, killAfter] of killAfters.entries()) {
    const outcome = await runChild(s, flowId, watch, killAfter);
    expect(outcome.signal, `kill ${i + 1}: ${outcome.stdout}`).toBe('SIGKILL');
    killed.push(outcome);
  }
  const last = await runChild(s, flowId, watch);
  expect(last.code, last.stdout).toBe(0);
  expect(JSON.parse(last.stdout)).toMatchObject({ state: 'succeeded' });
  return { killed, last };
}

/** Nothing left in doubt (no pending write-ahead row) and one link per record of the flow. */
export async function expectSettled(tdb: TestDatabase, flowId: string, records: number): Promise<void> {
  const store = tdb.open();
  try {
    const pending = await store.db
      .selectFrom('write_ahead')
      .selectAll()
      .where('state', '=', 'pending')
      .execute();
    expect(pending).toHaveLength(0);
    const links = await store.db
      .selectFrom('links')
      .select('source_id')
      .where('flow_id', '=', flowId)
      .execute();
    expect(links).toHaveLength(records);
    expect(new Set(links.map((l) => l.source_id)).size).toBe(records);
  } finally {
    await store.close();
  }
}
