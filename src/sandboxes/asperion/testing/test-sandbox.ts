import { ManualClock } from '../../../core/clock.js';
import { createAsperionServer } from '../asperion-server.js';
import type { SeedName } from '../seed/load-seed.js';
import type { AsperionSettings } from '../settings.js';

export interface TestSandbox {
  url: string;
  clock: ManualClock;
  /** An access token for the demo user, minted through the control API. */
  token: string;
  /** fetch against the sandbox with the token (unless `auth: false`) and JSON handling. */
  call(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string>; auth?: boolean },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON shapes
  ): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

/** A sandbox on a free loopback port with a ManualClock, for conformance tests over real HTTP. */
export async function startTestSandbox(
  options: { seed?: SeedName; settings?: Partial<AsperionSettings>; now?: string } = {},
): Promise<TestSandbox> {
  const clock = new ManualClock(options.now ?? '2026-01-15T09:00:00.000Z');
  const { app } = createAsperionServer({
    clock,
    seed: options.seed ?? 'demo',
    ...(options.settings ? { settings: options.settings } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;

  const call: TestSandbox['call'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
    if (o.auth !== false && sandbox.token) headers['authorization'] ??= `Bearer ${sandbox.token}`;
    let body: string | undefined;
    if (o.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    }
    const response = await fetch(url + path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON (HTML pages): keep the text.
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };

  const sandbox: TestSandbox = { url, clock, token: '', call, close: () => app.close() };
  const minted = await call('POST', '/__sandbox/tokens', { body: {}, auth: false });
  sandbox.token = (minted.body as { access_token: string }).access_token;
  return sandbox;
}
