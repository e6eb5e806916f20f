import { KoppelError } from '../core/errors.js';

/** One problem in a workspace file, with where it is (`pairs[0].flows[1].source`). */
export interface WorkspaceError {
  path: string;
  reason: string;
}

/** `['pairs', 0, 'flows', 1, 'source']` → `pairs[0].flows[1].source`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else {
      const key = String(part);
      out += /^[A-Za-z_$][\w$-]*$/.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out || '(file)';
}

/** "is required" rather than zod's "expected string, received undefined"; other messages stay. */
export function requiredMessage(issue: { code?: string; input?: unknown }): string | undefined {
  return issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined;
}

/** Document order: `pairs[2]` before `pairs[10]`; errors at the same path keep their order. */
export function sortErrors(errors: WorkspaceError[]): WorkspaceError[] {
  return [...errors].sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
}

/** The error `koppel apply` exits 2 with: every problem, one per line, also in `details.errors`. */
export function invalidWorkspaceError(errors: WorkspaceError[], source?: string): KoppelError {
  const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
  const lines = errors.map((e) => `  ${e.path}: ${e.reason}`);
  return new KoppelError(`Workspace file${source ? ` ${source}` : ''} has ${count}\n${lines.join('\n')}`, {
    code: 'workspace.invalid',
    kind: 'invalid',
    details: { errors },
  });
}

/** A mapping that does not pass `validateMapping`: every problem, also in `details.errors`. */
export function invalidMappingError(errors: WorkspaceError[]): KoppelError {
  const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
  return new KoppelError(`Mapping has ${count}: ${errors.map((e) => `${e.path}: ${e.reason}`).join('; ')}`, {
    code: 'mapping.invalid_definition',
    kind: 'invalid',
    details: { errors },
  });
}
