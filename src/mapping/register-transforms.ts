import type jsonata from 'jsonata';
import { KoppelError } from '../core/errors.js';
import type { RoundingMode } from '../core/money.js';
import { isEmptyValue } from './is-empty-value.js';
import { lookupValue, type CompiledValueMap } from './lookup-value.js';
import { formatAsCents, formatMoney } from './transforms/format-money.js';
import { fromLocalTime } from './transforms/from-local-time.js';
import { joinStreet } from './transforms/join-street.js';
import { parseExactDate } from './transforms/parse-exact-date.js';
import { splitStreet } from './transforms/split-street.js';
import { toLocalDate, toTimeZone } from './transforms/to-time-zone.js';

/**
 * The built-in transforms as JSONata functions. Each gives undefined for an empty input
 * (undefined, null or ''), so a field's default still applies, and checks its arguments itself
 * rather than with JSONata signatures, whose errors cannot say what was wrong.
 */
export function registerTransforms(
  expression: jsonata.Expression,
  valueMaps: ReadonlyMap<string, CompiledValueMap>,
): void {
  const fns: Record<string, (...args: unknown[]) => unknown> = {
    splitStreet: (line) => (isEmptyValue(line) ? undefined : splitStreet(text(line, 'splitStreet', 'line'))),
    joinStreet: (street, houseNumber, addition) => {
      const joined = joinStreet(
        optionalText(street, 'joinStreet', 'street') ?? '',
        optionalText(houseNumber, 'joinStreet', 'houseNumber') ?? '',
        optionalText(addition, 'joinStreet', 'addition') ?? '',
      );
      return joined === '' ? undefined : joined;
    },
    money: (value, decimals, mode) =>
      isEmptyValue(value)
        ? undefined
        : formatMoney(
            amount(value),
            optionalNumber(decimals, 'money', 'decimals'),
            roundingMode(mode, 'money'),
          ),
    cents: (value, mode) =>
      isEmptyValue(value) ? undefined : formatAsCents(amount(value), roundingMode(mode, 'cents')),
    exactDate: (value, timeZone) =>
      isEmptyValue(value)
        ? undefined
        : parseExactDate(instant(value), optionalText(timeZone, 'exactDate', 'timeZone')),
    toTimeZone: (value, timeZone) =>
      isEmptyValue(value)
        ? undefined
        : toTimeZone(instant(value), optionalText(timeZone, 'toTimeZone', 'timeZone')),
    localDate: (value, timeZone) =>
      isEmptyValue(value)
        ? undefined
        : toLocalDate(instant(value), optionalText(timeZone, 'localDate', 'timeZone')),
    fromLocal: (value, timeZone) =>
      isEmptyValue(value)
        ? undefined
        : fromLocalTime(text(value, 'fromLocal', 'time'), optionalText(timeZone, 'fromLocal', 'timeZone')),
    lookup: (mapOrObject, key) => lookup(valueMaps, mapOrObject, key),
  };
  for (const [name, fn] of Object.entries(fns)) expression.registerFunction(name, fn);
}

/**
 * `$lookup('vat', VATCode)` looks up in a value map of the mapping. This replaces JSONata's own
 * `$lookup(object, key)`, which keeps working: an object (or array of objects) as first argument
 * reads that key from it.
 */
function lookup(
  valueMaps: ReadonlyMap<string, CompiledValueMap>,
  mapOrObject: unknown,
  key: unknown,
): unknown {
  if (typeof mapOrObject === 'string') {
    const map = valueMaps.get(mapOrObject);
    if (map === undefined) {
      throw new KoppelError(`$lookup: value map "${mapOrObject}" is not defined in valueMaps`, {
        code: 'mapping.unknown_value_map',
        kind: 'invalid',
      });
    }
    return isEmptyValue(key) ? undefined : lookupValue(map, key);
  }
  const name = text(key, 'lookup', 'key');
  const objects = Array.isArray(mapOrObject) ? mapOrObject : [mapOrObject];
  const found = objects.flatMap((o: unknown) =>
    o !== null && typeof o === 'object' && !Array.isArray(o) && Object.hasOwn(o, name)
      ? [(o as Record<string, unknown>)[name]]
      : [],
  );
  return found.length <= 1 ? found[0] : found;
}

function text(value: unknown, fn: string, arg: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidArgument(fn, arg, 'text', value);
}

function optionalText(value: unknown, fn: string, arg: string): string | undefined {
  return isEmptyValue(value) ? undefined : text(value, fn, arg);
}

function optionalNumber(value: unknown, fn: string, arg: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  throw invalidArgument(fn, arg, 'a number', value);
}

/** Numbers and strings go to formatMoney, which says clearly when they are not amounts. */
function amount(value: unknown): number | string {
  if (typeof value === 'number' || typeof value === 'string') return value;
  throw new KoppelError(`${describe(value)} is not a number or a decimal string`, {
    code: 'mapping.not_numeric',
    kind: 'invalid',
  });
}

function instant(value: unknown): number | string {
  if (typeof value === 'number' || typeof value === 'string') return value;
  throw new KoppelError(`${describe(value)} is not a date`, {
    code: 'mapping.invalid_date',
    kind: 'invalid',
  });
}

function roundingMode(value: unknown, fn: string): RoundingMode | undefined {
  // formatMoney checks the name; here only its type.
  return optionalText(value, fn, 'mode') as RoundingMode | undefined;
}

function invalidArgument(fn: string, arg: string, expected: string, value: unknown): KoppelError {
  return new KoppelError(`$${fn}: ${arg} must be ${expected}, not ${describe(value)}`, {
    code: 'mapping.invalid_argument',
    kind: 'invalid',
  });
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return typeof value === 'string' ? `"${value.slice(0, 40)}"` : String(value);
}
