import type { FieldErrors } from '../http/field-errors.js';
import { msg } from '../http/messages.js';
import { normaliseDate, normaliseDateTime } from '../http/scalar-values.js';
import type { FieldSpec, SandboxRecord } from './resource-descriptor.js';

/** `customerNumber` → `CustomerNumber`: the spelling of filters and of error keys (§1.6, §1.7). */
export function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Looks a property up the way System.Text.Json's web defaults do: case-insensitively. */
export function property(body: Record<string, unknown>, name: string): unknown {
  if (name in body) return body[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(body)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/**
 * Reads the writable fields of a create body, checking each against its declared type and the
 * required ones for presence. Read-only, hidden and unknown properties are dropped. `prefix` names
 * nested lines in error keys (`Lines[0].`).
 */
export function readInput(
  body: Record<string, unknown>,
  fields: readonly FieldSpec[],
  errors: FieldErrors,
  prefix = '',
): SandboxRecord {
  const out: SandboxRecord = {};
  for (const field of fields) {
    if (field.readOnly || field.hidden) continue;
    const key = `${prefix}${pascal(field.name)}`;
    const raw = property(body, field.name);
    if (raw === undefined || raw === null || raw === '') {
      if (field.required) errors.add(key, msg('required', { field: pascal(field.name) }));
      continue;
    }
    const value = readValue(field, raw);
    if (value === undefined) {
      const problem =
        field.type === 'date' || field.type === 'datetime' ? msg('notDate', { field: key }) : undefined;
      errors.add(
        key,
        problem ?? (field.type === 'decimal' ? msg('notAmount', { field: key }) : typeMessage(field, key)),
      );
      continue;
    }
    out[field.name] = value;
  }
  return out;
}

function typeMessage(field: FieldSpec, key: string) {
  const names = { int: 'integer', string: 'string', bool: 'boolean', lines: 'object' } as const;
  return msg('wrongType', { field: key, type: names[field.type as keyof typeof names] ?? field.type });
}

function readValue(field: FieldSpec, raw: unknown): unknown {
  switch (field.type) {
    case 'int':
      return typeof raw === 'number' && Number.isSafeInteger(raw) ? raw : undefined;
    case 'decimal':
      return typeof raw === 'number' && hasAtMostTwoDecimals(raw) ? raw : undefined;
    case 'string':
      return typeof raw === 'string' ? raw : undefined;
    case 'bool':
      return typeof raw === 'boolean' ? raw : undefined;
    case 'date':
      return typeof raw === 'string' ? normaliseDate(raw) : undefined;
    case 'datetime':
      return typeof raw === 'string' ? normaliseDateTime(raw) : undefined;
    case 'lines':
      return typeof raw === 'object' ? raw : undefined;
  }
}

/** Amounts carry at most cents (§7); judged on the number's shortest decimal text, not by float maths. */
export function hasAtMostTwoDecimals(n: number): boolean {
  return Number.isFinite(n) && /^-?\d+(\.\d{1,2})?$/.test(String(n));
}

/** Nested lines arrive as `{ _data: [...] }` (§1.6); a bare array is accepted too. */
export function lineItems(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null) {
    const data = property(value as Record<string, unknown>, '_data');
    if (Array.isArray(data)) return data;
  }
  return undefined;
}
