import { unknownReferenceError } from './business-errors.js';
import type { WriteContext } from './entity-descriptor.js';
import type { StoredRow, StoredValue } from './field-types.js';

/** The first row of `path` whose `field` equals `value` (without copying the table). */
export function findRow(
  ctx: WriteContext,
  path: string,
  field: string,
  value: StoredValue | undefined,
): StoredRow | undefined {
  if (value === null || value === undefined) return undefined;
  return ctx.findBy(path, field, value);
}

/**
 * A Guid reference that must point at an existing row of `path` (by `ID`); an unknown one is a
 * 500 business-rule error, as for a sales order's OrderedBy. A null reference is allowed.
 */
export function referencedRow(
  ctx: WriteContext,
  path: string,
  field: string,
  value: StoredValue | undefined,
): StoredRow | undefined {
  if (value === null || value === undefined) return undefined;
  const row = findRow(ctx, path, 'ID', value);
  if (!row) throw unknownReferenceError(ctx.settings, field);
  return row;
}

/** The value a PUT leaves: the patched one if sent, otherwise the stored one. */
export function afterPatch(row: StoredRow, patch: StoredRow, field: string): StoredValue | undefined {
  return field in patch ? patch[field] : row[field];
}

/** Country descriptions for the read-only `CountryName` lookups (Exact localizes them; NL and EN here). */
const countryNames: Readonly<Record<string, readonly [string, string]>> = {
  NL: ['Nederland', 'Netherlands'],
  BE: ['België', 'Belgium'],
  DE: ['Duitsland', 'Germany'],
  FR: ['Frankrijk', 'France'],
  LU: ['Luxemburg', 'Luxembourg'],
  GB: ['Verenigd Koninkrijk', 'United Kingdom'],
  US: ['Verenigde Staten', 'United States'],
};

export function countryName(ctx: WriteContext, code: StoredValue | undefined): string | null {
  const names = typeof code === 'string' ? countryNames[code.toUpperCase()] : undefined;
  if (!names) return null;
  return ctx.settings.language === 'nl' ? names[0] : names[1];
}
