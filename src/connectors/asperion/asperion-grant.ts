import { KoppelError } from '../../core/errors.js';
import type { AppOAuth, GrantReach } from '../kit/app-descriptor.js';
import type { ConnectorContext } from '../kit/connector-context.js';
import { AsperionClient } from './asperion-client.js';
import { asperionAuthorizeUrl, exchangeAsperionCode, type AsperionApp } from './oauth.js';

type Config = Pick<ConnectorContext, 'settings' | 'credentials'>;

/**
 * The administrations a grant reaches: `GET /v1/administrations` lists those of the token's user
 * (reference 1.4, 2.2). It is asked without a tenant header, since none is chosen yet. Asperion's
 * token answer does not say who the user is, so the account stays unknown.
 */
export async function asperionGrantReach(
  ctx: ConnectorContext,
  app: AsperionApp,
  apiBaseUrl: string,
): Promise<GrantReach> {
  const client = new AsperionClient(ctx, { app, apiBaseUrl });
  const tenants = [];
  for await (const page of client.administrations.pages())
    for (const row of page.rows) tenants.push({ id: Number(row.id), name: row.name });
  return { tenants: tenants.sort((a, b) => a.id - b.id), account: null };
}

/** Asperion's authorization: client id from the settings, the tenant is `administrationId`. */
export function asperionOAuthCapability(
  appOf: (config: Config) => AsperionApp,
  apiBaseUrlOf: (config: Config) => string,
): AppOAuth {
  return {
    tenantSetting: 'administrationId',
    tenantNoun: 'administration',
    authorizeUrl(config, redirectUri, state) {
      const app = appOf(config);
      if (!app.clientId)
        throw new KoppelError(
          'The connection has no clientId setting: set the client id Asperion gave your app registration',
          { code: 'oauth.not_configured', kind: 'invalid', details: { setting: 'clientId' } },
        );
      if (!app.clientSecret)
        throw new KoppelError(
          'The connection has no clientSecret credential: set the client secret of its Asperion app registration',
          { code: 'oauth.not_configured', kind: 'invalid', details: { credential: 'clientSecret' } },
        );
      return asperionAuthorizeUrl(app, redirectUri, state);
    },
    exchangeCode: (ctx, code, redirectUri) => exchangeAsperionCode(ctx, appOf(ctx), code, redirectUri),
    reach: (ctx) => asperionGrantReach(ctx, appOf(ctx), apiBaseUrlOf(ctx)),
  };
}
