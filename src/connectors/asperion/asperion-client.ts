import { backoffMs } from '../../core/backoff.js';
import { KoppelError } from '../../core/errors.js';
import type { ConnectorContext } from '../kit/connector-context.js';
import { budgetYield } from '../kit/budget-yield.js';
import { sendAuthorized } from '../kit/send-authorized.js';
import { TokenLease } from '../kit/token-lease.js';
import { asperionError } from './asperion-error.js';
import { changedSince, pollChanges, type ChangeCheckpoint, type ChangeOptions } from './changed-since.js';
import { asperionFinders } from './finders.js';
import { assertBalanced } from './journal-balance.js';
import { asperionTokenPolicy, asperionTokenRefresher, type AsperionApp } from './oauth.js';
import { asperionGovernorFor, type AsperionRate, type AsperionRateGovernor } from './rate-governor.js';
import { AsperionResource, type AsperionTransport, type RequestInit } from './resource.js';
import {
  resourceSpecs,
  type Administration,
  type Article,
  type ArticleInput,
  type ArticleUpdate,
  type CostCenter,
  type CostUnit,
  type Debtor,
  type DebtorInput,
  type DebtorKind,
  type DebtorUpdate,
  type Journal,
  type JournalEntry,
  type JournalEntryInput,
  type LedgerAccount,
  type PaymentCondition,
  type PaymentMethod,
  type SalesInvoice,
  type SalesInvoiceHeader,
  type SalesInvoiceInput,
  type SalesOrder,
  type SalesOrderInput,
  type SalesType,
  type VatCode,
} from './resource-types.js';

export interface AsperionRetryOptions {
  /** Tries in all, the first included (default 4). */
  attempts: number;
  /** First wait; doubles per try (default 1 s), capped at maxDelayMs (default 30 s). */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultAsperionRetry: AsperionRetryOptions = {
  attempts: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
};

export interface AsperionClientOptions {
  app: AsperionApp;
  apiBaseUrl: string;
  /**
   * The administration (tenant) every call is for (reference 1.4). Absent only to list the
   * administrations a grant reaches, before one is chosen: then no tenant header is sent.
   */
  administrationId?: number;
  /** Language of ProblemDetails messages (reference 1.5): nl or en. */
  language?: string;
  /**
   * The self-imposed rate, shared by every client of this app and administration: in the process, and
   * with every process on the database when the context has the budget ledger.
   */
  rate?: AsperionRate;
  retry?: Partial<AsperionRetryOptions>;
  /** The verb that changes debtors and articles (UNCONFIRMED, sandbox setting `updates`). */
  updateMethod?: 'PUT' | 'PATCH';
}

export type AsperionRow = Record<string, unknown>;

/** Statuses worth another try: too many requests and a gateway or service that is briefly away. */
const transientStatuses = new Set([429, 502, 503, 504]);
/** Methods that may be sent twice without doing the work twice. */
const idempotentMethods = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * Asperion for one connection and administration: `X-Tenant-Id`, `Accept: application/json` and
 * `Accept-Language` on every call (reference 7), tokens through the connection's lease with one
 * refresh-and-retry on a 401, every call under the process-wide rate governor, ProblemDetails as
 * typed errors. Reads and updates are retried on 429, 502, 503, 504 and network failures, honouring
 * Retry-After; creates are never retried unless the caller opts in, since Asperion has no idempotency
 * key: look the record up by its natural key (the finders) before posting it again (reference 7).
 */
export class AsperionClient implements AsperionTransport {
  readonly lease: TokenLease;
  readonly governor: AsperionRateGovernor;
  readonly updateMethod: 'PUT' | 'PATCH';
  private readonly retryOptions: AsperionRetryOptions;

