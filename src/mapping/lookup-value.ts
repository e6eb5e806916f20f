import { KoppelError } from '../core/errors.js';
import type { ValueMap } from './types.js';

/** A value map ready for lookups: entries in a Map (no prototype keys), fallback kept apart. */
export interface CompiledValueMap {
  name: string;
  entries: ReadonlyMap<string, unknown>;
  hasFallback: boolean;
  fallback: unknown;
}

export function compileValueMap(name: string, map: ValueMap): CompiledValueMap {
  return {
    name,
    entries: new Map(Object.entries(map.entries)),
    hasFallback: map.fallback !== undefined,
    fallback: map.fallback,
  };
}

/** Keys are compared as text: 21, "21" and a source's 21.0 all find the entry "21". */
export function toKeyText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

/**
 * The entry for `key`, else the map's fallback. A key with neither is an error naming the key and
 * the map, so the person fixing it knows which entry to add.
 */
export function lookupValue(map: CompiledValueMap, key: unknown): unknown {
  const text = toKeyText(key);
  if (text === undefined) {
    throw new KoppelError(
      `${Array.isArray(key) ? 'a list' : typeof key === 'object' && key !== null ? 'an object' : String(key)} cannot be looked up in value map "${map.name}"`,
      { code: 'mapping.value_unmapped', kind: 'invalid' },
    );
  }
  if (map.entries.has(text)) return map.entries.get(text);
  if (map.hasFallback) return map.fallback;
  throw new KoppelError(
    `value "${text.length > 40 ? text.slice(0, 40) + '…' : text}" has no entry in value map "${map.name}" and the map has no fallback`,
    { code: 'mapping.value_unmapped', kind: 'invalid', details: { valueMap: map.name, key: text } },
  );
}
