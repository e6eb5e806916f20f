import { toCents } from '../../../core/money.js';
import type { FieldSpec, SandboxRecord } from '../resources/resource-descriptor.js';
import type { Filter, ListQuery } from './list-query.js';

/** Filters, sorts (by id unless orderBy says otherwise, §6.3) and cuts out one page. */
export function applyListQuery(
  records: SandboxRecord[],
  query: ListQuery,
): { page: SandboxRecord[]; totalCount: number; pageCount: number } {
  const matching = records.filter((r) => query.filters.every((f) => matches(r, f)));
  const sortField: FieldSpec = query.orderBy?.field ?? { name: 'id', type: 'int' };
  const direction = query.orderBy?.descending ? -1 : 1;
  const sorted = [...matching].sort(
    (a, b) => direction * compare(a[sortField.name], b[sortField.name]) || compare(a['id'], b['id']),
  );
  const start = query.pageIndex * query.pageSize;
  return {
    page: sorted.slice(start, start + query.pageSize),
    totalCount: matching.length,
    pageCount: Math.ceil(matching.length / query.pageSize),
  };
}

export function matches(record: SandboxRecord, filter: Filter): boolean {
  const value = record[filter.field.name];
  if (filter.op === 'match') {
    if (value === null || value === undefined) return filter.comparison === 'NotEquals';
    const have = String(value).toLowerCase();
    const want = filter.value.toLowerCase();
    switch (filter.comparison) {
      case 'Equals':
        return have === want;
      case 'NotEquals':
        return have !== want;
      case 'Contains':
        return have.includes(want);
      case 'StartsWith':
        return have.startsWith(want);
      case 'EndsWith':
        return have.endsWith(want);
    }
  }
  if (value === null || value === undefined) return false;
  if (filter.field.type === 'date' && filter.op === 'equals') {
    return String(value).slice(0, 10) === String(filter.value).slice(0, 10);
  }
  const order = compare(value, filter.value, filter.field.type === 'decimal');
  if (filter.op === 'equals') return order === 0;
  return filter.op === 'from' ? order >= 0 : order <= 0;
}

/** Numbers and decimals compare exactly (decimals as cents), text by code point, null first. */
export function compare(a: unknown, b: unknown, asMoney = false): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (
    asMoney ||
    (typeof a === 'number' && typeof b === 'string') ||
    (typeof a === 'string' && typeof b === 'number')
  ) {
    const [x, y] = [toCents(a as string | number), toCents(b as string | number)];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}