  readonly administrations: AsperionResource<Administration>;
  readonly debtors: AsperionResource<Debtor, DebtorInput, DebtorUpdate>;
  readonly articles: AsperionResource<Article, ArticleInput, ArticleUpdate>;
  readonly salesTypes: AsperionResource<SalesType>;
  readonly salesInvoices: AsperionResource<SalesInvoice, SalesInvoiceInput>;
  /** The same invoices without lines (`/v1/salesinvoices`). */
  readonly salesInvoiceHeaders: AsperionResource<SalesInvoiceHeader>;
  /** Needs the inTrade package (reference 2.11). */
  readonly salesOrders: AsperionResource<SalesOrder, SalesOrderInput>;
  /** Creates are checked for balance before they are sent. */
  readonly journalEntries: AsperionResource<JournalEntry, JournalEntryInput>;
  readonly ledgerAccounts: AsperionResource<LedgerAccount>;
  readonly vatCodes: AsperionResource<VatCode>;
  readonly journals: AsperionResource<Journal>;
  readonly paymentConditions: AsperionResource<PaymentCondition>;
  readonly paymentMethods: AsperionResource<PaymentMethod>;
  readonly debtorKinds: AsperionResource<DebtorKind>;
  readonly costCenters: AsperionResource<CostCenter>;
  readonly costUnits: AsperionResource<CostUnit>;
  readonly find: ReturnType<typeof asperionFinders>;

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly options: AsperionClientOptions,
  ) {
    this.lease = new TokenLease(ctx, asperionTokenRefresher(ctx, options.app), asperionTokenPolicy);
    this.governor = asperionGovernorFor(
      options.app.clientId,
      options.administrationId ?? 0,
      ctx.clock,
      options.rate,
      ctx.budget?.ledger,
    );
    this.updateMethod = options.updateMethod ?? 'PUT';
    this.retryOptions = { ...defaultAsperionRetry, ...options.retry };
    const s = resourceSpecs;
    this.administrations = new AsperionResource(this, s.administrations);
    this.debtors = new AsperionResource(this, s.debtors);
    this.articles = new AsperionResource(this, s.articles);
    this.salesTypes = new AsperionResource(this, s.salesTypes);
    this.salesInvoices = new AsperionResource(this, s.salesInvoices);
    this.salesInvoiceHeaders = new AsperionResource(this, { ...s.salesInvoices, path: 'salesinvoices' });
    this.salesOrders = new AsperionResource(this, s.salesOrders);
    this.journalEntries = new AsperionResource(this, s.journalEntries, assertBalanced);
    this.ledgerAccounts = new AsperionResource(this, s.ledgerAccounts);
    this.vatCodes = new AsperionResource(this, s.vatCodes);
    this.journals = new AsperionResource(this, s.journals);
    this.paymentConditions = new AsperionResource(this, s.paymentConditions);
    this.paymentMethods = new AsperionResource(this, s.paymentMethods);
    this.debtorKinds = new AsperionResource(this, s.debtorKinds);
    this.costCenters = new AsperionResource(this, s.costCenters);
    this.costUnits = new AsperionResource(this, s.costUnits);
    this.find = asperionFinders(this);
  }

  /** What changed since a checkpoint in a resource that carries `dateLastChange`, and the next checkpoint. */
  changedSince<R extends { id: number | string; dateLastChange: string | null }>(
    resource: AsperionResource<R, never, never>,
    checkpoint: ChangeCheckpoint | null,
    options?: ChangeOptions,
  ) {
    return changedSince(resource, checkpoint, options);
  }

  /** The same, one batch per page, each with the checkpoint to store after it. */
  pollChanges<R extends { id: number | string; dateLastChange: string | null }>(
    resource: AsperionResource<R, never, never>,
    checkpoint: ChangeCheckpoint | null,
    options?: ChangeOptions,
  ) {
    return pollChanges(resource, checkpoint, options);
  }

