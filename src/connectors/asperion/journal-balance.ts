import { KoppelError } from '../../core/errors.js';
import { formatCents, sumCents } from '../../core/money.js';
import type { JournalEntryInput } from './resource-types.js';

/**
 * Asperion refuses a journal entry whose signed lines do not add up to 0.00 (reference 6.4); Koppel
 * refuses it first, without a call, and says by how much it is off.
 */
export function assertBalanced(entry: JournalEntryInput): void {
  if (entry.lines.length < 2) {
    throw new KoppelError('A journal entry needs at least two lines', {
      code: 'asperion.unbalanced',
      kind: 'invalid',
      details: { fields: { lines: ['at least two lines'] } },
    });
  }
  const difference = sumCents(entry.lines.map((l) => l.amount));
  if (difference === 0n) return;
  const side = difference > 0n ? 'debit' : 'credit';
  const euros = formatCents(difference < 0n ? -difference : difference);
  const message = `The lines do not balance: € ${euros} more ${side} than ${side === 'debit' ? 'credit' : 'debit'}`;
  throw new KoppelError(`Journal entry not sent: ${message}`, {
    code: 'asperion.unbalanced',
    kind: 'invalid',
    details: { fields: { lines: [message] }, difference: formatCents(difference) },
  });
}
