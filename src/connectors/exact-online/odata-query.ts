import type { ExactCollection } from './exact-values.js';

declare const literalOf: unique symbol;
declare const rowOf: unique symbol;

/** An escaped OData literal; the brand records the TS type of the values it may be compared with. */
export type Literal<T> = string & { readonly [literalOf]?: T };

/** A `$filter` expression over rows of type R; the brand keeps filters of one entity off another. */
export type Filter<R = AnyRow> = string & { readonly [rowOf]?: R };

/** A row whose fields are not known: every field name is accepted. */
export type AnyRow = Record<string, unknown>;

type Loose<R> = string extends keyof R ? true : false;

/** Field names of R that hold a value (not a child collection). */
export type ScalarField<R> =
  Loose<R> extends true
    ? string
    : {
        [K in keyof R & string]-?: NonNullable<R[K]> extends ExactCollection<unknown> ? never : K;
      }[keyof R & string];

/** Field names of R that are child collections (`SalesOrderLines`), for `$expand`. */
export type CollectionField<R> =
  Loose<R> extends true
    ? string
    : {
        [K in keyof R & string]-?: NonNullable<R[K]> extends ExactCollection<unknown> ? K : never;
      }[keyof R & string];

type ChildRow<R, C> = C extends keyof R
  ? NonNullable<R[C]> extends ExactCollection<infer T>
    ? T
    : never
  : never;

/** A `$select` entry: a field, a collection, or `Collection/Field` of an expanded child (4.4). */
export type SelectField<R> =
  | ScalarField<R>
  | CollectionField<R>
  | { [C in CollectionField<R>]: `${C}/${ScalarField<ChildRow<R, C>>}` }[CollectionField<R>];

export type OrderBy<R> = ScalarField<R> | `${ScalarField<R>} asc` | `${ScalarField<R>} desc`;

/** The type a field's literal must have: its own value type (null compares with any field). */
type ValueOf<R, K> = Loose<R> extends true ? unknown : K extends keyof R ? NonNullable<R[K]> : never;

/**
 * OData v2 literals as Exact reads them (reference 4.4). Values are always written through these
 * helpers, so a quote in a name or a GUID never breaks a filter.
 */
export const lit = {
  string: (v: string): Literal<string> => `'${v.replaceAll("'", "''")}'`,
  guid: (v: string): Literal<string> => {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v))
      throw new Error(`Not a GUID: ${v}`);
    return `guid'${v}'`;
  },
  /** Local (Europe/Amsterdam) wall-clock time without offset, as Exact compares dates (reference 4.5). */
  datetime: (localIso: string): Literal<string> => `datetime'${localIso.replace(/Z$|[+-]\d\d:\d\d$/, '')}'`,
  int64: (v: bigint | number | string): Literal<string | number> => `${BigInt(v)}L`,
  number: (v: number): Literal<number> => {
    if (!Number.isFinite(v)) throw new Error(`Not a finite number: ${v}`);
    return String(v);
  },
  boolean: (v: boolean): Literal<boolean> => String(v),
  null: (): Literal<never> => 'null',
};

type Comparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** `field op literal`; the literal must come from `lit` and match the field's type. */
export function cmp<R = AnyRow, K extends ScalarField<R> = ScalarField<R>>(
  field: K,
  op: Comparison,
  literal: Literal<ValueOf<R, K>>,
): Filter<R> {
  return `${field} ${op} ${literal}`;
}

/** Text fields of R (for the string functions). */
type TextField<R> =
  Loose<R> extends true
    ? string
    : {
        [K in ScalarField<R>]: K extends keyof R ? (NonNullable<R[K]> extends string ? K : never) : never;
      }[ScalarField<R>];

/** `substringof('…', Field) eq true`, the form seen working on Exact (reference 4.4). */
export function substringof<R = AnyRow>(text: string, field: TextField<R>): Filter<R> {
  return `substringof(${lit.string(text)}, ${field}) eq true`;
}

/** `startswith(Field, '…') eq true`; UNCONFIRMED on Exact (reference 4.4). */
export function startswith<R = AnyRow>(field: TextField<R>, text: string): Filter<R> {
  return `startswith(${field}, ${lit.string(text)}) eq true`;
}

/** `endswith(Field, '…') eq true`; UNCONFIRMED on Exact (reference 4.4). */
export function endswith<R = AnyRow>(field: TextField<R>, text: string): Filter<R> {
  return `endswith(${field}, ${lit.string(text)}) eq true`;
}

export const and = <R = AnyRow>(...parts: Filter<R>[]): Filter<R> => parts.map((p) => `(${p})`).join(' and ');
export const or = <R = AnyRow>(...parts: Filter<R>[]): Filter<R> => parts.map((p) => `(${p})`).join(' or ');
export const not = <R = AnyRow>(part: Filter<R>): Filter<R> => `not (${part})`;

/** The filter functions bound to one row type, so each call checks field names without type arguments. */
export function filterOn<R>() {
  return {
    cmp: <K extends ScalarField<R>>(field: K, op: Comparison, literal: Literal<ValueOf<R, K>>) =>
      cmp<R, K>(field, op, literal),
    substringof: (text: string, field: TextField<R>) => substringof<R>(text, field),
    startswith: (field: TextField<R>, text: string) => startswith<R>(field, text),
    endswith: (field: TextField<R>, text: string) => endswith<R>(field, text),
    and: (...parts: Filter<R>[]) => and<R>(...parts),
    or: (...parts: Filter<R>[]) => or<R>(...parts),
    not: (part: Filter<R>) => not<R>(part),
  };
}

export interface ODataOptions<R = AnyRow> {
  select?: readonly SelectField<R>[];
  filter?: Filter<R>;
  expand?: readonly CollectionField<R>[];
  orderBy?: OrderBy<R> | readonly OrderBy<R>[];
  top?: number;
  inlineCount?: boolean;
}

/** The query string of a request; Exact wants `$select` on almost every endpoint (reference 4.4). */
export function odataQuery<R = AnyRow>(o: ODataOptions<R>): string {
  const params: string[] = [];
  if (o.filter) params.push(`$filter=${encodeURIComponent(o.filter)}`);
  if (o.select?.length) params.push(`$select=${o.select.join(',')}`);
  if (o.expand?.length) params.push(`$expand=${o.expand.join(',')}`);
  const orderBy = typeof o.orderBy === 'string' ? [o.orderBy] : (o.orderBy ?? []);
  if (orderBy.length) params.push(`$orderby=${encodeURIComponent(orderBy.join(','))}`);
  if (o.top !== undefined) params.push(`$top=${o.top}`);
  if (o.inlineCount) params.push('$inlinecount=allpages');
  return params.length ? `?${params.join('&')}` : '';
}
