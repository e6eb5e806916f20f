import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultExactClientId, defaultExactClientSecret } from '../credentials.js';
import type { TestSandbox } from '../test-sandbox.js';
import { startTestSandbox } from '../test-sandbox.js';

const redirectUri = 'http://127.0.0.1:5555/callback';
let sandbox: TestSandbox;

beforeEach(async () => {
  sandbox = await startTestSandbox('empty');
  // The test's client registers its redirect URI, as an app does in Exact's App Center.
  const registered = await fetch(`${sandbox.url}/__sandbox/redirect-uris`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uri: redirectUri }),
  });
  expect(registered.status).toBe(201);
});

/** The consent page's status for a redirect URI. */
async function consentStatus(uri: string): Promise<number> {
  const query = new URLSearchParams({
    client_id: defaultExactClientId,
    redirect_uri: uri,
    response_type: 'code',
  });
  return (await fetch(`${sandbox.url}/api/oauth2/auth?${query}`)).status;
}

function control(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sandbox.url}/__sandbox/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
afterEach(async () => {
  await sandbox.close();
});

function tokenCall(fields: Record<string, string>): Promise<Response> {
  return fetch(`${sandbox.url}/api/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: defaultExactClientId,
      client_secret: defaultExactClientSecret,
      ...fields,
    }),
  });
}

/** Walk the consent page like a browser: GET the form, POST it back with Approve. */
async function consent(divisions?: number[]): Promise<URL> {
  const query = new URLSearchParams({
    client_id: defaultExactClientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    state: 'xyz',
  });
  const page = await fetch(`${sandbox.url}/api/oauth2/auth?${query}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('<form method="post" action="/api/oauth2/auth">');
  expect(html).not.toContain('<script');
  const form = new URLSearchParams({
    client_id: defaultExactClientId,
    redirect_uri: redirectUri,
    state: 'xyz',
    decision: 'approve',
  });
  const offered = [...html.matchAll(/name="division" value="(\d+)"/g)].map((m) => Number(m[1]));
  for (const d of divisions ?? offered) form.append('division', String(d));
  const approved = await fetch(`${sandbox.url}/api/oauth2/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
    redirect: 'manual',
  });
  expect(approved.status).toBe(302);
  return new URL(approved.headers.get('location') ?? '');
}

async function authorize(): Promise<{ access_token: string; refresh_token: string }> {
  const code = (await consent()).searchParams.get('code') ?? '';
  const res = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  return (await res.json()) as { access_token: string; refresh_token: string };
}

describe('OAuth2 consent and code exchange', () => {
  it('redirects Approve to redirect_uri with a code and the state', async () => {
    const location = await consent();
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('code')).toMatch(/!/);
  });

  it('redirects Deny to redirect_uri with error=access_denied and no code', async () => {
    const form = new URLSearchParams({
      client_id: defaultExactClientId,
      redirect_uri: redirectUri,
      state: 's1',
      decision: 'deny',
    });
    form.append('division', '3215711');
    const res = await fetch(`${sandbox.url}/api/oauth2/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      redirect: 'manual',
    });
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('s1');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('refuses an unregistered redirect_uri and an unknown client on the consent page', async () => {
    const bad = new URLSearchParams({
      client_id: defaultExactClientId,
      redirect_uri: 'https://evil.example/cb',
      response_type: 'code',
    });
    expect((await fetch(`${sandbox.url}/api/oauth2/auth?${bad}`)).status).toBe(400);
    const unknown = new URLSearchParams({
      client_id: 'nope',
      redirect_uri: redirectUri,
      response_type: 'code',
    });
    expect((await fetch(`${sandbox.url}/api/oauth2/auth?${unknown}`)).status).toBe(400);
  });

  it('takes registered redirect URIs only: public HTTPS exactly, loopback http on any port (reference 2.1)', async () => {
    // Koppel's own loopback callback is registered from the start; another path is not.
    expect(await consentStatus('http://127.0.0.1:8123/oauth/callback')).toBe(200);
    expect(await consentStatus('http://localhost:40000/oauth/callback')).toBe(200);
    expect(await consentStatus('http://127.0.0.1:5556/callback')).toBe(200);
    expect(await consentStatus('http://127.0.0.1:5555/other')).toBe(400);
    const https = 'https://koppel.example.nl/oauth/callback';
    expect(await consentStatus(https)).toBe(400);
    expect((await control('POST', 'redirect-uris', { uri: https })).status).toBe(201);
    expect(await consentStatus(https)).toBe(200);
    // An HTTPS registration is exact: another port, host or path is refused.
    expect(await consentStatus('https://koppel.example.nl:8443/oauth/callback')).toBe(400);
    expect(await consentStatus('https://evil.example.nl/oauth/callback')).toBe(400);
    expect(await consentStatus('https://koppel.example.nl/oauth/callback/more')).toBe(400);
    const list = (await (await control('GET', 'redirect-uris')).json()) as { redirectUris: string[] };
    expect(list.redirectUris).toContain(https);
    expect((await control('DELETE', `redirect-uris?uri=${encodeURIComponent(https)}`)).status).toBe(200);
    expect(await consentStatus(https)).toBe(400);
    expect((await control('DELETE', `redirect-uris?uri=${encodeURIComponent(https)}`)).status).toBe(404);
  });

  it('refuses to register a URI that is neither HTTPS nor loopback http', async () => {
    for (const uri of ['http://koppel.example.nl/cb', 'ftp://127.0.0.1/cb', 'https://x.nl/cb#frag', 'nope'])
      expect((await control('POST', 'redirect-uris', { uri })).status, uri).toBe(400);
    expect((await control('PUT', 'settings', { redirectUris: ['http://koppel.example.nl/cb'] })).status).toBe(
      400,
    );
    expect((await control('PUT', 'settings', { redirectUris: ['https://a.example/cb'] })).status).toBe(200);
    expect(await consentStatus('https://a.example/cb')).toBe(200);
    expect(await consentStatus(redirectUri)).toBe(400);
  });

  it('exchanges a code for a 600-second token pair with expires_in as a string', async () => {
    const code = (await consent()).searchParams.get('code') ?? '';
    const res = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: '600' });
    expect(typeof body['access_token']).toBe('string');
    expect(typeof body['refresh_token']).toBe('string');
  });

  it('answers a reused code with a bare Bad Request', async () => {
    const code = (await consent()).searchParams.get('code') ?? '';
    await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    const again = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    expect(again.status).toBe(400);
    expect(await again.text()).toBe('Bad Request');
  });

  it('refuses a code older than three minutes with invalid_grant', async () => {
    const code = (await consent()).searchParams.get('code') ?? '';
    sandbox.clock.advance(181_000);
    const res = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Token is not allowed, because of invalid or empty chainId',
    });
  });

  it('refuses a wrong client secret with a bare invalid_request', async () => {
    const res = await tokenCall({ grant_type: 'refresh_token', refresh_token: 'x', client_secret: 'wrong' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request' });
  });

  it('limits the token to the divisions picked on the consent page', async () => {
    const code = (await consent([3215712])).searchParams.get('code') ?? '';
    const res = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    const token = ((await res.json()) as { access_token: string }).access_token;
    expect((await sandbox.call('GET', '/api/v1/3215711/vat/VATCodes', token)).status).toBe(403);
    expect((await sandbox.call('GET', '/api/v1/3215712/vat/VATCodes', token)).status).toBe(200);
  });
});

