import { isPlainObject } from './json.js';

/** Keys whose values are credentials wherever they appear. */
const secretKeyPattern =
  /^(password|passwd|secret|client_?secret|access_?token|refresh_?token|id_?token|token|authorization|api_?key|webhook_?secret|private_?key|code)$/i;

export function isSecretKey(key: string): boolean {
  return secretKeyPattern.test(key);
}

export const REDACTED = '[redacted]';

/**
 * A copy of `value` with every secret-looking key masked, and every key named in `fields`
 * (case-insensitive, at any depth) masked as well: the per-field redaction list of stored payloads.
 */
export function redact(value: unknown, fields: ReadonlySet<string> = new Set(), depth = 0): unknown {
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redact(v, fields, depth + 1));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        isSecretKey(k) || fields.has(k.toLowerCase())
          ? v == null
            ? v
            : REDACTED
          : redact(v, fields, depth + 1);
    }
    return out;
  }
  return value;
}

export function redactionSet(fields: Iterable<string>): Set<string> {
  return new Set([...fields].map((f) => f.toLowerCase()));
}
