import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../test-sandbox.js';
import { startTestSandbox } from '../test-sandbox.js';

let sandbox: TestSandbox;

beforeEach(async () => {
  sandbox = await startTestSandbox('empty');
});
afterEach(async () => {
  await sandbox.close();
});

describe('Bearer authentication', () => {
  it('answers a missing or unknown token with 401 in the OData error envelope', async () => {
    const missing = await fetch(`${sandbox.url}/api/v1/current/Me`, {
      headers: { accept: 'application/json' },
    });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      error: { code: '', message: { lang: '', value: 'Unauthorized' } },
    });
    expect((await sandbox.call('GET', '/api/v1/3215711/crm/Accounts', 'bogus')).status).toBe(401);
  });
});

describe('current/Me', () => {
  it('returns a collection of one with the current division and no rate-limit headers', async () => {
    const token = await sandbox.token([3215712, 3215713]);
    const res = await sandbox.call('GET', '/api/v1/current/Me?$select=CurrentDivision', token);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-remaining')).toBeNull();
    const body = (await res.json()) as { d: { results: Array<Record<string, unknown>> } };
    expect(body.d.results).toHaveLength(1);
    expect(body.d.results[0]).toMatchObject({
      __metadata: { type: 'Exact.Web.Api.System.Me' },
      CurrentDivision: 3215712,
    });
    expect(Object.keys(body.d.results[0] ?? {})).toEqual(['__metadata', 'CurrentDivision']);
  });

  it('does not count against the division limits', async () => {
    sandbox.state.settings.minutelyLimit = 1;
    const token = await sandbox.token();
    for (let i = 0; i < 3; i++)
      expect((await sandbox.call('GET', '/api/v1/current/Me', token)).status).toBe(200);
    expect((await sandbox.call('GET', '/api/v1/3215711/system/Divisions', token)).status).toBe(200);
  });
});

describe('system/Divisions and division scope', () => {
  it('lists the divisions in the token scope, keyed by Code', async () => {
    const token = await sandbox.token([3215711, 3215713]);
    const res = await sandbox.call('GET', '/api/v1/3215711/system/Divisions?$select=Code,Country', token);
    const body = (await res.json()) as { d: { results: Array<Record<string, unknown>> } };
    expect(body.d.results.map((r) => [r['Code'], r['Country']])).toEqual([
      [3215711, 'NL'],
      [3215713, 'BE'],
    ]);
    expect(body.d.results[0]?.['__metadata']).toMatchObject({
      uri: `${sandbox.url}/api/v1/3215711/system/Divisions(3215711)`,
    });
  });

  it('answers one division by its integer key', async () => {
    const token = await sandbox.token();
    const res = await sandbox.call('GET', '/api/v1/3215711/system/Divisions(3215713)', token);
    expect(((await res.json()) as { d: Record<string, unknown> }).d).toMatchObject({
      Code: 3215713,
      Country: 'BE',
    });
  });

  it('answers a division outside the token scope with 403 and a reason', async () => {
    const token = await sandbox.token([3215711]);
    const res = await sandbox.call('GET', "/api/v1/3215712/crm/Accounts?$filter=Name eq 'x'", token);
    expect(res.status).toBe(403);
    expect(res.headers.get('reason')).toBe('NoDivisionAccess');
    expect(await res.json()).toEqual({
      error: {
        code: '',
        message: { lang: '', value: 'Forbidden - User division is not within division scope' },
      },
    });
  });

  it('does not check the division in the system/Divisions URL unless configured to', async () => {
    const token = await sandbox.token([3215711]);
    expect((await sandbox.call('GET', '/api/v1/9999999/system/Divisions', token)).status).toBe(200);
    sandbox.state.settings.checkSystemDivisionsScope = true;
    expect((await sandbox.call('GET', '/api/v1/9999999/system/Divisions', token)).status).toBe(403);
  });
});

describe('request format', () => {
  it('refuses Accept: application/xml with 406 (reference 4.1)', async () => {
    const token = await sandbox.token();
    const res = await sandbox.call('GET', '/api/v1/3215711/vat/VATCodes', token, undefined, {
      accept: 'application/xml',
    });
    expect(res.status).toBe(406);
  });

  it('answers an unknown endpoint with 404 and a malformed URL with 400, never a crash', async () => {
    const token = await sandbox.token();
    expect((await sandbox.call('GET', '/api/v1/3215711/crm/Nothing', token)).status).toBe(404);
    expect((await sandbox.call('GET', '/api/v1/3215711/vat/VATCodes?$filter=%E0%A4%A', token)).status).toBe(
      400,
    );
    expect((await sandbox.call('GET', '/api/v1/3215711/vat/VATCodes%', token)).status).toBe(400);
  });
});
