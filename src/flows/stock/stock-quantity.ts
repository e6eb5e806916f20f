import { KoppelError } from '../../core/errors.js';
import { formatCents, toCents } from '../../core/money.js';

/**
 * Stock quantities are compared exactly: read from their decimal text (a JSON number from its
 * shortest round-tripping text) into millionths as a bigint, never added as floats. Six places
 * cover every unit either side shows; a quantity with more is rounded half-up at the sixth.
 */
const places = 6;

export type Quantity = bigint;

/** A quantity from Exact's or Asperion's JSON (a number or decimal text); null when it is none. */
export function toQuantity(value: unknown, what: string): Quantity {
  if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')) {
    try {
      return toCents(value, 'half-up', places);
    } catch {
      // fall through to the flow's own error, which names the field
    }
  }
  throw new KoppelError(`${what} is not a quantity: ${JSON.stringify(value)?.slice(0, 40)}`, {
    code: 'stock.bad_quantity',
    kind: 'invalid',
  });
}

/** `12`, `12.5`, `-3.25`: the shortest decimal text of a quantity. */
export function formatQuantity(q: Quantity): string {
  const text = formatCents(q, places);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** `+2`, `-0.5`, `0`: a difference with its sign. */
export function formatDifference(q: Quantity): string {
  return q > 0n ? `+${formatQuantity(q)}` : formatQuantity(q);
}
