import { cents, money } from '../domain/json-money.js';
import { formatApiDateTime } from '../domain/api-date.js';
import { formatInvoiceNumber } from '../domain/invoice-number.js';
import { msg } from '../http/messages.js';
import { ProblemError } from '../http/problem-error.js';
import { createRecord } from '../resources/create-record.js';
import { journalEntriesResource } from '../resources/journal-entries-resource.js';
import type { SandboxRecord } from '../resources/resource-descriptor.js';
import { invoiceStatus } from '../resources/sales-invoices-resource.js';
import type { AdministrationData } from '../state/administration-data.js';
import type { SandboxState } from '../state/sandbox-state.js';

/**
 * Plays the user finalising a draft in the app, which the API cannot do (§2.4, §5.6): the next number
 * per journal and year, status Payable, and the journal entry (debit receivables for the gross amount,
 * credit revenue per line and output VAT per code, §6.4). A closed period refuses it.
 */
export function finaliseInvoice(state: SandboxState, data: AdministrationData, id: string): SandboxRecord {
  const invoice = findInvoice(data, id);
  if (invoice['status'] !== invoiceStatus.concept) {
    throw new ProblemError({ status: 409, title: msg('conflictTitle'), detail: msg('notDraft', { id }) });
  }
  const receivables = data.find('ledgeraccounts', (a) => a['counterparty'] === 'debtor');
  const lines: SandboxRecord[] = [
    {
      amount: invoice['amountInclVat'],
      ledgerAccountId: receivables?.['id'],
      debtorId: invoice['debtorId'],
      salesInvoiceId: invoice['id'],
    },
  ];
  const vatByAccount = new Map<number, bigint>();
  for (const line of (invoice['lines'] as { _data: SandboxRecord[] })._data) {
    const vat = cents(line['vatAmount']);
    const excl = state.settings.salesLineAmountIncludesVat
      ? cents(line['amount']) - vat
      : cents(line['amount']);
    lines.push({ amount: money(-excl), ledgerAccountId: line['ledgerAccountId'], vatCode: line['vatCode'] });
    const vatAccount = data.get('vatcodes', String(line['vatCode']))?.['ledgerAccountId'];
    if (vat !== 0n && typeof vatAccount === 'number') {
      vatByAccount.set(vatAccount, (vatByAccount.get(vatAccount) ?? 0n) + vat);
    }
  }
  for (const [account, vat] of vatByAccount) lines.push({ amount: money(-vat), ledgerAccountId: account });

  const year = Number(invoice['bookyear']);
  const entry = createRecord(state, data, journalEntriesResource, {
    journalId: invoice['journalId'],
    date: invoice['date'],
    bookyear: invoice['bookyear'],
    bookperiod: invoice['bookperiod'],
    description: invoice['description'] ?? `Factuur ${String(invoice['id'])}`,
    lines: { _data: lines },
  });
  const number = formatInvoiceNumber(
    year,
    data.nextInSequence(`invoice:${String(invoice['journalId'])}:${year}`),
    state.settings.invoiceNumberFormat,
  );
  entry['sourceDocumentNumber'] = number;
  invoice['invoiceNumber'] = number;
  invoice['status'] = invoiceStatus.payable;
  invoice['dateLastChange'] = formatApiDateTime(state.clock.now());
  return invoice;
}

export function findInvoice(data: AdministrationData, id: string): SandboxRecord {
  const invoice = /^\d+$/.test(id) ? data.get('salesinvoiceswithlines', Number(id)) : undefined;
  if (!invoice) {
    throw new ProblemError({
      status: 404,
      title: msg('notFoundTitle'),
      detail: msg('recordNotFound', { resource: 'Sales invoice', id }),
    });
  }
  return invoice;
}
