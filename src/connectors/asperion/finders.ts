import { KoppelError } from '../../core/errors.js';
import { koppelReference, readKoppelReference } from './koppel-reference.js';
import type { AsperionResource, ListFilter } from './resource.js';
import type { Article, Debtor, JournalEntry, SalesInvoice, SalesOrder } from './resource-types.js';

interface Resources {
  debtors: AsperionResource<Debtor, never, never>;
  articles: AsperionResource<Article, never, never>;
  salesInvoices: AsperionResource<SalesInvoice, never, never>;
  salesOrders: AsperionResource<SalesOrder, never, never>;
  journalEntries: AsperionResource<JournalEntry, never, never>;
}

/**
 * Look-ups by natural key, for finding a record again before creating it (there is no idempotency
 * key, reference 1.8, 7). The server's filter narrows the list; the key is then compared exactly here,
 * since Asperion matches strings with Contains unless told otherwise and case-insensitively. None is
 * null; more than one where one is expected is a conflict that names them.
 */
export function asperionFinders(client: Resources) {
  return {
    debtorByCustomerNumber: (customerNumber: string) =>
      single(
        client.debtors,
        { CustomerNumber: customerNumber, CustomerNumber_comparison: 'Equals' },
        (d) => d.customerNumber === customerNumber,
        `debtor with customer number ${customerNumber}`,
      ),
    /** E-mail addresses compare without case, as mail servers do for the domain and most do for the rest. */
    debtorByEmail: (email: string) => {
      const wanted = email.trim().toLowerCase();
      return single(
        client.debtors,
        { EmailAddress: email.trim(), EmailAddress_comparison: 'Equals' },
        (d) => (d.emailAddress ?? '').trim().toLowerCase() === wanted,
        `debtor with e-mail ${email}`,
      );
    },
    /** Inactive articles count too: their code is still taken (codes are unique without case). */
    articleByCode: (code: string) =>
      single(
        client.articles,
        { Code: code, Code_comparison: 'Equals', ActiveState: 'All' },
        (a) => a.code.toLowerCase() === code.toLowerCase(),
        `article with code ${code}`,
      ),
    salesInvoiceByReference: (sourceId: string) =>
      byReference(client.salesInvoices, sourceId, 'sales invoice'),
    salesOrderByReference: (sourceId: string) => byReference(client.salesOrders, sourceId, 'sales order'),
    journalEntryByReference: (sourceId: string) =>
      byReference(client.journalEntries, sourceId, 'journal entry'),
  };
}

function byReference<R extends { id: number; description: string | null }>(
  resource: AsperionResource<R, never, never>,
  sourceId: string,
  what: string,
): Promise<R | null> {
  const reference = koppelReference(sourceId);
  return single(
    resource,
    { Description: reference, Description_comparison: 'Contains' },
    (r) => readKoppelReference(r.description) === sourceId,
    `${what} with reference ${reference}`,
  );
}

async function single<R extends { id: number | string }>(
  resource: AsperionResource<R, never, never>,
  filter: ListFilter,
  matches: (row: R) => boolean,
  what: string,
): Promise<R | null> {
  const rows = (await resource.list(filter, 100)).filter(matches);
  if (rows.length === 0) return null;
  if (rows.length === 1) return rows[0]!;
  const ids = rows.map((r) => r.id);
  throw new KoppelError(`Found ${rows.length} of ${what} where one was expected (ids ${ids.join(', ')})`, {
    code: 'asperion.ambiguous',
    kind: 'conflict',
    details: { endpoint: `/v1/${resource.path}`, ids },
  });
}
