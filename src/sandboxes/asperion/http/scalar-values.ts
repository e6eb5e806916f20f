import type { FieldType } from '../resources/resource-descriptor.js';

const datePattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A date in any ISO form as the API emits it, `YYYY-MM-DDTHH:MM:SS` without a zone (§1.6, §6.3).
 * `endOfDay` makes a bare date an inclusive upper bound. Undefined when it is no real date.
 */
export function normaliseDateTime(text: string, endOfDay = false): string | undefined {
  const m = datePattern.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return undefined;
  const time = h === undefined ? (endOfDay ? '23:59:59' : '00:00:00') : `${h}:${mi ?? '00'}:${s ?? '00'}`;
  return `${y}-${mo}-${d}T${time}`;
}

/** Only the date part, as date fields are stored: `YYYY-MM-DDT00:00:00`. */
export function normaliseDate(text: string): string | undefined {
  const full = normaliseDateTime(text);
  return full === undefined ? undefined : `${full.slice(0, 10)}T00:00:00`;
}

/** A query-string value read as the field's type; undefined when it does not parse. */
export function parseScalar(
  type: FieldType,
  raw: string,
  endOfDay = false,
): string | number | boolean | undefined {
  switch (type) {
    case 'int':
      return /^-?\d+$/.test(raw) ? Number(raw) : undefined;
    case 'decimal':
      // Kept as text; comparisons go through cents (money.ts), never float arithmetic.
      return /^-?\d+(\.\d+)?$/.test(raw) ? raw : undefined;
    case 'bool':
      return /^true$/i.test(raw) ? true : /^false$/i.test(raw) ? false : undefined;
    case 'date':
      return normaliseDateTime(raw, endOfDay);
    case 'datetime':
      return normaliseDateTime(raw, endOfDay);
    case 'string':
      return raw;
    case 'lines':
      return undefined;
  }
}
