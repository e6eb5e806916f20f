import { ODataError } from '../odata-error.js';
import type { ExactSettings } from '../settings.js';

/*
 * Business-rule texts of the finance entities. The reference quotes none of them (7.10, 7.12), so
 * they are the sandbox's own, in Exact's short style and the configured language, as HTTP 500
 * like every business-rule failure (reference 4.6).
 */

function text(settings: ExactSettings, nl: string, en: string): ODataError {
  return new ODataError(500, settings.language === 'nl' ? nl : en);
}

/** Debits and credits of an entry do not add up to zero. */
export function unbalancedEntryError(settings: ExactSettings): ODataError {
  return text(settings, 'De boeking is niet in balans.', 'The entry is not in balance.');
}

/** The journal exists but is not of a type this kind of entry may use. */
export function wrongJournalError(settings: ExactSettings, code: string): ODataError {
  return text(settings, `Ongeldig dagboek: ${code}`, `Invalid journal: ${code}`);
}

/** A VAT code on a line of a journal that does not allow VAT (reference 7.12). */
export function vatNotAllowedError(settings: ExactSettings, code: string): ODataError {
  return text(settings, `BTW is niet toegestaan in dagboek ${code}`, `VAT is not allowed in journal ${code}`);
}

/** A processed (printed) invoice is immutable (reference 7.10). */
export function processedInvoiceError(settings: ExactSettings): ODataError {
  return text(
    settings,
    'De factuur is verwerkt en kan niet meer gewijzigd worden.',
    'The invoice has been processed and can no longer be changed.',
  );
}

/** A journal with entries or invoices cannot be deleted (reference 7.17). */
export function journalInUseError(settings: ExactSettings, code: string): ODataError {
  return text(
    settings,
    `Dagboek ${code} is in gebruik en kan niet verwijderd worden.`,
    `Journal ${code} is in use and cannot be deleted.`,
  );
}
