import { isPlainObject, toJsonText } from './json.js';

/**
 * Keys whose values are credentials wherever they appear. A bare `code` is not one of them: Exact
 * account and item codes, Asperion article codes and Koppel's own error codes are all `code`, and
 * masking them emptied the activity log and the logs of what people search by. An OAuth
 * authorization code is masked by its shape instead (`isSecretKeyIn`).
 */
const secretKeyPattern =
  /^(password|passwd|secret|client_?secret|access_?token|refresh_?token|id_?token|token|authorization|authorization_?code|auth_?code|api_?key|webhook_?secret|private_?key)$/i;

export function isSecretKey(key: string): boolean {
  return secretKeyPattern.test(key);
}

/**
 * Whether `key` of `holder` holds a credential: a secret-looking key, or the `code` of an OAuth
 * authorization answer (a `code` beside a `state`, as a redirect back from a consent page carries).
 */
function isSecretKeyIn(key: string, holder: object): boolean {
  return isSecretKey(key) || (key.toLowerCase() === 'code' && 'state' in holder);
}

export const REDACTED = '[redacted]';

/**
 * A copy of `value` with every secret-looking key masked, and every key named in `fields`
 * (case-insensitive, at any depth) masked as well: the per-field redaction list of stored payloads.
 */
export function redact(value: unknown, fields: ReadonlySet<string> = new Set(), depth = 0): unknown {
  return copyMasked(value, fields, depth, redact);
}

/**
 * The JSON text of `redact(value, fields)`, without copying what needs no masking: a run stores
 * four payloads a record, and whole copies of them were a large share of what a run allocated.
 * Only the objects and arrays on the way to a masked key are copied; the rest is written from
 * `value` itself.
 */
export function redactedJsonText(value: unknown, fields: ReadonlySet<string> = new Set()): string {
  return toJsonText(redactShared(value, fields, 0));
}

/** `redact`, but a part that would serialise the same as its copy is returned as it is. */
function redactShared(value: unknown, fields: ReadonlySet<string>, depth: number): unknown {
  return mayNeedRedaction(value, fields, depth) ? copyMasked(value, fields, depth, redactShared) : value;
}

/** One level of masking: a copy of `value` with its masked keys replaced and `inner` applied below. */
function copyMasked(
  value: unknown,
  fields: ReadonlySet<string>,
  depth: number,
  inner: (value: unknown, fields: ReadonlySet<string>, depth: number) => unknown,
): unknown {
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => inner(v, fields, depth + 1));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        isSecretKeyIn(k, value) || fields.has(k.toLowerCase())
          ? v == null
            ? v
            : REDACTED
          : inner(v, fields, depth + 1);
    }
    return out;
  }
  return value;
}

/**
 * Whether `redact` could give something that serialises differently from `value`: a key it masks,
 * a value deeper than it goes, or an object with a `toJSON` of its own (its copy would lose it).
 * Allocates nothing on the way, which is the point.
 */
function mayNeedRedaction(value: unknown, fields: ReadonlySet<string>, depth: number): boolean {
  if (depth > 32) return true;
  if (value === null || typeof value !== 'object' || value instanceof Date) return false;
  if (Array.isArray(value)) {
    for (const v of value as unknown[]) if (mayNeedRedaction(v, fields, depth + 1)) return true;
    return false;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return true;
  // for…in also walks inherited keys, which `redact` ignores: looking at more never gives a wrong text.
  for (const key in value) {
    if (isSecretKeyIn(key, value) || (fields.size > 0 && fields.has(key.toLowerCase()))) return true;
    if (mayNeedRedaction((value as Record<string, unknown>)[key], fields, depth + 1)) return true;
  }
  return false;
}

export function redactionSet(fields: Iterable<string>): Set<string> {
  return new Set([...fields].map((f) => f.toLowerCase()));
}

/**
 * The names a redaction list may use for personal data that each app spells its own way. A name
 * in the list that is one of these masks every app's field for it; any other name masks the field
 * of exactly that name (any case, any depth).
 */
export const redactionCanonicalNames = ['email', 'phone', 'iban', 'name', 'address'] as const;
export type RedactionCanonicalName = (typeof redactionCanonicalNames)[number];

/** An app's (or Koppel's own) field names for each canonical name, compared without case. */
export type RedactionAliases = Readonly<Partial<Record<RedactionCanonicalName, readonly string[]>>>;

/**
 * Koppel's own payload fields: what the flows' mappings write before a target sees it (the orders
 * payload's `customer.email`, `customer.phone`).
 */
export const koppelRedactionAliases: RedactionAliases = {
  email: ['email', 'emailAddress'],
  phone: ['phone', 'mobile'],
  iban: ['iban', 'bankAccount'],
  name: ['name', 'contactName'],
  address: ['address', 'addressLine1', 'addressLine2', 'addressLine3', 'street'],
};

const canonical = new Set<string>(redactionCanonicalNames);

/**
 * The field names (lower case) a redaction list masks: each name itself and, for a canonical name,
 * every alias the given apps (and Koppel's payloads) declare for it.
 */
export function expandRedaction(
  fields: Iterable<string>,
  aliasTables: Iterable<RedactionAliases | undefined>,
): Set<string> {
  const out = redactionSet(fields);
  const tables = [koppelRedactionAliases, ...aliasTables];
  for (const name of [...out]) {
    if (!canonical.has(name)) continue;
    for (const table of tables)
      for (const alias of table?.[name as RedactionCanonicalName] ?? []) out.add(alias.toLowerCase());
  }
  return out;
}

/**
 * The text values (lower case) `value` holds under a masked key, at any depth: what a record's
 * label and search text must not carry either when its field is redacted.
 */
export function redactedValues(
  value: unknown,
  fields: ReadonlySet<string>,
  out = new Set<string>(),
  depth = 0,
): Set<string> {
  if (fields.size === 0 || depth > 32) return out;
  if (Array.isArray(value)) for (const v of value) redactedValues(v, fields, out, depth + 1);
  else if (isPlainObject(value))
    for (const [k, v] of Object.entries(value)) {
      if (fields.has(k.toLowerCase())) {
        if (typeof v === 'string' && v.trim() !== '') out.add(v.trim().toLowerCase());
      } else redactedValues(v, fields, out, depth + 1);
    }
  return out;
}

/** E-mail addresses inside free text (error messages, log lines). */
const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/**
 * IBANs inside free text, written together or in groups of four (`NL91 ABNA 0417 1643 00`): two
 * letters, two check digits, then 11 to 30 letters and digits.
 */
const ibanPattern = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;

export const MASKED_EMAIL = '[e-mail]';
export const MASKED_IBAN = '[iban]';

/**
 * `text` with e-mail addresses and IBANs masked: for error texts that are stored (records, dead
 * letters, runs, events) and log lines. Those outlive the payload purge, and a refusal often
 * echoes the value it refused.
 */
export function maskPersonalText(text: string): string {
  if (!text.includes('@') && !/\d/.test(text)) return text;
  return text.replace(emailPattern, MASKED_EMAIL).replace(ibanPattern, MASKED_IBAN);
}
