import type { WriteContext } from './entity-descriptor.js';
import type { StoredRow } from './field-types.js';

/** A row by its `Code`; journals, VAT codes and GL accounts are a few dozen rows, so a scan is cheap. */
export function byCode(ctx: WriteContext, path: string, code: unknown): StoredRow | undefined {
  for (const record of ctx.data.table(path).values()) if (record.row['Code'] === code) return record.row;
  return undefined;
}

/** A row by its Guid key, without scanning (tables are keyed by the lowercase key). */
export function byId(ctx: WriteContext, path: string, id: unknown): StoredRow | undefined {
  return typeof id === 'string' ? ctx.data.table(path).get(id)?.row : undefined;
}

/**
 * The GL account of a type (and, if given, with that VAT code) with the lowest code: the
 * division's default for that role.
 */
export function firstGlOfType(ctx: WriteContext, type: number, vatCode?: unknown): string | undefined {
  let found: StoredRow | undefined;
  for (const { row } of ctx.data.table('financial/GLAccounts').values()) {
    if (row['Type'] !== type || (vatCode !== undefined && row['VATCode'] !== vatCode)) continue;
    if (!found || String(row['Code']) < String(found['Code'])) found = row;
  }
  return typeof found?.['ID'] === 'string' ? found['ID'] : undefined;
}
