import { KoppelError } from '../../core/errors.js';
import { formatCents, toCents, type Cents } from '../../core/money.js';

/**
 * The JSON Asperion speaks and the values Koppel holds: amounts are exact cents (bigint) in Koppel and
 * JSON numbers with at most two decimals on the wire (reference 1.6, 7); dates are `YYYY-MM-DD` in
 * Koppel and `YYYY-MM-DDT00:00:00` (any ISO form) on the wire.
 */

/** A calendar date, `YYYY-MM-DD`. */
export type PlainDate = string;

const marker = '\uF8FFdecimal:';

/**
 * JSON.parse, except that every number with a fraction or exponent reaches the reviver as its decimal
 * text, so amounts become cents from the digits the server wrote, never via a float. Fields named in
 * `decimalKeys` keep that text; other fractional numbers become ordinary numbers.
 */
export function parseExactJson(text: string, decimalKeys: ReadonlySet<string>): unknown {
  let out = '';
  let i = 0;
  let last = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Skip a string, escapes included.
      i++;
      while (i < text.length && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 ? 2 : 1;
      i++;
      continue;
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      const start = i;
      while (i < text.length && /[-+0-9.eE]/.test(text[i]!)) i++;
      const token = text.slice(start, i);
      if (/[.eE]/.test(token)) {
        out += text.slice(last, start) + JSON.stringify(marker + token);
        last = i;
      }
      continue;
    }
    i++;
  }
  out += text.slice(last);
  return JSON.parse(out, (key, value: unknown) => {
    if (typeof value !== 'string' || !value.startsWith(marker)) return value;
    const digits = value.slice(marker.length);
    return decimalKeys.has(key) ? digits : Number(digits);
  });
}

/** Cents from an amount as read (decimal text or integer); null and absent stay null. */
export function readMoney(value: unknown): Cents | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return toCents(value);
  if (typeof value === 'string') return toCents(withoutExponent(value));
  throw new KoppelError(`Asperion sent an amount that is not a number: ${JSON.stringify(value)}`, {
    code: 'asperion.bad_amount',
    kind: 'internal',
  });
}

/** `-1.25e2` → `-125`, by moving the decimal point in the text. */
function withoutExponent(text: string): string {
  const m = /^([+-]?)(\d+)(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(text.trim());
  if (!m) return text;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = m;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Beyond this a JSON number no longer carries every cent (15 significant digits round-trip). */
const largestExactCents = 10n ** 15n;

/** Whether an amount can go to Asperion as a JSON number exactly: under 10,000,000,000,000.00 either way. */
export function isSendableAmount(cents: Cents): boolean {
  return cents < largestExactCents && cents > -largestExactCents;
}

/** Cents as a JSON number whose shortest text is the exact amount with at most two decimals. */
export function writeMoney(cents: Cents, field: string): number {
  if (!isSendableAmount(cents)) {
    throw new KoppelError(`${field}: ${formatCents(cents)} is too large to send as a JSON number exactly`, {
      code: 'asperion.amount_too_large',
      kind: 'invalid',
      details: { fields: { [field]: ['amount too large'] } },
    });
  }
  return Number(formatCents(cents));
}

/** A date as read (`2026-01-15T00:00:00`, with or without zone) → `2026-01-15`; null stays null. */
export function readDate(value: unknown): PlainDate | null {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
}

export function checkDate(value: string, field: string): PlainDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw new KoppelError(`${field}: "${value}" is not a date (YYYY-MM-DD)`, {
      code: 'asperion.bad_date',
      kind: 'invalid',
      details: { fields: { [field]: ['not a date (YYYY-MM-DD)'] } },
    });
  }
  return value;
}

/**
 * A write body as sent: bigint amounts become exact JSON numbers, fields named in `dateKeys` are
 * checked as `YYYY-MM-DD`, undefined is left out, and `lines` arrays get the `_data` envelope
 * Asperion uses for nested lines in requests too (reference 1.6).
 */
export function toWire(value: unknown, dateKeys: ReadonlySet<string>, path = ''): unknown {
  if (typeof value === 'bigint') return writeMoney(value, path);
  if (Array.isArray(value)) return value.map((v, i) => toWire(v, dateKeys, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const at = path ? `${path}.${key}` : key;
    if (typeof v === 'string' && dateKeys.has(key)) out[key] = checkDate(v, at);
    else if (key === 'lines' && Array.isArray(v)) out[key] = { _data: toWire(v, dateKeys, at) };
    else out[key] = toWire(v, dateKeys, at);
  }
  return out;
}