  /**
   * One call to `/v1/<path>`. The answer is returned as it came unless it is a transient failure of
   * a call that may be retried: then it waits (Retry-After, or doubling from baseDelayMs) and tries
   * again, up to `attempts` in all, and returns the last answer or throws the last network failure.
   */
  async request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(`/v1/${path}`, this.options.apiBaseUrl);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
    const retryable = idempotentMethods.has(method) || init.retry === true;
    const endpoint = `/v1/${path.split('/')[0] ?? path}${path.includes('/') ? '/{id}' : ''}`;
    const { attempts, baseDelayMs, maxDelayMs } = this.retryOptions;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await this.sendAuthorized(method, url, init.body);
      } catch (cause) {
        // A refusal of the token lease (a grant that is gone) is no network failure: retrying it
        // would only turn a lost authorization into failed records instead of a paused connection.
        if (cause instanceof KoppelError && cause.kind !== 'transient') throw cause;
        const error = new KoppelError(`${method} ${endpoint} failed: ${(cause as Error).message}`, {
          code: 'asperion.network',
          kind: 'transient',
          cause,
          details: {
            endpoint,
            attempts: attempt,
            // The request may have arrived: a create must be looked up before it is sent again.
            ...(retryable ? {} : { outcomeUnknown: true }),
          },
        });
        if (!retryable || attempt >= attempts || this.ctx.signal.aborted) throw error;
        const waitMs = backoffMs(attempt, { baseMs: baseDelayMs, capMs: maxDelayMs });
        this.logRetry(method, endpoint, null, attempt, waitMs);
        await this.ctx.clock.sleep(waitMs);
        continue;
      }
      if (!transientStatuses.has(res.status)) return res;
      const retryAfterMs = readRetryAfter(res.headers.get('retry-after'), this.ctx.clock.now().getTime());
      if (res.status === 429 && retryAfterMs !== undefined) {
        await this.governor.pause(retryAfterMs);
        // A 429 was not processed, so giving up here loses nothing, a create included.
        if (retryAfterMs > (this.ctx.budgetWaitLimitMs?.() ?? Number.POSITIVE_INFINITY)) {
          await res.body?.cancel();
          throw budgetYield('asperion', retryAfterMs, `Asperion asked to wait before ${method} ${endpoint}`);
        }
      }
      if (!retryable || attempt >= attempts || this.ctx.signal.aborted) return res;
      await res.body?.cancel();
      const backoff = backoffMs(attempt, { baseMs: baseDelayMs, capMs: maxDelayMs });
      this.logRetry(method, endpoint, res.status, attempt, retryAfterMs ?? backoff);
      await this.ctx.clock.sleep(retryAfterMs ?? backoff);
    }
  }

  /**
   * One warning per retry, so an outage shows in the log while it happens and not only when a
   * record finally fails. The endpoint is the URL template (ids replaced), never the URL with its
   * query, and no body: both may hold customer data.
   */
  private logRetry(method: string, endpoint: string, status: number | null, attempt: number, waitMs: number) {
    this.ctx.logger.warn(
      { method, endpoint, status, attempt, waitMs },
      status === null ? 'Asperion call failed on the network; retrying' : 'Asperion call retried',
    );
  }

  /** Sends under the governor with the lease's token; a 401 refreshes once and sends again. */
  private sendAuthorized(method: string, url: URL, body: unknown): Promise<Response> {
    return sendAuthorized(this.lease, (token) => this.send(method, url, body, token));
  }

  private async send(method: string, url: URL, body: unknown, token: string): Promise<Response> {
    const release = await this.governor.acquire(this.ctx.budgetWaitLimitMs?.());
    try {
      return await this.ctx.fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          'accept-language': this.options.language ?? 'nl',
          ...(this.options.administrationId === undefined
            ? {}
            : { 'x-tenant-id': String(this.options.administrationId) }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } finally {
      await release();
    }
  }

  /** Every item of a list, one page at a time, following `_meta.nextPage` (reference 1.6), untyped. */
  async *pages<T = AsperionRow>(path: string, query: Record<string, string> = {}): AsyncGenerator<T[]> {
    const resource = new AsperionResource<T>(this, { ...resourceSpecs.administrations, path });
    for await (const page of resource.pages(query)) yield page.rows;
  }

  /** Create, or with `validateOnly` only check what a create would say (reference 1.6), untyped. */
  async create<T = AsperionRow>(
    path: string,
    body: AsperionRow,
    options: { validateOnly?: boolean; retry?: boolean } = {},
  ): Promise<T> {
    const res = await this.request('POST', path, {
      body,
      ...(options.validateOnly ? { query: { validateOnly: 'true' } } : {}),
      ...(options.retry ? { retry: true } : {}),
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

/** Retry-After as seconds or an HTTP date, in ms from now; absent or unreadable: undefined. */
function readRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
