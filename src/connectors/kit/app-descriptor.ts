import type { ZodType } from 'zod';
import type { RedactionAliases } from '../../core/redaction.js';
import type { ConnectorContext } from './connector-context.js';
import type { TokenSet } from './token-lease.js';

/** An app connections can be made to: its settings and the credential fields it stores encrypted. */
export interface AppDescriptor {
  app: string;
  title: string;
  /** Names of credential fields; they are encrypted at rest and never exported. */
  credentialFields: readonly string[];
  settingsSchema: ZodType<Record<string, unknown>>;
  /** For apps whose stored credentials die when unused; the engine's keep-alive job calls it. */
  keepAlive?: CredentialKeepAlive;
  /** For apps that push changes to a callback; the engine subscribes and the API receives. */
  webhooks?: AppWebhooks;
  /**
   * For apps authorized through OAuth2's authorization-code flow: a connection of such an app has
   * no usable tokens until someone consents (`koppel connect`, the API), and works in one tenant
   * chosen from those the grant reaches. Apps without it are usable as configured.
   */
  oauth?: AppOAuth;
  /**
   * This app's field names for personal data, per canonical redaction name (`email`, `iban`, …):
   * a redaction list naming `email` masks each of them in stored payloads, at any depth.
   */
  redactionAliases?: RedactionAliases;
}

/** One tenant (an Exact division, an Asperion administration) a grant reaches. */
export interface Tenant {
  id: number;
  name: string;
  /** The one the provider considers the user's current one (Exact's `CurrentDivision`), if it says. */
  current?: boolean;
}

/** What a grant reaches: its tenants, and who granted it when the provider says so cheaply. */
export interface GrantReach {
  tenants: Tenant[];
  /** e.g. "Sandra Sandbox (sandbox@koppel.test)"; null when the provider does not say. */
  account: string | null;
}

/** The connection as far as an authorize URL needs it; no context, since it makes no call. */
export interface OAuthAppConfig {
  settings: Record<string, unknown>;
  credentials: Record<string, string>;
}

/**
 * OAuth2 authorization of an app (authorization-code flow with `state`). Every call that talks to
 * the provider gets the connection's context, so the connector reads no configuration itself.
 */
export interface AppOAuth {
  /** The setting that holds the tenant, e.g. `division`, `administrationId`. */
  tenantSetting: string;
  /** What a tenant is called in messages: `division`, `administration`. */
  tenantNoun: string;
  /**
   * The consent page to send a person to. Throws `oauth.not_configured` (kind invalid) when the
   * connection lacks what the provider needs (a client id).
   */
  authorizeUrl(config: OAuthAppConfig, redirectUri: string, state: string): string;
  /** Trade the code from the consent redirect for the first token pair (same redirect URI). */
  exchangeCode(ctx: ConnectorContext, code: string, redirectUri: string): Promise<TokenSet>;
  /** The tenants the stored grant reaches, with names, and who granted it where that is cheap. */
  reach(ctx: ConnectorContext): Promise<GrantReach>;
}

/** E.g. Exact's refresh tokens, which expire after 30 idle days (Exact reference 2.2). */
export interface CredentialKeepAlive {
  /**
   * Renew the stored credentials if they were last renewed more than `idleMs` ago, under the same
   * lock and single-flight rules as any refresh; true when they were renewed. A grant that is gone
   * throws `oauth.reauthorization_required` (kind auth).
   */
  refreshIfIdle(ctx: ConnectorContext, idleMs: number): Promise<boolean>;
}

/** One verified webhook delivery, as much as the engine needs to start the right runs. */
export interface WebhookNotice {
  topic: string;
  action: string;
  key: string;
  /**
   * When the event happened by the provider's word, ISO UTC; absent when the app does not say.
   * Deliveries of events older than the configured window are refused as replays.
   */
  eventAt?: string;
  /** Why the delivery is not for the connection whose callback it reached; absent when it is. */
  mismatch?: string;
}

/**
 * Webhooks of an app (e.g. Exact Online, reference 6): the callback is
 * `<public URL>/webhooks/<callbackSegment>/<connection id>`, one subscription per topic.
 */
export interface AppWebhooks {
  callbackSegment: string;
  /**
   * Make sure `topic` delivers to `callbackUrl` (nothing to do when it already does). Throws a
   * typed error when the provider refuses, e.g. because it cannot reach the callback.
   */
  ensureSubscription(ctx: ConnectorContext, topic: string, callbackUrl: string): Promise<void>;
  /**
   * Delete this app's subscriptions that deliver to `callbackUrl` on a topic not in `keep`
   * (compared without case); answers the topics removed. Subscriptions to other callbacks are
   * left alone: they belong to another installation or purpose.
   */
  removeSubscriptions(ctx: ConnectorContext, callbackUrl: string, keep: readonly string[]): Promise<string[]>;
  /**
   * Why deliveries to this connection could not be verified (e.g. no webhook secret stored), so
   * subscribing would only earn refusals; undefined when it can receive them.
   */
  cannotReceive(connection: { credentials: Record<string, string> }): string | undefined;
  /**
   * Verify a raw delivery body with the connection's credentials and read it. A bad signature
   * throws kind `auth`, an unreadable body kind `invalid`; neither message carries the body.
   */
  readDelivery(
    rawBody: string,
    connection: { settings: Record<string, unknown>; credentials: Record<string, string> },
  ): WebhookNotice;
}
