import { formatCents, sumCents } from '../../../core/money.js';
import { bookPeriodOf } from '../domain/book-period.js';
import { cents } from '../domain/json-money.js';
import { msg } from '../http/messages.js';
import { ProblemError } from '../http/problem-error.js';
import { checkReference } from './check-reference.js';
import { lineItems, readInput } from './read-input.js';
import type { CreateContext, FieldSpec, ResourceDescriptor, SandboxRecord } from './resource-descriptor.js';
import { anyPackage } from './resource-descriptor.js';
import { numberLines } from './sales-invoices-resource.js';

const lineFields: FieldSpec[] = [
  { name: 'id', type: 'int', readOnly: true },
  { name: 'amount', type: 'decimal', required: true },
  { name: 'bookingDate', type: 'date' },
  { name: 'description', type: 'string' },
  { name: 'ledgerAccountId', type: 'int', required: true },
  { name: 'vatCode', type: 'string' },
  { name: 'vatAmount', type: 'decimal' },
  { name: 'costCenterId', type: 'int' },
  { name: 'debtorId', type: 'int' },
  { name: 'creditorId', type: 'int' },
  { name: 'salesInvoiceId', type: 'int' },
  { name: 'purchaseInvoiceId', type: 'int' },
];

/** Journal entries with signed lines, positive debit and negative credit (§2.5), checked as in §6.4. */
export const journalEntriesResource: ResourceDescriptor = {
  path: 'journalentrieswithlines',
  label: 'Journal entry',
  packages: anyPackage,
  idType: 'int',
  fields: [
    { name: 'id', type: 'int', readOnly: true },
    { name: 'journalId', type: 'string', required: true, exact: true },
    { name: 'date', type: 'date', required: true },
    { name: 'bookyear', type: 'int' },
    { name: 'bookperiod', type: 'int' },
    { name: 'description', type: 'string' },
    { name: 'sourceDocumentNumber', type: 'string' },
    // 1 = to be posted; the real enum is UNCONFIRMED (§5.7).
    { name: 'state', type: 'int', readOnly: true },
    { name: 'openingBalance', type: 'decimal' },
    { name: 'closingBalance', type: 'decimal' },
    { name: 'dateLastChange', type: 'datetime', readOnly: true },
    { name: 'lines', type: 'lines', required: true },
  ],
  create: createJournalEntry,
  beforeStore: numberLines('journalentrylines'),
};

function createJournalEntry(input: SandboxRecord, ctx: CreateContext): SandboxRecord {
  const { errors, settings } = ctx;
  const journal = checkReference(ctx, 'JournalId', 'journals', input['journalId']);
  if (journal && settings.journalEntriesOnlyMemorial && journal['type'] !== 'Memorial') {
    errors.add('JournalId', msg('wrongJournalType', { value: String(journal['id']), type: 'Memorial' }));
  }
  const items = lineItems(input['lines']) ?? [];
  if (input['lines'] !== undefined && items.length < 2)
    errors.add('Lines', msg('atLeastLines', { count: 2 }));
  const lines = items.map((item, index) => readLine(item, index, ctx, input['date']));
  const total = sumCents(lines.map((l) => cents(l['amount'])));
  // Compared to the cent (§6.4): the lines must add up to exactly 0.00.
  if (lines.length >= 2 && total !== 0n)
    errors.add('Lines', msg('unbalanced', { total: formatCents(total) }));

  const date = typeof input['date'] === 'string' ? input['date'] : undefined;
  const derived = date ? bookPeriodOf(date) : { bookyear: 0, bookperiod: 0 };
  const bookyear = (input['bookyear'] as number | undefined) || derived.bookyear;
  const bookperiod = (input['bookperiod'] as number | undefined) || derived.bookperiod;
  if (bookperiod < 1 || bookperiod > 12) errors.add('Bookperiod', msg('badPeriod', { period: bookperiod }));
  if (!errors.has() && ctx.data.isClosed(bookyear, bookperiod)) {
    throw new ProblemError({
      status: settings.closedPeriodStatus,
      title: msg('validationTitle'),
      errors: { Bookperiod: [msg('closedPeriod', { period: bookperiod, year: bookyear })] },
    });
  }
  return {
    description: null,
    sourceDocumentNumber: null,
    openingBalance: null,
    closingBalance: null,
    ...input,
    bookyear,
    bookperiod,
    state: 1,
    lines: { _data: lines, _meta: { totalCount: lines.length } },
  };
}

function readLine(item: unknown, index: number, ctx: CreateContext, date: unknown): SandboxRecord {
  const prefix = `Lines[${index}].`;
  if (typeof item !== 'object' || item === null) {
    ctx.errors.add(`Lines[${index}]`, msg('badBody'));
    return {};
  }
  const line = readInput(item as Record<string, unknown>, lineFields, ctx.errors, prefix);
  const account = checkReference(
    ctx,
    `${prefix}LedgerAccountId`,
    'ledgeraccounts',
    line['ledgerAccountId'],
    true,
  );
  checkReference(ctx, `${prefix}VatCode`, 'vatcodes', line['vatCode']);
  checkReference(ctx, `${prefix}CostCenterId`, 'costcenters', line['costCenterId']);
  checkReference(ctx, `${prefix}DebtorId`, 'debtors', line['debtorId']);
  checkReference(ctx, `${prefix}SalesInvoiceId`, 'salesinvoiceswithlines', line['salesInvoiceId']);
  if (account) checkCounterparty(line, account, index, ctx);
  const empty = {
    bookingDate: date ?? null,
    description: null,
    vatCode: null,
    vatAmount: null,
    costCenterId: null,
  };
  const links = { debtorId: null, creditorId: null, salesInvoiceId: null, purchaseInvoiceId: null };
  return { ...empty, ...links, ...line };
}

/** The ledger account decides which counterparty a line needs (§6.4): receivables, payables or none. */
function checkCounterparty(
  line: SandboxRecord,
  account: SandboxRecord,
  index: number,
  ctx: CreateContext,
): void {
  const debtorSide = ['debtorId', 'salesInvoiceId'];
  const creditorSide = ['creditorId', 'purchaseInvoiceId'];
  const has = (names: string[]) => names.some((n) => line[n] !== undefined);
  const params = { line: index + 1, account: String(account['id']) };
  const key = `Lines[${index}]`;
  switch (account['counterparty']) {
    case 'debtor':
      if (!has(debtorSide))
        ctx.errors.add(key, msg('counterpartyRequired', { ...params, fields: 'debtorId / salesInvoiceId' }));
      if (has(creditorSide))
        ctx.errors.add(
          key,
          msg('counterpartyNotAllowed', { ...params, fields: 'creditorId / purchaseInvoiceId' }),
        );
      return;
    case 'creditor':
      if (!has(creditorSide))
        ctx.errors.add(
          key,
          msg('counterpartyRequired', { ...params, fields: 'creditorId / purchaseInvoiceId' }),
        );
      if (has(debtorSide))
        ctx.errors.add(
          key,
          msg('counterpartyNotAllowed', { ...params, fields: 'debtorId / salesInvoiceId' }),
        );
      return;
    default:
      if (ctx.settings.counterpartyOnOtherAccounts === 'reject' && has([...debtorSide, ...creditorSide])) {
        ctx.errors.add(
          key,
          msg('counterpartyNotAllowed', {
            ...params,
            fields: 'debtorId / creditorId / salesInvoiceId / purchaseInvoiceId',
          }),
        );
      }
  }
}
