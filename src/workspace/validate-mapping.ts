import { isKoppelError } from '../core/errors.js';
import { compileMapping, mappingDefinitionSchema } from '../mapping/index.js';
import type { FieldError, MappingDefinition } from '../mapping/types.js';
import { formatPath, requiredMessage, sortErrors, type WorkspaceError } from './workspace-errors.js';

type Path = ReadonlyArray<string | number>;

export type MappingValidation =
  { ok: true; definition: MappingDefinition } | { ok: false; errors: WorkspaceError[] };

/**
 * A mapping checked exactly as a workspace file's mappings are: its shape (paths, value maps it
 * names, fields that need a source, an expression or a default), then every expression compiles.
 * Every problem, each at its place under `at` (`mapping.fields.email.expr`).
 */
export function validateMapping(input: unknown, at: Path = []): MappingValidation {
  const parsed = mappingDefinitionSchema.safeParse(input, { error: requiredMessage });
  if (!parsed.success)
    return {
      ok: false,
      errors: sortErrors(
        parsed.error.issues.map((issue) => ({
          path: formatPath([...at, ...issue.path]),
          reason: issue.message,
        })),
      ),
    };
  const errors = mappingCompileErrors(parsed.data, at);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, definition: parsed.data };
}

/** Every expression of the mapping compiles, and every value map it names exists. */
export function mappingCompileErrors(definition: MappingDefinition, at: Path = []): WorkspaceError[] {
  try {
    compileMapping(definition);
    return [];
  } catch (e) {
    const problems = (isKoppelError(e) ? (e.details?.errors as FieldError[] | undefined) : undefined) ?? [];
    if (problems.length === 0)
      problems.push({
        field: '',
        expression: '',
        message: String((e as Error).message),
        code: 'mapping.invalid',
      });
    return problems.map((problem) => ({
      path: formatPath([...at, 'fields', ...(problem.field ? [problem.field] : [])]),
      reason: problem.expression ? `${problem.message} (in ${problem.expression})` : problem.message,
    }));
  }
}
