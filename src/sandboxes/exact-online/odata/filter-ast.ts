/** The parsed form of a `$filter` expression. */
export const comparisonOperators = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
export type ComparisonOperator = (typeof comparisonOperators)[number];

/** The functions the sandbox knows: those seen on Exact plus the common OData v2 string ones (reference 4.4). */
export const filterFunctions = [
  'substringof',
  'startswith',
  'endswith',
  'trim',
  'tolower',
  'toupper',
  'length',
] as const;
export type FilterFunction = (typeof filterFunctions)[number];

export type Literal =
  | { type: 'string'; value: string }
  | { type: 'guid'; value: string }
  | { type: 'datetime'; value: string }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' };

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: ComparisonOperator; left: FilterNode; right: FilterNode }
  | { kind: 'call'; name: FilterFunction; args: FilterNode[] }
  | { kind: 'field'; name: string }
  | { kind: 'literal'; literal: Literal };
