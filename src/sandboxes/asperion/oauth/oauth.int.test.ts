import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultClientId, defaultClientSecret, defaultPassword, defaultUsername } from '../credentials.js';
import type { TestSandbox } from '../testing/test-sandbox.js';
import { startTestSandbox } from '../testing/test-sandbox.js';

const redirectUri = 'http://127.0.0.1:53682/callback';

describe('Asperion sandbox OAuth2 authorization code flow (§1.3, §6.1)', () => {
  let sb: TestSandbox;
  beforeEach(async () => {
    sb = await startTestSandbox();
    // The test's client registers its redirect URI with the app, as on Asperion's identity server.
    const registered = await sb.call('POST', '/__sandbox/redirect-uris', {
      body: { uri: redirectUri },
      auth: false,
    });
    expect(registered.status).toBe(201);
  });

  async function consentStatus(uri: string): Promise<number> {
    const query = new URLSearchParams({
      client_id: defaultClientId,
      redirect_uri: uri,
      response_type: 'code',
    });
    return (await fetch(`${sb.url}/connect/authorize?${query}`, { redirect: 'manual' })).status;
  }
  afterEach(() => sb.close());

  async function authorize(overrides: Record<string, string> = {}): Promise<Response> {
    const form = new URLSearchParams({
      client_id: defaultClientId,
      redirect_uri: redirectUri,
      state: 'xyz-123',
      response_type: 'code',
      username: defaultUsername,
      password: defaultPassword,
      decision: 'allow',
      ...overrides,
    });
    return fetch(`${sb.url}/connect/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  }

  async function code(): Promise<string> {
    const location = new URL((await authorize()).headers.get('location') ?? '');
    return location.searchParams.get('code') ?? '';
  }

  async function token(
    fields: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const form = new URLSearchParams({
      client_id: defaultClientId,
      client_secret: defaultClientSecret,
      ...fields,
    });
    const response = await fetch(`${sb.url}/connect/token`, { method: 'POST', body: form });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('shows the consent screen as a plain HTML form without JavaScript', async () => {
    const query = new URLSearchParams({
      client_id: defaultClientId,
      redirect_uri: redirectUri,
      state: 's',
      response_type: 'code',
    });
    const response = await fetch(`${sb.url}/connect/authorize?${query}`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('<form method="post" action="/connect/authorize">');
    expect(html).not.toMatch(/<script/i);
  });

  it('refuses an unregistered redirect URI with an error page instead of redirecting to it', async () => {
    const query = new URLSearchParams({
      client_id: defaultClientId,
      redirect_uri: 'https://evil.example/cb',
      response_type: 'code',
    });
    const response = await fetch(`${sb.url}/connect/authorize?${query}`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('accepts a registered loopback redirect URI on any port of localhost and 127.0.0.1', async () => {
    const response = await authorize({ redirect_uri: 'http://127.0.0.1:9999/callback' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:9999\/callback\?code=/);
    // Koppel's own callback is registered from the start on both hosts; an unregistered path is not.
    expect(await consentStatus('http://127.0.0.1:8123/oauth/callback')).toBe(200);
    expect(await consentStatus('http://localhost:8123/oauth/callback')).toBe(200);
    expect(await consentStatus('http://localhost:9999/callback')).toBe(400);
    expect((await authorize({ redirect_uri: 'http://localhost:9999/x' })).status).toBe(400);
  });

  it('takes an HTTPS redirect URI once registered, exactly, and drops it when removed', async () => {
    const https = 'https://koppel.example.nl/oauth/callback';
    expect(await consentStatus(https)).toBe(400);
    expect(
      (await sb.call('POST', '/__sandbox/redirect-uris', { body: { uri: https }, auth: false })).status,
    ).toBe(201);
    expect(await consentStatus(https)).toBe(200);
    const back = await authorize({ redirect_uri: https });
    expect(back.headers.get('location')).toMatch(/^https:\/\/koppel\.example\.nl\/oauth\/callback\?code=/);
    expect(await consentStatus('https://koppel.example.nl:8443/oauth/callback')).toBe(400);
    expect(await consentStatus('https://other.example.nl/oauth/callback')).toBe(400);
    const list = await sb.call('GET', '/__sandbox/redirect-uris', { auth: false });
    expect(list.body.redirectUris).toContain(https);
    const query = `uri=${encodeURIComponent(https)}`;
    expect((await sb.call('DELETE', `/__sandbox/redirect-uris?${query}`, { auth: false })).status).toBe(200);
    expect(await consentStatus(https)).toBe(400);
    expect((await sb.call('DELETE', `/__sandbox/redirect-uris?${query}`, { auth: false })).status).toBe(404);
  });

  it('refuses to register a URI that is neither HTTPS nor loopback http', async () => {
    for (const uri of ['http://koppel.example.nl/cb', 'ftp://127.0.0.1/cb', 'https://x.nl/cb#frag', 'nope']) {
      const res = await sb.call('POST', '/__sandbox/redirect-uris', { body: { uri }, auth: false });
      expect(res.status, uri).toBe(400);
    }
    const settings = await sb.call('PUT', '/__sandbox/settings', {
      body: { redirectUris: ['http://koppel.example.nl/cb'] },
      auth: false,
    });
    expect(settings.status).toBe(400);
  });

  it('redirects back with code and state after consent, and with access_denied after refusal', async () => {
    const allowed = new URL((await authorize()).headers.get('location') ?? '');
    expect(allowed.searchParams.get('code')).toBeTruthy();
    expect(allowed.searchParams.get('state')).toBe('xyz-123');
    const denied = new URL((await authorize({ decision: 'deny' })).headers.get('location') ?? '');
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('xyz-123');
  });

  it('shows the form again on a wrong password and issues no code', async () => {
    const response = await authorize({ password: 'wrong' });
    expect(response.status).toBe(200);
    expect(response.headers.get('location')).toBeNull();
  });

  it('exchanges a code for a bearer token pair with the client secret in the form body', async () => {
    const { status, body } = await token({
      grant_type: 'authorization_code',
      code: await code(),
      redirect_uri: redirectUri,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const api = await sb.call('GET', '/v1/administrations', {
      headers: { authorization: `Bearer ${String(body['access_token'])}` },
    });
    expect(api.status).toBe(200);
  });

  it('refuses client credentials sent only with HTTP Basic', async () => {
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code: await code(),
      redirect_uri: redirectUri,
    });
    const basic = Buffer.from(`${defaultClientId}:${defaultClientSecret}`).toString('base64');
    const response = await fetch(`${sb.url}/connect/token`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Basic ${basic}` },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('accepts a code once only', async () => {
    const c = await code();
    expect(
      (await token({ grant_type: 'authorization_code', code: c, redirect_uri: redirectUri })).status,
    ).toBe(200);
    const again = await token({ grant_type: 'authorization_code', code: c, redirect_uri: redirectUri });
    expect(again).toEqual({ status: 400, body: expect.objectContaining({ error: 'invalid_grant' }) });
  });

  it('lets a code expire after authorizationCodeTtlSeconds', async () => {
    const c = await code();
    sb.clock.advance(301_000);
    expect(
      (await token({ grant_type: 'authorization_code', code: c, redirect_uri: redirectUri })).body['error'],
    ).toBe('invalid_grant');
  });

  it('refuses a code presented with another redirect URI', async () => {
    const result = await token({
      grant_type: 'authorization_code',
      code: await code(),
      redirect_uri: 'http://127.0.0.1:1/other',
    });
    expect(result.body['error']).toBe('invalid_grant');
  });

  it('rotates refresh tokens and refuses a used one', async () => {
    const first = await token({
      grant_type: 'authorization_code',
      code: await code(),
      redirect_uri: redirectUri,
    });
    const oldRefresh = String(first.body['refresh_token']);
    const second = await token({ grant_type: 'refresh_token', refresh_token: oldRefresh });
    expect(second.status).toBe(200);
    expect(second.body['refresh_token']).not.toBe(oldRefresh);
    const reused = await token({ grant_type: 'refresh_token', refresh_token: oldRefresh });
    expect(reused).toEqual({ status: 400, body: expect.objectContaining({ error: 'invalid_grant' }) });
  });

  it('keeps the refresh token usable when rotateRefreshTokens is off', async () => {
    await sb.call('PUT', '/__sandbox/settings', { body: { rotateRefreshTokens: false } });
    const first = await token({
      grant_type: 'authorization_code',
      code: await code(),
      redirect_uri: redirectUri,
    });
    const refresh = String(first.body['refresh_token']);
    const second = await token({ grant_type: 'refresh_token', refresh_token: refresh });
    expect(second.body['refresh_token']).toBe(refresh);
    expect((await token({ grant_type: 'refresh_token', refresh_token: refresh })).status).toBe(200);
  });

  it('answers 401 with WWW-Authenticate for a missing, unknown or expired access token', async () => {
    const missing = await sb.call('GET', '/v1/debtors', { auth: false });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect(missing.body).toMatchObject({ status: 401, traceId: expect.any(String) });
    expect((await sb.call('GET', '/v1/debtors', { headers: { authorization: 'Bearer nope' } })).status).toBe(
      401,
    );
    sb.clock.advance(3600_000);
    const expired = await sb.call('GET', '/v1/debtors');
    expect(expired.status).toBe(401);
  });

  it('takes token lifetimes from the settings', async () => {
    await sb.call('PUT', '/__sandbox/settings', { body: { accessTokenTtlSeconds: 60 } });
    const pair = await token({
      grant_type: 'authorization_code',
      code: await code(),
      redirect_uri: redirectUri,
    });
    expect(pair.body['expires_in']).toBe(60);
  });

  it('answers unknown grant types and missing ones with the OAuth error shape', async () => {
    expect((await token({ grant_type: 'password' })).body['error']).toBe('unsupported_grant_type');
    expect((await token({})).body['error']).toBe('invalid_request');
  });
});
