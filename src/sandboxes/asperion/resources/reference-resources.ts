import type { ResourceDescriptor } from './resource-descriptor.js';
import { anyPackage } from './resource-descriptor.js';

/**
 * The reference data an administration is set up with: read-only through the API (§6.4), so these are
 * pure data. Hidden fields carry what the sandbox's own rules need and the API does not show.
 */

/** §2.6. `type`: 1 balance sheet, 2 profit and loss (the real enum is UNCONFIRMED, §5.7). */
export const ledgerAccountsResource: ResourceDescriptor = {
  path: 'ledgeraccounts',
  label: 'Ledger account',
  packages: anyPackage,
  idType: 'int',
  fields: [
    { name: 'id', type: 'int' },
    { name: 'type', type: 'int' },
    { name: 'description', type: 'string' },
    { name: 'vatCode', type: 'string', exact: true },
    { name: 'disabled', type: 'bool' },
    { name: 'rcsfi', type: 'string' },
    { name: 'conversionCode', type: 'string' },
    // Which counterparty a journal line on this account needs: 'debtor', 'creditor' or null (§6.4).
    { name: 'counterparty', type: 'string', hidden: true },
  ],
};

/** §2.7, with the hidden VAT kind and the ledger account its amounts are booked on. */
export const vatCodesResource: ResourceDescriptor = {
  path: 'vatcodes',
  label: 'VAT code',
  packages: anyPackage,
  idType: 'string',
  fields: [
    { name: 'id', type: 'string', exact: true },
    { name: 'description', type: 'string' },
    { name: 'salesCode', type: 'bool' },
    { name: 'percentage', type: 'decimal' },
    { name: 'isDefault', type: 'bool' },
    { name: 'validFrom', type: 'date' },
    { name: 'validUntil', type: 'date' },
    { name: 'countryCode', type: 'string', exact: true },
    { name: 'kind', type: 'string', hidden: true },
    { name: 'ledgerAccountId', type: 'int', hidden: true },
  ],
};

/** §2.8. `type` is one of Cash, Bank, Purchase, Sales, Memorial (real labels UNCONFIRMED, §6.4). */
export const journalsResource: ResourceDescriptor = {
  path: 'journals',
  label: 'Journal',
  packages: anyPackage,
  idType: 'string',
  fields: [
    { name: 'id', type: 'string', exact: true },
    { name: 'description', type: 'string' },
    { name: 'type', type: 'string', exact: true },
    { name: 'conversionCode', type: 'string' },
    // The bank or cash account a payment in this journal is booked on.
    { name: 'ledgerAccountId', type: 'int', hidden: true },
  ],
};

/** §2.9; the term in days is not public, so it is hidden and only drives paymentDueDate. */
export const paymentConditionsResource: ResourceDescriptor = {
  path: 'paymentconditions',
  label: 'Payment condition',
  packages: anyPackage,
  idType: 'int',
  fields: [
    { name: 'id', type: 'int' },
    { name: 'description', type: 'string' },
    { name: 'days', type: 'int', hidden: true },
  ],
};

export const costCentersResource: ResourceDescriptor = {
  path: 'costcenters',
  label: 'Cost centre',
  packages: anyPackage,
  idType: 'int',
  fields: [
    { name: 'id', type: 'int' },
    { name: 'description', type: 'string' },
    { name: 'conversionCode', type: 'string' },
  ],
};

/** Fields UNCONFIRMED (§2.9); modelled on the filters go-asperion sends. */
export const costUnitsResource: ResourceDescriptor = {
  path: 'costunits',
  label: 'Cost unit',
  packages: anyPackage,
  idType: 'int',
  fields: [
    { name: 'id', type: 'int' },
    { name: 'type', type: 'int' },
    { name: 'description', type: 'string' },
    { name: 'conversionCode', type: 'string' },
    { name: 'costCenter', type: 'int' },
  ],
};

/** Debtor kinds (debiteursoorten) and payment methods: string ids referenced by debtors (§2.3); paths UNCONFIRMED. */
export const debtorKindsResource: ResourceDescriptor = {
  path: 'debtorkinds',
  label: 'Debtor kind',
  packages: anyPackage,
  idType: 'string',
  fields: [
    { name: 'id', type: 'string', exact: true },
    { name: 'description', type: 'string' },
    { name: 'isDefault', type: 'bool' },
  ],
};

export const paymentMethodsResource: ResourceDescriptor = {
  path: 'paymentmethods',
  label: 'Payment method',
  packages: anyPackage,
  idType: 'string',
  fields: [
    { name: 'id', type: 'string', exact: true },
    { name: 'description', type: 'string' },
  ],
};

/** Sales types (verkoopsoorten) map revenue to a ledger account and a VAT code (§2.10); fields UNCONFIRMED. */
export const salesTypesResource: ResourceDescriptor = {
  path: 'salestypes',
  label: 'Sales type',
  packages: anyPackage,
  idType: 'int',
  fields: [
    { name: 'id', type: 'int' },
    { name: 'description', type: 'string' },
    { name: 'ledgerAccountId', type: 'int' },
    { name: 'vatCode', type: 'string', exact: true },
  ],
};
