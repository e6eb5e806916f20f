import { accountsEntity } from './accounts.js';
import type { EntityDescriptor } from './entity-descriptor.js';
import { glAccountsEntity } from './gl-accounts.js';
import { itemsEntity } from './items.js';
import { journalEntriesEntity, journalEntryLinesEntity } from './journal-entries.js';
import { journalsEntity } from './journals.js';
import {
  printedSalesInvoicesEntity,
  salesInvoiceLinesEntity,
  salesInvoicesEntity,
} from './sales-invoices.js';
import { salesOrdersEntity } from './sales-orders.js';
import { transactionLinesEntity } from './transaction-lines.js';
import { vatCodesEntity } from './vat-codes.js';

/** Every division-scoped entity endpoint the sandbox serves. */
export const entityCatalog: readonly EntityDescriptor[] = [
  accountsEntity,
  itemsEntity,
  salesOrdersEntity,
  vatCodesEntity,
  glAccountsEntity,
  journalsEntity,
  salesInvoicesEntity,
  salesInvoiceLinesEntity,
  printedSalesInvoicesEntity,
  journalEntriesEntity,
  journalEntryLinesEntity,
  transactionLinesEntity,
];

/** The descriptor for `service/Entity`, case-insensitively (reference 5.3). */
export function findEntity(path: string): EntityDescriptor | undefined {
  const wanted = path.toLowerCase();
  return entityCatalog.find((e) => e.path.toLowerCase() === wanted);
}
