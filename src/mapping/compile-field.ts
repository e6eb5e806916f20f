import jsonata from 'jsonata';
import { describeExpressionError } from './describe-expression-error.js';
import { guardExpression } from './guard-expression.js';
import type { CompiledValueMap } from './lookup-value.js';
import { parseSourcePath, type PathStep } from './read-source-path.js';
import { registerTransforms } from './register-transforms.js';
import type { FieldError, FieldMapping, FieldOrigin } from './types.js';
import { parseTargetField } from './write-target-field.js';

/** One target field, ready to fill: its expression parsed once, its path split once. */
export interface CompiledField {
  name: string;
  segments: readonly string[];
  origin: FieldOrigin;
  /** The expression or path as written, for error messages. */
  expression: string;
  evaluate: jsonata.Expression | undefined;
  path: readonly PathStep[] | undefined;
  hasDefault: boolean;
  defaultValue: unknown;
  required: boolean;
  valueMap: CompiledValueMap | undefined;
}

export interface FieldCompileContext {
  valueMaps: ReadonlyMap<string, CompiledValueMap>;
  /** JSONata's own limit on the length of sequences an expression builds. */
  maxSequence: number;
}

/** Where the field's value comes from: the expression wins over the path. */
export function originOf(mapping: FieldMapping): FieldOrigin {
  return mapping.expr !== undefined ? 'expr' : mapping.source !== undefined ? 'source' : 'default';
}

/** Compile one field; every problem found comes back as a FieldError (none means `field` is set). */
export function compileField(
  name: string,
  mapping: FieldMapping,
  context: FieldCompileContext,
): { field?: CompiledField; problems: FieldError[] } {
  const origin = originOf(mapping);
  const expression = mapping.expr ?? mapping.source ?? '';
  const problems: FieldError[] = [];
  const problem = (code: string, message: string): void => {
    problems.push({ field: name, expression, message, code, origin });
  };

  const segments = parseTargetField(name);
  if (!Array.isArray(segments)) problem('mapping.invalid_target', `target field name ${segments.problem}`);

  let evaluate: jsonata.Expression | undefined;
  let path: PathStep[] | undefined;
  if (mapping.expr !== undefined) {
    try {
      evaluate = jsonata(mapping.expr, { sequence: context.maxSequence });
      guardExpression(evaluate);
      registerTransforms(evaluate, context.valueMaps);
    } catch (e) {
      problem('mapping.invalid_expression', describeExpressionError(e).message);
    }
  } else if (mapping.source !== undefined) {
    const parsed = parseSourcePath(mapping.source);
    if (Array.isArray(parsed)) path = parsed;
    else problem('mapping.invalid_path', `source path is not valid: ${parsed.problem}`);
  } else if (mapping.default === undefined) {
    problem('mapping.empty_field', 'needs a source path, an expression or a default');
  }

  let valueMap: CompiledValueMap | undefined;
  if (mapping.valueMap !== undefined) {
    valueMap = context.valueMaps.get(mapping.valueMap);
    if (valueMap === undefined) {
      problem('mapping.unknown_value_map', `value map "${mapping.valueMap}" is not defined in valueMaps`);
    }
  }

  if (problems.length > 0 || !Array.isArray(segments)) return { problems };
  return {
    problems,
    field: {
      name,
      segments,
      origin,
      expression,
      evaluate,
      path,
      hasDefault: mapping.default !== undefined,
      defaultValue: mapping.default,
      required: mapping.required === true,
      valueMap,
    },
  };
}
