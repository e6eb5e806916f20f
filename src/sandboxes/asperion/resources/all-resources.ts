import { articlesResource } from './articles-resource.js';
import { debtorsResource } from './debtors-resource.js';
import { journalEntriesResource } from './journal-entries-resource.js';
import {
  costCentersResource,
  costUnitsResource,
  debtorKindsResource,
  journalsResource,
  ledgerAccountsResource,
  paymentConditionsResource,
  paymentMethodsResource,
  salesTypesResource,
  vatCodesResource,
} from './reference-resources.js';
import type { ResourceDescriptor } from './resource-descriptor.js';
import { salesOrdersResource } from './sales-orders-resource.js';
import { salesInvoicesResource, salesInvoicesWithLinesResource } from './sales-invoices-resource.js';

/** Every resource under /v1 except administrations, which are not per administration. */
export const allResources: readonly ResourceDescriptor[] = [
  ledgerAccountsResource,
  vatCodesResource,
  journalsResource,
  paymentConditionsResource,
  costCentersResource,
  costUnitsResource,
  debtorKindsResource,
  paymentMethodsResource,
  salesTypesResource,
  debtorsResource,
  articlesResource,
  salesInvoicesWithLinesResource,
  salesInvoicesResource,
  journalEntriesResource,
  salesOrdersResource,
];
