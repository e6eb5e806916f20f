import { asperionError } from './asperion-error.js';
import type { ResourceSpec } from './resource-types.js';
import { parseExactJson, readDate, readMoney, toWire } from './wire.js';

/** Filters are query parameters named after the properties in PascalCase (reference 1.6). */
export type ListFilter = Record<string, string | number | boolean | null | undefined>;

export interface RequestInit {
  query?: Record<string, string>;
  body?: unknown;
  /** Retry a create after a transient failure anyway: only when the caller can tell duplicates apart. */
  retry?: boolean;
}

/** What a resource needs from the client: one call with tenant, token, governor and retries. */
export interface AsperionTransport {
  request(method: string, path: string, init?: RequestInit): Promise<Response>;
  readonly updateMethod: 'PUT' | 'PATCH';
}

export interface WriteOptions {
  /** Validate only: Asperion checks everything and stores nothing (reference 1.6). */
  validateOnly?: boolean;
  /** Opt in to retrying this create after a transient failure (see RequestInit.retry). */
  retry?: boolean;
}

/** What a dry run answers: the would-be object without id, or nothing (validateOnlyStatus 204). */
export type Validated<R> = Omit<R, 'id' | '_meta'> | null;

/** One page of a list with the total the server counted. */
export interface ListPage<R> {
  rows: R[];
  totalCount: number | null;
  /** Whether `_meta.nextPage` points further. */
  hasNext: boolean;
}

/**
 * One Asperion collection, typed: reads convert amounts to exact cents and dates to `YYYY-MM-DD`;
 * writes take exact cents and plain dates and are sent as Asperion wants them.
 */
export class AsperionResource<R, W = never, U = never> {
  private readonly decimalKeys: ReadonlySet<string>;
  private readonly dateKeys: ReadonlySet<string>;

  constructor(
    private readonly transport: AsperionTransport,
    readonly spec: ResourceSpec,
    /** Checks a create body before anything is sent (journal entries: balance). */
    private readonly checkCreate?: (input: W) => void,
  ) {
    this.decimalKeys = new Set(spec.money);
    this.dateKeys = new Set(spec.dates);
  }

  get path(): string {
    return this.spec.path;
  }

  /** Every page of a list, following `_meta.nextPage` to the end (reference 1.6). */
  async *pages(filter: ListFilter = {}, pageSize?: number): AsyncGenerator<ListPage<R>> {
    const query = toQuery(filter);
    if (pageSize !== undefined) query['pageSize'] = String(pageSize);
    let page = Number(query['page'] ?? 1);
    for (;;) {
      const body = (await this.read('GET', '', { ...query, page: String(page) })) as {
        _data?: unknown[];
        _meta?: { nextPage?: string | null; totalCount?: number };
      };
      yield {
        rows: (body._data ?? []).map((row) => this.decode(row)),
        totalCount: body._meta?.totalCount ?? null,
        hasNext: Boolean(body._meta?.nextPage),
      };
      const next = body._meta?.nextPage;
      if (!next) return;
      page = Number(new URL(next).searchParams.get('page') ?? page + 1);
    }
  }

  /** Every matching row, all pages. */
  async list(filter: ListFilter = {}, pageSize?: number): Promise<R[]> {
    const rows: R[] = [];
    for await (const page of this.pages(filter, pageSize)) rows.push(...page.rows);
    return rows;
  }

  /** How many rows match, from `_meta.totalCount` without reading them (`metaOnly`). */
  async count(filter: ListFilter = {}): Promise<number> {
    const body = (await this.read('GET', '', { ...toQuery(filter), metaOnly: 'true' })) as {
      _meta?: { totalCount?: number };
    };
    return body._meta?.totalCount ?? 0;
  }

  async get(id: number | string): Promise<R> {
    return this.decode(await this.read('GET', `/${encodeURIComponent(String(id))}`, {}));
  }

  create(input: W, options: WriteOptions & { validateOnly: true }): Promise<Validated<R>>;
  create(input: W, options?: WriteOptions & { validateOnly?: false }): Promise<R>;
  async create(input: W, options: WriteOptions = {}): Promise<R | Validated<R>> {
    this.checkCreate?.(input);
    return this.write('POST', '', input, options);
  }

  /** Change a record (debtors and articles): only the fields given change, null clears one. */
  update(
    id: number | string,
    changes: U,
    options: WriteOptions & { validateOnly: true },
  ): Promise<Validated<R>>;
  update(id: number | string, changes: U, options?: WriteOptions & { validateOnly?: false }): Promise<R>;
  async update(id: number | string, changes: U, options: WriteOptions = {}): Promise<R | Validated<R>> {
    return this.write(this.transport.updateMethod, `/${encodeURIComponent(String(id))}`, changes, options);
  }

  /** A row as Asperion sent it (already parsed) → the read type. Unknown fields are kept. */
  decode(raw: unknown): R {
    return decodeRow(raw, this.decimalKeys, this.dateKeys) as R;
  }

  /** A write body as it goes on the wire. */
  encode(input: unknown): unknown {
    return toWire(input, this.dateKeys);
  }

  private async write(
    method: string,
    suffix: string,
    input: unknown,
    options: WriteOptions,
  ): Promise<R | Validated<R>> {
    const body = this.encode(input);
    const res = await this.transport.request(method, this.spec.path + suffix, {
      body,
      ...(options.validateOnly ? { query: { validateOnly: 'true' } } : {}),
      ...(options.retry ? { retry: true } : {}),
    });
    if (!res.ok) throw await asperionError(res, method, this.endpoint(suffix));
    const text = await res.text();
    if (!text) return null;
    const row = this.decode(parseExactJson(text, this.decimalKeys));
    return row;
  }

  private async read(method: string, suffix: string, query: Record<string, string>): Promise<unknown> {
    const res = await this.transport.request(method, this.spec.path + suffix, { query });
    if (!res.ok) throw await asperionError(res, method, this.endpoint(suffix));
    return parseExactJson(await res.text(), this.decimalKeys);
  }

  private endpoint(suffix: string): string {
    return `/v1/${this.spec.path}${suffix ? '/{id}' : ''}`;
  }
}

function toQuery(filter: ListFilter): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(filter)) if (v !== undefined && v !== null) query[k] = String(v);
  return query;
}

function decodeRow(raw: unknown, money: ReadonlySet<string>, dates: ReadonlySet<string>): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const out: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const [key, value] of Object.entries(out)) {
    if (money.has(key)) out[key] = readMoney(value);
    else if (dates.has(key)) out[key] = readDate(value);
    else if (key === 'lines') {
      const items = Array.isArray(value)
        ? value
        : typeof value === 'object' && value !== null && Array.isArray((value as { _data?: unknown })._data)
          ? (value as { _data: unknown[] })._data
          : [];
      out[key] = items.map((line) => decodeRow(line, money, dates));
    }
  }
  return out;
}
