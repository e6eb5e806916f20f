import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../testing/test-sandbox.js';
import { startTestSandbox } from '../testing/test-sandbox.js';

const invoice = (lines: unknown[], extra: Record<string, unknown> = {}) => ({
  date: '2026-01-15',
  journalId: '70',
  debtorCustomerNumber: '1',
  paymentConditionId: 2,
  description: 'Webshop order 1001',
  lines: { _data: lines },
  ...extra,
});

describe('Asperion sandbox sales invoices (§2.4, §6.4)', () => {
  let sb: TestSandbox;
  beforeEach(async () => {
    sb = await startTestSandbox();
  });
  afterEach(() => sb.close());

  it('creates a draft without invoice number, with VAT per line rounded half-up and totals from the lines', async () => {
    const { status, body } = await sb.call('POST', '/v1/salesinvoiceswithlines', {
      body: invoice([
        { description: 'Koffie', amount: 0.5, ledgerAccountId: 8000, vatCode: 'H21' },
        { description: 'Taart', amount: 12.5, ledgerAccountId: 8010, vatCode: 'L9' },
      ]),
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      invoiceNumber: null,
      status: 1,
      bookyear: 2026,
      bookperiod: 1,
      debtorId: 1,
      paymentDueDate: '2026-02-14T00:00:00',
      amountExclVat: 13,
      vatAmount: 1.24,
      amountInclVat: 14.24,
    });
    expect(body.lines._data.map((l: { vatAmount: number }) => l.vatAmount)).toEqual([0.11, 1.13]);
    expect(body.lines._meta.totalCount).toBe(2);
    expect(body.lines._data[0].id).toEqual(expect.any(Number));
  });

  it('takes ledger account and VAT code from a sales type on the line', async () => {
    const { body } = await sb.call('POST', '/v1/salesinvoiceswithlines', {
      body: invoice([{ amount: 100, salesTypeId: 2 }]),
    });
    expect(body.lines._data[0]).toMatchObject({ ledgerAccountId: 8010, vatCode: 'L9', vatAmount: 9 });
  });

  it('takes the sales type, and so ledger account and VAT code, from an article on the line', async () => {
    const { body } = await sb.call('POST', '/v1/salesinvoiceswithlines', {
      body: invoice([{ amount: 14.5, articleId: 3 }]),
    });
    expect(body.lines._data[0]).toMatchObject({
      description: 'Appeltaart',
      salesTypeId: 2,
      ledgerAccountId: 8010,
      vatCode: 'L9',
      vatAmount: 1.31,
    });
    const inactive = await sb.call('POST', '/v1/salesinvoiceswithlines', {
      body: invoice([{ amount: 1, articleId: 5 }]),
    });
    expect(inactive.body.errors['Lines[0].ArticleId']).toHaveLength(1);
  });

  it('refuses a VAT code that is not valid on the invoice date, and accepts it on a date within its validity', async () => {
    const old = await sb.call('POST', '/v1/salesinvoiceswithlines', {
      body: invoice([{ amount: 10, ledgerAccountId: 8010, vatCode: 'L6' }]),
    });
    expect(old.body.errors['Lines[0].VatCode']).toHaveLength(1);
    const then = await sb.call('POST', '/v1/salesinvoiceswithlines', {
      body: invoice([{ amount: 10, ledgerAccountId: 8010, vatCode: 'L6' }], { date: '2018-06-01' }),
    });
    expect(then.status).toBe(201);
    expect(then.body.vatAmount).toBe(0.6);
  });

  it('refuses blocked debtors, unknown debtors, purchase VAT codes, non-sales journals and disabled accounts', async () => {
    const blocked = await sb.call('POST', '/v1/salesinvoiceswithlines', {
      body: invoice([{ amount: 1, ledgerAccountId: 8000, vatCode: 'H21' }], { debtorCustomerNumber: '12' }),
    });
    expect(blocked.body.errors.DebtorCustomerNumber).toHaveLength(1);
    const { body } = await sb.call('POST', '/v1/salesinvoiceswithlines', {
      body: invoice([{ amount: 1, ledgerAccountId: 8090, vatCode: 'IH21' }], {
        journalId: '90',
        debtorCustomerNumber: 'X',
      }),
    });
    expect(Object.keys(body.errors).sort()).toEqual([
      'DebtorCustomerNumber',
      'JournalId',
      'Lines[0].LedgerAccountId',
      'Lines[0].VatCode',
    ]);
  });

  it('needs at least one line', async () => {
    const { body } = await sb.call('POST', '/v1/salesinvoiceswithlines', { body: invoice([]) });
    expect(body.errors.Lines).toHaveLength(1);
  });

  it('computes VAT out of line amounts that include VAT when salesLineAmountIncludesVat is on', async () => {
    await sb.call('PUT', '/__sandbox/settings', { body: { salesLineAmountIncludesVat: true } });
    const { body } = await sb.call('POST', '/v1/salesinvoiceswithlines', {
      body: invoice([{ amount: 121, ledgerAccountId: 8000, vatCode: 'H21' }]),
    });
    expect(body).toMatchObject({ amountExclVat: 100, vatAmount: 21, amountInclVat: 121 });
  });

  it("keeps the client's line VAT within the tolerance when serverComputesVat is off, and overrides it when on", async () => {
    const line = { amount: 10.05, ledgerAccountId: 8000, vatCode: 'H21', vatAmount: 2.12 };
    const server = await sb.call('POST', '/v1/salesinvoiceswithlines', { body: invoice([line]) });
    expect(server.body.vatAmount).toBe(2.11);
    await sb.call('PUT', '/__sandbox/settings', { body: { serverComputesVat: false } });
    const client = await sb.call('POST', '/v1/salesinvoiceswithlines', { body: invoice([line]) });
    expect(client.body.vatAmount).toBe(2.12);
    // A client cannot book any VAT it likes: further than clientVatTolerance from the rate is refused.
    const off = await sb.call('POST', '/v1/salesinvoiceswithlines', {
      body: invoice([{ ...line, vatAmount: 2 }]),
    });
    expect(off.status).toBe(400);
    expect(JSON.stringify(off.body)).toContain('VatAmount');
  });

  it('shows invoice headers without lines at /v1/salesinvoices', async () => {
    const { body } = await sb.call('GET', '/v1/salesinvoices?pageSize=1');
    expect(body._data[0].lines).toBeUndefined();
    expect(body._data[0]._meta.self).toContain('/v1/salesinvoices/');
  });

  it('numbers an invoice on finalising through the control API, books it, and marks it paid on payment', async () => {
    const created = await sb.call('POST', '/v1/salesinvoiceswithlines', {
      body: invoice([{ amount: 100, ledgerAccountId: 8000, vatCode: 'H21' }]),
    });
    const id = created.body.id;
    const final = await sb.call('POST', `/__sandbox/administrations/1/salesinvoices/${id}/finalise`);
    expect(final.body).toMatchObject({ invoiceNumber: '2026-0001', status: 6 });
    expect((await sb.call('POST', `/__sandbox/administrations/1/salesinvoices/${id}/finalise`)).status).toBe(
      409,
    );
    const entries = await sb.call('GET', '/v1/journalentrieswithlines?SourceDocumentNumber=2026-0001');
    expect(entries.body._data[0].lines._data.map((l: { amount: number }) => l.amount)).toEqual([
      121, -100, -21,
    ]);
    const paid = await sb.call('POST', `/__sandbox/administrations/1/salesinvoices/${id}/payments`, {
      body: {},
    });
    expect(paid.body.status).toBe(7);
    const listed = await sb.call(
      'GET',
      '/v1/salesinvoiceswithlines?InvoiceNumber=2026-0001&InvoiceNumber_comparison=Equals',
    );
    expect(listed.body._data[0].status).toBe(7);
  });

  it('refuses to finalise into a closed period', async () => {
    const created = await sb.call('POST', '/v1/salesinvoiceswithlines', {
      body: invoice([{ amount: 100, ledgerAccountId: 8000, vatCode: 'H21' }]),
    });
    await sb.call('POST', '/__sandbox/administrations/1/closed-periods', {
      body: { bookyear: 2026, bookperiod: 1 },
    });
    const refused = await sb.call(
      'POST',
      `/__sandbox/administrations/1/salesinvoices/${created.body.id}/finalise`,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors.Bookperiod).toHaveLength(1);
  });

  it('changes a draft line and deletes a draft through the control API, as a user in the app; not a processed one', async () => {
    const created = await sb.call('POST', '/v1/salesinvoiceswithlines', {
      body: invoice([
        { amount: 100, ledgerAccountId: 8000, vatCode: 'H21' },
        { amount: 10, ledgerAccountId: 8000, vatCode: 'H21' },
      ]),
    });
    const id = created.body.id;
    const edited = await sb.call('PUT', `/__sandbox/administrations/1/salesinvoices/${id}/line`, {
      body: { line: 1, amount: 20 },
    });
    expect(edited.body).toMatchObject({ amountExclVat: 120, vatAmount: 25.2, amountInclVat: 145.2 });
    expect(edited.body.lines._data.map((l: { vatAmount: number }) => l.vatAmount)).toEqual([21, 4.2]);
    const missingLine = await sb.call('PUT', `/__sandbox/administrations/1/salesinvoices/${id}/line`, {
      body: { line: 5, amount: 1 },
    });
    expect(missingLine.status).toBe(404);
    expect((await sb.call('DELETE', `/__sandbox/administrations/1/salesinvoices/${id}`)).status).toBe(200);
    expect((await sb.call('GET', `/v1/salesinvoiceswithlines/${id}`)).status).toBe(404);

    const kept = await sb.call('POST', '/v1/salesinvoiceswithlines', {
      body: invoice([{ amount: 100, ledgerAccountId: 8000, vatCode: 'H21' }]),
    });
    await sb.call('POST', `/__sandbox/administrations/1/salesinvoices/${kept.body.id}/finalise`);
    const refused = await sb.call('DELETE', `/__sandbox/administrations/1/salesinvoices/${kept.body.id}`);
    expect(refused.status).toBe(409);
  });
});
