import type { FieldSpec } from '../resources/resource-descriptor.js';
import type { AsperionSettings } from '../settings.js';
import { FieldErrors } from './field-errors.js';
import { msg } from './messages.js';
import { parseScalar } from './scalar-values.js';

export const stringComparisons = ['Equals', 'NotEquals', 'Contains', 'StartsWith', 'EndsWith'] as const;
export type StringComparison = (typeof stringComparisons)[number];

export type Filter =
  | { field: FieldSpec; op: 'match'; comparison: StringComparison; value: string }
  | { field: FieldSpec; op: 'equals'; value: string | number | boolean }
  | { field: FieldSpec; op: 'from' | 'to'; value: string | number };

export interface ListQuery {
  /** 0-based, whatever pageBase the client speaks. */
  pageIndex: number;
  pageSize: number;
  fields: string[] | undefined;
  orderBy: { field: FieldSpec; descending: boolean } | undefined;
  metaOnly: boolean;
  filters: Filter[];
}

const reserved = ['page', 'pagesize', 'fields', 'orderby', 'metaonly', 'validateonly'];

/**
 * Reads the list parameters of §1.6/§6.3: page, pageSize, fields, orderBy, metaOnly and PascalCase
 * filters with `_comparison` and `_from`/`_to`. Names match case-insensitively; parameters that name
 * no property are ignored, as ASP.NET model binding does. Bad values throw a validation problem.
 */
export function parseListQuery(
  params: URLSearchParams,
  fields: readonly FieldSpec[],
  settings: AsperionSettings,
  extraParams: readonly string[] = [],
): ListQuery {
  const errors = new FieldErrors();
  const get = (name: string) => {
    for (const [k, v] of params) if (k.toLowerCase() === name) return v;
    return undefined;
  };
  const byName = new Map(
    fields.filter((f) => !f.hidden && f.type !== 'lines').map((f) => [f.name.toLowerCase(), f]),
  );

  const page = readInt(get('page'), 'page', settings.pageBase, settings.pageBase, errors);
  let pageSize = readInt(get('pagesize'), 'pageSize', settings.defaultPageSize, 1, errors);
  if (pageSize > settings.maxPageSize) {
    if (settings.pageSizeOverMax === 'reject')
      errors.add('pageSize', msg('pageSizeTooLarge', { max: settings.maxPageSize }));
    pageSize = settings.maxPageSize;
  }

  const fieldsParam = get('fields');
  const projection = fieldsParam
    ?.split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  for (const name of projection ?? []) {
    if (!byName.has(name.toLowerCase())) errors.add('fields', msg('unknownProjection', { field: name }));
  }

  const orderBy = readOrderBy(get('orderby'), byName, settings, errors);
  const metaOnlyText = get('metaonly');
  if (metaOnlyText !== undefined && !/^(true|false)$/i.test(metaOnlyText)) {
    errors.add('metaOnly', msg('badQuery', { value: metaOnlyText, param: 'metaOnly' }));
  }

  const skip = new Set([...reserved, ...extraParams.map((p) => p.toLowerCase())]);
  const filters: Filter[] = [];
  for (const [key, raw] of params) {
    const lower = key.toLowerCase();
    if (skip.has(lower) || lower.endsWith('_comparison')) continue;
    const suffix = /_(from|to)$/.exec(lower)?.[1] as 'from' | 'to' | undefined;
    const field = byName.get(suffix ? lower.slice(0, -suffix.length - 1) : lower);
    if (!field) continue;
    const value = parseScalar(field.type, raw, suffix === 'to');
    if (value === undefined) {
      errors.add(key, msg('badQuery', { value: raw, param: key }));
      continue;
    }
    if (suffix) {
      if (field.type === 'string' || field.type === 'bool' || typeof value === 'boolean') {
        errors.add(key, msg('badQuery', { value: raw, param: key }));
      } else filters.push({ field, op: suffix, value });
    } else if (field.type === 'string') {
      const comparisonText = get(`${lower}_comparison`);
      const comparison = readComparison(comparisonText, field.exact === true);
      if (!comparison)
        errors.add(
          `${key}_comparison`,
          msg('badQuery', { value: comparisonText ?? '', param: `${key}_comparison` }),
        );
      else filters.push({ field, op: 'match', comparison, value: String(value) });
    } else filters.push({ field, op: 'equals', value });
  }
  errors.throwIfAny(settings.validationStatus);
  return {
    pageIndex: page - settings.pageBase,
    pageSize,
    fields: projection,
    orderBy,
    metaOnly: metaOnlyText !== undefined && metaOnlyText.toLowerCase() === 'true',
    filters,
  };
}

function readInt(
  text: string | undefined,
  name: string,
  fallback: number,
  min: number,
  errors: FieldErrors,
): number {
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min) {
    errors.add(name, msg('badQuery', { value: text, param: name }));
    return fallback;
  }
  return Number(text);
}

function readComparison(text: string | undefined, exact: boolean): StringComparison | undefined {
  if (text === undefined || text === '') return exact ? 'Equals' : 'Contains';
  return stringComparisons.find((c) => c.toLowerCase() === text.toLowerCase());
}

function readOrderBy(
  text: string | undefined,
  byName: Map<string, FieldSpec>,
  settings: AsperionSettings,
  errors: FieldErrors,
): ListQuery['orderBy'] {
  if (text === undefined || text.trim() === '') return undefined;
  let name = text.trim();
  let descending = false;
  // Whether Asperion sorts descending at all is UNCONFIRMED (§1.6); the setting turns both forms on.
  if (settings.orderByDescending) {
    const desc = /^(.*?)\s+desc$/i.exec(name);
    if (desc?.[1] !== undefined) [name, descending] = [desc[1], true];
    else if (name.startsWith('-')) [name, descending] = [name.slice(1), true];
    else name = name.replace(/\s+asc$/i, '');
  }
  const field = byName.get(name.toLowerCase());
  if (!field) {
    errors.add('orderBy', msg('unknownOrderBy', { field: text }));
    return undefined;
  }
  return { field, descending };
}
