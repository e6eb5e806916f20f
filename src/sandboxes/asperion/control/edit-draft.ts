import { cents, money } from '../domain/json-money.js';
import { formatApiDateTime } from '../domain/api-date.js';
import { invoiceTotals, lineVat, type LineVat } from '../domain/vat-amounts.js';
import { msg } from '../http/messages.js';
import { ProblemError } from '../http/problem-error.js';
import type { SandboxRecord } from '../resources/resource-descriptor.js';
import { invoiceStatus } from '../resources/sales-invoices-resource.js';
import type { AdministrationData } from '../state/administration-data.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { findInvoice } from './finalise-invoice.js';

/**
 * Plays a user changing a draft's line amount in the app, which the API cannot do (§2.4): the line's
 * VAT is computed again from its code and the header totals summed again, as on a create.
 */
export function editDraftLine(
  state: SandboxState,
  data: AdministrationData,
  id: string,
  change: { line: number; amount: number },
): SandboxRecord {
  const invoice = draft(data, id);
  const lines = (invoice['lines'] as { _data: SandboxRecord[] })._data;
  const line = lines[change.line];
  if (!line)
    throw new ProblemError({
      status: 404,
      title: msg('notFoundTitle'),
      detail: msg('recordNotFound', { resource: 'Sales invoice line', id: String(change.line) }),
    });
  line['amount'] = change.amount;
  const vats: LineVat[] = lines.map((l) => {
    const percentage = data.get('vatcodes', String(l['vatCode']))?.['percentage'];
    const vat = lineVat(
      cents(l['amount']),
      typeof percentage === 'number' ? percentage : 0,
      state.settings.salesLineAmountIncludesVat,
    );
    l['vatAmount'] = money(vat.vat);
    return vat;
  });
  const totals = invoiceTotals(vats);
  invoice['amountExclVat'] = money(totals.exclVat);
  invoice['vatAmount'] = money(totals.vat);
  invoice['amountInclVat'] = money(totals.inclVat);
  invoice['dateLastChange'] = formatApiDateTime(state.clock.now());
  return invoice;
}

/** Plays a user deleting a draft in the app; a processed invoice stays (it is in the books). */
export function deleteDraft(data: AdministrationData, id: string): void {
  draft(data, id);
  data.remove('salesinvoiceswithlines', id);
}

function draft(data: AdministrationData, id: string): SandboxRecord {
  const invoice = findInvoice(data, id);
  if (invoice['status'] !== invoiceStatus.concept)
    throw new ProblemError({ status: 409, title: msg('conflictTitle'), detail: msg('notDraft', { id }) });
  return invoice;
}
