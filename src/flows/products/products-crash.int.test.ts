import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../sandboxes/asperion/seed/seeded-random.js';
import {
  crashDivision,
  crashThenFinish,
  expectSettled,
  listAsperion,
  startCrashSetup,
  type ChildWatch,
  type CrashSetup,
} from '../../testing/crash-harness.js';
import { testDialects } from '../../testing/databases.js';

// The products flow survives SIGKILL at random moments and ends with one Asperion article
// per Exact sales item, with the item's description and general price.

const itemCount = 300;
const id = (prefix: string, n: number) => `${prefix}000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const codeOf = (n: number) => `CR-${String(n).padStart(4, '0')}`;

/** 300 sales items, each with a general EUR price in whole cents. */
function itemsFixture(seed: number) {
  const random = seededRandom(seed);
  const vatCodes = ['VH', 'VL', 'V0'];
  const prices = new Map<string, number>();
  const items = Array.from({ length: itemCount }, (_, i) => {
    const n = i + 1;
    prices.set(codeOf(n), (100 + Math.floor(random() * 50_000)) / 100);
    return {
      ID: id('0a', n),
      Code: codeOf(n),
      Description: `Crashtest artikel ${n}`,
      IsSalesItem: true,
      IsStockItem: true,
      SalesVatCode: vatCodes[n % vatCodes.length],
      Unit: 'pc',
    };
  });
  const salesItemPrices = items.map((item, i) => ({
    ID: id('0b', i + 1),
    Item: item.ID,
    Price: prices.get(item.Code),
    Currency: 'EUR',
  }));
  const fixture = {
    divisions: {
      [crashDivision]: { 'logistics/Items': items, 'logistics/SalesItemPrices': salesItemPrices },
    },
  };
  return { fixture, prices };
}

/** The flow's writes that count towards a kill: article creates in Asperion. */
const articleCreates: ChildWatch = {
  app: 'asperion',
  isWrite: (r) => r.method === 'POST' && r.path.toLowerCase() === '/v1/articles',
};

describe.each(testDialects)('products flow under SIGKILL (%s)', (dialect) => {
  let s: CrashSetup | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('sends 300 items exactly once, with description and price, through five SIGKILLs', async () => {
    const { fixture, prices } = itemsFixture(dialect === 'sqlite' ? 41 : 42);
    s = await startCrashSetup(dialect, { kind: 'products', exactFixture: fixture });

    const random = seededRandom(dialect === 'sqlite' ? 51 : 52);
    // 10–59 article creates into each child, so all five kills land before the last item.
    const killAfters = Array.from({ length: 5 }, () => 10 + Math.floor(random() * 50));
    const { killed } = await crashThenFinish(s, 'products', articleCreates, killAfters);
    expect(killed.reduce((sum, k) => sum + k.writes, 0)).toBeLessThan(itemCount);

    const articles = (await listAsperion(s.asperion, 'articles?ActiveState=All')).filter((a) =>
      String(a.code).startsWith('CR-'),
    );
    const counts = new Map<string, number>();
    for (const a of articles) counts.set(a.code, (counts.get(a.code) ?? 0) + 1);
    expect(
      [...counts].filter(([, n]) => n > 1).map(([code, n]) => `${code} ×${n}`),
      'items sent more than once',
    ).toEqual([]);
    expect(
      [...prices.keys()].filter((code) => !counts.has(code)),
      'items lost',
    ).toEqual([]);
    expect(articles).toHaveLength(itemCount);
    const wrong = articles
      .map((a) => ({
        code: a.code,
        got: [a.description, a.salesPrice],
        want: [`Crashtest artikel ${Number(a.code.slice(3))}`, prices.get(a.code)],
      }))
      .filter((x) => x.got[0] !== x.want[0] || x.got[1] !== x.want[1]);
    expect(wrong, 'description and price').toEqual([]);

    await expectSettled(s.tdb, 'products', itemCount);
  }, 60_000);
});
