import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../test-sandbox.js';
import { startTestSandbox } from '../test-sandbox.js';

let sandbox: TestSandbox;
let token: string;

beforeAll(async () => {
  sandbox = await startTestSandbox('demo');
  token = await sandbox.token();
});
afterAll(async () => {
  await sandbox.close();
});

/** A GET with no Accept header at all (fetch always sends one). */
function getWithoutAccept(path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    get(`${sandbox.url}${path}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
      );
    }).on('error', reject);
  });
}

const feedType = 'application/atom+xml;type=feed;charset=utf-8';

describe('Atom/XML answers when JSON is not asked for (reference 4.1)', () => {
  it('answers a collection without Accept as an Atom feed with m:properties', async () => {
    // The three domestic codes (the demo has international and OSS codes besides).
    const res = await getWithoutAccept(
      "/api/v1/3215711/vat/VATCodes?$filter=Code eq 'VH' or Code eq 'VL' or Code eq 'V0'&$select=ID,Code,Percentage",
    );
    expect(res.status).toBe(200);
    expect(res.type).toBe(feedType);
    expect(res.body.startsWith('<?xml version="1.0" encoding="utf-8"?><feed xml:base=')).toBe(true);
    expect(res.body).toContain('xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"');
    expect(res.body.match(/<entry>/g)).toHaveLength(3);
    expect(res.body).toMatch(
      /<m:properties><d:ID m:type="Edm.Guid">[0-9a-f-]{36}<\/d:ID><d:Code>V[HL0]<\/d:Code>/,
    );
    expect(res.body).toContain('<category term="Exact.Web.Api.Models.VATCode"');
  });

  it('answers */* and application/atom+xml the same way, with m:count for $inlinecount', async () => {
    for (const accept of ['*/*', 'application/atom+xml']) {
      const res = await sandbox.call(
        'GET',
        "/api/v1/3215711/crm/Accounts?$filter=Name ne ''&$select=ID,Name,Created&$inlinecount=allpages",
        token,
        undefined,
        { accept },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(feedType);
      const body = await res.text();
      const count = Number(/<m:count>(\d+)<\/m:count>/.exec(body)?.[1]);
      // All 224 demo accounts are counted; a page holds 60 of them, and the feed links the next page.
      expect(count).toBe(224);
      expect(body.match(/<entry>/g)).toHaveLength(60);
      expect(body).toMatch(/<link rel="next" href="[^"]*crm\/Accounts\?[^"]*\$skiptoken=/);
      expect(body).toMatch(
        /<d:Created m:type="Edm.DateTime">\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}<\/d:Created>/,
      );
    }
  });

  it('answers a single record as an Atom entry, escaping text', async () => {
    const created = await sandbox.call(
      'POST',
      '/api/v1/3215711/crm/Accounts',
      token,
      { Name: 'Bakkerij <Van> & Zn', Code: '777' },
      { prefer: 'return=representation' },
    );
    const id = ((await created.json()) as { d: { ID: string } }).d.ID;
    const res = await getWithoutAccept(`/api/v1/3215711/crm/Accounts(guid'${id}')?$select=Name,Blocked`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/atom+xml;type=entry;charset=utf-8');
    expect(res.body).toContain(`<entry xmlns="http://www.w3.org/2005/Atom"`);
    expect(res.body).toContain(`<id>${sandbox.url}/api/v1/3215711/crm/Accounts(guid'${id}')</id>`);
    expect(res.body).toContain('<d:Name>Bakkerij &lt;Van&gt; &amp; Zn</d:Name>');
    expect(res.body).toContain('<d:Blocked m:type="Edm.Boolean">false</d:Blocked>');
  });

  it('refuses application/xml and other types with 406', async () => {
    for (const accept of ['application/xml', 'text/html']) {
      const res = await sandbox.call('GET', '/api/v1/3215711/vat/VATCodes', token, undefined, { accept });
      expect(res.status).toBe(406);
    }
  });
});
