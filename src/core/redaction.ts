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
