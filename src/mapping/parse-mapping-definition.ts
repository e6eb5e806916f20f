import { KoppelError } from '../core/errors.js';
import { mappingDefinitionSchema } from './schema.js';
import type { MappingDefinition } from './types.js';

/**
 * A mapping read from a file or request body, checked against the schema. Throws a KoppelError
 * (`mapping.invalid_definition`, kind `invalid`) naming every problem with its path:
 * `fields.email.valueMap: value map "x" is not defined in valueMaps`.
 */
export function parseMappingDefinition(value: unknown): MappingDefinition {
  const result = mappingDefinitionSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = pathText(issue.path);
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  throw new KoppelError(`Mapping definition is not valid: ${problems.join('; ')}`, {
    code: 'mapping.invalid_definition',
    kind: 'invalid',
    details: { problems },
  });
}

/** `fields["address.street"].valueMap`: dotted target names stay readable as one key. */
function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = String(key);
      if (name.includes('.')) return `[${JSON.stringify(name)}]`;
      return i === 0 ? name : `.${name}`;
    })
    .join('');
}
