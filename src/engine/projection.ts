import { isPlainObject } from '../core/json.js';

/**
 * A copy of `payload` without the given dotted paths (the fields an update must not touch). Only
 * the objects along a removed path are copied; everything else is shared with `payload`.
 */
export function withoutPaths<T extends Record<string, unknown>>(payload: T, paths: ReadonlySet<string>): T {
  if (paths.size === 0) return payload;
  const copy: Record<string, unknown> = { ...payload };
  for (const path of paths) {
    const parts = path.split('.');
    let node = copy;
    for (let i = 0; i < parts.length - 1; i++) {
      const child = node[parts[i] as string];
      if (!isPlainObject(child)) break;
      node = node[parts[i] as string] = { ...child };
    }
    delete node[parts[parts.length - 1] as string];
  }
  return copy as T;
}
