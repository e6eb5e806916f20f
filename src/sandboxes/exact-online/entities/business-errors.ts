import { ODataError } from '../odata-error.js';
import type { ExactSettings } from '../settings.js';

/**
 * Business-rule failures come back as HTTP 500 with a text in the user's language
 * (reference 4.6: `Gegeven bestaat reeds.`, `Verplicht: Serie`).
 */
export function duplicateError(settings: ExactSettings): ODataError {
  return new ODataError(500, settings.language === 'nl' ? 'Gegeven bestaat reeds.' : 'Data already exists.');
}

export function mandatoryError(settings: ExactSettings, field: string): ODataError {
  return new ODataError(500, settings.language === 'nl' ? `Verplicht: ${field}` : `Mandatory: ${field}`);
}

/** A reference to a record that does not exist (the text is not documented; Exact's style is kept). */
export function unknownReferenceError(settings: ExactSettings, field: string): ODataError {
  return new ODataError(
    500,
    settings.language === 'nl' ? `Bestaat niet: ${field}` : `Does not exist: ${field}`,
  );
}
