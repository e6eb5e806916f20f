import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../testing/test-sandbox.js';
import { startTestSandbox } from '../testing/test-sandbox.js';

const debtor = {
  name: 'Test B.V.',
  address: 'Dorpsstraat 1',
  postCode: '1234 AB',
  city: 'Ede',
  countryCode: 'NL',
};

describe('Asperion sandbox errors and dry runs (§1.7, §6.3)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(() => sb.close());

  it('answers validation failures with ProblemDetails: title, status, traceId and errors by field', async () => {
    const { status, headers, body } = await sb.call('POST', '/v1/debtors', {
      body: { name: 'Zonder adres' },
    });
    expect(status).toBe(400);
    expect(headers.get('content-type')).toContain('application/json');
    expect(body).toMatchObject({
      status: 400,
      traceId: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/),
    });
    expect(Object.keys(body.errors).sort()).toEqual(['Address', 'City', 'CountryCode', 'PostCode']);
  });

  it('speaks Dutch by default and English when Accept-Language asks for it (the title stays ASP.NET’s)', async () => {
    const nl = await sb.call('POST', '/v1/debtors', { body: {} });
    expect(nl.body.title).toBe('One or more validation errors occurred.');
    expect(nl.body.errors.Name).toEqual(['Het veld Name is verplicht.']);
    const en = await sb.call('POST', '/v1/debtors', {
      body: {},
      headers: { 'Accept-Language': 'en-US,en;q=0.9' },
    });
    expect(en.body.title).toBe('One or more validation errors occurred.');
    expect(en.body.errors.Name).toEqual(['The Name field is required.']);
    const ranked = await sb.call('POST', '/v1/debtors', {
      body: {},
      headers: { 'Accept-Language': 'fr, en;q=0.5, nl;q=0.7' },
    });
    expect(ranked.body.errors.Name).toEqual(['Het veld Name is verplicht.']);
  });

  it('reports malformed JSON, a non-object body and wrong types as ProblemDetails, never a crash', async () => {
    const broken = await sb.call('POST', '/v1/debtors', { body: '{"name": ' });
    expect(broken.status).toBe(400);
    expect(broken.body.errors.$).toHaveLength(1);
    expect((await sb.call('POST', '/v1/debtors', { body: '[1,2]' })).status).toBe(400);
    expect((await sb.call('POST', '/v1/debtors', { body: 'null' })).status).toBe(400);
    const wrongType = await sb.call('POST', '/v1/debtors', {
      body: { ...debtor, blocked: 'ja', paymentConditionId: '1' },
    });
    expect(Object.keys(wrongType.body.errors).sort()).toEqual(['Blocked', 'PaymentConditionId']);
    const text = await sb.call('POST', '/v1/debtors', {
      body: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(text.body).toMatchObject({ status: 415, traceId: expect.any(String) });
    expect((await sb.call('GET', '/v1/debtors/%E0%A4%A')).status).toBeLessThan(500);
  });

  it('answers unknown paths and methods with ProblemDetails', async () => {
    const unknown = await sb.call('GET', '/v2/debtors');
    expect(unknown.body).toMatchObject({ status: 404, traceId: expect.any(String) });
    expect((await sb.call('DELETE', '/v1/debtors/1')).body.status).toBe(404);
    expect((await sb.call('POST', '/v1/vatcodes', { body: {} })).status).toBe(404);
  });

  it.each(['nl-NL', 'en-US'])(
    'writes titles and type URIs as ASP.NET Core does, untranslated (Accept-Language %s)',
    async (language) => {
      const headers = { 'Accept-Language': language };
      const problem = async (method: string, path: string, o: Record<string, unknown> = {}) => {
        const { status, body } = await sb.call(method, path, { headers, ...o });
        return { status, type: body.type, title: body.title };
      };
      const rfc = 'https://tools.ietf.org/html/rfc9110#section-';
      expect(await problem('POST', '/v1/debtors', { body: {} })).toEqual({
        status: 400,
        type: `${rfc}15.5.1`,
        title: 'One or more validation errors occurred.',
      });
      expect(await problem('GET', '/v1/debtors', { auth: false })).toEqual({
        status: 401,
        type: `${rfc}15.5.2`,
        title: 'Unauthorized',
      });
      expect(await problem('GET', '/v1/debtors/9999')).toEqual({
        status: 404,
        type: `${rfc}15.5.5`,
        title: 'Not Found',
      });
      expect(
        await problem('POST', '/v1/debtors', {
          body: 'name=x',
          headers: { ...headers, 'content-type': 'text/plain' },
        }),
      ).toEqual({ status: 415, type: `${rfc}15.5.16`, title: 'Unsupported Media Type' });
      await sb.call('PUT', '/__sandbox/settings', { body: { duplicateStatus: 409 } });
      const first = await sb.call('POST', '/v1/debtors', {
        body: { ...debtor, customerNumber: `D-${language}` },
      });
      expect(first.status).toBe(201);
      const again = await problem('POST', '/v1/debtors', {
        body: { ...debtor, customerNumber: `D-${language}` },
      });
      await sb.call('PUT', '/__sandbox/settings', { body: { duplicateStatus: 400 } });
      expect(again).toMatchObject({ status: 409, type: `${rfc}15.5.10` });
      await sb.call('PUT', '/__sandbox/settings', {
        body: { rateLimit: { enabled: true, requests: 1, windowSeconds: 60 } },
      });
      await sb.call('GET', '/v1/journals');
      const limited = await problem('GET', '/v1/journals');
      await sb.call('PUT', '/__sandbox/settings', { body: { rateLimit: { enabled: false } } });
      expect(limited).toEqual({
        status: 429,
        type: 'https://tools.ietf.org/html/rfc6585#section-4',
        title: 'Too Many Requests',
      });
      await sb.call('PUT', '/__sandbox/settings', { body: { faults: { errorRate: 1, errorStatus: 503 } } });
      const unavailable = await problem('GET', '/v1/journals');
      await sb.call('PUT', '/__sandbox/settings', { body: { faults: { errorRate: 0 } } });
      expect(unavailable).toEqual({ status: 503, type: `${rfc}15.6.4`, title: 'Service Unavailable' });
    },
  );

  it('uses application/problem+json and 422 when the settings say so', async () => {
    await sb.call('PUT', '/__sandbox/settings', {
      body: { errorContentType: 'application/problem+json', validationStatus: 422 },
    });
    const { status, headers } = await sb.call('POST', '/v1/debtors', { body: {} });
    await sb.call('PUT', '/__sandbox/settings', {
      body: { errorContentType: 'application/json', validationStatus: 400 },
    });
    expect(status).toBe(422);
    expect(headers.get('content-type')).toContain('application/problem+json');
  });

  it('validates without storing on validateOnly=true and returns the would-be object without id', async () => {
    const before = (await sb.call('GET', '/v1/debtors?metaOnly=true')).body._meta.totalCount;
    const dry = await sb.call('POST', '/v1/debtors?validateOnly=true', { body: debtor });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ name: 'Test B.V.', customerNumber: '13' });
    expect(dry.body.id).toBeNull();
    expect((await sb.call('GET', '/v1/debtors?metaOnly=true')).body._meta.totalCount).toBe(before);
    const failing = await sb.call('POST', '/v1/debtors?validateOnly=true', { body: { name: 'x' } });
    expect(failing.status).toBe(400);
  });

  it('answers 204 to a valid dry run when validateOnlyStatus is 204, and 200 to creates when createStatus is 200', async () => {
    await sb.call('PUT', '/__sandbox/settings', { body: { validateOnlyStatus: 204, createStatus: 200 } });
    const dry = await sb.call('POST', '/v1/debtors?validateOnly=true', { body: debtor });
    const real = await sb.call('POST', '/v1/debtors', { body: { ...debtor, name: 'Echt B.V.' } });
    await sb.call('PUT', '/__sandbox/settings', { body: { validateOnlyStatus: 200, createStatus: 201 } });
    expect(dry.status).toBe(204);
    expect(real.status).toBe(200);
    expect(real.body.id).toEqual(expect.any(Number));
  });
});
