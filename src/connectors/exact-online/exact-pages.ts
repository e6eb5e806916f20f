import type { ConnectorContext } from '../kit/connector-context.js';
import type { AccessTokens } from '../kit/token-lease.js';
import { exactError } from './exact-error.js';
import { exactAuthorizedFetch } from './exact-fetch.js';
import type { ExactRateGovernor } from './rate-governor.js';

export interface PageRequest {
  /** Absolute URL of the first page, query included. */
  url: string;
  endpoint: string;
  /** The connection's token lease: a page refused with a 401 is fetched again after one refresh. */
  tokens: AccessTokens;
  /** How to read a body; plain JSON by default (the sync endpoints keep Int64 digits). */
  parse?: (text: string) => unknown;
}

interface Envelope<T> {
  d?: T[] | { results?: T[]; __next?: string } | T;
}

/**
 * The rows of a collection, one page at a time, following `__next` verbatim until it is absent
 * (reference 4.3). Both collection shapes are read: `d.results` and a bare `d` array (4.2).
 */
export async function* exactPages<T = Record<string, unknown>>(
  ctx: ConnectorContext,
  governor: ExactRateGovernor,
  req: PageRequest,
): AsyncGenerator<T[]> {
  let url: string | undefined = req.url;
  while (url) {
    const res = await exactAuthorizedFetch(ctx, governor, req.tokens, {
      method: 'GET',
      url,
      endpoint: req.endpoint,
    });
    if (!res.ok) throw await exactError(res, 'GET', req.endpoint);
    const body = (req.parse ? req.parse(await res.text()) : await res.json()) as Envelope<T>;
    const d = body.d;
    if (Array.isArray(d)) {
      yield d;
      return;
    }
    const page = (d as { results?: T[]; __next?: string } | undefined) ?? {};
    yield page.results ?? [];
    url = page.__next;
  }
}
