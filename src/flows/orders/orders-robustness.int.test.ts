import { afterEach, describe, expect, it } from 'vitest';
import { replayDeadLetters } from '../../engine/replay.js';
import { testDialects } from '../../testing/databases.js';
import { addOrders, ids } from '../../testing/orders-test-fixture.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

describe.each(testDialects)('orders flow, Exact calls (%s)', (dialect) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('reads 200 new orders with lines and customers in at most 0.05 Exact calls an order', async () => {
    pair = await startPair(dialect);
    expect((await pair.run()).state, (await pair.deadLetters()).join('\n')).toBe('succeeded');
    const [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID', $top: '1' });
    const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
    const accounts = Array.from({ length: 20 }, (_, n) => ({
      ID: `0d000000-0000-4000-8000-${hex(n, 12)}`,
      Name: `Klant ${n}`,
      Email: `klant${n}@example.nl`,
      AddressLine1: `Dorpsstraat ${n + 1}`,
      Postcode: '1234 AB',
      City: 'Utrecht',
      Country: 'NL',
      Status: 'C',
    }));
    const invoices = Array.from({ length: 200 }, (_, n) => ({
      InvoiceID: `0e000000-0000-4000-8000-${hex(n, 12)}`,
      Journal: '70',
      OrderedBy: accounts[n % accounts.length]!.ID,
      SalesInvoiceLines: [
        { Item: item.ID, Quantity: 1 + (n % 3), UnitPrice: 9.95, VATCode: 'VH' },
        { Item: item.ID, Quantity: 1, UnitPrice: 4.5, VATCode: 'VL' },
      ],
    }));
    await pair.addExact({ 'crm/Accounts': accounts, 'salesinvoice/SalesInvoices': invoices });
    await fetch(`${pair.fx.url}/__sandbox/requests`, { method: 'DELETE' });
    const run = await pair.run();
    expect(run.counts.read).toBe(200);
    const calls = (await pair.fx.requests()).filter((r) => r.path.startsWith('/api/v1/'));
    expect(calls.length).toBeGreaterThan(0);
    expect(run.counts).toMatchObject({ created: 200, deadLettered: 0 });
    const sent = (await pair.invoices()).filter((i) => String(i.description).includes('[koppel:0e000000-'));
    expect(sent.length, (await pair.deadLetters()).join('\n')).toBe(200);
    expect(calls.length / 200).toBeLessThanOrEqual(0.05);
  });
});

describe.each(testDialects)('orders flow, failing target (%s)', (dialect) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('never sends an order twice when invoice calls fail, and replays what was left over', async () => {
    pair = await startPair(dialect);
    expect((await pair.run()).state).toBe('succeeded');
    await addOrders(pair);
    await pair.asperion.call('PUT', '/__sandbox/settings', {
      auth: false,
      body: {
        faults: { errorRate: 0.5, errorStatus: 502, pathPrefix: '/v1/salesinvoiceswithlines', seed: 7 },
      },
    });
    const faulty = await pair.run();
    expect(faulty.counts.read).toBe(6);
    const log = (await pair.asperion.call('GET', '/__sandbox/requests', { auth: false })).body.requests;
    expect(log.filter((r: any) => r.status === 502).length).toBeGreaterThan(0);
    expect(faulty.counts.created + faulty.counts.deadLettered).toBe(6);
    await pair.asperion.call('PUT', '/__sandbox/settings', {
      auth: false,
      body: { faults: { errorRate: 0 } },
    });
    const sent = (await pair.invoices()).filter((i) =>
      Object.values(ids).some((id) => String(i.description).includes(`[koppel:${id}]`)),
    );
    // Each order at most once, however often its create was tried.
    const refs = sent.map((i) => /\[koppel:([^\]]+)\]/.exec(i.description)?.[1]);
    expect(new Set(refs).size).toBe(refs.length);

    await replayDeadLetters(pair.fx.h.deps, { filter: { flowId: 'orders' }, mode: 'current' });
    const after = (await pair.invoices()).filter((i) =>
      Object.values(ids).some((id) => String(i.description).includes(`[koppel:${id}]`)),
    );
    const refsAfter = after.map((i) => /\[koppel:([^\]]+)\]/.exec(i.description)?.[1]).sort();
    // Every order exactly once (the one with the unknown article included: articles may be created here).
    expect(refsAfter).toEqual(
      Object.values(ids)
        .filter((id) => id.startsWith('0c'))
        .sort(),
    );
  });
});
