import { parseIsoToWallClock, wallClockMs } from '../amsterdam-time.js';
import type { ScalarType, StoredRow } from '../entities/field-types.js';
import { isNumericType } from '../entities/field-types.js';
import { querySyntaxError } from '../odata-error.js';
import type { FilterNode, Literal } from './filter-ast.js';

/** The value classes a filter compares; DateTimes compare as wall-clock milliseconds. */
type ValueClass = 'string' | 'guid' | 'datetime' | 'number' | 'boolean' | 'null';
type Value = string | number | boolean | null;

function classOfField(type: ScalarType): ValueClass {
  if (type === 'Guid') return 'guid';
  if (type === 'DateTime') return 'datetime';
  if (type === 'Boolean') return 'boolean';
  if (isNumericType(type)) return 'number';
  return 'string';
}

/**
 * Check a parsed filter against the entity's fields before running it: unknown fields, literals
 * of the wrong type and field-vs-field comparisons (unsupported on Exact, reference 4.4) all give
 * the query-syntax 400. Returns the names of the fields the filter uses.
 */
export function checkFilter(node: FilterNode, fields: ReadonlyMap<string, ScalarType>): Set<string> {
  const used = new Set<string>();
  if (classOf(node, fields, used) !== 'boolean') throw querySyntaxError();
  return used;
}

function classOf(node: FilterNode, fields: ReadonlyMap<string, ScalarType>, used: Set<string>): ValueClass {
  switch (node.kind) {
    case 'and':
    case 'or':
      if (classOf(node.left, fields, used) !== 'boolean' || classOf(node.right, fields, used) !== 'boolean')
        throw querySyntaxError();
      return 'boolean';
    case 'not':
      if (classOf(node.operand, fields, used) !== 'boolean') throw querySyntaxError();
      return 'boolean';
    case 'compare': {
      if (node.left.kind === 'field' && node.right.kind === 'field') throw querySyntaxError();
      const left = classOf(node.left, fields, used);
      const right = classOf(node.right, fields, used);
      const comparable = left === right || left === 'null' || right === 'null';
      // Byte flags such as IsWebshopItem compare with 1/0; Booleans also accept them (reference 4.4).
      const byteish =
        (left === 'boolean' && right === 'number') || (left === 'number' && right === 'boolean');
      if (!comparable && !byteish) throw querySyntaxError();
      return 'boolean';
    }
    case 'call': {
      const args = node.args.map((a) => classOf(a, fields, used));
      if (args.some((a) => a !== 'string')) throw querySyntaxError();
      if (node.name === 'length') return 'number';
      return node.name === 'trim' || node.name === 'tolower' || node.name === 'toupper'
        ? 'string'
        : 'boolean';
    }
    case 'field': {
      const type = fields.get(node.name);
      if (!type) throw querySyntaxError();
      used.add(node.name);
      return classOfField(type);
    }
    case 'literal':
      if (node.literal.type === 'datetime' && literalValue(node.literal) === null) throw querySyntaxError();
      return node.literal.type;
  }
}

/**
 * How string comparisons (`eq`, `ne`, `gt`…, `startswith`, `endswith`, `substringof`) treat case.
 * Exact's database compares with its default collation, which ignores case (`Email eq
 * 'verkoop@…'` finds `Verkoop@…`); which fields, if any, are case-sensitive is UNCONFIRMED, hence
 * the exceptions list (sandbox settings `caseInsensitiveStrings`, `caseSensitiveFields`).
 */
export interface StringComparison {
  caseInsensitive: boolean;
  /** Field names compared letter for letter even when `caseInsensitive` is on. */
  caseSensitiveFields: readonly string[];
}

export const letterForLetter: StringComparison = { caseInsensitive: false, caseSensitiveFields: [] };

interface Evaluation {
  row: StoredRow;
  fields: ReadonlyMap<string, ScalarType>;
  strings: StringComparison;
}

/** Whether a row matches a checked filter. */
export function matchesFilter(
  node: FilterNode,
  row: StoredRow,
  fields: ReadonlyMap<string, ScalarType>,
  strings: StringComparison = letterForLetter,
): boolean {
  return evaluate(node, { row, fields, strings }) === true;
}

/** Whether a comparison or call ignores case: on, and none of its fields is an exception. */
function ignoresCase(node: FilterNode, strings: StringComparison): boolean {
  if (!strings.caseInsensitive) return false;
  if (strings.caseSensitiveFields.length === 0) return true;
  const mentions = (n: FilterNode): boolean => {
    switch (n.kind) {
      case 'field':
        return strings.caseSensitiveFields.includes(n.name);
      case 'compare':
      case 'and':
      case 'or':
        return mentions(n.left) || mentions(n.right);
      case 'not':
        return mentions(n.operand);
      case 'call':
        return n.args.some(mentions);
      default:
        return false;
    }
  };
  return !mentions(node);
}

function folded(value: Value, fold: boolean): Value {
  return fold && typeof value === 'string' ? value.toLowerCase() : value;
}

