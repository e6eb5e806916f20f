import type { Pair } from '../src/testing/flow-test-pair.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the naive client reads the sandboxes' JSON as it comes */

/**
 * The naive integration the orders bench compares Koppel with, measured rather than assumed: per
 * order, one after the other, over HTTP to the sandboxes, it reads the invoice, its lines and its
 * customer from Exact, checks whether the order is already in Asperion, looks the customer up by
 * e-mail, updates or creates it, looks each line's product up by code (creating a missing one) and
 * creates the invoice. It remembers nothing between orders. Its invoices carry `[naive:<id>]` so
 * its existence check never finds the ones Koppel made of the same orders.
 */
export async function naiveOrders(pair: Pair, invoiceIds: readonly string[]): Promise<void> {
  for (const id of invoiceIds) await naiveOrder(pair, id);
}

async function naiveOrder(pair: Pair, invoiceId: string): Promise<void> {
  const [header] = await exactGet(pair, 'salesinvoice/SalesInvoices', {
    $filter: `InvoiceID eq guid'${invoiceId}'`,
    $select: 'InvoiceID,InvoiceDate,OrderedBy,Description',
  });
  if (!header) throw new Error(`naive: Exact has no invoice ${invoiceId}`);
  const lines = await exactGet(pair, 'salesinvoice/SalesInvoiceLines', {
    $filter: `InvoiceID eq guid'${invoiceId}'`,
    $select: 'ItemCode,Description,AmountFC,VATCode',
  });
  const [customer] = await exactGet(pair, 'crm/Accounts', {
    $filter: `ID eq guid'${header.OrderedBy}'`,
    $select: 'ID,Name,Email,AddressLine1,Postcode,City,Country',
  });
  if (!customer) throw new Error(`naive: Exact has no account ${header.OrderedBy}`);

  const reference = `[naive:${invoiceId}]`;
  const existing = await asperion(pair, 'GET', 'salesinvoiceswithlines', {
    query: { Description: reference, Description_comparison: 'Contains' },
  });
  if (existing._data.length > 0) return;

  const debtorFields = {
    name: customer.Name,
    address: customer.AddressLine1,
    postCode: customer.Postcode,
    city: customer.City,
    countryCode: customer.Country,
    emailAddress: customer.Email,
  };
  const found = await asperion(pair, 'GET', 'debtors', {
    query: { EmailAddress: customer.Email, EmailAddress_comparison: 'Equals' },
  });
  const debtor = found._data[0]
    ? await asperion(pair, 'PUT', `debtors/${found._data[0].id}`, { body: debtorFields })
    : await asperion(pair, 'POST', 'debtors', { body: debtorFields });

  const invoiceLines = [];
  for (const line of lines) {
    const articles = await asperion(pair, 'GET', 'articles', {
      query: { Code: line.ItemCode, Code_comparison: 'Equals', ActiveState: 'All' },
    });
    const article =
      articles._data[0] ??
      (await asperion(pair, 'POST', 'articles', {
        body: { code: line.ItemCode, description: line.Description ?? line.ItemCode, salesTypeId: 1 },
      }));
    invoiceLines.push({
      description: line.Description ?? line.ItemCode,
      amount: line.AmountFC,
      // The bench's orders are all domestic at Exact's VH: Asperion's H21 on the high revenue account.
      ledgerAccountId: 8000,
      vatCode: line.VATCode === 'VH' ? 'H21' : 'L9',
      articleId: article.id,
    });
  }
  await asperion(pair, 'POST', 'salesinvoiceswithlines', {
    body: {
      date: exactDate(header.InvoiceDate),
      journalId: '70',
      debtorCustomerNumber: debtor.customerNumber,
      description: `${header.Description ?? ''} ${reference}`.trim(),
      lines: invoiceLines,
    },
  });
}

async function exactGet(pair: Pair, path: string, query: Record<string, string>): Promise<any[]> {
  const res = await fetch(`${pair.fx.url}/api/v1/${pair.fx.division}/${path}?${new URLSearchParams(query)}`, {
    headers: { authorization: `Bearer ${pair.fx.accessToken}`, accept: 'application/json' },
  });
  const body = (await res.json()) as any;
  if (!res.ok) throw new Error(`naive: Exact ${path} answered ${res.status}: ${JSON.stringify(body)}`);
  return Array.isArray(body.d) ? body.d : body.d.results;
}

async function asperion(
  pair: Pair,
  method: string,
  path: string,
  options: { query?: Record<string, string>; body?: unknown } = {},
): Promise<any> {
  const query = options.query ? `?${new URLSearchParams(options.query)}` : '';
  const res = await pair.asperion.call(method, `/v1/${path}${query}`, {
    headers: { 'x-tenant-id': '1' },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  if (res.status >= 300)
    throw new Error(`naive: Asperion ${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Exact's OData date (`/Date(ms)/`) as an ISO date; Exact dates are Amsterdam wall time dressed as UTC. */
function exactDate(value: unknown): string {
  const ms = /\/Date\((-?\d+)\)\//.exec(String(value))?.[1];
  return ms === undefined ? String(value).slice(0, 10) : new Date(Number(ms)).toISOString().slice(0, 10);
}
