import { msg } from '../http/messages.js';
import type { CreateContext, SandboxRecord } from './resource-descriptor.js';

/**
 * A reference to another record must exist (§6.4). Absent values pass; `disabled` or inactive
 * targets are refused when `mustBeActive`. Returns the target so callers can apply further rules.
 */
export function checkReference(
  ctx: CreateContext,
  key: string,
  resource: string,
  value: unknown,
  mustBeActive = false,
): SandboxRecord | undefined {
  if (value === undefined || value === null) return undefined;
  const target = ctx.data.get(resource, value as string | number);
  if (!target) {
    ctx.errors.add(key, msg('unknownReference', { field: key, value: String(value) }));
    return undefined;
  }
  if (mustBeActive && (target['disabled'] === true || target['active'] === false)) {
    ctx.errors.add(key, msg('disabledReference', { field: key, value: String(value) }));
  }
  return target;
}
