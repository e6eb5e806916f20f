import type { AsperionSettings } from '../settings.js';

/** The number a finalised invoice gets (§6.4): per journal and year, formatted by a setting. */
export function formatInvoiceNumber(
  year: number,
  sequence: number,
  format: AsperionSettings['invoiceNumberFormat'],
): string {
  const padded = String(sequence).padStart(4, '0');
  return format === 'year-dash-sequence' ? `${year}-${padded}` : `${year}${padded}`;
}
