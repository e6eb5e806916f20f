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
    let node: Record<string, unknown> | undefined = copy;
    for (let i = 0; i < parts.length - 1 && node; i++) {
      const child: unknown = node[parts[i] as string];
      // A path through a value that is not an object names nothing here (`contact.Email` of a
      // payload without `contact` must not remove the top-level `Email`).
      node = isPlainObject(child) ? (node[parts[i] as string] = { ...child }) : undefined;
    }
    if (node) delete node[parts[parts.length - 1] as string];
  }
  return copy as T;
}
