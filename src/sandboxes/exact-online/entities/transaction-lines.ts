import { defineEntity } from './entity-descriptor.js';
import { transactionLineFieldList } from './finance-fields.js';

/**
 * financialtransaction/TransactionLines: GET only (reference 7.11). Rows are never posted; they
 * are booked by `ledger.ts` when an invoice or a journal entry is booked, through the store, so
 * they carry row versions like every other row.
 */
export const transactionLinesEntity = defineEntity({
  path: 'financialtransaction/TransactionLines',
  typeName: 'Exact.Web.Api.Models.Financial.TransactionLine',
  methods: ['GET'],
  pageSize: 60,
  skipAllowed: true,
  deletedEntityType: 1,
  fieldList: transactionLineFieldList,
});

/** TransactionLine.Type codes the sandbox books (reference 7.11). */
export const transactionType = {
  salesEntry: 20,
  salesCreditNote: 21,
  cashFlow: 40,
  other: 90,
} as const;

/** Entry and transaction-line Status (appendix B). */
export const entryStatus = { open: 20, processed: 50 } as const;
