import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../testing/test-sandbox.js';
import { startTestSandbox } from '../testing/test-sandbox.js';

const entry = (lines: unknown[], extra: Record<string, unknown> = {}) => ({
  journalId: '90',
  date: '2026-01-15',
  description: 'Memoriaal',
  lines: { _data: lines },
  ...extra,
});

describe('Asperion sandbox journal entries (§2.5, §6.4)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(() => sb.close());

  it('stores a balanced entry and derives book year and period from the date', async () => {
    const { status, body } = await sb.call('POST', '/v1/journalentrieswithlines', {
      body: entry([
        { amount: 100, ledgerAccountId: 4000, bookingDate: '2026-01-15', costCenterId: 1 },
        { amount: -100, ledgerAccountId: 1100 },
      ]),
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      bookyear: 2026,
      bookperiod: 1,
      state: 1,
      lines: { _meta: { totalCount: 2 } },
    });
    expect((await sb.call('GET', `/v1/journalentrieswithlines/${body.id}`)).body.id).toBe(body.id);
  });

  it('refuses lines that do not add up to zero, to the cent', async () => {
    const { status, body } = await sb.call('POST', '/v1/journalentrieswithlines', {
      body: entry([
        { amount: 0.1, ledgerAccountId: 4000 },
        { amount: 0.2, ledgerAccountId: 4000 },
        { amount: -0.29, ledgerAccountId: 1100 },
      ]),
    });
    expect(status).toBe(400);
    expect(body.errors.Lines).toEqual(['De regels tellen op tot 0.01 in plaats van 0,00.']);
    const exact = await sb.call('POST', '/v1/journalentrieswithlines', {
      body: entry([
        { amount: 0.1, ledgerAccountId: 4000 },
        { amount: 0.2, ledgerAccountId: 4000 },
        { amount: -0.3, ledgerAccountId: 1100 },
      ]),
    });
    expect(exact.status).toBe(201);
  });

  it('needs at least two lines and an existing, enabled ledger account on each', async () => {
    expect(
      (
        await sb.call('POST', '/v1/journalentrieswithlines', {
          body: entry([{ amount: 0, ledgerAccountId: 4000 }]),
        })
      ).body.errors.Lines,
    ).toHaveLength(1);
    const { body } = await sb.call('POST', '/v1/journalentrieswithlines', {
      body: entry([
        { amount: 1, ledgerAccountId: 8090 },
        { amount: -1, ledgerAccountId: 7777 },
      ]),
    });
    expect(Object.keys(body.errors).sort()).toEqual(['Lines[0].LedgerAccountId', 'Lines[1].LedgerAccountId']);
  });

  it('asks a debtor on the receivables account, a creditor on payables, and neither elsewhere', async () => {
    const { body } = await sb.call('POST', '/v1/journalentrieswithlines', {
      body: entry([
        { amount: 1, ledgerAccountId: 1300 },
        { amount: 1, ledgerAccountId: 1600 },
        { amount: -2, ledgerAccountId: 4000, debtorId: 1 },
      ]),
    });
    expect(Object.keys(body.errors).sort()).toEqual(['Lines[0]', 'Lines[1]', 'Lines[2]']);
    const ok = await sb.call('POST', '/v1/journalentrieswithlines', {
      body: entry([
        { amount: 5, ledgerAccountId: 1300, debtorId: 1 },
        { amount: -5, ledgerAccountId: 1600, creditorId: 4 },
      ]),
    });
    expect(ok.status).toBe(201);
  });

  it('refuses postings in a closed period with closedPeriodStatus', async () => {
    await sb.call('POST', '/__sandbox/administrations/1/closed-periods', {
      body: { bookyear: 2025, bookperiod: 12 },
    });
    const lines = [
      { amount: 1, ledgerAccountId: 4000 },
      { amount: -1, ledgerAccountId: 1100 },
    ];
    const { status, body } = await sb.call('POST', '/v1/journalentrieswithlines', {
      body: entry(lines, { date: '2025-12-31' }),
    });
    expect(status).toBe(400);
    expect(body.errors.Bookperiod).toHaveLength(1);
    await sb.call('PUT', '/__sandbox/settings', { body: { closedPeriodStatus: 409 } });
    const conflict = await sb.call('POST', '/v1/journalentrieswithlines', {
      body: entry(lines, { date: '2025-12-01' }),
    });
    expect(conflict.status).toBe(409);
    expect(
      (await sb.call('POST', '/v1/journalentrieswithlines', { body: entry(lines, { date: '2025-11-30' }) }))
        .status,
    ).toBe(201);
  });

  it('limits API postings to memorial journals when journalEntriesOnlyMemorial is on', async () => {
    await sb.call('PUT', '/__sandbox/settings', { body: { journalEntriesOnlyMemorial: true } });
    const lines = [
      { amount: 1, ledgerAccountId: 4000 },
      { amount: -1, ledgerAccountId: 1100 },
    ];
    const { body } = await sb.call('POST', '/v1/journalentrieswithlines', {
      body: entry(lines, { journalId: '20' }),
    });
    await sb.call('PUT', '/__sandbox/settings', { body: { journalEntriesOnlyMemorial: false } });
    expect(body.errors.JournalId).toHaveLength(1);
  });
});
