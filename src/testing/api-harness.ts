import { createApiToken } from '../access/api-tokens.js';
import { systemPrincipal, type Role } from '../access/principal.js';
import { addUser } from '../access/users.js';
import type { Clock } from '../core/clock.js';
import { loadConfig } from '../core/config.js';
import type { FlowRegistry } from '../engine/types.js';
import { createApp, type App } from '../main.js';
import { startService, type RunningService } from '../service.js';
import type { DialectName } from '../store/database.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { captureLogLines, harnessSecretKey } from './engine-harness.js';
import { freePort } from './webhook-receiver.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the API's JSON as it comes */

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * Test-only: a client of Koppel's HTTP API as a browser (cookies and the session's CSRF token) or
 * as a program with an API token would be, over real HTTP.
 */
export class ApiClient {
  private cookies = new Map<string, string>();
  csrfToken: string | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly bearer?: string,
  ) {}

  async call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    options: { headers?: Record<string, string>; raw?: string; csrf?: boolean } = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    if (this.cookies.size > 0)
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (this.csrfToken && options.csrf !== false) headers['x-csrf-token'] = this.csrfToken;
    let payload: string | undefined = options.raw;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(payload === undefined ? {} : { body: payload }),
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (value === '' || /expires=thu, 01 jan 1970/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.call<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.call<T>('POST', path, body);
  }
  patch<T = any>(path: string, body?: unknown) {
    return this.call<T>('PATCH', path, body);
  }
  put<T = any>(path: string, body?: unknown) {
    return this.call<T>('PUT', path, body);
  }
  delete<T = any>(path: string, body?: unknown) {
    return this.call<T>('DELETE', path, body);
  }

  /** Sign in with a password, keeping the session cookie and its CSRF token. */
  async signIn(email: string, password: string): Promise<ApiAnswer> {
    const answer = await this.post('/api/session', { email, password });
    if (answer.status === 200) this.csrfToken = answer.body.csrfToken as string;
    return answer;
  }

  /** The cookies this client holds, as a browser would send them. */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export const testPassword = 'a test password, long enough';

/**
 * The owner of a fresh service, made through the one-time setup link `koppel start` printed, as a
 * person would: a client signed in with the owner's session and its CSRF token.
 */
export async function ownerFromSetupLink(baseUrl: string, setupLink: string): Promise<ApiClient> {
  const owner = new ApiClient(baseUrl);
  const setup = await owner.post('/api/setup', {
    token: new URL(setupLink).searchParams.get('token'),
    email: 'owner@koppel.test',
    password: 'an owner password',
  });
  if (setup.status !== 200) throw new Error(`setup: ${setup.status} ${JSON.stringify(setup.body)}`);
  owner.csrfToken = setup.body.csrfToken as string;
  return owner;
}

/** A running service (workers, scheduler, HTTP) over a fresh database, and clients for it by role. */
export interface ApiHarness {
  app: App;
  service: RunningService;
  tdb: TestDatabase;
  logLines: string[];
  url: string;
  /** A new user with this role (and pair scope), signed in through the API. */
  signedIn(role: Role, options?: { pairScope?: string[]; email?: string }): Promise<ApiClient>;
  /** A client with a new API token of this role. */
  withToken(role: Role, options?: { pairScope?: string[] }): Promise<ApiClient>;
  /** A client without any credentials. */
  anonymous(): ApiClient;
  close(): Promise<void>;
}

export interface ApiHarnessOptions {
  registry?: FlowRegistry;
  clock?: Clock;
  /** More environment for the configuration (KOPPEL_PUBLIC_URL, …). */
  env?: Record<string, string>;
  /** Runs on the app before the service starts (seed pairs, flows, …). */
  configure?: (app: App) => Promise<void>;
  /** A known port (for a KOPPEL_PUBLIC_URL that names it); default a free one. */
  port?: number;
  /** A database another harness made (and drops): the service runs over what is in it. */
  database?: TestDatabase;
  /** `web`: the HTTP server alone, no workers and no scheduler (`koppel start --role web`). */
  role?: 'all' | 'web';
}

export async function startApiHarness(
  dialect: DialectName,
  options: ApiHarnessOptions = {},
): Promise<ApiHarness> {
  const tdb = options.database ?? (await createTestDatabase(dialect));
  const port = options.port ?? (await freePort());
  const { lines: logLines, destination: logDestination } = captureLogLines();
  const config = loadConfig({
    ...tdb.env,
    KOPPEL_HOST: '127.0.0.1',
    KOPPEL_PORT: String(port),
    KOPPEL_SECRET_KEY: harnessSecretKey,
    KOPPEL_LOG_LEVEL: 'info',
    ...options.env,
  });
  const app = await createApp(config, {
    logDestination,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await options.configure?.(app);
  const service = await startService(app, {
    pollIntervalMs: 100,
    tickMs: 1_000,
    graceMs: 5_000,
    heartbeatIntervalMs: 200,
    ...(options.role ? { role: options.role } : {}),
  });
  let users = 0;
  return {
    app,
    service,
    tdb,
    logLines,
    url: service.url,
    async signedIn(role, o = {}) {
      const email = o.email ?? `${role}-${++users}@koppel.test`;
      await addUser(app.store.db, app.clock, {
        email,
        role,
        pairScope: o.pairScope ?? null,
        password: testPassword,
      });
      const client = new ApiClient(service.url);
      const answer = await client.signIn(email, testPassword);
      if (answer.status !== 200)
        throw new Error(`sign-in failed: ${answer.status} ${JSON.stringify(answer.body)}`);
      return client;
    },
    async withToken(role, o = {}) {
      const { token } = await createApiToken(app.store.db, app.clock, systemPrincipal, {
        name: `${role}-${++users}`,
        role,
        pairScope: o.pairScope ?? null,
      });
      return new ApiClient(service.url, token);
    },
    anonymous: () => new ApiClient(service.url),
    async close() {
      await service.stop();
      await app.close();
      if (!options.database) await tdb.drop();
    },
  };
}
