import { afterEach, describe, expect, it } from 'vitest';
import {
  createAsperionClientHarness,
  type AsperionClientHarness,
} from '../../testing/asperion-client-harness.js';
import { testDialects } from '../../testing/databases.js';

describe.each(testDialects)(
  'Asperion calls refused with a 401 on a token Koppel believes fresh (%s)',
  (dialect) => {
    let hx: AsperionClientHarness;
    afterEach(async () => hx?.close());

    const control = async (path: string, body: unknown) => {
      const res = await hx.sandbox.call('POST', `/__sandbox/${path}`, { body, auth: false });
      expect(res.status).toBe(200);
    };
    const tokenCalls = async () => (await hx.log()).filter((r) => r.url.startsWith('/connect/token'));
    const refusals = async () => (await hx.log()).filter((r) => r.status === 401);

    const ways = [
      // The sandbox's clock runs an hour ahead of ours: the token expired there, not in our copy.
      ['Asperion’s clock is ahead', () => control('clock/advance', { seconds: 3_700 })],
      ['Asperion revoked the token', () => control('tokens/revoke', {})],
    ] as const;

    it.each(ways)(
      'refreshes once and succeeds for a single read, a paged read and a write when %s',
      async (_, refuse) => {
        hx = await createAsperionClientHarness(dialect);
        await hx.clearLog();
        const client = await hx.client();
        const ours = hx.h.clock.now().getTime();
        const debtors = (
          await hx.sandbox.call('GET', '/v1/debtors?metaOnly=true', { headers: { 'x-tenant-id': '1' } })
        ).body as { _meta: { totalCount: number } };
        await hx.clearLog();

        await refuse();
        const administration = await client.get<{ id: number }>('administrations/1');
        expect(administration.id).toBe(1);
        expect(await tokenCalls()).toHaveLength(1);

        // Refused between two pages of one read: the next page is fetched again with the new token.
        const ids = new Set<unknown>();
        let pages = 0;
        for await (const page of client.pages<{ id: number }>('debtors', { pageSize: '5' })) {
          if (pages++ === 0) await refuse();
          for (const d of page) ids.add(d.id);
        }
        expect(pages).toBeGreaterThan(1);
        expect(ids.size).toBe(debtors._meta.totalCount);
        expect(await tokenCalls()).toHaveLength(2);

        await refuse();
        const created = await client.create<{ id: number }>('debtors', {
          name: 'Na de 401',
          address: 'Laan 1',
          postCode: '1000 AA',
          city: 'Amsterdam',
          countryCode: 'NL',
        });
        expect(created.id).toBeTruthy();
        expect(await tokenCalls()).toHaveLength(3);
        expect((await tokenCalls()).every((r) => r.status === 200)).toBe(true);
        expect(await refusals()).toHaveLength(3);
        // Our own clock moved by seconds: by our count the first token had most of its hour left.
        expect(hx.h.clock.now().getTime() - ours).toBeLessThan(60_000);
      },
    );
  },
);
