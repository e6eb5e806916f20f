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

/** One field that could not be mapped, named so a person can find and fix it. */
export interface FieldError {
  field: string;
  /** The path or expression that failed. */
  expression: string;
  message: string;
  code: string;
}

export interface MapResult {
  output: Record<string, unknown>;
  errors: FieldError[];
}
