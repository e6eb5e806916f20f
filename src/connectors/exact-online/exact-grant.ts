import { KoppelError } from '../../core/errors.js';
import type { AppOAuth, GrantReach } from '../kit/app-descriptor.js';
import type { ConnectorContext } from '../kit/connector-context.js';
import { TokenLease } from '../kit/token-lease.js';
import { ExactClient } from './exact-client.js';
import { exactError } from './exact-error.js';
import { exactAuthorizeUrl, exchangeExactCode, exactTokenPolicy, exactTokenRefresher } from './oauth.js';
import type { ExactApp } from './oauth.js';

interface Me {
  UserName?: string | null;
  FullName?: string | null;
  CurrentDivision?: number | null;
}

interface DivisionRow {
  Code: number;
  Description?: string | null;
}

/**
 * `current/Me`: who granted the token and the division they last worked in (reference 1.3). It has
 * no division in its URL, so it costs nothing of a division's budget (reference 3.2); a 401 on a
 * token we believed valid refreshes once, as every Exact call does.
 */
async function currentUser(ctx: ConnectorContext, app: ExactApp): Promise<Me> {
  const lease = new TokenLease(ctx, exactTokenRefresher(ctx, app), exactTokenPolicy);
  const url = new URL('/api/v1/current/Me', app.baseUrl);
  url.search = '$select=UserName,FullName,CurrentDivision';
  const send = (token: string) =>
    ctx.fetch(url, { headers: { accept: 'application/json', authorization: `Bearer ${token}` } });
  const token = await lease.accessToken();
  let res = await send(token);
  if (res.status === 401) {
    await res.body?.cancel();
    res = await send(await lease.afterUnauthorized(token));
  }
  if (!res.ok) throw await exactError(res, 'GET', '/api/v1/current/Me');
  const body = (await res.json()) as { d?: Me[] | { results?: Me[] } };
  const rows = Array.isArray(body.d) ? body.d : (body.d?.results ?? []);
  return rows[0] ?? {};
}

/**
 * The divisions a grant reaches: `system/Divisions` lists the divisions in the token's scope
 * (division scoping, reference 1.3). It needs a division in its URL; the user's current one is
 * one they can reach.
 */
export async function exactGrantReach(ctx: ConnectorContext, app: ExactApp): Promise<GrantReach> {
  const me = await currentUser(ctx, app);
  const account =
    [me.FullName, me.UserName ? `(${me.UserName})` : ''].filter((part) => part).join(' ') || null;
  const current = me.CurrentDivision ?? null;
  if (current === null) return { tenants: [], account };
  const client = new ExactClient(ctx, app, current);
  const tenants = [];
  for await (const page of client.pages<DivisionRow>('system/Divisions', { select: ['Code', 'Description'] }))
    for (const row of page)
      tenants.push({
        id: Number(row.Code),
        name: row.Description ?? String(row.Code),
        ...(row.Code === current ? { current: true } : {}),
      });
  return { tenants: tenants.sort((a, b) => a.id - b.id), account };
}

/** Exact Online's authorization: client id from the settings, the tenant is the `division` setting. */
export function exactOAuthCapability(
  appOf: (config: Pick<ConnectorContext, 'settings' | 'credentials'>) => ExactApp,
): AppOAuth {
  return {
    tenantSetting: 'division',
    tenantNoun: 'division',
    authorizeUrl(config, redirectUri, state) {
      const app = appOf(config);
      if (!app.clientId)
        throw new KoppelError(
          'The connection has no clientId setting: register an app in Exact’s App Center and set its client id',
          { code: 'oauth.not_configured', kind: 'invalid', details: { setting: 'clientId' } },
        );
      // The code exchange after the consent needs the secret: better to say so before it.
      if (!app.clientSecret)
        throw new KoppelError(
          'The connection has no clientSecret credential: set the client secret of its Exact app registration',
          { code: 'oauth.not_configured', kind: 'invalid', details: { credential: 'clientSecret' } },
        );
      return exactAuthorizeUrl(app, redirectUri, state);
    },
    exchangeCode: (ctx, code, redirectUri) => exchangeExactCode(ctx, appOf(ctx), code, redirectUri),
    reach: (ctx) => exactGrantReach(ctx, appOf(ctx)),
  };
}
