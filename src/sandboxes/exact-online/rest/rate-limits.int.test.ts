import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../test-sandbox.js';
import { startTestSandbox } from '../test-sandbox.js';

let sandbox: TestSandbox;
let token: string;
const path = '/api/v1/3215711/vat/VATCodes';

beforeEach(async () => {
  // 10:00:30 UTC: the minute window ends at 10:01:00, the day at midnight UTC.
  sandbox = await startTestSandbox('empty', '2026-05-13T10:00:30.000Z');
  token = await sandbox.token();
});
afterEach(async () => {
  await sandbox.close();
});

function rateHeaders(res: Response): Record<string, string> {
  return Object.fromEntries([...res.headers].filter(([name]) => name.startsWith('x-ratelimit-')));
}

describe('rate limits per client id and division', () => {
  it('sends all six X-RateLimit headers with resets in epoch milliseconds', async () => {
    const res = await sandbox.call('GET', path, token);
    expect(rateHeaders(res)).toEqual({
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Date.UTC(2026, 4, 14)),
      'x-ratelimit-minutely-limit': '60',
      'x-ratelimit-minutely-remaining': '59',
      'x-ratelimit-minutely-reset': String(Date.UTC(2026, 4, 13, 10, 1)),
    });
  });

  it('sends the headers on error answers of division URLs too', async () => {
    const res = await sandbox.call('GET', '/api/v1/3215711/crm/Accounts', token);
    expect(res.status).toBe(400);
    expect(res.headers.get('x-ratelimit-minutely-remaining')).toBe('59');
  });

  it('answers the 61st call of a minute with 429 carrying only the minutely headers', async () => {
    for (let i = 0; i < 60; i++) expect((await sandbox.call('GET', path, token)).status).toBe(200);
    const res = await sandbox.call('GET', path, token);
    expect(res.status).toBe(429);
    expect(rateHeaders(res)).toEqual({
      'x-ratelimit-minutely-limit': '60',
      'x-ratelimit-minutely-remaining': '0',
      'x-ratelimit-minutely-reset': String(Date.UTC(2026, 4, 13, 10, 1)),
    });
  });

  it('opens a new fixed minute at the calendar minute boundary, not 60 s after the first call', async () => {
    sandbox.state.settings.minutelyLimit = 2;
    await sandbox.call('GET', path, token);
    await sandbox.call('GET', path, token);
    expect((await sandbox.call('GET', path, token)).status).toBe(429);
    sandbox.clock.advance(30_000);
    expect((await sandbox.call('GET', path, token)).status).toBe(200);
  });

  it('counts divisions separately', async () => {
    sandbox.state.settings.minutelyLimit = 1;
    expect((await sandbox.call('GET', path, token)).status).toBe(200);
    expect((await sandbox.call('GET', '/api/v1/3215712/vat/VATCodes', token)).status).toBe(200);
    expect((await sandbox.call('GET', path, token)).status).toBe(429);
  });

  it('answers over the daily limit with 429 and the daily headers, until midnight UTC', async () => {
    sandbox.state.settings.dailyLimit = 3;
    for (let i = 0; i < 3; i++) await sandbox.call('GET', path, token);
    const res = await sandbox.call('GET', path, token);
    expect(res.status).toBe(429);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res.headers.get('x-ratelimit-reset')).toBe(String(Date.UTC(2026, 4, 14)));
    sandbox.clock.set('2026-05-14T00:00:00.000Z');
    token = await sandbox.token();
    const next = await sandbox.call('GET', path, token);
    expect(next.status).toBe(200);
    expect(next.headers.get('x-ratelimit-remaining')).toBe('2');
  });

  it('does not count refused calls', async () => {
    sandbox.state.settings.minutelyLimit = 1;
    await sandbox.call('GET', path, token);
    await sandbox.call('GET', path, token);
    sandbox.clock.advance(30_000);
    const res = await sandbox.call('GET', path, token);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('4998');
  });
});

describe('error limit', () => {
  it('blocks an endpoint of a division after 10 error answers in an hour', async () => {
    for (let i = 0; i < 10; i++)
      expect((await sandbox.call('GET', '/api/v1/3215711/crm/Accounts', token)).status).toBe(400);
    const blocked = await sandbox.call('GET', "/api/v1/3215711/crm/Accounts?$filter=Name eq 'x'", token);
    expect(blocked.status).toBe(429);
    expect((await sandbox.call('GET', path, token)).status).toBe(200);
    sandbox.clock.advance(60 * 60_000);
    token = await sandbox.token();
    expect(
      (await sandbox.call('GET', "/api/v1/3215711/crm/Accounts?$filter=Name eq 'x'", token)).status,
    ).toBe(200);
  });

  it('counts 401s (expired or unknown tokens) toward the block, as 400/403/404 (reference 3.1, 4.6)', async () => {
    const accounts = "/api/v1/3215711/crm/Accounts?$filter=Name eq 'x'";
    // Five with the app's token after it expired, five with a token the sandbox never issued.
    sandbox.clock.advance(601_000);
    for (let i = 0; i < 5; i++) expect((await sandbox.call('GET', accounts, token)).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await sandbox.call('GET', accounts, 'not-a-token')).status).toBe(401);
    token = await sandbox.token();
    expect((await sandbox.call('GET', accounts, token)).status).toBe(429);
    // The block is per endpoint: another one still answers.
    expect((await sandbox.call('GET', path, token)).status).toBe(200);
  });

  it('does not block after nine 401s', async () => {
    const accounts = "/api/v1/3215711/crm/Accounts?$filter=Name eq 'x'";
    for (let i = 0; i < 9; i++) expect((await sandbox.call('GET', accounts, 'expired')).status).toBe(401);
    expect((await sandbox.call('GET', accounts, token)).status).toBe(200);
  });

  it('can be switched off', async () => {
    sandbox.state.settings.errorsPerHour = 0;
    for (let i = 0; i < 12; i++)
      expect((await sandbox.call('GET', '/api/v1/3215711/crm/Accounts', token)).status).toBe(400);
  });
});
