import { AsperionClient } from '../../connectors/asperion/asperion-client.js';
import { exactAppOf } from '../../connectors/exact-online/app.js';
import { ExactClient } from '../../connectors/exact-online/exact-client.js';
import { KoppelError } from '../../core/errors.js';
import type { ConnectorContext } from '../../engine/types.js';

/** The flow's clients, built from the connections' settings and credentials. */
export function exactClientOf(ctx: ConnectorContext): ExactClient {
  const division = Number(ctx.settings['division']);
  if (!Number.isInteger(division) || division <= 0)
    throw new KoppelError(`Connection ${ctx.connectionId} has no Exact division`, {
      code: 'orders.no_division',
      kind: 'invalid',
    });
  return new ExactClient(ctx, exactAppOf(ctx), division);
}

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