function evaluate(node: FilterNode, at: Evaluation): Value {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, at) === true && evaluate(node.right, at) === true;
    case 'or': {
      const list = equalityList(node, at.fields);
      if (list) {
        const fold = ignoresCase(node, at.strings);
        const value = folded(evaluate({ kind: 'field', name: list.field }, at), fold);
        return (fold ? list.folded : list.values).has(value);
      }
      return evaluate(node.left, at) === true || evaluate(node.right, at) === true;
    }
    case 'not':
      return evaluate(node.operand, at) !== true;
    case 'compare': {
      const fold = ignoresCase(node, at.strings);
      return compare(node.op, folded(evaluate(node.left, at), fold), folded(evaluate(node.right, at), fold));
    }
    case 'call': {
      // Only the predicates fold: tolower/toupper/trim/length answer the value as it is.
      const fold = isPredicate(node.name) && ignoresCase(node, at.strings);
      return callFunction(
        node.name,
        node.args.map((a) => folded(evaluate(a, at), fold)),
      );
    }
    case 'field': {
      const value = at.row[node.name] ?? null;
      if (value === null) return null;
      if (at.fields.get(node.name) === 'DateTime') return wallClockMs(String(value));
      if (at.fields.get(node.name) === 'Guid') return String(value).toLowerCase();
      return value;
    }
    case 'literal':
      return literalValue(node.literal);
  }
}

/**
 * An `or` chain of `Field eq literal` on one field (the id lists clients page through, such as 40
 * invoice ids a call), as a set, worked out once per parsed filter: a chain of n ids is then one
 * lookup a row instead of n comparisons. Same answers as the comparisons (no Boolean coercion here).
 */
interface EqualityList {
  field: string;
  values: Set<Value>;
  /** The same values in lower case, for a case-insensitive lookup. */
  folded: Set<Value>;
}

const equalityLists = new WeakMap<FilterNode, EqualityList | null>();

function equalityList(node: FilterNode, fields: ReadonlyMap<string, ScalarType>): EqualityList | null {
  let list = equalityLists.get(node);
  if (list === undefined) {
    const values = new Set<Value>();
    let field: string | undefined;
    const walk = (n: FilterNode): boolean => {
      if (n.kind === 'or') return walk(n.left) && walk(n.right);
      if (n.kind !== 'compare' || n.op !== 'eq') return false;
      const pair =
        n.left.kind === 'field' && n.right.kind === 'literal'
          ? { name: n.left.name, literal: n.right.literal }
          : n.right.kind === 'field' && n.left.kind === 'literal'
            ? { name: n.right.name, literal: n.left.literal }
            : undefined;
      if (!pair || (field !== undefined && pair.name !== field)) return false;
      if (fields.get(pair.name) === 'Boolean') return false;
      const value = literalValue(pair.literal);
      if (typeof value === 'boolean' || Number.isNaN(value)) return false;
      field = pair.name;
      values.add(value);
      return true;
    };
    const isList = walk(node);
    list =
      isList && field !== undefined
        ? { field, values, folded: new Set([...values].map((v) => folded(v, true))) }
        : null;
    equalityLists.set(node, list);
  }
  return list;
}

function literalValue(literal: Literal): Value {
  switch (literal.type) {
    case 'null':
      return null;
    case 'datetime': {
      const wall = parseIsoToWallClock(literal.value, 'ignore');
      return wall === undefined ? null : wallClockMs(wall);
    }
    default:
      return literal.value;
  }
}

function compare(op: string, left: Value, right: Value): boolean {
  if (typeof left === 'boolean' && typeof right === 'number') left = left ? 1 : 0;
  if (typeof right === 'boolean' && typeof left === 'number') right = right ? 1 : 0;
  if (op === 'eq') return left === right;
  if (op === 'ne') return left !== right;
  if (left === null || right === null) return false;
  const order = left < right ? -1 : left > right ? 1 : 0;
  if (op === 'gt') return order > 0;
  if (op === 'ge') return order >= 0;
  if (op === 'lt') return order < 0;
  return order <= 0;
}

function isPredicate(name: string): boolean {
  return name === 'substringof' || name === 'startswith' || name === 'endswith';
}

function callFunction(name: string, args: Value[]): Value {
  const [a, b] = args;
  if (a === null || a === undefined)
    return name === 'trim' || name === 'tolower' || name === 'toupper' ? null : false;
  const first = String(a);
  const second = b === null || b === undefined ? '' : String(b);
  switch (name) {
    case 'substringof':
      // OData v2 order: substringof(needle, haystack).
      return b !== null && b !== undefined && second.includes(first);
    case 'startswith':
      return b !== null && b !== undefined && first.startsWith(second);
    case 'endswith':
      return b !== null && b !== undefined && first.endsWith(second);
    case 'trim':
      return first.trim();
    case 'tolower':
      return first.toLowerCase();
    case 'toupper':
      return first.toUpperCase();
    default:
      return first.length;
  }
}
