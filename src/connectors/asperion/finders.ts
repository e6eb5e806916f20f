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
  /** E-mail addresses compare without case, as mail servers do for the domain and most do for the rest. */
  const debtorsByEmail = async (email: string): Promise<Debtor[]> => {
    const wanted = email.trim().toLowerCase();
    return (
      await client.debtors.list({ EmailAddress: email.trim(), EmailAddress_comparison: 'Equals' }, 100)
    ).filter((d) => (d.emailAddress ?? '').trim().toLowerCase() === wanted);
  };
  return {
    debtorByCustomerNumber: (customerNumber: string) =>
      single(
        client.debtors,
        { CustomerNumber: customerNumber, CustomerNumber_comparison: 'Equals' },
        (d) => d.customerNumber === customerNumber,
        `debtor with customer number ${customerNumber}`,
      ),
    debtorsByEmail,
    debtorByEmail: async (email: string) =>
      oneOf(await debtorsByEmail(email), `debtor with e-mail ${email}`, client.debtors),
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
    salesInvoicesByReferences: (sourceIds: readonly string[], since: Date) =>
      byReferences(client.salesInvoices, sourceIds, since, 'sales invoice'),
    salesOrdersByReferences: (sourceIds: readonly string[], since: Date) =>
      byReferences(client.salesOrders, sourceIds, since, 'sales order'),
    journalEntriesByReferences: (sourceIds: readonly string[], since: Date) =>
      byReferences(client.journalEntries, sourceIds, since, 'journal entry'),
  };
}

/**
 * How far before `since` a listing by change stamp starts. Asperion's stamps are wall time without
 * zone (sandbox: UTC; Asperion presumably Dutch local time, which is ahead of UTC and only widens the
 * window), so this covers the two clocks drifting apart.
 */
export const referenceListMarginMs = 60 * 60_000;
const listPageSize = 100;

interface Referenced {
  id: number;
  description: string | null;
}

/**
 * Many records by reference in a few calls: the records whose description holds a Koppel reference
 * and that changed since `since` (less a margin), read page by page and matched here. A record
 * created at or after `since` has a change stamp no older than its creation, so the listing holds it,
 * as long as Asperion's clock is not behind Koppel's by more than the margin (an ignored filter only
 * makes the listing longer).
 * When the listing would take more pages than there are references to find, the rest are looked up
 * one by one instead (as they are when there is only one). Several records with one reference is a
 * conflict, as for the single look-up.
 */
async function byReferences<R extends Referenced>(
  resource: AsperionResource<R, never, never>,
  sourceIds: readonly string[],
  since: Date,
  what: string,
): Promise<Map<string, R>> {
  const wanted = new Set(sourceIds);
  const found = new Map<string, R[]>();
  const from = new Date(since.getTime() - referenceListMarginMs).toISOString().slice(0, 19);
  const filter: ListFilter = {
    Description: '[koppel:',
    Description_comparison: 'Contains',
    DateLastChange_from: from,
  };
  let complete = false;
  if (wanted.size > 1) {
    let read = 0;
    for await (const page of resource.pages(filter, listPageSize)) {
      read++;
      for (const row of page.rows) {
        const id = readKoppelReference(row.description);
        if (id !== null && wanted.has(id)) found.set(id, [...(found.get(id) ?? []), row]);
      }
      if (!page.hasNext) {
        complete = true;
        break;
      }
      const pages = Math.ceil((page.totalCount ?? Infinity) / listPageSize);
      if (pages - read >= wanted.size - found.size) break;
    }
  }
  const out = new Map<string, R>();
  for (const id of wanted) {
    const rows = found.get(id) ?? [];
    if (rows.length > 1) throw ambiguous(rows, `${what} with reference ${koppelReference(id)}`, resource);
    if (rows[0]) out.set(id, rows[0]);
    else if (!complete) {
      const row = await byReference(resource, id, what);
      if (row) out.set(id, row);
    }
  }
  return out;
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
  return oneOf((await resource.list(filter, 100)).filter(matches), what, resource);
}

/** None is null; more than one where one is expected is a conflict that names them. */
function oneOf<R extends { id: number | string }>(
  rows: R[],
  what: string,
  resource: { path: string },
): R | null {
  if (rows.length === 0) return null;
  if (rows.length === 1) return rows[0]!;
  throw ambiguous(rows, what, resource);
}

function ambiguous(
  rows: ReadonlyArray<{ id: number | string }>,
  what: string,
  resource: { path: string },
): KoppelError {
  const ids = rows.map((r) => r.id);
  return new KoppelError(`Found ${rows.length} of ${what} where one was expected (ids ${ids.join(', ')})`, {
    code: 'asperion.ambiguous',
    kind: 'conflict',
    details: { endpoint: `/v1/${resource.path}`, ids },
  });
}
