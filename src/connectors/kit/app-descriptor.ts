import type { ZodType } from 'zod';
import type { ConnectorContext } from './connector-context.js';

/** An app connections can be made to: its settings and the credential fields it stores encrypted. */
export interface AppDescriptor {
  app: string;
  title: string;
  /** Names of credential fields; they are encrypted at rest and never exported. */
  credentialFields: readonly string[];
  settingsSchema: ZodType<Record<string, unknown>>;
  /** For apps whose stored credentials die when unused; the engine's keep-alive job calls it. */
  keepAlive?: CredentialKeepAlive;
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
