import type { AsperionSettings } from '../settings.js';
import type { FieldErrors } from '../http/field-errors.js';
import type { AdministrationData } from '../state/administration-data.js';
import type { Clock } from '../../../core/clock.js';

/**
 * Glossary
 * - resource: one collection under /v1 (debtors, vatcodes, ...), declared as data by a descriptor.
 * - record: one stored item, as plain JSON in the shape the API emits (camelCase fields).
 * - package: the subscription module an administration must have for a resource (§2.11).
 */
export const fieldTypes = ['int', 'string', 'decimal', 'bool', 'date', 'datetime', 'lines'] as const;
export type FieldType = (typeof fieldTypes)[number];

export const packageNames = ['inBalance', 'inTrade'] as const;
export type PackageName = (typeof packageNames)[number];

export type SandboxRecord = Record<string, unknown>;

/** Where a record keeps properties a setting lets through beyond its declared fields (emitted as they were sent). */
export const extraPropertiesKey = '__extraProperties';

export interface FieldSpec {
  /** camelCase, as in the JSON; the filter parameter is the PascalCase form (§1.6). */
  name: string;
  type: FieldType;
  required?: boolean;
  /** Set by the server only; a value in a create body is dropped. */
  readOnly?: boolean;
  /** A read-only field that a setting makes writable after all (an UNCONFIRMED behaviour). */
  writableWhen?: (settings: AsperionSettings) => boolean;
  /** Kept for the sandbox's own rules (e.g. payment-condition days) and never emitted. */
  hidden?: boolean;
  /** Strings that are codes or ids match exactly instead of with Contains. */
  exact?: boolean;
}

export interface CreateContext {
  data: AdministrationData;
  settings: AsperionSettings;
  clock: Clock;
  errors: FieldErrors;
  /** Duplicates (unique numbers and codes), answered with the duplicateStatus setting. */
  conflicts: FieldErrors;
  /** The body as sent, for rules on read-only fields (currentStock). */
  body: Record<string, unknown>;
  /** On an update, the stored record being changed; uniqueness checks skip it. */
  existing: SandboxRecord | undefined;
}

export interface ResourceDescriptor {
  /** The path segment after /v1/, as Asperion spells it (case-insensitive on input). */
  path: string;
  /** Where the records live when another resource owns them (salesinvoices shows salesinvoiceswithlines). */
  table?: string;
  /** Singular English name for messages. */
  label: string;
  /** The administration needs at least one of these packages. */
  packages: readonly PackageName[];
  idType: 'int' | 'string';
  fields: readonly FieldSpec[];
  /**
   * Builds the record to store from a body that already passed the generic type and required checks.
   * Report problems on ctx.errors; the result is ignored when there are any. Absent: read-only resource.
   */
  create?: (input: SandboxRecord, ctx: CreateContext) => SandboxRecord;
  /** Offers PUT/PATCH /v1/<path>/{id} (verbs UNCONFIRMED, §6.4), re-running create's rules on the merged record. */
  updatable?: boolean;
  /** Runs just before a new record is stored (not on validateOnly), e.g. to number its lines. */
  beforeStore?: (record: SandboxRecord, data: AdministrationData) => void;
  /** Narrows a list before the generic filters (articles hide inactive ones unless ActiveState says so). */
  listScope?: (records: SandboxRecord[], query: URLSearchParams, errors: FieldErrors) => SandboxRecord[];
  /** Extra query parameters listScope reads, so that they are not taken for unknown filters. */
  extraParams?: readonly string[];
}

export const anyPackage: readonly PackageName[] = packageNames;
