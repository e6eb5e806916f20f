import { accountsEntity } from './accounts.js';
import { addressesEntity } from './addresses.js';
import { contactsEntity } from './contacts.js';
import type { EntityDescriptor } from './entity-descriptor.js';
import { itemGroupsEntity } from './item-groups.js';
import { itemsEntity } from './items.js';
import type { ReadFunction } from './read-functions.js';
import { itemExtraFieldFunction, stockPositionFunction } from './read-functions.js';
import {
  currenciesEntity,
  itemAssortmentEntity,
  itemAssortmentPropertyEntity,
  paymentConditionsEntity,
  shippingMethodsEntity,
  unitsEntity,
} from './reference-lists.js';
import { salesItemPricesEntity } from './sales-item-prices.js';
import { salesOrderLinesEntity, salesOrdersEntity } from './sales-orders.js';
import { processStockCountEntity, stockCountsEntity } from './stock-counts.js';
import { glAccountsEntity } from './gl-accounts.js';
import { journalEntriesEntity, journalEntryLinesEntity } from './journal-entries.js';
import { journalsEntity } from './journals.js';
import {
  printedSalesInvoicesEntity,
  salesInvoiceLinesEntity,
  salesInvoicesEntity,
} from './sales-invoices.js';
import { transactionLinesEntity } from './transaction-lines.js';
import { vatCodesEntity } from './vat-codes.js';
import { itemWarehousesEntity, warehousesEntity } from './warehouses.js';

/** Every division-scoped entity endpoint the sandbox serves. */
export const entityCatalog: readonly EntityDescriptor[] = [
  accountsEntity,
  itemsEntity,
  salesOrdersEntity,
  salesOrderLinesEntity,
  vatCodesEntity,
  // CRM, logistics, stock and reference lists (reference 7.2–7.8, 7.14–7.16, 7.18).
  contactsEntity,
  addressesEntity,
  itemGroupsEntity,
  salesItemPricesEntity,
  itemAssortmentEntity,
  itemAssortmentPropertyEntity,
  paymentConditionsEntity,
  shippingMethodsEntity,
  unitsEntity,
  currenciesEntity,
  warehousesEntity,
  itemWarehousesEntity,
  stockCountsEntity,
  processStockCountEntity,
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

/** `read/<service>/<Function>` endpoints (reference 1.2). */
export const readFunctionCatalog: readonly ReadFunction[] = [itemExtraFieldFunction, stockPositionFunction];

/** The read function for `read/service/Function`, case-insensitively like entity paths. */
export function findReadFunction(path: string): ReadFunction | undefined {
  const wanted = path.toLowerCase();
  return readFunctionCatalog.find((f) => f.path.toLowerCase() === wanted);
}
