import { isPlainObject } from '../core/json.js';

/** A copy of `payload` without the given dotted paths (the fields an update must not touch). */
export function withoutPaths<T extends Record<string, unknown>>(payload: T, paths: ReadonlySet<string>): T {
  if (paths.size === 0) return payload;
  const copy = structuredClone(payload);
  for (const path of paths) {
    const parts = path.split('.');
    let node: unknown = copy;
    for (let i = 0; i < parts.length - 1 && isPlainObject(node); i++) node = node[parts[i] as string];
    if (isPlainObject(node)) delete node[parts[parts.length - 1] as string];
  }
  return copy;
}
