import path from 'node:path';
import { z } from 'zod';

/**
 * The one configuration schema. Loaded once by the entry point (never at import time) and passed
 * down; this is the only file that reads the environment.
 */
/**
 * What `koppel start` runs: `all` (one process does everything), `web` (the HTTP API, web app,
 * webhooks and OAuth callback; it queues jobs but runs none) or `worker` (workers and scheduler,
 * no HTTP listener).
 */
export const processRoles = ['all', 'web', 'worker'] as const;
export type ProcessRole = (typeof processRoles)[number];

/** Where jobs live: Koppel's own `jobs` table (`store`, both databases) or pg-boss (PostgreSQL only). */
export const queueEngines = ['store', 'pg-boss'] as const;
export type QueueEngine = (typeof queueEngines)[number];

const intFromEnv = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const configSchema = z.object({
  KOPPEL_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  KOPPEL_SECRET_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  KOPPEL_NEW_SECRET_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  KOPPEL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KOPPEL_HOST: z.string().default('127.0.0.1'),
  KOPPEL_PORT: z.coerce.number().int().min(0).max(65535).default(8640),
  KOPPEL_WORKERS: intFromEnv(2),
  // A few seconds: a short wait costs less than queueing the rest of the run again.
  KOPPEL_BUDGET_YIELD_SECONDS: z.coerce.number().int().nonnegative().default(5),
  KOPPEL_ROLE: z.enum(processRoles, { error: 'must be all, web or worker' }).default('all'),
  KOPPEL_QUEUE: z.enum(queueEngines, { error: 'must be store or pg-boss' }).optional(),
  KOPPEL_PAYLOAD_RETENTION_DAYS: intFromEnv(14),
  KOPPEL_METADATA_RETENTION_DAYS: intFromEnv(90),
  KOPPEL_PURGE_CRON: z.string().default('17 3 * * *'),
  // Below Exact's 30 idle days with room for a week of failed daily runs.
  KOPPEL_KEEPALIVE_IDLE_DAYS: z.coerce.number().int().min(1).max(23).default(20),
  KOPPEL_WORKSPACE: z.string().optional(),
  KOPPEL_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  KOPPEL_ALLOWED_HOSTS: z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h !== ''),
    )
    .optional(),
  KOPPEL_TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1')
    .default(false),
  KOPPEL_WEBHOOK_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  KOPPEL_METRICS_ON_WEBHOOK_PORT: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1')
    .default(false),
  KOPPEL_SESSION_IDLE_MINUTES: intFromEnv(60),
  KOPPEL_SESSION_MAX_HOURS: intFromEnv(12),
  // Exact retries a delivery for about 34 hours (reference 6.4, UNCONFIRMED): older ones are replays.
  KOPPEL_WEBHOOK_MAX_AGE_HOURS: intFromEnv(48),
  KOPPEL_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/?#]+/, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:password@host:587')
    .refine(
      (url) => URL.canParse(url),
      'must be an smtp:// or smtps:// URL, e.g. smtp://user:password@host:587',
    )
    .optional(),
  KOPPEL_SMTP_FROM: z.string().min(3).default('Koppel <koppel@localhost>'),
  KOPPEL_SMTP_CA_FILE: z.string().min(1).optional(),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  dataDir: string;
  databaseUrl: string | undefined;
  secretKey: string | undefined;
  /** Only `koppel secrets rotate` reads it: the key to re-encrypt every stored secret with. */
  newSecretKey: string | undefined;
  logLevel: RawConfig['KOPPEL_LOG_LEVEL'];
  host: string;
  port: number;
  workers: number;
  /**
   * A backfill whose next API call would wait longer than this for its budget gives its worker up
   * and continues when the budget has room again; shorter waits are slept.
   */
  budgetYieldAfterMs: number;
  /** What `koppel start` runs in this process (`--role` overrides it). */
  role: ProcessRole;
  /** The job queue's engine; `pg-boss` only with DATABASE_URL. */
  queue: QueueEngine;
  payloadRetentionDays: number;
  metadataRetentionDays: number;
  purgeCron: string;
  keepAliveIdleDays: number;
  workspaceFile: string | undefined;
  /** Base URL Exact Online can reach this service at (no trailing slash); unset: no webhooks. */
  publicUrl: string | undefined;
  /**
   * Host names (without port) requests may name in their Host header; anything else is refused, so
   * a DNS-rebinding page cannot reach the API. Always includes loopback names, the listen address
   * when it is not a wildcard, and the public URL's host.
   */
  allowedHosts: string[];
  /** Behind a reverse proxy: take the client address and protocol from X-Forwarded-* headers. */
  trustProxy: boolean;
  /** A second listener that serves only webhooks, the OAuth callback and /healthz; unset: none. */
  webhookPort: number | undefined;
  /** Also serve /metrics (still behind a viewer's token) on the webhook listener. */
  metricsOnWebhookPort: boolean;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  /**
   * Webhook deliveries whose event is older than this are refused as replays; within it, a repeat
   * of the same delivery is acknowledged and starts nothing.
   */
  webhookMaxAgeHours: number;
  /** Where notification e-mail goes out; unset: e-mail notifications wait (and fail) until it is set. */
  smtp: SmtpConfig | undefined;
  /** The From of notification e-mail. */
  smtpFrom: string;
  /** The environment, for `${env:NAME}` references in a workspace file. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * The SMTP server, taken apart so the password is never part of a printable URL. `smtps` is TLS
 * from the first byte (port 465); `smtp` upgrades with STARTTLS whenever the server offers it, and
 * insists on it when a password would otherwise cross the wire in clear.
 */