describe('OAuth2 refresh', () => {
  it('refuses a refresh before 570 seconds with access_denied and a TooEarlyToRefreshTokens reason', async () => {
    const pair = await authorize();
    sandbox.clock.advance(569_000);
    const res = await tokenCall({ grant_type: 'refresh_token', refresh_token: pair.refresh_token });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'access_denied',
      error_description: 'Rate limit exceeded: access_token not expired',
    });
    expect(res.headers.get('reason')).toMatch(/^TooEarlyToRefreshTokens: /);
  });

  it('rotates the refresh token at 570 seconds and kills the old one', async () => {
    const pair = await authorize();
    sandbox.clock.advance(570_000);
    const first = await tokenCall({ grant_type: 'refresh_token', refresh_token: pair.refresh_token });
    expect(first.status).toBe(200);
    const next = (await first.json()) as { refresh_token: string };
    expect(next.refresh_token).not.toBe(pair.refresh_token);
    sandbox.clock.advance(600_000);
    const reuse = await tokenCall({ grant_type: 'refresh_token', refresh_token: pair.refresh_token });
    expect(reuse.status).toBe(401);
    expect(await reuse.json()).toEqual({
      error: 'unauthorized_client',
      error_description: 'Old refresh token used.',
    });
  });

  it('keeps the refresh token usable after a too-early refusal', async () => {
    const pair = await authorize();
    await tokenCall({ grant_type: 'refresh_token', refresh_token: pair.refresh_token });
    sandbox.clock.advance(600_000);
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: pair.refresh_token })).status).toBe(
      200,
    );
  });

  it('can require expiry before a refresh when the setting says so', async () => {
    sandbox.state.settings.earliestRefreshAgeSeconds = 600;
    const pair = await authorize();
    sandbox.clock.advance(590_000);
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: pair.refresh_token })).status).toBe(
      400,
    );
    sandbox.clock.advance(10_000);
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: pair.refresh_token })).status).toBe(
      200,
    );
  });

  it('expires a refresh token unused for 30 days', async () => {
    const pair = await authorize();
    sandbox.clock.advance(30 * 86_400_000);
    const res = await tokenCall({ grant_type: 'refresh_token', refresh_token: pair.refresh_token });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toMatch(/^The refresh token expired at .+ and it is now .+\.$/);
  });

  it('expires the access token 600 seconds after issue', async () => {
    const pair = await authorize();
    sandbox.clock.advance(599_000);
    expect((await sandbox.call('GET', '/api/v1/current/Me', pair.access_token)).status).toBe(200);
    sandbox.clock.advance(1_000);
    expect((await sandbox.call('GET', '/api/v1/current/Me', pair.access_token)).status).toBe(401);
  });

  it('allows tokenCallsPerDay token calls (200 by default) per UTC day and refuses the next', async () => {
    sandbox.state.settings.tokenCallsPerDay = 3;
    const pair = await authorize();
    await tokenCall({ grant_type: 'refresh_token', refresh_token: pair.refresh_token });
    await tokenCall({ grant_type: 'refresh_token', refresh_token: pair.refresh_token });
    sandbox.clock.advance(600_000);
    const fourth = await tokenCall({ grant_type: 'refresh_token', refresh_token: pair.refresh_token });
    expect(fourth.status).toBe(400);
    expect(((await fourth.json()) as { error: string }).error).toBe('access_denied');
  });
});
