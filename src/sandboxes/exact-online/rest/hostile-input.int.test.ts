import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityCatalog } from '../entities/entity-catalog.js';
import { exactMessages } from '../odata-error.js';
import type { TestSandbox } from '../test-sandbox.js';
import { startTestSandbox } from '../test-sandbox.js';

/**
 * A sweep over every endpoint in the catalog (so new endpoints are covered the day they are
 * added): malformed bodies, wrongly typed fields and odd filters must get Exact's error envelope,
 * never the generic 500 the server's error handler gives to an exception it did not expect.
 */
let sandbox: TestSandbox;
let token: string;
const base = '/api/v1/3215711';

beforeAll(async () => {
  sandbox = await startTestSandbox('demo');
  token = await sandbox.token();
  const settings = await fetch(`${sandbox.url}/__sandbox/settings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ errorsPerHour: 0, minutelyLimit: 1_000_000, dailyLimit: 1_000_000 }),
  });
  expect(settings.status).toBe(200);
});
afterAll(async () => {
  await sandbox.close();
});

interface Answer {
  status: number;
  message: string;
}

async function send(method: string, path: string, body?: string): Promise<Answer> {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  if (res.status === 204 || (res.status === 200 && method === 'GET'))
    return { status: res.status, message: '' };
  const parsed = JSON.parse(text) as { error?: { message?: { value?: unknown } } };
  const message = parsed.error?.message?.value;
  return { status: res.status, message: typeof message === 'string' ? message : `no envelope: ${text}` };
}

/** A refusal Exact could give: a 4xx, or a 500 with a business-rule text rather than the crash text. */
function expectRefusal(answer: Answer, what: string): void {
  expect(answer.message, what).not.toMatch(/^no envelope/);
  expect(answer.status, what).toBeGreaterThanOrEqual(400);
  if (answer.status >= 500) expect(answer.message, what).not.toBe(exactMessages.generic);
}

/** A value of the wrong kind for each stored type. */
const wrongValues = [{ nested: true }, [1, 2], 'not-a-value-of-this-type', Infinity, -1];

const writable = entityCatalog.filter((e) => e.methods.includes('POST'));

describe('every endpoint refuses hostile input with an error envelope', () => {
  it.each(writable.map((e) => [e.path]))('POST %s with bodies that are not objects', async (path) => {
    for (const body of ['[]', '"text"', 'null', '42', '{', '{"a":', '\u0000', '{}{}']) {
      expectRefusal(await send('POST', `${base}/${path}`, body), `${path} ${body}`);
    }
  });

  it.each(writable.map((e) => [e.path, e]))(
    'POST %s with each field of a wrong type',
    async (path, entity) => {
      for (const field of entity.fields.scalars) {
        for (const value of wrongValues) {
          // 1e400 is written as a literal: JSON.stringify would turn Infinity into null.
          const body =
            value === Infinity ? `{"${field.name}":1e400}` : JSON.stringify({ [field.name]: value });
          const answer = await send('POST', `${base}/${path}`, body);
          // A field that ignores the value (read-only) may still fail on a missing mandatory field.
          if (answer.status < 300) continue;
          expectRefusal(answer, `${path} ${field.name}=${JSON.stringify(value)}`);
        }
      }
    },
  );

  it.each(entityCatalog.map((e) => [e.path, e]))(
    'GET %s with odd filters and options',
    async (path, entity) => {
      const first = entity.fields.scalars[0]?.name ?? 'ID';
      const queries = [
        `$filter=${first} eq guid'not-a-guid'`,
        `$filter=${first} eq datetime'2026-13-45'`,
        `$filter=${first} gt 99999999999999999999999L`,
        `$filter=substringof(${first})`,
        `$filter=${first} eq 'unterminated`,
        `$filter=Nope eq 1`,
        `$filter=${first} eq 1&$orderby=Nope desc`,
        `$filter=${first} eq 1&$select=Nope`,
        `$filter=${first} eq 1&$top=-1`,
        `$filter=${first} eq 1&$skiptoken=guid'zzz'`,
        `$filter=${first} eq 1&$expand=Nope`,
        `$filter=${'('.repeat(200)}${first} eq 1${')'.repeat(200)}`,
      ];
      for (const query of queries) {
        const answer = await send('GET', `${base}/${path}?${query}`);
        if (answer.status === 200) continue;
        expectRefusal(answer, `${path}?${query}`);
      }
      expectRefusal(await send('GET', `${base}/${path}(guid'zz')`), `${path}(guid'zz')`);
      expectRefusal(await send('GET', `${base}/${path}('x')`), `${path}('x')`);
    },
  );

  it('is still answering after all of it', async () => {
    expect((await send('GET', '/api/v1/current/Me')).status).toBe(200);
  });
});