export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  user: string | undefined;
  password: string | undefined;
  /** A PEM file of a private CA the server's certificate is checked against (besides the system's). */
  caFile: string | undefined;
}

export function parseSmtpUrl(url: string, caFile?: string): SmtpConfig {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    user: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    caFile,
  };
}

/** The SMTP server as logs and `koppel --help` may show it: no user, no password. */
export function smtpLabel(smtp: Pick<SmtpConfig, 'host' | 'port' | 'secure'>): string {
  return `${smtp.secure ? 'smtps' : 'smtp'}://${smtp.host.includes(':') ? `[${smtp.host}]` : smtp.host}:${smtp.port}`;
}

/** Documentation of every variable, rendered into the README table and `koppel --help`. */
export const configDocs: ReadonlyArray<{ name: keyof RawConfig; default: string; meaning: string }> = [
  {
    name: 'KOPPEL_DATA_DIR',
    default: './data',
    meaning: 'Folder for the SQLite database and the generated secret key.',
  },
  {
    name: 'DATABASE_URL',
    default: '(unset: SQLite)',
    meaning: 'PostgreSQL URL; when set, Koppel stores everything there.',
  },
  {
    name: 'KOPPEL_SECRET_KEY',
    default: '(generated into the data folder)',
    meaning: 'Key that encrypts credentials at rest (AES-256-GCM).',
  },
  {
    name: 'KOPPEL_NEW_SECRET_KEY',
    default: '(unset)',
    meaning: 'Only for `koppel secrets rotate`: the key every stored secret is re-encrypted with.',
  },
  { name: 'KOPPEL_LOG_LEVEL', default: 'info', meaning: 'fatal, error, warn, info, debug, trace or silent.' },
  { name: 'KOPPEL_HOST', default: '127.0.0.1', meaning: 'Address the HTTP server listens on.' },
  { name: 'KOPPEL_PORT', default: '8640', meaning: 'Port of the HTTP server (0 picks a free one).' },
  {
    name: 'KOPPEL_WORKERS',
    default: '2',
    meaning:
      'Jobs this process runs at once. With two or more, one is kept for runs that are not backfills, so a webhook’s run starts within a poll.',
  },
  {
    name: 'KOPPEL_BUDGET_YIELD_SECONDS',
    default: '5',
    meaning:
      'A backfill whose next API call would wait longer than this for its budget (Exact’s minute) gives its worker up and continues when the budget refills.',
  },
  {
    name: 'KOPPEL_ROLE',
    default: 'all',
    meaning:
      'What `koppel start` runs: `all`, `web` (API, web app, webhooks; no workers, no scheduler) or `worker` (workers and scheduler; no HTTP listener). See "Running several processes".',
  },
  {
    name: 'KOPPEL_QUEUE',
    default: 'pg-boss with DATABASE_URL, else store',
    meaning:
      'Where jobs live: `pg-boss` (PostgreSQL only; waiting and running jobs of the `jobs` table move there at start) or `store` (the `jobs` table, SQLite or PostgreSQL). Every process of one installation needs the same.',
  },
  {
    name: 'KOPPEL_PAYLOAD_RETENTION_DAYS',
    default: '14',
    meaning: 'Days stored payloads (snapshots, requests, responses) are kept.',
  },
  { name: 'KOPPEL_METADATA_RETENTION_DAYS', default: '90', meaning: 'Days run and record metadata is kept.' },
  { name: 'KOPPEL_PURGE_CRON', default: '17 3 * * *', meaning: 'When the retention purge runs (cron, UTC).' },
  {
    name: 'KOPPEL_KEEPALIVE_IDLE_DAYS',
    default: '20',
    meaning: 'Days after which an idle Exact connection’s tokens are renewed (they die after 30).',
  },
  {
    name: 'KOPPEL_WORKSPACE',
    default: '(unset)',
    meaning: 'Workspace file applied on start, as `koppel apply -f` would.',
  },
  {
    name: 'KOPPEL_PUBLIC_URL',
    default: '(unset: schedule only)',
    meaning:
      'Public base URL Exact Online can reach this service at; when set, Exact webhooks start runs within seconds. Also the base of the OAuth redirect URI (`<url>/oauth/callback`) and of the links Koppel prints.',
  },
  {
    name: 'KOPPEL_ALLOWED_HOSTS',
    default: '(loopback, KOPPEL_HOST, the public URL’s host)',
    meaning:
      'Comma-separated extra host names the HTTP server answers to; a request naming any other Host is refused (DNS rebinding).',
  },
  {
    name: 'KOPPEL_TRUST_PROXY',
    default: 'false',
    meaning: 'true behind a reverse proxy: client address and https come from X-Forwarded-For/-Proto.',
  },
  {
    name: 'KOPPEL_WEBHOOK_PORT',
    default: '(unset: no second listener)',
    meaning:
      'Port of a second listener serving only /webhooks/…, /oauth/callback and /healthz: the only one to expose to the internet (point KOPPEL_PUBLIC_URL at it through your reverse proxy).',
  },
  {
    name: 'KOPPEL_METRICS_ON_WEBHOOK_PORT',
    default: 'false',
    meaning:
      'true: the webhook listener also serves /metrics, still only with a viewer’s API token, for a scraper that reaches only that port.',
  },
  {
    name: 'KOPPEL_SESSION_IDLE_MINUTES',
    default: '60',
    meaning: 'A browser session ends after this long without a request.',
  },
  {
    name: 'KOPPEL_SESSION_MAX_HOURS',
    default: '12',
    meaning: 'A browser session ends this long after sign-in.',
  },
  {
    name: 'KOPPEL_WEBHOOK_MAX_AGE_HOURS',
    default: '48',
    meaning:
      'Webhook deliveries of events older than this are refused as replays; the same delivery again within it is acknowledged and starts nothing.',
  },
  {
    name: 'KOPPEL_SMTP_URL',
    default: '(unset: no e-mail)',
    meaning:
      'SMTP server for notification e-mail: `smtp://user:password@host:587` (STARTTLS when offered, required with a password) or `smtps://user:password@host:465` (TLS from the start). Percent-encode special characters of user and password.',
  },
  {
    name: 'KOPPEL_SMTP_FROM',
    default: 'Koppel <koppel@localhost>',
    meaning: 'From address of notification e-mail.',
  },
  {
    name: 'KOPPEL_SMTP_CA_FILE',
    default: '(unset: system CAs)',
    meaning: 'PEM file of a private CA to trust for the SMTP server’s certificate.',
  },
];

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const parsed = configSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const c = parsed.data;
  if (c.KOPPEL_QUEUE === 'pg-boss' && c.DATABASE_URL === undefined) {
    throw new ConfigError([
      'KOPPEL_QUEUE: pg-boss runs on PostgreSQL only; set DATABASE_URL, or KOPPEL_QUEUE=store for SQLite',
    ]);
  }
  return {
    dataDir: path.resolve(c.KOPPEL_DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    secretKey: c.KOPPEL_SECRET_KEY,
    newSecretKey: c.KOPPEL_NEW_SECRET_KEY,
    logLevel: c.KOPPEL_LOG_LEVEL,
    host: c.KOPPEL_HOST,
    port: c.KOPPEL_PORT,
    workers: c.KOPPEL_WORKERS,
    budgetYieldAfterMs: c.KOPPEL_BUDGET_YIELD_SECONDS * 1000,
    role: c.KOPPEL_ROLE,
    // A fleet on PostgreSQL runs on pg-boss unless told otherwise; SQLite has only the store queue.
    queue: c.KOPPEL_QUEUE ?? (c.DATABASE_URL === undefined ? 'store' : 'pg-boss'),
    payloadRetentionDays: c.KOPPEL_PAYLOAD_RETENTION_DAYS,
    metadataRetentionDays: c.KOPPEL_METADATA_RETENTION_DAYS,
    purgeCron: c.KOPPEL_PURGE_CRON,
    keepAliveIdleDays: c.KOPPEL_KEEPALIVE_IDLE_DAYS,
    workspaceFile: c.KOPPEL_WORKSPACE,
    publicUrl: c.KOPPEL_PUBLIC_URL,
    allowedHosts: allowedHostsOf(c),
    trustProxy: c.KOPPEL_TRUST_PROXY,
    webhookPort: c.KOPPEL_WEBHOOK_PORT,
    metricsOnWebhookPort: c.KOPPEL_METRICS_ON_WEBHOOK_PORT,
    sessionIdleMinutes: c.KOPPEL_SESSION_IDLE_MINUTES,
    sessionMaxHours: c.KOPPEL_SESSION_MAX_HOURS,
    webhookMaxAgeHours: c.KOPPEL_WEBHOOK_MAX_AGE_HOURS,
    smtp: c.KOPPEL_SMTP_URL ? parseSmtpUrl(c.KOPPEL_SMTP_URL, c.KOPPEL_SMTP_CA_FILE) : undefined,
    smtpFrom: c.KOPPEL_SMTP_FROM,
    env,
  };
}

/** Loopback names, the listen address unless it is a wildcard, the public URL's host, and the list. */
function allowedHostsOf(c: RawConfig): string[] {
  const hosts = new Set(['localhost', '127.0.0.1', '[::1]', ...(c.KOPPEL_ALLOWED_HOSTS ?? [])]);
  const listen = c.KOPPEL_HOST.toLowerCase();
  if (listen !== '0.0.0.0' && listen !== '::') hosts.add(listen.includes(':') ? `[${listen}]` : listen);
  if (c.KOPPEL_PUBLIC_URL) hosts.add(new URL(c.KOPPEL_PUBLIC_URL).hostname.toLowerCase());
  return [...hosts];
}

/** This service's URL as a process on the same machine reaches it (a wildcard host is not an address). */
export function ownUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/**
 * Where people and providers reach the service: KOPPEL_PUBLIC_URL, else its own listen address.
 * Links printed by commands (one-time setup links, the OAuth redirect URI) start with it.
 */
export function baseUrlOf(config: Pick<Config, 'publicUrl' | 'host' | 'port'>, port = config.port): string {
  return config.publicUrl ?? ownUrl(config.host, port);
}
