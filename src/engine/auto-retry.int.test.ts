import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.js';
import { startPair, type Pair } from '../testing/flow-test-pair.js';
import { autoRetryDeadLetters } from './auto-retry.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

const minute = 60_000;
const hex = (n: number) => n.toString(16).padStart(12, '0');
const invoiceIds = [1, 2].map((n) => `0f000000-0000-4000-8000-${hex(n)}`);

/** Two new orders in Exact (two: fewer than the run's circuit breaker, so the run goes on and its cursor moves past them). */
async function addTwoOrders(pair: Pair): Promise<void> {
  const [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID', $top: '1' });
  const account = {
    ID: `0d000000-0000-4000-8000-${hex(99)}`,
    Name: 'Storing BV',
    Email: 'storing@example.nl',
    AddressLine1: 'Dorpsstraat 1',
    Postcode: '1234 AB',
    City: 'Utrecht',
    Country: 'NL',
    Status: 'C',
  };
  await pair.addExact({
    'crm/Accounts': [account],
    'salesinvoice/SalesInvoices': invoiceIds.map((InvoiceID) => ({
      InvoiceID,
      Journal: '70',
      OrderedBy: account.ID,
      SalesInvoiceLines: [{ Item: item.ID, Quantity: 1, UnitPrice: 9.95, VATCode: 'VH' }],
    })),
  });
}

describe.each(testDialects)('automatic retries of transient dead letters (%s)', (dialect) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  const outage = (on: boolean) =>
    pair!.asperion.call('PUT', '/__sandbox/settings', {
      auth: false,
      body: {
        faults: on
          ? { errorRate: 1, errorStatus: 503, pathPrefix: '/v1/salesinvoiceswithlines' }
          : { errorRate: 0 },
      },
    });
  const sentOnce = async () =>
    (await pair!.invoices())
      .map((i) => /\[koppel:([^\]]+)\]/.exec(String(i.description))?.[1])
      .filter((ref) => ref !== undefined && invoiceIds.includes(ref))
      .sort();
  const invoicePosts = async () =>
    (
      (await pair!.asperion.call('GET', '/__sandbox/requests', { auth: false })).body.requests as any[]
    ).filter((r) => r.method === 'POST' && r.url.startsWith('/v1/salesinvoiceswithlines')).length;
  const deadLetters = () =>
    pair!.fx.h.store.db.selectFrom('dead_letters').selectAll().orderBy('source_id').execute();

  it('retries them with growing delays through a long outage, and sends each exactly once when it ends', async () => {
    pair = await startPair(dialect);
    const { h, clock } = pair.fx;
    expect((await pair.run()).state).toBe('succeeded');
    await addTwoOrders(pair);
    await outage(true);
    const run = await pair.run();
    // Partial: the rest of the run went through and its cursor moved past the two.
    expect(run.state, (await pair.deadLetters()).join('\n')).toBe('partial');
    expect(run.counts.deadLettered).toBe(2);
    expect((await deadLetters()).map((d) => [d.error_kind, d.state])).toEqual([
      ['transient', 'open'],
      ['transient', 'open'],
    ]);

    // Ten hours of outage, the job firing every five minutes: retried, each time later than before.
    const retriedAt: number[] = [];
    const start = clock.now().getTime();
    while (clock.now().getTime() - start < 10 * 60 * minute) {
      clock.advance(5 * minute);
      const pass = await autoRetryDeadLetters(h.deps, pair.flowId);
      if (pass.retried > 0) retriedAt.push(clock.now().getTime() - start);
      expect(pass.resolved).toBe(0);
    }
    expect(retriedAt.length).toBeGreaterThanOrEqual(4);
    const gaps = retriedAt.slice(1).map((t, i) => t - retriedAt[i]!);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(240 * minute + 5 * minute + 5 * minute);
    expect((await deadLetters()).every((d) => d.state === 'open' && d.error_kind === 'transient')).toBe(true);

    // The outage ends; the next due pass sends both without a person, and nothing twice.
    await outage(false);
    expect(await sentOnce()).toEqual([]);
    let resolved = 0;
    for (let step = 0; step < 60 && resolved < 2; step++) {
      clock.advance(5 * minute);
      resolved += (await autoRetryDeadLetters(h.deps, pair.flowId)).resolved;
    }
    expect(resolved).toBe(2);
    expect(await sentOnce()).toEqual([...invoiceIds].sort());
    expect((await deadLetters()).map((d) => d.state)).toEqual(['resolved', 'resolved']);
    // Later passes find nothing to do.
    clock.advance(300 * minute);
    expect(await autoRetryDeadLetters(h.deps, pair.flowId)).toEqual({
      retried: 0,
      resolved: 0,
      exhausted: 0,
    });
    expect(await sentOnce()).toEqual([...invoiceIds].sort());

    // Each retry is on the timeline of the record it made, and in the log.
    const created = await h.store.db
      .selectFrom('records')
      .select(['source_id', 'timeline'])
      .where('state', '=', 'created')
      .where('source_id', 'in', invoiceIds)
      .execute();
    expect(created).toHaveLength(2);
    for (const r of created) expect(r.timeline).toContain('"step":"auto-retry"');
    await new Promise((r) => setTimeout(r, 50));
    const lines = h.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'dead letter retried automatically');
    expect(lines.length).toBe(retriedAt.length * 2 + 2);
    expect(lines.at(-1)).toMatchObject({
      flowId: pair.flowId,
      outcome: 'created',
      attempt: expect.any(Number),
    });
  });

  it('gives up after giveUpAfterHours with one event, and never retries a dead letter that is not transient', async () => {
    pair = await startPair(dialect);
    const { h, clock } = pair.fx;
    await h.setInstallationSetting('deadLetters', { autoRetry: { giveUpAfterHours: 2 } });
    expect((await pair.run()).state).toBe('succeeded');
    await addTwoOrders(pair);
    await outage(true);
    expect((await pair.run()).counts.deadLettered).toBe(2);
    const [first] = await deadLetters();
    // One of them failed for a reason retrying cannot fix.
    await h.store.db
      .updateTable('dead_letters')
      .set({ error_kind: 'invalid', error_code: 'asperion.invalid' })
      .where('id', '=', first!.id)
      .execute();

    let exhausted = 0;
    for (let step = 0; step < 36; step++) {
      clock.advance(5 * minute);
      exhausted += (await autoRetryDeadLetters(h.deps, pair.flowId)).exhausted;
    }
    expect(exhausted).toBe(1);
    const events = await h.store.db
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'dead_letter.retries_exhausted')
      .execute();
    expect(events).toHaveLength(1);
    const [second] = (await deadLetters()).filter((d) => d.id !== first!.id);
    expect(JSON.parse(events[0]!.details)).toMatchObject({ deadLetterIds: [second!.id] });
    const after = await deadLetters();
    expect(after.find((d) => d.id === first!.id)).toMatchObject({ replay_count: 0, state: 'open' });
    expect(after.find((d) => d.id === second!.id)!.replay_count).toBeGreaterThan(0);

    // Given up: the outage ends, yet nothing is sent until a person replays it.
    await outage(false);
    const posts = await invoicePosts();
    clock.advance(600 * minute);
    expect(await autoRetryDeadLetters(h.deps, pair.flowId)).toEqual({
      retried: 0,
      resolved: 0,
      exhausted: 0,
    });
    expect(await invoicePosts()).toBe(posts);
    expect(await sentOnce()).toEqual([]);
  });

  it('does nothing when automatic retries are switched off', async () => {
    pair = await startPair(dialect);
    const { h, clock } = pair.fx;
    await h.setInstallationSetting('deadLetters', { autoRetry: { enabled: false } });
    expect((await pair.run()).state).toBe('succeeded');
    await addTwoOrders(pair);
    await outage(true);
    expect((await pair.run()).counts.deadLettered).toBe(2);
    await outage(false);
    clock.advance(60 * minute);
    expect(await autoRetryDeadLetters(h.deps, pair.flowId)).toEqual({
      retried: 0,
      resolved: 0,
      exhausted: 0,
    });
    expect(await sentOnce()).toEqual([]);
  });
});
