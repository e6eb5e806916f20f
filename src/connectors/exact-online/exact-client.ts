import { KoppelError } from '../../core/errors.js';
import type { ConnectorContext } from '../kit/connector-context.js';
import { TokenLease } from '../kit/token-lease.js';
import { exactError } from './exact-error.js';
import { exactAuthorizedFetch } from './exact-fetch.js';
import { exactPages } from './exact-pages.js';
import { TypedExact } from './exact-typed.js';
import type { Account, Item, SalesInvoice, SalesOrder } from './entities.generated.js';
import type { Filter, ScalarField } from './odata-query.js';
import { exactTokenPolicy, exactTokenRefresher, type ExactApp } from './oauth.js';
import {
  exactSyncPages,
  int64Text,
  parseKeepingInt64,
  checkpointText,
  syncDeletedFields,
  type SyncDeletedRow,
  type SyncPage,
  type SyncRow,
} from './exact-sync.js';
import { and, cmp, lit, odataQuery, or, type ODataOptions } from './odata-query.js';
import { governorFor, type ExactRateGovernor } from './rate-governor.js';

export type ExactRow = Record<string, unknown>;

const accountFields = ['ID', 'Code', 'Name', 'Email'] as const;
const itemFields = ['ID', 'Code', 'Description'] as const;
const salesOrderFields = ['OrderID', 'OrderNumber', 'YourRef'] as const;

/**
 * Exact Online for one connection and division: every call (single, paged, sync, bulk, write) goes
 * through the connection's token lease and the division's rate governor; a 401 on a token we
 * thought valid refreshes once and retries once (reference 2.2); error answers become typed errors.
 */
