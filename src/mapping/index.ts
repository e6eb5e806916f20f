/**
 * The datamapper: a mapping is data (per target field a source path or a JSONata expression, a
 * default, a required flag, a value map) that turns one source record into one target payload.
 *
 * Inside expressions, besides JSONata's own functions:
 * | JSONata                                | TypeScript       |
 * |----------------------------------------|------------------|
 * | `$splitStreet(line)`                   | `splitStreet`    |
 * | `$joinStreet(street, number, addition)`| `joinStreet`     |
 * | `$money(value, decimals?, mode?)`      | `formatMoney`    |
 * | `$cents(value, mode?)`                 | `formatAsCents`  |
 * | `$exactDate(value, timeZone?)`         | `parseExactDate` |
 * | `$toTimeZone(instant, timeZone?)`      | `toTimeZone`     |
 * | `$localDate(instant, timeZone?)`       | `toLocalDate`    |
 * | `$fromLocal(local, timeZone?)`         | `fromLocalTime`  |
 * | `$lookup(valueMapName, key)`           | (value maps)     |
 * Time zones default to Europe/Amsterdam. Empty input (undefined, null, '') gives nothing.
 */
export type {
  CompiledMapping,
  CompileMappingOptions,
  FieldError,
  FieldMapping,
  FieldOrigin,
  MappingDefinition,
  MapResult,
  ValueMap,
} from './types.js';
export { fieldOrigins } from './types.js';
export { mappingDefinitionSchema } from './schema.js';
export { compileMapping, defaultCompileOptions, DEFAULT_EXPRESSION_MAX_STEPS } from './compile-mapping.js';
export {
  previewMapping,
  type MappingPreview,
  type PreviewOptions,
  type PreviewResult,
} from './preview-mapping.js';
export { describeFieldError, mappingFailure } from './mapping-error.js';
export {
  diffMappings,
  type FieldMappingChange,
  type MappingDiff,
  type ValueMapChange,
  type ValueMapEntryChanges,
} from './diff-mapping.js';
export { parseSourcePath, readSourcePath, type PathStep } from './read-source-path.js';
export { splitStreet, type StreetParts } from './transforms/split-street.js';
export { joinStreet } from './transforms/join-street.js';
export { formatAsCents, formatMoney } from './transforms/format-money.js';
export { parseExactDate } from './transforms/parse-exact-date.js';
export { toLocalDate, toTimeZone } from './transforms/to-time-zone.js';
export { fromLocalTime } from './transforms/from-local-time.js';
export { defaultTimeZone } from './transforms/wall-clock.js';
export { parseMappingDefinition } from './parse-mapping-definition.js';
