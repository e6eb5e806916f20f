import type { ScalarType } from './field-types.js';
import { isScalarType } from './field-types.js';

/** One field of an entity, as the reference's appendix A lists it. */
export interface FieldSpec {
  name: string;
  type: ScalarType;
  key: boolean;
  /** Writable on POST / on PUT; other fields are read-only lookups and audit fields. */
  post: boolean;
  put: boolean;
  /** Mandatory on POST (the `!` flag). */
  mandatory: boolean;
  /** `{new}`: documented by Exact only after its 2022 reference (scripts/exact-field-lists). */
  new?: true;
}

export interface FieldList {
  scalars: FieldSpec[];
  /** Child collections (e.g. `SalesOrderLines`) by name, with whether they are mandatory on POST. */
  collections: Map<string, { mandatory: boolean }>;
}

/**
 * Read the `Name:Type[flags]` notation of the reference's appendix A (flags K key, P POST,
 * U PUT, ! mandatory), so entity field lists are pasted data rather than code.
 * `{new}` fields (type known, writability unknown) are taken as writable.
 */
export function parseFieldList(text: string): FieldList {
  const scalars: FieldSpec[] = [];
  const collections = new Map<string, { mandatory: boolean }>();
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const m = /^(\w+):([\w.]+)(\[\]\s*collection)?(?:\[([KPU!]*)\])?(\{new\})?$/.exec(entry);
    if (!m) throw new Error(`Unreadable field entry "${entry}"`);
    const [, name = '', type = '', arrayMark, flags = '', isNew] = m;
    if (!isScalarType(type) || arrayMark) {
      collections.set(name, { mandatory: flags.includes('!') });
      continue;
    }
    const unknownWritability = isNew !== undefined;
    scalars.push({
      name,
      type,
      key: flags.includes('K'),
      post: flags.includes('P') || unknownWritability,
      put: flags.includes('U') || unknownWritability,
      mandatory: flags.includes('!'),
      ...(unknownWritability ? { new: true as const } : {}),
    });
  }
  return { scalars, collections };
}
