import { valueText } from './value-text';

/**
 * A mapped payload as rows of dotted field → value, the way the mapping names its target fields
 * (`customer.billing.city`); lists stay whole, as one value.
 */
export function flattenOutput(value: unknown, prefix = ''): Array<[string, string]> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return [[prefix, Array.isArray(value) ? JSON.stringify(value) : valueText(value)]];
  const rows: Array<[string, string]> = [];
  for (const [key, inner] of Object.entries(value))
    rows.push(...flattenOutput(inner, prefix === '' ? key : `${prefix}.${key}`));
  return rows;
}
