/**
 * A mapping is data: it can be stored, versioned, exported to a workspace file and edited in the
 * dashboard. It turns one source record into one target payload.
 */
export interface FieldMapping {
  /** Dotted path into the source record (`Customer.Email`, `Lines[0].Item`). */
  source?: string | undefined;
  /** A JSONata expression over the source record; wins over `source`. */
  expr?: string | undefined;
  /** Used when the path or expression gives nothing (undefined, null or ''). */
  default?: unknown;
  /** A missing value is an error for this record. */
  required?: boolean | undefined;
  /** Look the value up in this value map of the mapping. */
  valueMap?: string | undefined;
  /** Whether an update may overwrite this field in the target (create always writes it). */
  overwrite?: boolean | undefined;
}

export interface ValueMap {
  /** Source value → target value. Keys are compared as text. */
  entries: Record<string, unknown>;
  /** Used for a key without an entry; without a fallback an unknown key is an error. */
  fallback?: unknown;
}

export interface MappingDefinition {
  /** Target field (dotted path for nested output) → how to fill it. */
  fields: Record<string, FieldMapping>;
  valueMaps?: Record<string, ValueMap> | undefined;
}

/** Where a field's value comes from: its `expr`, its `source` path, or only its `default`. */
export const fieldOrigins = ['expr', 'source', 'default'] as const;
export type FieldOrigin = (typeof fieldOrigins)[number];

/** One field that could not be mapped, named so a person can find and fix it. */
export interface FieldError {
  field: string;
  /** The path or expression that failed. */
  expression: string;
  message: string;
  code: string;
  /** Whether `expression` is an expression or a source path (messages say `expr …` or `source …`). */
  origin?: FieldOrigin | undefined;
}

export interface MapResult {
  output: Record<string, unknown>;
  errors: FieldError[];
}

export interface CompileMappingOptions {
  /**
   * Evaluation steps one expression may take (default 1,000,000, `DEFAULT_EXPRESSION_MAX_STEPS`):
   * a count, not a time, so only a runaway expression hits it, however busy the machine is.
   */
  maxSteps?: number | undefined;
  /** Deepest nesting of evaluation steps one expression may reach (default 200). */
  maxDepth?: number | undefined;
  /** Longest sequence an expression may build, e.g. with `[1..n]` (default 100,000). */
  maxSequence?: number | undefined;
}

/** A mapping with every expression parsed once, ready to map many records. */
export interface CompiledMapping {
  readonly definition: MappingDefinition;
  /** Target field names, in definition order. */
  readonly fields: readonly string[];
  /** Map one record. Never throws for data problems: those come back as `errors`. */
  apply(record: Record<string, unknown>): Promise<MapResult>;
}