export class ExactClient {
  readonly lease: TokenLease;
  readonly governor: ExactRateGovernor;
  /** The same calls typed by the generated endpoint map. */
  readonly typed: TypedExact = new TypedExact(this);

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly app: ExactApp,
    readonly division: number,
  ) {
    this.lease = new TokenLease(ctx, exactTokenRefresher(ctx, app), exactTokenPolicy);
    this.governor = governorFor(app.clientId, division, ctx.clock, ctx.budget);
  }

  /** A division-scoped call; `path` is relative to `/api/v1/{division}/`, e.g. `crm/Accounts`. */
  async request(
    method: string,
    path: string,
    options: { query?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const url = `${this.base()}/${path}${options.query ?? ''}`;
    const endpoint = `/api/v1/{division}/${path.replace(/\(guid'[^']*'\)/g, '({id})')}`;
    return exactAuthorizedFetch(this.ctx, this.governor, this.lease, {
      method,
      url,
      endpoint,
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.headers ? { headers: options.headers } : {}),
    });
  }

  /** Every row of a collection, one page at a time. */
  pages<T = ExactRow>(path: string, options: ODataOptions): AsyncGenerator<T[]> {
    return exactPages<T>(this.ctx, this.governor, {
      url: `${this.base()}/${path}${odataQuery(options)}`,
      endpoint: `/api/v1/{division}/${path}`,
      tokens: this.lease,
    });
  }

  /** The first row matching `filter`, or null. */
  async findOne<T = ExactRow>(path: string, filter: string, select: readonly string[]): Promise<T | null> {
    const res = await this.request('GET', path, { query: odataQuery({ filter, select, top: 1 }) });
    if (!res.ok) throw await exactError(res, 'GET', `/api/v1/{division}/${path}`);
    const body = (await res.json()) as { d?: T[] | { results?: T[] } };
    const rows = Array.isArray(body.d) ? body.d : (body.d?.results ?? []);
    return rows[0] ?? null;
  }

  /** POST, answering the created row (Prefer: return=representation, reference 4.1). */
  async create<T = ExactRow>(path: string, body: ExactRow): Promise<T> {
    const res = await this.request('POST', path, { body, headers: { prefer: 'return=representation' } });
    if (!res.ok) throw await exactError(res, 'POST', `/api/v1/{division}/${path}`);
    return ((await res.json()) as { d: T }).d;
  }

  /** Partial PUT by key; Exact answers 204 with no body (reference 4.2). */
  async update(path: string, id: string, body: ExactRow): Promise<void> {
    const res = await this.request('PUT', `${path}(${lit.guid(id)})`, { body });
    if (!res.ok) throw await exactError(res, 'PUT', `/api/v1/{division}/${path}({id})`);
    await res.body?.cancel();
  }

  /**
   * Accounts by code: Exact stores it right-aligned in 18 characters (reference 4.5, 7.1), so the
   * filter carries the padding (a `trim(Code)` filter would work too but is slower).
   */
  findAccountByCode<K extends ScalarField<Account> & keyof Account = (typeof accountFields)[number]>(
    code: string,
    select: readonly K[] = accountFields as unknown as readonly K[],
  ) {
    const trimmed = code.trim();
    if (!/^\d{1,18}$/.test(trimmed))
      throw new KoppelError(`Account code "${code}" is not numeric`, {
        code: 'exact.bad_code',
        kind: 'invalid',
      });
    const filter = cmp<Account>('Code', 'eq', lit.string(trimmed.padStart(18, ' ')));
    return this.findUnique<Account, K>('crm/Accounts', filter, select, `account with code ${trimmed}`);
  }

  /** Accounts by e-mail; Exact does not keep them unique, so two matches are a conflict. */
  findAccountByEmail<K extends ScalarField<Account> & keyof Account = (typeof accountFields)[number]>(
    email: string,
    select: readonly K[] = accountFields as unknown as readonly K[],
  ) {
    const filter = cmp<Account>('Email', 'eq', lit.string(email));
    return this.findUnique<Account, K>('crm/Accounts', filter, select, 'account with that e-mail address');
  }

  /** Items by code (unique per division, reference 7.4); the code is not padded. */
  findItemByCode<K extends ScalarField<Item> & keyof Item = (typeof itemFields)[number]>(
    code: string,
    select: readonly K[] = itemFields as unknown as readonly K[],
  ) {
    const filter = cmp<Item>('Code', 'eq', lit.string(code));
    return this.findUnique<Item, K>('logistics/Items', filter, select, `item with code ${code}`);
  }

  /** Koppel writes its natural key into YourRef of what it creates (reference 8.2). */
  findSalesOrderByYourRef<
    K extends ScalarField<SalesOrder> & keyof SalesOrder = (typeof salesOrderFields)[number],
  >(yourRef: string, select: readonly K[] = salesOrderFields as unknown as readonly K[]) {
    const filter = cmp<SalesOrder>('YourRef', 'eq', lit.string(yourRef));
    return this.findUnique<SalesOrder, K>('salesorder/SalesOrders', filter, select, `sales order ${yourRef}`);
  }

  // --- Natural-key finders (typed by the generated entities) ---------------------------------

  /**
   * The one row matching a natural key, or null. Two rows are a `conflict` error, never a guess:
   * Koppel would otherwise write to whichever record Exact happened to list first.
   */
  async findUnique<R, K extends ScalarField<R> & keyof R>(
    path: string,
    filter: Filter<R>,
    select: readonly K[],
    what: string,
  ): Promise<Pick<R, K> | null> {
    const query = odataQuery<R>({ filter, select, top: 2 });
    const rows = await this.firstRows<Pick<R, K>>(path, query);
    if (rows.length > 1) {
      throw new KoppelError(`More than one ${what} in Exact division ${this.division}`, {
        code: 'exact.ambiguous_match',
        kind: 'conflict',
        details: { endpoint: `/api/v1/{division}/${path}`, filter },
      });
    }
    return rows[0] ?? null;
  }

  /** Sales invoices by YourRef (Koppel's natural key, reference 7.10, 8.2). */
  findSalesInvoiceByYourRef(yourRef: string) {
    const filter = cmp<SalesInvoice>('YourRef', 'eq', lit.string(yourRef));
    return this.findUnique<SalesInvoice, 'InvoiceID' | 'InvoiceNumber' | 'YourRef'>(
      'salesinvoice/SalesInvoices',
      filter,
      ['InvoiceID', 'InvoiceNumber', 'YourRef'],
      `sales invoice ${yourRef}`,
    );
  }

  /** Sales invoices by number (unique per division once assigned, reference 7.10). */
  findSalesInvoiceByNumber(invoiceNumber: number) {
    const filter = cmp<SalesInvoice>('InvoiceNumber', 'eq', lit.number(invoiceNumber));
    return this.findUnique<SalesInvoice, 'InvoiceID' | 'InvoiceNumber' | 'YourRef'>(
      'salesinvoice/SalesInvoices',
      filter,
      ['InvoiceID', 'InvoiceNumber', 'YourRef'],
      `sales invoice number ${invoiceNumber}`,
    );
  }

  /** The rows of the first page of a query (both collection shapes, reference 4.2). */
  private async firstRows<T>(path: string, query: string): Promise<T[]> {
    const res = await this.request('GET', path, { query });
    if (!res.ok) throw await exactError(res, 'GET', `/api/v1/{division}/${path}`);
    const body = (await res.json()) as { d?: T[] | { results?: T[] } };
    return Array.isArray(body.d) ? body.d : (body.d?.results ?? []);
  }

  // ---- sync/, sync/Deleted and bulk/ (reference 5)

  /**
   * The rows of a `sync/...` endpoint changed since `checkpoint` (`Timestamp gt`, first run
   * `gt 1`), page by page with the checkpoint to save once the page is processed (reference 5.1).
   * `Timestamp` is always selected and comes back as a decimal string.
   */
  syncRows<T extends SyncRow = SyncRow & ExactRow>(
    endpoint: string,
    options: { select: readonly string[]; checkpoint: string | null; filter?: string },
  ): AsyncGenerator<SyncPage<T>> {
    const since = checkpointText(options.checkpoint);
    const select = options.select.includes('Timestamp') ? options.select : ['Timestamp', ...options.select];
    const timestamp = cmp('Timestamp', 'gt', lit.int64(since));
    const filter = options.filter ? and(timestamp, options.filter) : timestamp;
    return exactSyncPages<T>(this.ctx, this.governor, {
      url: `${this.base()}/${endpoint}${odataQuery({ filter, select })}`,
      endpoint: `/api/v1/{division}/${endpoint}`,
      tokens: this.lease,
      since,
    });
  }

  /** Deletions since `checkpoint`, optionally of one entity type (reference 5.2, appendix B). */
  deletedSince(
    checkpoint: string | null,
    options: { entityType?: number } = {},
  ): AsyncGenerator<SyncPage<SyncDeletedRow>> {
    const filter =
      options.entityType === undefined ? undefined : cmp('EntityType', 'eq', lit.number(options.entityType));
    return this.syncRows<SyncDeletedRow>('sync/Deleted', {
      select: syncDeletedFields,
      checkpoint,
      ...(filter === undefined ? {} : { filter }),
    });
  }

  /** Every row of a `bulk/...` endpoint, 1,000 per page; `$select` is mandatory there (reference 5.3). */
  bulkRows<T = ExactRow>(
    endpoint: string,
    options: { select: readonly string[]; filter?: string },
  ): AsyncGenerator<T[]> {
    if (options.select.length === 0)
      throw new KoppelError(`${endpoint}: bulk endpoints need a $select`, {
        code: 'exact.select_required',
        kind: 'invalid',
      });
    return this.pages<T>(endpoint, options);
  }

  /**
   * The rows of a `bulk/...` endpoint whose Guid `field` is one of `ids`, `chunkSize` ids a call
   * (each id adds ~50 characters to the URL: 40 keep it near 3,000).
   */
  async bulkRowsByIds<T = ExactRow>(
    endpoint: string,
    select: readonly string[],
    field: string,
    ids: readonly string[],
    chunkSize: number,
  ): Promise<T[]> {
    const rows: T[] = [];
    for (let at = 0; at < ids.length; at += chunkSize) {
      const filter = or(...ids.slice(at, at + chunkSize).map((id) => cmp(field, 'eq', lit.guid(id))));
      for await (const page of this.bulkRows<T>(endpoint, { select, filter })) rows.push(...page);
    }
    return rows;
  }

  /**
   * The first Timestamp of `endPoint` modified at or after `modifiedLocal` (Amsterdam wall-clock,
   * reference 4.5), to start a sync from a date (reference 5.1).
   */
  async syncTimestamp(endPoint: string, modifiedLocal: string): Promise<string> {
    const path = 'read/sync/Sync/SyncTimestamp';
    const query = `?modified=${encodeURIComponent(lit.datetime(modifiedLocal))}&endPoint=${encodeURIComponent(lit.string(endPoint))}`;
    const res = await this.request('GET', path, { query });
    if (!res.ok) throw await exactError(res, 'GET', `/api/v1/{division}/${path}`);
    const body = parseKeepingInt64(await res.text()) as {
      d?: Array<Record<string, unknown>> | { results?: Array<Record<string, unknown>> };
    };
    const rows = Array.isArray(body.d) ? body.d : (body.d?.results ?? []);
    return int64Text(rows[0]?.['TimeStampAsBigInt'], `/api/v1/{division}/${path}`);
  }

  private base(): string {
    return new URL(`/api/v1/${this.division}`, this.app.baseUrl).toString();
  }
}
