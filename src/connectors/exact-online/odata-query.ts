/**
 * OData v2 literals and query options as Exact reads them (reference 4.4). Values are always
 * written through these helpers, so a quote in a name or a GUID never breaks a filter.
 */
export const lit = {
  string: (v: string) => `'${v.replaceAll("'", "''")}'`,
  guid: (v: string) => {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v))
      throw new Error(`Not a GUID: ${v}`);
    return `guid'${v}'`;
  },
  /** Local (Europe/Amsterdam) wall-clock time without offset, as Exact compares dates (reference 4.5). */
  datetime: (localIso: string) => `datetime'${localIso.replace(/Z$|[+-]\d\d:\d\d$/, '')}'`,
  int64: (v: bigint | number | string) => `${BigInt(v)}L`,
  number: (v: number) => String(v),
  boolean: (v: boolean) => String(v),
};

type Comparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** `field op literal`; the literal must come from `lit`. */
export function cmp(field: string, op: Comparison, literal: string): string {
  return `${field} ${op} ${literal}`;
}

export const and = (...parts: string[]) => parts.map((p) => `(${p})`).join(' and ');
export const or = (...parts: string[]) => parts.map((p) => `(${p})`).join(' or ');

export interface ODataOptions {
  select?: readonly string[];
  filter?: string;
  expand?: readonly string[];
  orderBy?: string;
  top?: number;
  inlineCount?: boolean;
}

/** The query string of a request; Exact wants `$select` on almost every endpoint (reference 4.4). */
export function odataQuery(o: ODataOptions): string {
  const params: string[] = [];
  if (o.filter) params.push(`$filter=${encodeURIComponent(o.filter)}`);
  if (o.select?.length) params.push(`$select=${o.select.join(',')}`);
  if (o.expand?.length) params.push(`$expand=${o.expand.join(',')}`);
  if (o.orderBy) params.push(`$orderby=${encodeURIComponent(o.orderBy)}`);
  if (o.top !== undefined) params.push(`$top=${o.top}`);
  if (o.inlineCount) params.push('$inlinecount=allpages');
  return params.length ? `?${params.join('&')}` : '';
}
