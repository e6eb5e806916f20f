import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultExactClientId, defaultExactClientSecret } from '../credentials.js';
import type { TestSandbox } from '../test-sandbox.js';
import { startTestSandbox } from '../test-sandbox.js';

let sandbox: TestSandbox;

beforeEach(async () => {
  sandbox = await startTestSandbox('demo', '2026-02-02T08:00:00.000Z');
});
afterEach(async () => {
  await sandbox.close();
});

function control(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sandbox.url}/__sandbox/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
}

async function accountCount(token: string): Promise<string> {
  const res = await sandbox.call('GET', "/api/v1/3215711/crm/Accounts/$count?$filter=Name ne ''", token);
  return res.text();
}

describe('control API', () => {
  it('resets to the empty or demo seed and drops every token', async () => {
    const before = await sandbox.token();
    expect(Number(await accountCount(before))).toBeGreaterThanOrEqual(200);
    expect((await control('POST', 'reset', { seed: 'empty' })).status).toBe(200);
    expect((await sandbox.call('GET', '/api/v1/current/Me', before)).status).toBe(401);
    const after = await sandbox.token();
    expect(await accountCount(after)).toBe('0');
    await control('POST', 'reset', { seed: 'demo' });
    expect(Number(await accountCount(await sandbox.token()))).toBeGreaterThanOrEqual(200);
  });

  it('produces the same demo data on every start', async () => {
    const other = await startTestSandbox('demo', '2026-02-02T08:00:00.000Z');
    const rows = (s: TestSandbox) =>
      s.state
        .division(3215713)
        ?.rows('logistics/Items')
        .map((r) => [r['ID'], r['Code']]);
    expect(rows(other)).toEqual(rows(sandbox));
    await other.close();
  });

  it('reads and changes settings, refusing unknown or mistyped ones', async () => {
    expect(
      ((await (await control('GET', 'settings')).json()) as Record<string, unknown>)['minutelyLimit'],
    ).toBe(60);
    const changed = await control('PUT', 'settings', { minutelyLimit: 5, errorsPerHour: 0 });
    expect(await changed.json()).toMatchObject({ minutelyLimit: 5, errorsPerHour: 0, dailyLimit: 5000 });
    expect((await control('PUT', 'settings', { minutelyLimt: 5 })).status).toBe(400);
    expect((await control('PUT', 'settings', { minutelyLimit: 'five' })).status).toBe(400);
    const res = await sandbox.call('GET', '/api/v1/3215711/vat/VATCodes', await sandbox.token());
    expect(res.headers.get('x-ratelimit-minutely-limit')).toBe('5');
  });

  it('moves the sandbox clock forward, expiring tokens', async () => {
    const token = await sandbox.token();
    const moved = (await (await control('POST', 'clock/advance', { ms: 600_000 })).json()) as { now: string };
    expect(moved.now).toBe('2026-02-02T08:10:00.000Z');
    expect((await sandbox.call('GET', '/api/v1/current/Me', token)).status).toBe(401);
  });

  it('mints tokens scoped to the asked divisions', async () => {
    const res = await control('POST', 'tokens', { divisions: [3215713] });
    const body = (await res.json()) as { access_token: string; expires_in: string; divisions: number[] };
    expect(body.expires_in).toBe('600');
    expect((await sandbox.call('GET', '/api/v1/3215711/vat/VATCodes', body.access_token)).status).toBe(403);
    expect((await sandbox.call('GET', '/api/v1/3215713/vat/VATCodes', body.access_token)).status).toBe(200);
  });

  it('revokes access tokens server-side, leaving refresh tokens usable under the 570-second rule', async () => {
    const minted = (await (await control('POST', 'tokens', {})).json()) as {
      access_token: string;
      refresh_token: string;
    };
    const other = await sandbox.token();
    const one = await control('POST', 'tokens/revoke', { accessToken: minted.access_token });
    expect(await one.json()).toEqual({ revoked: 1 });
    expect((await sandbox.call('GET', '/api/v1/current/Me', minted.access_token)).status).toBe(401);
    expect((await sandbox.call('GET', '/api/v1/current/Me', other)).status).toBe(200);
    expect((await control('POST', 'tokens/revoke', { token: 'x' })).status).toBe(400);

    const refresh = () =>
      fetch(`${sandbox.url}/api/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: minted.refresh_token,
          client_id: defaultExactClientId,
          client_secret: defaultExactClientSecret,
        }),
      });
    // Revoking does not reset the clock of the rule (reference 2.2, 2.3): too early until 570 s.
    const early = await refresh();
    expect(early.status).toBe(400);
    expect(early.headers.get('reason')).toMatch(/^TooEarlyToRefreshTokens/);
    sandbox.clock.advance(570_000);
    const renewed = await refresh();
    expect(renewed.status).toBe(200);
    const { access_token } = (await renewed.json()) as { access_token: string };
    expect((await sandbox.call('GET', '/api/v1/current/Me', access_token)).status).toBe(200);

    expect(await (await control('POST', 'tokens/revoke', {})).json()).toEqual({ revoked: 2 });
    expect((await sandbox.call('GET', '/api/v1/current/Me', access_token)).status).toBe(401);
    expect((await sandbox.call('GET', '/api/v1/current/Me', other)).status).toBe(401);
  });

  it('logs API requests with status, query, rate-limit headers and duration, but not control calls', async () => {
    const token = await sandbox.token();
    await control('DELETE', 'requests');
    await sandbox.call('GET', '/api/v1/3215711/vat/VATCodes?$select=Code', token);
    const log = (await (await control('GET', 'requests')).json()) as Array<Record<string, unknown>>;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      at: '2026-02-02T08:00:00.000Z',
      method: 'GET',
      path: '/api/v1/3215711/vat/VATCodes',
      query: '$select=Code',
      status: 200,
      rateLimit: { 'x-ratelimit-remaining': '4999', 'x-ratelimit-minutely-remaining': '59' },
    });
    expect(typeof log[0]?.['durationMs']).toBe('number');
  });

  it('injects a fault for the next matching requests only', async () => {
    const token = await sandbox.token();
    await control('POST', 'faults', {
      path: '/vat/VATCodes',
      status: 503,
      times: 2,
      headers: { Reason: 'Maintenance' },
    });
    const first = await sandbox.call('GET', '/api/v1/3215711/vat/VATCodes', token);
    expect(first.status).toBe(503);
    expect(first.headers.get('reason')).toBe('Maintenance');
    expect((await sandbox.call('GET', '/api/v1/3215711/vat/VATCodes', token)).status).toBe(503);
    expect((await sandbox.call('GET', '/api/v1/3215711/vat/VATCodes', token)).status).toBe(200);
  });
});
