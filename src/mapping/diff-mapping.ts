import { stableStringify } from '../core/json.js';
import type { FieldMapping, MappingDefinition, ValueMap } from './types.js';

export interface FieldMappingChange {
  field: string;
  before: FieldMapping;
  after: FieldMapping;
  /** Which properties differ: `source`, `expr`, `default`, `required`, `valueMap`, `overwrite`. */
  properties: string[];
}

export interface ValueMapEntryChanges {
  added: Array<{ key: string; value: unknown }>;
  removed: Array<{ key: string; value: unknown }>;
  changed: Array<{ key: string; before: unknown; after: unknown }>;
}

export interface ValueMapChange {
  name: string;
  entries: ValueMapEntryChanges;
  /** Present when the fallback differs; a missing fallback is null. */
  fallback?: { before: unknown; after: unknown };
}

/** What one mapping version changes against another, by target field and by value map entry. */
export interface MappingDiff {
  /** Nothing differs (the order of fields and entries does not count). */
  same: boolean;
  fields: {
    added: Array<{ field: string; mapping: FieldMapping }>;
    removed: Array<{ field: string; mapping: FieldMapping }>;
    changed: FieldMappingChange[];
  };
  valueMaps: {
    added: Array<{ name: string; map: ValueMap }>;
    removed: Array<{ name: string; map: ValueMap }>;
    changed: ValueMapChange[];
  };
}

const same = (a: unknown, b: unknown) => stableStringify(a) === stableStringify(b);

/** Field by field and value map entry by entry, what `after` changes in `before`. */
export function diffMappings(before: MappingDefinition, after: MappingDefinition): MappingDiff {
  const fields = keyedDiff(before.fields, after.fields);
  const maps = keyedDiff(before.valueMaps ?? {}, after.valueMaps ?? {});
  const diff: MappingDiff = {
    same: false,
    fields: {
      added: fields.added.map(([field, mapping]) => ({ field, mapping })),
      removed: fields.removed.map(([field, mapping]) => ({ field, mapping })),
      changed: fields.changed.map(([field, b, a]) => ({
        field,
        before: b,
        after: a,
        properties: [...new Set([...Object.keys(b), ...Object.keys(a)])]
          .filter((p) => !same(b[p as keyof FieldMapping], a[p as keyof FieldMapping]))
          .sort(),
      })),
    },
    valueMaps: {
      added: maps.added.map(([name, map]) => ({ name, map })),
      removed: maps.removed.map(([name, map]) => ({ name, map })),
      changed: maps.changed.map(([name, b, a]) => valueMapChange(name, b, a)),
    },
  };
  diff.same =
    fields.added.length + fields.removed.length + fields.changed.length === 0 &&
    maps.added.length + maps.removed.length + maps.changed.length === 0;
  return diff;
}

function valueMapChange(name: string, before: ValueMap, after: ValueMap): ValueMapChange {
  const entries = keyedDiff(before.entries, after.entries);
  const change: ValueMapChange = {
    name,
    entries: {
      added: entries.added.map(([key, value]) => ({ key, value })),
      removed: entries.removed.map(([key, value]) => ({ key, value })),
      changed: entries.changed.map(([key, b, a]) => ({ key, before: b, after: a })),
    },
  };
  if (!same(before.fallback, after.fallback))
    change.fallback = { before: before.fallback ?? null, after: after.fallback ?? null };
  return change;
}

/** Keys only in `after`, only in `before`, and in both with different values; each sorted by key. */
function keyedDiff<V>(before: Record<string, V>, after: Record<string, V>) {
  const byKey = (a: [string, ...unknown[]], b: [string, ...unknown[]]) => a[0].localeCompare(b[0]);
  const added: Array<[string, V]> = [];
  const removed: Array<[string, V]> = [];
  const changed: Array<[string, V, V]> = [];
  for (const [key, value] of Object.entries(after)) {
    if (!Object.hasOwn(before, key)) added.push([key, value]);
    else if (!same(before[key], value)) changed.push([key, before[key] as V, value]);
  }
  for (const [key, value] of Object.entries(before))
    if (!Object.hasOwn(after, key)) removed.push([key, value]);
  return { added: added.sort(byKey), removed: removed.sort(byKey), changed: changed.sort(byKey) };
}
