import { cents, money } from '../domain/json-money.js';
import { formatApiDate, formatApiDateTime } from '../domain/api-date.js';
import { msg } from '../http/messages.js';
import { ProblemError } from '../http/problem-error.js';
import { createRecord } from '../resources/create-record.js';
import { journalEntriesResource } from '../resources/journal-entries-resource.js';
import type { SandboxRecord } from '../resources/resource-descriptor.js';
import { invoiceStatus } from '../resources/sales-invoices-resource.js';
import type { AdministrationData } from '../state/administration-data.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { findInvoice } from './finalise-invoice.js';

/**
 * Plays a bank payment arriving for a finalised invoice (§6.4): a bank-journal entry (debit bank,
 * credit receivables against the invoice) and, once fully covered, status Paid.
 */
export function registerPayment(
  state: SandboxState,
  data: AdministrationData,
  id: string,
  options: { amount?: number; date?: string },
): SandboxRecord {
  const invoice = findInvoice(data, id);
  if (invoice['status'] !== invoiceStatus.payable) {
    throw new ProblemError({ status: 409, title: msg('conflictTitle'), detail: msg('notPayable', { id }) });
  }
  const outstanding = cents(invoice['amountInclVat']) - cents(invoice['amountPaid']);
  const amount = options.amount === undefined ? outstanding : cents(options.amount);
  const bank = data.find('journals', (j) => j['type'] === 'Bank');
  const receivables = data.find('ledgeraccounts', (a) => a['counterparty'] === 'debtor');
  const date = options.date ?? formatApiDate(state.clock.now());
  createRecord(state, data, journalEntriesResource, {
    journalId: bank?.['id'],
    date,
    description: `Betaling factuur ${String(invoice['invoiceNumber'])}`,
    lines: {
      _data: [
        { amount: money(amount), ledgerAccountId: bank?.['ledgerAccountId'] },
        {
          amount: money(-amount),
          ledgerAccountId: receivables?.['id'],
          debtorId: invoice['debtorId'],
          salesInvoiceId: invoice['id'],
        },
      ],
    },
  });
  const paid = cents(invoice['amountPaid']) + amount;
  invoice['amountPaid'] = money(paid);
  if (paid >= cents(invoice['amountInclVat'])) invoice['status'] = invoiceStatus.paid;
  invoice['dateLastChange'] = formatApiDateTime(state.clock.now());
  return invoice;
}
