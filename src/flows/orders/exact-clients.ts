import { AsperionClient } from '../../connectors/asperion/asperion-client.js';
import type { ConnectorContext } from '../../engine/types.js';

// The flow's clients, built from the connections' settings and credentials. The Exact one lives
// with the connector, which needs it for webhook subscriptions too.
export { exactClientOf } from '../../connectors/exact-online/app.js';

export function asperionClientOf(ctx: ConnectorContext): AsperionClient {
  const s = ctx.settings as {
    apiBaseUrl?: string;
    identityBaseUrl?: string;
    clientId?: string;
    administrationId?: number;
    language?: string;
    rateLimit?: { requests: number; windowSeconds: number };
  };
  return new AsperionClient(ctx, {
    app: {
      identityBaseUrl: s.identityBaseUrl ?? 'https://identity.asperion.nl',
      clientId: s.clientId ?? '',
      clientSecret: ctx.credentials['clientSecret'] ?? '',
    },
    apiBaseUrl: s.apiBaseUrl ?? 'https://api.asperion.nl',
    administrationId: Number(s.administrationId),
    language: s.language ?? 'nl',
    ...(s.rateLimit ? { rate: s.rateLimit } : {}),
  });
}
