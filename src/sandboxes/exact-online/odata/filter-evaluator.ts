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

/** Whether a row matches a checked filter. */
export function matchesFilter(
  node: FilterNode,
  row: StoredRow,
  fields: ReadonlyMap<string, ScalarType>,
): boolean {
  return evaluate(node, row, fields) === true;
}

function evaluate(node: FilterNode, row: StoredRow, fields: ReadonlyMap<string, ScalarType>): Value {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, row, fields) === true && evaluate(node.right, row, fields) === true;
    case 'or': {
      const list = equalityList(node, fields);
      if (list) return list.values.has(evaluate({ kind: 'field', name: list.field }, row, fields));
      return evaluate(node.left, row, fields) === true || evaluate(node.right, row, fields) === true;
    }
    case 'not':
      return evaluate(node.operand, row, fields) !== true;
    case 'compare':
      return compare(node.op, evaluate(node.left, row, fields), evaluate(node.right, row, fields));
    case 'call':
      return callFunction(
        node.name,
        node.args.map((a) => evaluate(a, row, fields)),
      );
    case 'field': {
      const value = row[node.name] ?? null;
      if (value === null) return null;
      if (fields.get(node.name) === 'DateTime') return wallClockMs(String(value));
      if (fields.get(node.name) === 'Guid') return String(value).toLowerCase();
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
const equalityLists = new WeakMap<FilterNode, { field: string; values: Set<Value> } | null>();

function equalityList(
  node: FilterNode,
  fields: ReadonlyMap<string, ScalarType>,
): { field: string; values: Set<Value> } | null {
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
    list = walk(node) && field !== undefined ? { field, values } : null;
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
