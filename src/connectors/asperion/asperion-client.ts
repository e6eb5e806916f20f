import { KoppelError } from '../../core/errors.js';
import type { ConnectorContext } from '../kit/connector-context.js';
import { TokenLease } from '../kit/token-lease.js';
import { asperionError } from './asperion-error.js';
import { asperionTokenPolicy, asperionTokenRefresher, type AsperionApp } from './oauth.js';

export interface AsperionClientOptions {
  app: AsperionApp;
  apiBaseUrl: string;
  /** The administration (tenant) every call is for (reference 1.4). */
  administrationId: number;
  /** Language of ProblemDetails messages (reference 1.5): nl or en. */
  language?: string;
}

export type AsperionRow = Record<string, unknown>;

interface Page<T> {
  _data?: T[];
  _meta?: { nextPage?: string | null; totalCount?: number };
}

/**
 * Asperion for one connection and administration: `X-Tenant-Id`, `Accept: application/json` and
 * `Accept-Language` on every call (reference 7), tokens through the connection's lease, one
 * refresh-and-retry on a 401, ProblemDetails as typed errors. Creates are never retried here: there
 * is no idempotency key, so callers look up by their natural key first (reference 7).
 */
export class AsperionClient {
  readonly lease: TokenLease;

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly options: AsperionClientOptions,
  ) {
    this.lease = new TokenLease(ctx, asperionTokenRefresher(ctx, options.app), asperionTokenPolicy);
  }

  async request(
    method: string,
    path: string,
    init: { query?: Record<string, string>; body?: unknown } = {},
  ): Promise<Response> {
    const url = new URL(`/v1/${path}`, this.options.apiBaseUrl);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
    const send = async (token: string) => {
      try {
        return await this.ctx.fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            'accept-language': this.options.language ?? 'nl',
            'x-tenant-id': String(this.options.administrationId),
            ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        });
      } catch (cause) {
        throw new KoppelError(`${method} /v1/${path} failed: ${(cause as Error).message}`, {
          code: 'asperion.network',
          kind: 'transient',
          cause,
        });
      }
    };
    const token = await this.lease.accessToken();
    const res = await send(token);
    if (res.status !== 401) return res;
    await res.body?.cancel();
    return send(await this.lease.afterUnauthorized(token));
  }

  /** Every item of a list, one page at a time, following `_meta.nextPage` (reference 1.6). */
  async *pages<T = AsperionRow>(path: string, query: Record<string, string> = {}): AsyncGenerator<T[]> {
    let page = Number(query.page ?? 1);
    for (;;) {
      const res = await this.request('GET', path, { query: { ...query, page: String(page) } });
      if (!res.ok) throw await asperionError(res, 'GET', `/v1/${path}`);
      const body = (await res.json()) as Page<T>;
      yield body._data ?? [];
      const next = body._meta?.nextPage;
      if (!next) return;
      page = Number(new URL(next).searchParams.get('page') ?? page + 1);
    }
  }

  /** Create, or with `validateOnly` only check what a create would say (reference 1.6). */
  async create<T = AsperionRow>(
    path: string,
    body: AsperionRow,
    options: { validateOnly?: boolean } = {},
  ): Promise<T> {
    const res = await this.request('POST', path, {
      body,
      ...(options.validateOnly ? { query: { validateOnly: 'true' } } : {}),
    });
    if (!res.ok) throw await asperionError(res, 'POST', `/v1/${path}`);
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as T;
  }

  async get<T = AsperionRow>(path: string): Promise<T> {
    const res = await this.request('GET', path);
    if (!res.ok) throw await asperionError(res, 'GET', `/v1/${path.replace(/\/[^/]+$/, '/{id}')}`);
    return (await res.json()) as T;
  }
}
