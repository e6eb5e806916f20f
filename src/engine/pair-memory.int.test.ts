import { describe, expect, it } from 'vitest';
import type { KyselyPlugin } from 'kysely';
import { ManualClock } from '../core/clock.js';
import { freshStorePerTest, testDialects } from '../testing/databases.js';
import type { Store } from '../store/database.js';
import { upsertConnection } from '../store/repos/connections.js';
import { upsertFlow } from '../store/repos/flows.js';
import { upsertLinks } from '../store/repos/links.js';
import { deletePair, upsertPair } from '../store/repos/pairs.js';
import { readOnlyMemory, storePairLinks, storePairMemory } from './pair-memory.js';

const t0 = '2026-03-10T09:00:00.000Z';

/** The store with every statement counted, to show that many keys cost a few queries. */
function counted(store: Store): { store: Store; queries: () => number } {
  let n = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      n++;
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  };
  return { store: { ...store, db: store.db.withPlugin(plugin) }, queries: () => n };
}

describe.each(testDialects)('pair memory on %s', (dialect) => {
  const { open } = freshStorePerTest(dialect);
  async function seeded(): Promise<Store> {
    const store = await open();
    await upsertPair(store.db, { id: 'p1', name: 'One' }, t0);
    await upsertPair(store.db, { id: 'p2', name: 'Two' }, t0);
    return store;
  }

  it('keeps JSON values per pair and namespace, stamped with the injected clock', async () => {
    const store = await seeded();
    const clock = new ManualClock(t0);
    const m1 = storePairMemory(store, 'p1', clock);
    const m2 = storePairMemory(store, 'p2', clock);
    await m1.set('debtors', [
      ['acc-1', { id: 7, customerNumber: '1007' }],
      ['acc-2', { id: 8, customerNumber: '1008' }],
    ]);
    await m1.set('articles', [['acc-1', 42]]);
    await m2.set('debtors', [['acc-1', { id: 99, customerNumber: '1099' }]]);

    const got = await m1.get<{ id: number; customerNumber: string }>('debtors', ['acc-1', 'acc-2', 'acc-3']);
    expect([...got.keys()].sort()).toEqual(['acc-1', 'acc-2']);
    expect(got.get('acc-1')).toEqual({ value: { id: 7, customerNumber: '1007' }, updatedAt: t0 });
    expect((await m1.get('articles', ['acc-1'])).get('acc-1')?.value).toBe(42);
    expect((await m2.get('debtors', ['acc-1'])).get('acc-1')?.value).toEqual({
      id: 99,
      customerNumber: '1099',
    });

    // A second write replaces the value and its time.
    clock.advance(60_000);
    await m1.set('debtors', [['acc-1', { id: 70, customerNumber: '1070' }]]);
    expect((await m1.get('debtors', ['acc-1'])).get('acc-1')).toEqual({
      value: { id: 70, customerNumber: '1070' },
      updatedAt: '2026-03-10T09:01:00.000Z',
    });

    await m1.delete('debtors', ['acc-1', 'nothing']);
    expect([...(await m1.get('debtors', ['acc-1', 'acc-2'])).keys()]).toEqual(['acc-2']);
    // Other pairs and namespaces are untouched.
    expect((await m2.get('debtors', ['acc-1'])).size).toBe(1);
    expect((await m1.get('articles', ['acc-1'])).size).toBe(1);
  });

  it('reads and writes 1,000 keys in a few statements', async () => {
    const { store, queries } = counted(await seeded());
    const memory = storePairMemory(store, 'p1', new ManualClock(t0));
    const keys = Array.from({ length: 1_000 }, (_, i) => `item-${i}`);
    const before = queries();
    await memory.set(
      'articles',
      keys.map((k, i) => [k, { id: i }] as const),
    );
    const afterSet = queries();
    const got = await memory.get<{ id: number }>('articles', keys);
    const afterGet = queries();
    await memory.delete('articles', keys.slice(0, 500));
    const afterDelete = queries();
    expect(got.size).toBe(1_000);
    expect(got.get('item-999')?.value).toEqual({ id: 999 });
    expect(afterSet - before).toBeLessThanOrEqual(3);
    expect(afterGet - afterSet).toBeLessThanOrEqual(3);
    expect(afterDelete - afterGet).toBeLessThanOrEqual(3);
    expect((await memory.get('articles', keys)).size).toBe(500);
  });

  it('writes a key named twice in one call once, the last value winning', async () => {
    const store = await seeded();
    const memory = storePairMemory(store, 'p1', new ManualClock(t0));
    await memory.set('debtors', [
      ['a', 1],
      ['a', 2],
    ]);
    expect((await memory.get('debtors', ['a'])).get('a')?.value).toBe(2);
  });

  it('goes with its pair', async () => {
    const store = await seeded();
    const clock = new ManualClock(t0);
    await storePairMemory(store, 'p1', clock).set('debtors', [['a', 1]]);
    await storePairMemory(store, 'p2', clock).set('debtors', [['a', 2]]);
    expect(await deletePair(store.db, 'p1')).toBe(true);
    const rows = await store.db.selectFrom('pair_memory').select(['pair_id', 'key']).execute();
    expect(rows).toEqual([{ pair_id: 'p2', key: 'a' }]);
  });

  it('a dry run reads what is remembered and writes nothing', async () => {
    const store = await seeded();
    const memory = storePairMemory(store, 'p1', new ManualClock(t0));
    await memory.set('debtors', [['a', 1]]);
    const dry = readOnlyMemory(memory);
    await dry.set('debtors', [['b', 2]]);
    await dry.delete('debtors', ['a']);
    expect([...(await dry.get('debtors', ['a', 'b'])).keys()]).toEqual(['a']);
  });

  it("finds the links of the pair's flows of a kind from either side", async () => {
    const store = await seeded();
    for (const pairId of ['p1', 'p2']) {
      for (const [id, app] of [
        [`${pairId}-exact`, 'exact-online'],
        [`${pairId}-asperion`, 'asperion'],
      ] as const)
        await upsertConnection(
          store.db,
          { id, pairId, app, name: id, settings: {}, encryptedCredentials: null, credentialRefs: {} },
          t0,
        );
      await upsertFlow(
        store.db,
        {
          id: `${pairId}-customers`,
          pairId,
          kind: 'customers',
          sourceConnectionId: `${pairId}-asperion`,
          targetConnectionId: `${pairId}-exact`,
          enabled: true,
          schedule: null,
          priority: 100,
          settings: {},
          mappingVersion: null,
        },
        t0,
      );
    }
    const link = (pairId: string, flowId: string, sourceId: string, targetId: string) => ({
      pair_id: pairId,
      flow_id: flowId,
      entity: 'Customer',
      source_id: sourceId,
      target_id: targetId,
      content_hash: 'h',
      created_at: t0,
      updated_at: t0,
    });
    await upsertLinks(store.db, store.caps, [
      link('p1', 'p1-customers', '101', 'guid-a'),
      link('p1', 'p1-customers', '102', 'guid-b'),
      link('p2', 'p2-customers', '201', 'guid-a'),
    ]);
    const links = storePairLinks(store, 'p1');
    expect(await links.sourcesOf('customers', ['guid-a', 'guid-c'])).toEqual(new Map([['guid-a', '101']]));
    expect(await links.targetsOf('customers', ['101', '102', '201'])).toEqual(
      new Map([
        ['101', 'guid-a'],
        ['102', 'guid-b'],
      ]),
    );
    expect((await links.sourcesOf('products', ['guid-a'])).size).toBe(0);
  });
});
