import { isKoppelError } from '../core/errors.js';
import type { CompiledField } from './compile-field.js';
import { describeExpressionError } from './describe-expression-error.js';
import { evaluateWithLimits, type EvaluationLimits } from './guard-expression.js';
import { isBlankValue, isEmptyValue } from './is-empty-value.js';
import { lookupValue } from './lookup-value.js';
import { readSourcePath } from './read-source-path.js';
import { toPlainValue } from './to-plain-value.js';
import type { FieldError, MapResult } from './types.js';
import { writeTargetField } from './write-target-field.js';

/**
 * Map one record field by field. Per field: the expression (or else the source path) gives a
 * value; an empty or blank one (undefined, null, '' or only whitespace) is replaced by the default;
 * the value map turns it into the target's value; then a required field must have a value that is
 * not blank. A field that fails
 * is left out of the output and reported; the other fields are still mapped.
 *
 * Fields are evaluated one after another, so an expression's time limit measures that expression
 * alone. A value that is still undefined is left out of the output; null and '' are written.
 */
export async function applyFields(
  fields: readonly CompiledField[],
  record: unknown,
  limits: EvaluationLimits,
): Promise<MapResult> {
  const output: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const field of fields) {
    let value: unknown;
    if (field.evaluate !== undefined) {
      try {
        value = toPlainValue(await evaluateWithLimits(field.evaluate, record, limits));
      } catch (e) {
        errors.push(fieldError(field, describeExpressionError(e)));
        continue;
      }
    } else if (field.path !== undefined) {
      value = readSourcePath(record, field.path);
    }
    settleField(field, value, output, errors);
  }
  return { output, errors };
}

function settleField(
  field: CompiledField,
  found: unknown,
  output: Record<string, unknown>,
  errors: FieldError[],
): void {
  let value = found;
  if (isBlankValue(value) && field.hasDefault) value = copyOf(field.defaultValue);
  if (field.valueMap !== undefined && !isEmptyValue(value)) {
    try {
      value = copyOf(lookupValue(field.valueMap, value));
    } catch (e) {
      if (!isKoppelError(e)) throw e;
      errors.push(fieldError(field, e));
      return;
    }
  }
  if (field.required && isBlankValue(value)) {
    // Whitespace alone is as good as nothing: say so, since the source does seem to have a value.
    const message = isEmptyValue(value)
      ? 'required value is missing'
      : 'required value is blank (only spaces): fill it in at the source';
    errors.push(fieldError(field, { code: 'mapping.required_missing', message }));
    return;
  }
  if (value !== undefined) writeTargetField(output, field.segments, value);
}

function fieldError(field: CompiledField, problem: { code: string; message: string }): FieldError {
  return {
    field: field.name,
    expression: field.expression,
    message: problem.message,
    code: problem.code,
    origin: field.origin,
  };
}

/** Defaults and value-map entries are shared by every record; each output gets its own copy. */
function copyOf(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? structuredClone(value) : value;
}
