import { isKoppelError } from '../core/errors.js';
import { isPlainObject } from '../core/json.js';
import { compileMapping } from './compile-mapping.js';
import { parseSourcePath, readSourcePath } from './read-source-path.js';
import type { CompiledMapping, CompileMappingOptions, FieldError, MappingDefinition } from './types.js';

export interface PreviewOptions extends CompileMappingOptions {
  /** Source path of each sample's id (e.g. `ID`), shown with its result. */
  idPath?: string | undefined;
}

export interface PreviewResult {
  index: number;
  sourceId?: string;
  output: Record<string, unknown>;
  errors: FieldError[];
}

export interface MappingPreview {
  results: PreviewResult[];
  /** Field errors over all samples (compile errors not included). */
  errorCount: number;
  /** Present when the mapping does not compile; `results` is then empty. */
  compileErrors?: FieldError[];
}

/**
 * What a mapping makes of some sample records, writing nothing: for the dashboard's mapping editor
 * and `koppel mapping preview`. A mapping that does not compile is reported in `compileErrors`
 * rather than thrown.
 */
export async function previewMapping(
  def: MappingDefinition,
  samples: unknown[],
  options: PreviewOptions = {},
): Promise<MappingPreview> {
  let compiled: CompiledMapping;
  try {
    compiled = compileMapping(def, options);
  } catch (e) {
    if (!isKoppelError(e)) throw e;
    return { results: [], errorCount: 0, compileErrors: compileErrorsOf(e) };
  }
  const idSteps = options.idPath === undefined ? undefined : parseSourcePath(options.idPath);
  if (idSteps !== undefined && !Array.isArray(idSteps)) {
    const message = `id path is not valid: ${idSteps.problem}`;
    const idError = {
      field: '(idPath)',
      expression: options.idPath ?? '',
      message,
      code: 'mapping.invalid_path',
    };
    return { results: [], errorCount: 0, compileErrors: [idError] };
  }
  const results: PreviewResult[] = [];
  for (const [index, sample] of samples.entries()) {
    const sourceId = Array.isArray(idSteps) ? idText(readSourcePath(sample, idSteps)) : undefined;
    const base = sourceId === undefined ? { index } : { index, sourceId };
    if (!isPlainObject(sample)) {
      results.push({ ...base, output: {}, errors: [notARecord(sample)] });
      continue;
    }
    results.push({ ...base, ...(await compiled.apply(sample)) });
  }
  return { results, errorCount: results.reduce((n, r) => n + r.errors.length, 0) };
}

function compileErrorsOf(e: {
  code: string;
  message: string;
  details?: Record<string, unknown> | undefined;
}) {
  const listed = e.details?.['errors'];
  if (Array.isArray(listed)) return listed as FieldError[];
  return [{ field: '(mapping)', expression: '', message: e.message, code: e.code }];
}

function idText(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

function notARecord(sample: unknown): FieldError {
  const type = sample === null ? 'null' : Array.isArray(sample) ? 'a list' : typeof sample;
  return {
    field: '(record)',
    expression: '',
    message: `the sample is ${type}, not an object`,
    code: 'mapping.invalid_record',
  };
}
