import { createHash } from 'node:crypto';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** JSON with object keys sorted, so equal content always gives equal text (and equal hashes). */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** sha-256 of the stable JSON text; the "content hash" of record links. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

/**
 * The fields of `after` whose value differs from `before`, as dotted paths. Only the fields being
 * sent are compared: a target record has many fields we never write.
 */
export function diffFields(before: unknown, after: unknown, prefix = ''): FieldChange[] {
  if (isPlainObject(after)) {
    const b = isPlainObject(before) ? before : {};
    return Object.keys(after).flatMap((key) =>
      diffFields(b[key], after[key], prefix ? `${prefix}.${key}` : key),
    );
  }
  if (stableStringify(before) === stableStringify(after)) return [];
  return [{ path: prefix || '(root)', before: before ?? null, after: after ?? null }];
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

/** Parse stored JSON text; null stays null. */
export function parseJson<T = unknown>(text: string | null | undefined): T | null {
  return text === null || text === undefined ? null : (JSON.parse(text) as T);
}

/** JSON.stringify that writes bigints (money in cents) as decimal strings. */
export function toJsonText(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (e) {
    // Only a bigint (money in cents) makes plain JSON.stringify throw; the replacer is slow, so it is the fallback.
    if (!(e instanceof TypeError)) throw e;
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
}
