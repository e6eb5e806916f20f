import type { Pair } from './flow-test-pair.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

export const ids = {
  person: '0a000000-0000-4000-8000-000000000001',
  belgian: '0a000000-0000-4000-8000-000000000002',
  swiss: '0a000000-0000-4000-8000-000000000003',
  unknown: '0b000000-0000-4000-8000-000000000002',
  discounted: '0c000000-0000-4000-8000-000000000001',
  company: '0c000000-0000-4000-8000-000000000002',
  credit: '0c000000-0000-4000-8000-000000000003',
  eu: '0c000000-0000-4000-8000-000000000004',
  export: '0c000000-0000-4000-8000-000000000005',
  missing: '0c000000-0000-4000-8000-000000000006',
};

/** An Exact sales invoice row for a fixture: on journal 70, for `account`, with `lines` and any other fields. */
export function salesInvoice(
  id: string,
  account: string,
  lines: unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { InvoiceID: id, Journal: '70', OrderedBy: account, SalesInvoiceLines: lines, ...extra };
}

/** Customers, items and invoices of our own, added after the demo data (so a run reads only these). */
export async function addOrders(pair: Pair): Promise<{ company: any; item: any; contact: any }> {
  const accounts = await pair.exact('bulk/CRM/Accounts', { $select: 'ID,Name,Email,MainContact,Country' });
  const company = accounts.find((a) => a.MainContact && a.Country === 'NL');
  const [contact] = await pair.exact('bulk/CRM/Contacts', {
    $select: 'ID,FullName',
    $filter: `ID eq guid'${company.MainContact}'`,
  });
  const [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID,Code', $top: '1' });
  // The demo catalogue has a shipping item of its own.
  const [shipping] = await pair.exact('bulk/Logistics/Items', {
    $select: 'ID,Code',
    $filter: "Code eq 'VERZEND'",
  });
  const invoice = (id: string, account: string, lines: unknown[], extra: Record<string, unknown> = {}) =>
    salesInvoice(id, account, lines, { Description: `Webshop ${id.slice(-1)}`, ...extra });
  await pair.addExact({
    'crm/Accounts': [
      {
        ID: ids.person,
        Name: 'Jan de Vries',
        Email: 'jan.devries@example.nl',
        AddressLine1: 'Keizersgracht 123-2',
        Postcode: '1015 CJ',
        City: 'Amsterdam',
        Country: 'NL',
        Status: 'C',
      },
      {
        ID: ids.belgian,
        Name: 'Fietsen Peeters',
        Email: 'info@fietsenpeeters.be',
        AddressLine1: 'Meir 12',
        Postcode: '2000',
        City: 'Antwerpen',
        Country: 'BE',
        VATNumber: 'BE0123456749',
        Status: 'C',
      },
      {
        ID: ids.swiss,
        Name: 'Velo Zürich',
        Email: 'info@velo-zuerich.ch',
        AddressLine1: 'Bahnhofstrasse 5',
        Postcode: '8001',
        City: 'Zürich',
        Country: 'CH',
        // A Swiss UID/MWST number: no EU VAT number, so the debtor gets none.
        VATNumber: 'CHE-149.926.927 MWST',
        Status: 'C',
      },
    ],
    'logistics/Items': [{ ID: ids.unknown, Code: 'NIEUW-1', Description: 'Nieuw artikel' }],
    'salesinvoice/SalesInvoices': [
      invoice(
        ids.discounted,
        ids.person,
        [
          { Item: item.ID, Quantity: 3, UnitPrice: 19.99, Discount: 0.1, VATCode: 'VL' },
          { Item: shipping.ID, Quantity: 1, UnitPrice: 6.95, VATCode: 'VH' },
        ],
        { PaymentCondition: '14' },
      ),
      invoice(ids.company, company.ID, [{ Item: item.ID, Quantity: 2, UnitPrice: 12.5, VATCode: 'VH' }]),
      invoice(ids.credit, company.ID, [{ Item: item.ID, Quantity: -2, UnitPrice: 10, VATCode: 'VH' }], {
        Type: 8021,
      }),
      // Exact invoices a business abroad at 0% (V0); Asperion needs the code that says why.
      invoice(ids.eu, ids.belgian, [{ Item: item.ID, Quantity: 1, UnitPrice: 100, VATCode: 'V0' }]),
      invoice(ids.export, ids.swiss, [{ Item: item.ID, Quantity: 1, UnitPrice: 80, VATCode: 'V0' }]),
      invoice(ids.missing, ids.person, [
        { Item: item.ID, Quantity: 1, UnitPrice: 5, VATCode: 'VH' },
        { Item: ids.unknown, Quantity: 1, UnitPrice: 7, VATCode: 'VH' },
      ]),
    ],
  });
  return { company, item, contact };
}

/**
 * The Exact accounts that share their e-mail address (without case) with an account of another
 * name: the demo seed has a few (its domains leave the legal form out, so "X B.V." and "X V.O.F."
 * both write to info@x.nl). Matching on e-mail, only the first of them to order gets a debtor; the
 * others' orders fail as ambiguous until a person chooses their debtor.
 */
export async function accountsSharingEmail(pair: Pair): Promise<Set<string>> {
  const accounts = await pair.exact('bulk/CRM/Accounts', { $select: 'ID,Name,Email' });
  const byEmail = new Map<string, any[]>();
  for (const a of accounts) {
    const email = String(a.Email ?? '')
      .trim()
      .toLowerCase();
    if (email !== '') byEmail.set(email, [...(byEmail.get(email) ?? []), a]);
  }
  const out = new Set<string>();
  for (const group of byEmail.values())
    if (new Set(group.map((a) => a.Name)).size > 1) for (const a of group) out.add(a.ID);
  return out;
}

/** The dead letters of a run as source id → error code. */
export async function deadLetterCodes(pair: Pair): Promise<Map<string, string>> {
  const rows = await pair.fx.h.store.db
    .selectFrom('dead_letters')
    .select(['source_id', 'error_code'])
    .where('flow_id', '=', pair.flowId)
    .execute();
  return new Map(rows.map((r) => [r.source_id, r.error_code]));
}
