import type { EntityDescriptor } from '../entities/entity-descriptor.js';
import { ODataError, querySyntaxError } from '../odata-error.js';
import type { FilterNode } from './filter-ast.js';
import { checkFilter } from './filter-evaluator.js';
import { parseFilter } from './filter-parser.js';

export interface OrderBy {
  field: string;
  descending: boolean;
}

/** The system query options of one request, checked against the entity (reference 4.3, 4.4). */
export interface QueryOptions {
  filter?: FilterNode;
  /** Fields the filter uses, for the mandatory-filtering rule. */
  filterFields: Set<string>;
  /** Top-level selected names (fields or child collections); undefined means all. */
  select?: Set<string>;
  /** Selected child fields per collection (`SalesOrderLines/ItemCode`). */
  childSelect: Map<string, Set<string>>;
  top?: number;
  skip?: number;
  orderBy: OrderBy[];
  expand: Set<string>;
  inlineCount: boolean;
  skipToken?: string;
}

const knownOptions = [
  '$filter',
  '$select',
  '$top',
  '$skip',
  '$orderby',
  '$expand',
  '$inlinecount',
  '$skiptoken',
  '$format',
];

/** `$top` and `$skip` are Int32 in OData v2; anything else is a syntax error. */
function nonNegativeInteger(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 2_147_483_647) throw querySyntaxError();
  return Number(text);
}

/** Read and check the `$` options; every malformed one is Exact's query-syntax 400. */
export function readQueryOptions(params: URLSearchParams, entity: EntityDescriptor): QueryOptions {
  for (const name of params.keys()) {
    if (name.startsWith('$') && !knownOptions.includes(name)) throw querySyntaxError();
  }
  const options: QueryOptions = {
    filterFields: new Set(),
    childSelect: new Map(),
    orderBy: [],
    expand: new Set(),
    inlineCount: false,
  };
  const expand = params.get('$expand');
  if (expand !== null) {
    for (const name of expand.split(',').map((s) => s.trim())) {
      if (!entity.children?.[name]) throw querySyntaxError();
      options.expand.add(name);
    }
  }
  const filter = params.get('$filter');
  if (filter !== null) {
    options.filter = parseFilter(filter);
    options.filterFields = checkFilter(options.filter, entity.fieldTypes);
  }
  const select = params.get('$select');
  if (select !== null && select.trim() !== '*') options.select = readSelect(select, entity, options);
  const top = params.get('$top');
  if (top !== null) options.top = nonNegativeInteger(top);
  const skip = params.get('$skip');
  if (skip !== null) {
    // Newer endpoints refuse $skip (reference 4.3); the exact text is not documented.
    if (!entity.skipAllowed)
      throw new ODataError(400, '$skip is not supported on this endpoint. Use $skiptoken via __next.');
    options.skip = nonNegativeInteger(skip);
  }
  const orderBy = params.get('$orderby');
  if (orderBy !== null) options.orderBy = readOrderBy(orderBy, entity);
  const inlineCount = params.get('$inlinecount');
  if (inlineCount !== null) {
    if (inlineCount !== 'allpages' && inlineCount !== 'none') throw querySyntaxError();
    options.inlineCount = inlineCount === 'allpages';
  }
  const skipToken = params.get('$skiptoken');
  if (skipToken !== null) options.skipToken = readSkipToken(skipToken);
  return options;
}

function readSelect(text: string, entity: EntityDescriptor, options: QueryOptions): Set<string> {
  const selected = new Set<string>();
  for (const part of text.split(',').map((s) => s.trim())) {
    const [head = '', sub, ...rest] = part.split('/');
    if (rest.length > 0) throw querySyntaxError();
    if (sub === undefined) {
      if (!entity.fieldTypes.has(head) && !entity.fields.collections.has(head)) throw querySyntaxError();
      selected.add(head);
      continue;
    }
    // `Lines/Field` selects a child field and needs the collection expanded (reference 4.4).
    const child = entity.children?.[head];
    if (!child || !options.expand.has(head) || (sub !== '*' && !child.fieldTypes.has(sub)))
      throw querySyntaxError();
    selected.add(head);
    const fields = options.childSelect.get(head) ?? new Set<string>();
    fields.add(sub);
    options.childSelect.set(head, fields);
  }
  return selected;
}

function readOrderBy(text: string, entity: EntityDescriptor): OrderBy[] {
  return text.split(',').map((part) => {
    const m = /^\s*(\w+)(?:\s+(asc|desc))?\s*$/.exec(part);
    if (!m || !entity.fieldTypes.has(m[1] ?? '')) throw querySyntaxError();
    return { field: m[1] ?? '', descending: m[2] === 'desc' };
  });
}

/** `guid'<last key>'` (reference 4.3) or a bare integer key. */
function readSkipToken(text: string): string {
  const guid = /^guid'([0-9a-f-]{36})'$/i.exec(text);
  if (guid) return (guid[1] ?? '').toLowerCase();
  if (/^-?\d+L?$/.test(text)) return text.replace(/L$/, '');
  throw querySyntaxError();
}
