import { KoppelError } from '../core/errors.js';
import { applyFields } from './apply-fields.js';
import { compileField, originOf, type CompiledField } from './compile-field.js';
import { compileValueMap } from './lookup-value.js';
import { describeFieldError } from './mapping-error.js';
import type { CompiledMapping, CompileMappingOptions, FieldError, MappingDefinition } from './types.js';
import { findOverlappingFields } from './write-target-field.js';

/**
 * Default number of evaluation steps one expression may take. It is there to stop runaway
 * expressions (endless recursion or loops), not to police slow ones; counting steps rather than
 * time means a busy machine never fails a record that an idle one maps. A field expression over
 * an order of a thousand lines takes some tens of thousands of steps; a runaway reaches the limit
 * in about a second on an idle machine.
 */
export const DEFAULT_EXPRESSION_MAX_STEPS = 1_000_000;

export const defaultCompileOptions = {
  maxSteps: DEFAULT_EXPRESSION_MAX_STEPS,
  maxDepth: 200,
  maxSequence: 100_000,
} as const;

/** Codes of compile problems, most telling first: the thrown error carries the first one present. */
const problemPrecedence = ['mapping.invalid_expression', 'mapping.unknown_value_map'];

/**
 * Prepare a mapping for many records: every expression is parsed once, every path split once.
 * Throws one KoppelError (kind `invalid`) that lists every problem of the definition, with the
 * problems as FieldError[] in `details.errors`; its code is `mapping.invalid_expression` when any
 * expression does not parse, else `mapping.unknown_value_map` when a value map is missing, else
 * the first problem's code.
 */
export function compileMapping(def: MappingDefinition, options: CompileMappingOptions = {}): CompiledMapping {
  const limits = {
    maxSteps: positive(options.maxSteps, 'maxSteps') ?? defaultCompileOptions.maxSteps,
    maxDepth: positive(options.maxDepth, 'maxDepth') ?? defaultCompileOptions.maxDepth,
  };
  const maxSequence = positive(options.maxSequence, 'maxSequence') ?? defaultCompileOptions.maxSequence;
  const valueMaps = new Map(
    Object.entries(def.valueMaps ?? {}).map(([name, map]) => [name, compileValueMap(name, map)] as const),
  );

  const fields: CompiledField[] = [];
  const problems: FieldError[] = [];
  for (const [name, mapping] of Object.entries(def.fields)) {
    const compiled = compileField(name, mapping, { valueMaps, maxSequence });
    problems.push(...compiled.problems);
    if (compiled.field) fields.push(compiled.field);
  }
  const names = Object.keys(def.fields);
  for (const [shorter, longer] of findOverlappingFields(names)) {
    const mapping = def.fields[longer] ?? {};
    problems.push({
      field: longer,
      expression: mapping.expr ?? mapping.source ?? '',
      message: `overlaps field "${shorter}": a target field cannot be both a value and an object`,
      code: 'mapping.overlapping_fields',
      origin: originOf(mapping),
    });
  }
  if (problems.length > 0) throw compileFailure(problems);

  return {
    definition: def,
    fields: names,
    apply: (record) => applyFields(fields, record, limits),
  };
}

function compileFailure(problems: FieldError[]): KoppelError {
  const code =
    problemPrecedence.find((c) => problems.some((p) => p.code === c)) ??
    problems[0]?.code ??
    'mapping.invalid_definition';
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new KoppelError(
    `Mapping does not compile (${count}): ${problems.map(describeFieldError).join('; ')}`,
    {
      code,
      kind: 'invalid',
      details: { errors: problems },
    },
  );
}

function positive(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (Number.isFinite(value) && value > 0) return value;
  throw new KoppelError(`${name} must be a positive number, not ${value}`, {
    code: 'mapping.invalid_option',
    kind: 'invalid',
  });
}
