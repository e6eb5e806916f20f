import { wallClockMs } from '../amsterdam-time.js';
import type { EntityDescriptor } from '../entities/entity-descriptor.js';
import type { StoredRecord } from '../entities/entity-store.js';
import type { StoredValue } from '../entities/field-types.js';
import { ODataError, exactMessages } from '../odata-error.js';
import type { ExactSettings } from '../settings.js';
import { matchesFilter, type StringComparison } from './filter-evaluator.js';

/** Exact's default: strings compare without regard to case (settings `caseInsensitiveStrings`). */
const exactStringComparison: StringComparison = { caseInsensitive: true, caseSensitiveFields: [] };

/** The string comparison the sandbox's settings ask for. */
export function stringComparisonOf(settings: ExactSettings): StringComparison {
  return {
    caseInsensitive: settings.caseInsensitiveStrings,
    caseSensitiveFields: settings.caseSensitiveFields,
  };
}
import type { OrderBy, QueryOptions } from './query-options.js';
import type { JsonRow } from './row-json.js';
import { recordJson } from './row-json.js';

/** Endpoint rules that refuse a GET before any row is read (reference 3.4, 4.4). */
export function checkEndpointRules(entity: EntityDescriptor, options: QueryOptions): void {
  const required = entity.mandatoryFilterFields;
  if (required && ![...options.filterFields].some((f) => required.includes(f))) {
    throw new ODataError(400, `${exactMessages.mandatoryFiltering}${required.join(', ')}`);
  }
  if (entity.requiresSelectOrTop && !options.select && !options.filter && options.top !== 1) {
    throw new ODataError(400, exactMessages.selectOrTop);
  }
}

function comparable(
  value: StoredValue | undefined,
  type: string | undefined,
): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  return type === 'DateTime' ? wallClockMs(String(value)) : value;
}

function sortRecords(entity: EntityDescriptor, records: StoredRecord[], orderBy: OrderBy[]): StoredRecord[] {
  // Without $orderby rows come in key order, which is what a guid skiptoken implies (reference 4.3, UNCONFIRMED).
  const keys: OrderBy[] = [...orderBy, { field: entity.key, descending: false }];
  return [...records].sort((a, b) => {
    for (const { field, descending } of keys) {
      const type = entity.fieldTypes.get(field);
      const x = comparable(a.row[field], type);
      const y = comparable(b.row[field], type);
      if (x === y) continue;
      // Nulls first ascending, as SQL Server sorts them.
      const order = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      return descending ? -order : order;
    }
    return 0;
  });
}

/** The filtered, ordered rows a query addresses, before paging. */
export function selectRecords(
  entity: EntityDescriptor,
  records: StoredRecord[],
  options: QueryOptions,
  strings: StringComparison = exactStringComparison,
): StoredRecord[] {
  const filter = options.filter;
  const matching = filter
    ? records.filter((r) => matchesFilter(filter, r.row, entity.fieldTypes, strings))
    : records;
  return sortRecords(entity, matching, options.orderBy);
}

export interface PageContext {
  entity: EntityDescriptor;
  options: QueryOptions;
  settings: ExactSettings;
  divisionUrl: string;
  /** Absolute URL of the request without its query, for `__next`. */
  requestUrl: string;
  /** The request's raw query parts except `$skiptoken`, kept verbatim in `__next`. */
  queryParts: string[];
}

/**
 * One page of a collection in the verbose envelope: `{"d":{"results":[…],"__next":…}}`, with
 * `__count` for `$inlinecount=allpages`, or the bare-array `d` for `$top` when so configured
 * (reference 4.2, 4.3).
 */
export function collectionEnvelope(all: StoredRecord[], page: PageContext): { d: unknown } {
  const { entity, options } = page;
  let rows = all;
  if (options.skipToken !== undefined) {
    const token = options.skipToken;
    const at = rows.findIndex((r) => String(r.row[entity.key]).toLowerCase() === token);
    rows =
      at >= 0
        ? rows.slice(at + 1)
        : options.orderBy.length === 0
          ? rows.filter((r) => String(r.row[entity.key]) > token)
          : [];
  }
  if (options.skip !== undefined) rows = rows.slice(options.skip);
  const limit = Math.min(entity.pageSize, options.top ?? Number.POSITIVE_INFINITY);
  const pageRows = rows.slice(0, limit);
  const shape = {
    divisionUrl: page.divisionUrl,
    select: options.select,
    childSelect: options.childSelect,
    expand: options.expand,
  };
  const results: JsonRow[] = pageRows.map((r) => recordJson(entity, r, shape));
  // The bare array has no room for `__next` or `__count`: a `$top` answer that needs either (more
  // than a page asked for, or $inlinecount) keeps the verbose envelope, so no row is lost, and so do
  // the later pages of such a read (they carry a $skiptoken).
  const whole =
    options.top !== undefined &&
    options.top <= entity.pageSize &&
    !options.inlineCount &&
    options.skipToken === undefined;
  if (whole && page.settings.bareArrayForTop) return { d: results };
  const d: Record<string, unknown> = { results };
  if (options.inlineCount) d['__count'] = page.settings.inlineCountAsString ? String(all.length) : all.length;
  // With $top above the page size the next link asks for what is left, so the total honours $top
  // (the OData v2 server-paging convention; Exact's own link is not captured).
  const left = options.top === undefined ? undefined : options.top - pageRows.length;
  const more = rows.length > pageRows.length && (left === undefined || left > 0);
  const last = pageRows.at(-1);
  if (more && last) {
    const key = last.row[entity.key];
    const token = typeof key === 'number' ? `${key}L` : `guid'${String(key)}'`;
    const parts = page.queryParts.map((p) =>
      left !== undefined && /^(\$|%24)top=/i.test(p) ? `$top=${left}` : p,
    );
    d['__next'] = `${page.requestUrl}?${[...parts, `$skiptoken=${token}`].join('&')}`;
  }
  return { d };
}
