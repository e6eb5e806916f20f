import { ManualClock } from '../../core/clock.js';
import type { SandboxState } from './sandbox-state.js';
import { buildExactSandbox } from './server.js';
import type { ExactSeed } from './seed/load-seed.js';

export interface TestSandbox {
  url: string;
  clock: ManualClock;
  state: SandboxState;
  close(): Promise<void>;
  /** An access token for the given divisions (all by default), through the control API. */
  token(divisions?: number[]): Promise<string>;
  /** GET/POST/… with a Bearer token and `Accept: application/json`. */
  call(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
}

/** A sandbox on a free loopback port with a clock the test moves by hand (for `*.int.test.ts`). */
export async function startTestSandbox(
  seed: ExactSeed = 'demo',
  start = '2026-03-10T09:00:00.000Z',
): Promise<TestSandbox> {
  const clock = new ManualClock(start);
  const { app, state } = buildExactSandbox({ clock, seed });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    clock,
    state,
    close: () => app.close(),
    async token(divisions) {
      const res = await fetch(`${url}/__sandbox/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(divisions ? { divisions } : {}),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    },
    call(method, path, token, body, headers = {}) {
      return fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    },
  };
}
