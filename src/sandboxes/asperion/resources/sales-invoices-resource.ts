import { addDays } from '../domain/api-date.js';
import { bookPeriodOf } from '../domain/book-period.js';
import { money } from '../domain/json-money.js';
import { invoiceTotals } from '../domain/vat-amounts.js';
import { msg } from '../http/messages.js';
import type { AdministrationData } from '../state/administration-data.js';
import { checkReference } from './check-reference.js';
import type { CreateContext, FieldSpec, ResourceDescriptor, SandboxRecord } from './resource-descriptor.js';
import { anyPackage } from './resource-descriptor.js';
import { readSalesLines } from './sales-invoice-lines.js';

/** Invoice status (§2.4): 1 Concept, 2 InJournalentry, 3 InLedger, 6 Payable, 7 Paid, 8 Hold. */
export const invoiceStatus = {
  concept: 1,
  inJournalEntry: 2,
  inLedger: 3,
  payable: 6,
  paid: 7,
  hold: 8,
} as const;

const headerFields: FieldSpec[] = [
  { name: 'id', type: 'int', readOnly: true },
  { name: 'invoiceNumber', type: 'string', readOnly: true },
  { name: 'date', type: 'date', required: true },
  { name: 'bookyear', type: 'int' },
  { name: 'bookperiod', type: 'int' },
  { name: 'journalId', type: 'string', required: true, exact: true },
  { name: 'debtorCustomerNumber', type: 'string', required: true, exact: true },
  { name: 'debtorId', type: 'int', readOnly: true },
  { name: 'description', type: 'string' },
  { name: 'status', type: 'int', readOnly: true },
  { name: 'paymentConditionId', type: 'int' },
  { name: 'paymentDueDate', type: 'date', readOnly: true },
  { name: 'costCenterId', type: 'int' },
  { name: 'amountExclVat', type: 'decimal', readOnly: true },
  { name: 'vatAmount', type: 'decimal', readOnly: true },
  { name: 'amountInclVat', type: 'decimal', readOnly: true },
  { name: 'dateLastChange', type: 'datetime', readOnly: true },
  // What payments registered through the control API have covered so far.
  { name: 'amountPaid', type: 'decimal', hidden: true },
];

/** Sales invoices with lines (§2.4): created as drafts without a number; VAT and totals by the server (§6.4). */
export const salesInvoicesWithLinesResource: ResourceDescriptor = {
  path: 'salesinvoiceswithlines',
  label: 'Sales invoice',
  packages: anyPackage,
  idType: 'int',
  fields: [...headerFields, { name: 'lines', type: 'lines', required: true }],
  create: createSalesInvoice,
  beforeStore: numberLines('salesinvoicelines'),
};

/** The same invoices without their lines (§2.4, `/v1/salesinvoices`). */
export const salesInvoicesResource: ResourceDescriptor = {
  path: 'salesinvoices',
  table: 'salesinvoiceswithlines',
  label: 'Sales invoice',
  packages: anyPackage,
  idType: 'int',
  fields: headerFields,
};

function createSalesInvoice(input: SandboxRecord, ctx: CreateContext): SandboxRecord {
  const { data, errors } = ctx;
  const journal = checkReference(ctx, 'JournalId', 'journals', input['journalId']);
  if (journal && journal['type'] !== 'Sales') {
    errors.add('JournalId', msg('wrongJournalType', { value: String(journal['id']), type: 'Sales' }));
  }
  const customerNumber = input['debtorCustomerNumber'];
  const debtor =
    typeof customerNumber === 'string'
      ? data.find('debtors', (d) => d['customerNumber'] === customerNumber)
      : undefined;
  if (typeof customerNumber === 'string' && !debtor) {
    errors.add(
      'DebtorCustomerNumber',
      msg('unknownReference', { field: 'DebtorCustomerNumber', value: customerNumber }),
    );
  }
  if (debtor?.['blocked'] === true)
    errors.add('DebtorCustomerNumber', msg('blockedDebtor', { value: String(customerNumber) }));
  checkReference(ctx, 'PaymentConditionId', 'paymentconditions', input['paymentConditionId']);
  checkReference(ctx, 'CostCenterId', 'costcenters', input['costCenterId']);

  const date = typeof input['date'] === 'string' ? input['date'] : undefined;
  const lines = readSalesLines(input['lines'], date, ctx);
  const totals = invoiceTotals(lines.map((l) => l.vat));
  const period = date ? bookPeriodOf(date) : { bookyear: 0, bookperiod: 0 };
  const conditionId = input['paymentConditionId'] ?? debtor?.['paymentConditionId'] ?? null;
  return {
    ...input,
    invoiceNumber: null,
    debtorId: debtor?.['id'] ?? null,
    status: invoiceStatus.concept,
    bookyear: input['bookyear'] || period.bookyear,
    bookperiod: input['bookperiod'] || period.bookperiod,
    paymentConditionId: conditionId,
    paymentDueDate: dueDate(data, date, conditionId),
    amountExclVat: money(totals.exclVat),
    vatAmount: money(totals.vat),
    amountInclVat: money(totals.inclVat),
    lines: { _data: lines.map((l) => l.record), _meta: { totalCount: lines.length } },
  };
}

/** The payment condition's hidden term in days drives the due date (§6.4). */
function dueDate(data: AdministrationData, date: string | undefined, conditionId: unknown): string | null {
  if (!date) return null;
  const condition = typeof conditionId === 'number' ? data.get('paymentconditions', conditionId) : undefined;
  const days = condition?.['days'];
  return addDays(date, typeof days === 'number' ? days : 0);
}

/** Gives every line of a new record its own sequential id. */
export function numberLines(sequence: string): (record: SandboxRecord, data: AdministrationData) => void {
  return (record, data) => {
    const holder = record['lines'] as { _data: SandboxRecord[] } | undefined;
    if (!holder) return;
    // Rebuilt so that id comes first, as everywhere else in the output.
    holder._data = holder._data.map((line) => ({ id: data.nextId(sequence), ...line }));
  };
}
