/**
 * Error and validation texts in both languages; Accept-Language picks one (§1.5, §6.3). Texts are
 * templates with {name} placeholders so that a field error can name the value it refused.
 */
export const languages = ['nl', 'en'] as const;
export type Language = (typeof languages)[number];

const catalogue = {
  // ProblemDetails titles are ASP.NET Core's own English texts, whatever Accept-Language says (only
  // `detail` and the field messages follow it): the same text in both columns.
  validationTitle: ['One or more validation errors occurred.', 'One or more validation errors occurred.'],
  notFoundTitle: ['Not Found', 'Not Found'],
  unauthorizedTitle: ['Unauthorized', 'Unauthorized'],
  forbiddenTitle: ['Forbidden', 'Forbidden'],
  conflictTitle: ['Conflict', 'Conflict'],
  tooManyTitle: ['Too Many Requests', 'Too Many Requests'],
  serverErrorTitle: [
    'An error occurred while processing your request.',
    'An error occurred while processing your request.',
  ],
  badGatewayTitle: ['Bad Gateway', 'Bad Gateway'],
  unavailableTitle: ['Service Unavailable', 'Service Unavailable'],
  gatewayTimeoutTitle: ['Gateway Timeout', 'Gateway Timeout'],
  payloadTooLargeTitle: ['Payload Too Large', 'Payload Too Large'],
  unsupportedMediaTypeTitle: ['Unsupported Media Type', 'Unsupported Media Type'],
  methodNotAllowedTitle: ['Method Not Allowed', 'Method Not Allowed'],
  badUrl: ['Het adres van het verzoek is ongeldig.', 'The request URL is not valid.'],
  missingToken: ['Er is geen geldig toegangstoken meegestuurd.', 'No valid access token was sent.'],
  expiredToken: ['Het toegangstoken is verlopen.', 'The access token has expired.'],
  unknownTenant: [
    'Administratie {id} bestaat niet of is niet toegankelijk voor deze gebruiker.',
    'Administration {id} does not exist or is not accessible to this user.',
  ],
  badTenant: ['De tenant-header moet een geheel getal zijn.', 'The tenant header must be an integer.'],
  tenantRequired: ['De tenant-header is verplicht.', 'The tenant header is required.'],
  missingPackage: [
    'Deze functie vereist het pakket {package}, dat niet in het abonnement van deze administratie zit.',
    "This function requires the {package} package, which is not part of this administration's subscription.",
  ],
  unknownRoute: ['Het endpoint {path} bestaat niet.', 'The endpoint {path} does not exist.'],
  recordNotFound: ['{resource} met id {id} bestaat niet.', '{resource} with id {id} does not exist.'],
  required: ['Het veld {field} is verplicht.', 'The {field} field is required.'],
  readOnly: ['Het veld {field} kan niet worden gewijzigd.', 'The {field} field is read-only.'],
  wrongType: [
    'De waarde van {field} moet van het type {type} zijn.',
    'The value of {field} must be of type {type}.',
  ],
  unknownField: ['Het veld {field} is onbekend.', 'The field {field} is unknown.'],
  badJson: ['De body is geen geldige JSON.', 'The request body is not valid JSON.'],
  badBody: ['De body moet een JSON-object zijn.', 'The request body must be a JSON object.'],
  badQuery: ['De waarde {value} is ongeldig voor {param}.', 'The value {value} is not valid for {param}.'],
  pageSizeTooLarge: ['pageSize mag hoogstens {max} zijn.', 'pageSize must be at most {max}.'],
  unknownOrderBy: ['Er kan niet gesorteerd worden op {field}.', 'Cannot order by {field}.'],
  unknownProjection: ['Het veld {field} bestaat niet.', 'The field {field} does not exist.'],
  duplicate: ['{field} {value} is al in gebruik.', '{field} {value} is already in use.'],
  unknownReference: [
    '{field} verwijst naar {value}, dat niet bestaat.',
    '{field} refers to {value}, which does not exist.',
  ],
  disabledReference: [
    '{field} verwijst naar {value}, dat geblokkeerd is.',
    '{field} refers to {value}, which is disabled.',
  ],
  badIban: ['{value} is geen geldig IBAN.', '{value} is not a valid IBAN.'],
  badEmail: ['{value} is geen geldig e-mailadres.', '{value} is not a valid e-mail address.'],
  badCountry: [
    '{value} is geen ISO-landcode van twee letters.',
    '{value} is not a two-letter ISO country code.',
  ],
  badVatNumber: ['{value} is geen geldig btw-nummer.', '{value} is not a valid VAT number.'],
  blockedDebtor: ['Debiteur {value} is geblokkeerd.', 'Debtor {value} is blocked.'],
  vatNotValidOnDate: [
    'Btw-code {value} is niet geldig op {date}.',
    'VAT code {value} is not valid on {date}.',
  ],
  notSalesVatCode: ['Btw-code {value} is geen verkoopcode.', 'VAT code {value} is not a sales code.'],
  vatAmountOff: [
    'Btw-bedrag {value} wijkt af van het berekende bedrag {expected}.',
    'VAT amount {value} differs from the computed amount {expected}.',
  ],
  wrongJournalType: [
    'Dagboek {value} is geen dagboek van het type {type}.',
    'Journal {value} is not a journal of type {type}.',
  ],
  atLeastLines: ['Er zijn minstens {count} regels nodig.', 'At least {count} lines are required.'],
  unbalanced: [
    'De regels tellen op tot {total} in plaats van 0,00.',
    'The lines add up to {total} instead of 0.00.',
  ],
  counterpartyRequired: [
    'Regel {line} op rekening {account} heeft {fields} nodig.',
    'Line {line} on account {account} needs {fields}.',
  ],
  counterpartyNotAllowed: [
    'Regel {line} op rekening {account} mag geen {fields} hebben.',
    'Line {line} on account {account} must not carry {fields}.',
  ],
  closedPeriod: [
    'Periode {period} van boekjaar {year} is afgesloten.',
    'Period {period} of book year {year} is closed.',
  ],
  badPeriod: ['Boekperiode {period} bestaat niet.', 'Book period {period} does not exist.'],
  notAmount: [
    '{field} moet een bedrag met hoogstens twee decimalen zijn.',
    '{field} must be an amount with at most two decimals.',
  ],
  notDate: ['{field} moet een datum zijn (JJJJ-MM-DD).', '{field} must be a date (YYYY-MM-DD).'],
  rateLimited: [
    'Te veel verzoeken; probeer het over {seconds} seconden opnieuw.',
    'Too many requests; try again in {seconds} seconds.',
  ],
  injectedFault: ['Gesimuleerde storing.', 'Simulated failure.'],
  internal: ['Onverwachte fout in de sandbox.', 'Unexpected error in the sandbox.'],
  fileMissing: ['Er is geen bestand meegestuurd in het veld File.', 'No file was sent in the File field.'],
  fileType: [
    'Bestanden van het type {type} worden niet geaccepteerd.',
    'Files of type {type} are not accepted.',
  ],
  fileTooLarge: ['Het bestand is groter dan {max} bytes.', 'The file is larger than {max} bytes.'],
  notDraft: ['Factuur {id} is geen concept meer.', 'Invoice {id} is no longer a draft.'],
  notPayable: ['Factuur {id} staat niet open.', 'Invoice {id} is not open for payment.'],
} as const satisfies Record<string, readonly [string, string]>;

export type MessageKey = keyof typeof catalogue;

/** A message not yet rendered: rendering waits until the request's language is known. */
export interface Message {
  key: MessageKey;
  params: Record<string, string | number>;
}

export function msg(key: MessageKey, params: Record<string, string | number> = {}): Message {
  return { key, params };
}

export function render(message: Message, language: Language): string {
  const template = catalogue[message.key][language === 'nl' ? 0 : 1];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = message.params[name];
    return value === undefined ? whole : String(value);
  });
}

/** First language in Accept-Language we speak, else the fallback ("nl-NL,en;q=0.8" → nl). */
export function pickLanguage(acceptLanguage: string | undefined, fallback: Language): Language {
  if (!acceptLanguage) return fallback;
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return {
        base: tag.trim().toLowerCase().split('-')[0] ?? '',
        q: q === undefined ? 1 : Number(q),
        index,
      };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const entry of ranked) {
    if (entry.base === 'nl' || entry.base === 'en') return entry.base;
  }
  return fallback;
}
