import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logging.js';
import type { SecretBox } from '../core/secret-box.js';
import type { SecretRegistry } from '../core/secret-registry.js';
import type { JobQueue } from '../queue/port.js';
import type { Store } from '../store/database.js';
import type { RetryOptions } from './retry-policy.js';
import type { FlowRegistry } from './types.js';

/** What the engine needs from the application; built once by main.ts (or a test). */
export interface EngineDeps {
  store: Store;
  /** The job queue (KOPPEL_QUEUE): the backlog alert, the metrics and the purge read jobs through it. */
  queue: JobQueue;
  box: SecretBox;
  secrets: SecretRegistry;
  logger: Logger;
  clock: Clock;
  registry: FlowRegistry;
  retry: RetryOptions;
  /** Records written to the target at once within a page. */
  writeConcurrency: number;
  /**
   * Configured defaults: retention (installation settings may override it), and how old a webhook
   * delivery's event may be before it is refused as a replay (KOPPEL_WEBHOOK_MAX_AGE_HOURS).
   */
  defaults: { payloadRetentionDays: number; metadataRetentionDays: number; webhookMaxAgeHours: number };
  /** How notification e-mail goes out; without `smtp`, e-mail deliveries wait until it is configured. */
  notifications?: { from: string; smtp?: SmtpSettings | undefined } | undefined;
}

/** The SMTP server (KOPPEL_SMTP_URL), with a private CA's PEM text already read. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (smtps); otherwise STARTTLS. */
  secure: boolean;
  user?: string | undefined;
  password?: string | undefined;
  /** PEM of a CA trusted besides the system's (KOPPEL_SMTP_CA_FILE). */
  ca?: string | undefined;
}
