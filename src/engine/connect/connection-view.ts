import type { Connection } from '../../store/repos/connections.js';
import { tenantOf, whyNotReady, type ConnectionStatus } from '../connection-readiness.js';
import type { EngineDeps } from '../deps.js';
import { redirectUriOf } from './start-authorization.js';

/**
 * A connection as people and programs see it (the API, `koppel connections`): its state and what
 * to do about it, the names of the credentials it holds, never a value.
 */
export interface ConnectionView {
  id: string;
  pairId: string;
  app: string;
  appTitle: string;
  name: string;
  settings: Record<string, unknown>;
  status: ConnectionStatus;
  /** Why it is not active and what to do, in one sentence; null when active. */
  why: string | null;
  pausedAt: string | null;
  /** Names of the credential fields it holds (values are never answered). */
  credentialsSet: string[];
  /** When the current token pair came from an authorization. */
  authorizedAt: string | null;
  /** Seconds since the current token pair was issued (refreshes renew it). */
  tokenAgeSeconds: number | null;
  /** Who authorized it, as the provider names them, when known. */
  account: string | null;
  /** The tenant setting (`division`, `administrationId`), its value and name; null for apps without. */
  tenant: { setting: string; id: number | null; name: string | null } | null;
  /** For OAuth apps: the redirect URI to register with the provider. */
  redirectUri: string | null;
  /** For apps with webhooks, when KOPPEL_PUBLIC_URL is set: the callback the provider calls. */
  webhookUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Where this installation is reached, for the URIs a view names. */
export interface ReachedAt {
  /** KOPPEL_PUBLIC_URL, else the service's own address. */
  baseUrl: string;
  /** KOPPEL_PUBLIC_URL; webhooks need it. */
  publicUrl: string | undefined;
}

export function connectionView(deps: EngineDeps, c: Connection, where: ReachedAt): ConnectionView {
  const app = deps.registry.apps.get(c.app);
  const credentials = c.encryptedCredentials ? deps.box.decryptJson(c.encryptedCredentials) : {};
  for (const value of Object.values(credentials)) deps.secrets.add(value);
  const issuedAt = Date.parse(credentials['tokensIssuedAt'] ?? '');
  const segment = app?.webhooks?.callbackSegment;
  return {
    id: c.id,
    pairId: c.pairId,
    app: c.app,
    appTitle: app?.title ?? c.app,
    name: c.name,
    settings: c.settings,
    // Only the engine writes it, from connectionStatuses.
    status: c.status as ConnectionStatus,
    why: whyNotReady(c, app),
    pausedAt: c.pausedAt,
    credentialsSet: Object.keys(credentials)
      .filter((k) => credentials[k] !== '')
      .sort(),
    authorizedAt: c.authorizedAt,
    tokenAgeSeconds: Number.isNaN(issuedAt)
      ? null
      : Math.max(0, Math.floor((deps.clock.now().getTime() - issuedAt) / 1000)),
    account: c.authorizedAccount,
    tenant: app?.oauth
      ? { setting: app.oauth.tenantSetting, id: tenantOf(app, c.settings), name: c.tenantName }
      : null,
    redirectUri: app?.oauth ? redirectUriOf(where.baseUrl) : null,
    webhookUrl:
      segment !== undefined && where.publicUrl !== undefined
        ? `${where.publicUrl}/webhooks/${segment}/${c.id}`
        : null,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
