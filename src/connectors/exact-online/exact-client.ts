import { KoppelError } from '../../core/errors.js';
import type { ConnectorContext } from '../kit/connector-context.js';
import { TokenLease } from '../kit/token-lease.js';
import { exactError } from './exact-error.js';
import { exactFetch } from './exact-fetch.js';
import { exactPages } from './exact-pages.js';
import { exactTokenPolicy, exactTokenRefresher, type ExactApp } from './oauth.js';
import { cmp, lit, odataQuery, type ODataOptions } from './odata-query.js';
import { governorFor, type ExactRateGovernor } from './rate-governor.js';

export type ExactRow = Record<string, unknown>;

/**
 * Exact Online for one connection and division: every call goes through the connection's token
 * lease and the division's rate governor; a 401 on a token we thought valid refreshes once and
 * retries once (reference 2.2); error answers become typed errors.
 */
export class ExactClient {
  readonly lease: TokenLease;
  readonly governor: ExactRateGovernor;

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly app: ExactApp,
    readonly division: number,
  ) {
    this.lease = new TokenLease(ctx, exactTokenRefresher(ctx, app), exactTokenPolicy);
    this.governor = governorFor(app.clientId, division, ctx.clock);
  }

  /** A division-scoped call; `path` is relative to `/api/v1/{division}/`, e.g. `crm/Accounts`. */
  async request(
    method: string,
    path: string,
    options: { query?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const url = `${this.base()}/${path}${options.query ?? ''}`;
    const endpoint = `/api/v1/{division}/${path.replace(/\(guid'[^']*'\)/g, '({id})')}`;
    const send = (accessToken: string) =>
      exactFetch(this.ctx, this.governor, {
        method,
        url,
        endpoint,
        accessToken,
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(options.headers ? { headers: options.headers } : {}),
      });
    const token = await this.lease.accessToken();
    const res = await send(token);
    if (res.status !== 401) return res;
    await res.body?.cancel();
    return send(await this.lease.afterUnauthorized(token));
  }

  /** Every row of a collection, one page at a time. */
  pages<T = ExactRow>(path: string, options: ODataOptions): AsyncGenerator<T[]> {
    return exactPages<T>(this.ctx, this.governor, {
      url: `${this.base()}/${path}${odataQuery(options)}`,
      endpoint: `/api/v1/{division}/${path}`,
      accessToken: () => this.lease.accessToken(),
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

  /** Accounts are found by their code (right-aligned in 18 characters, reference 4.5) or e-mail. */
  findAccountByCode(code: string, select: readonly string[] = ['ID', 'Code', 'Name', 'Email']) {
    if (!/^\d{1,18}$/.test(code.trim()))
      throw new KoppelError(`Account code "${code}" is not numeric`, {
        code: 'exact.bad_code',
        kind: 'invalid',
      });
    return this.findOne('crm/Accounts', cmp('Code', 'eq', lit.string(code.trim().padStart(18, ' '))), select);
  }

  findAccountByEmail(email: string, select: readonly string[] = ['ID', 'Code', 'Name', 'Email']) {
    return this.findOne('crm/Accounts', cmp('Email', 'eq', lit.string(email)), select);
  }

  /** Koppel writes its natural key into YourRef of what it creates (reference 8.2). */
  findSalesOrderByYourRef(
    yourRef: string,
    select: readonly string[] = ['OrderID', 'OrderNumber', 'YourRef'],
  ) {
    return this.findOne('salesorder/SalesOrders', cmp('YourRef', 'eq', lit.string(yourRef)), select);
  }

  private base(): string {
    return new URL(`/api/v1/${this.division}`, this.app.baseUrl).toString();
  }
}
