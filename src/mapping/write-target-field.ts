/**
 * Target field names are dotted paths (`address.street`) that build nested output. The names of
 * a mapping never overlap (`address` and `address.street` together are refused when compiling),
 * so writing never has to overwrite a value with an object.
 */
const forbiddenNames = new Set(['__proto__', 'prototype', 'constructor']);

/** The segments of a target field name, or a message saying what is wrong with it. */
export function parseTargetField(name: string): string[] | { problem: string } {
  const segments = name.split('.');
  if (segments.some((s) => s.trim() === '')) return { problem: 'has an empty part' };
  const bad = segments.find((s) => forbiddenNames.has(s));
  if (bad !== undefined) return { problem: `"${bad}" cannot be a field name` };
  return segments;
}

/** Field names that are a prefix of another field name, as `[shorter, longer]` pairs. */
export function findOverlappingFields(names: readonly string[]): Array<[string, string]> {
  const all = new Set(names);
  const overlaps: Array<[string, string]> = [];
  for (const name of names) {
    const parts = name.split('.');
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('.');
      if (all.has(prefix)) overlaps.push([prefix, name]);
    }
  }
  return overlaps;
}

/** Set `value` at the nested position `segments` of `output`, creating objects on the way. */
export function writeTargetField(
  output: Record<string, unknown>,
  segments: readonly string[],
  value: unknown,
): void {
  let node = output;
  const last = segments.length - 1;
  for (let i = 0; i < last; i++) {
    const key = segments[i] as string;
    let child = node[key];
    if (child === undefined) {
      child = {};
      node[key] = child;
    }
    node = child as Record<string, unknown>;
  }
  node[segments[last] as string] = value;
}
