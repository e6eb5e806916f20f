import path from 'node:path';
import { z } from 'zod';

/**
 * The one configuration schema. Loaded once by the entry point (never at import time) and passed
 * down; this is the only file that reads the environment.
 */
const intFromEnv = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const configSchema = z.object({
  KOPPEL_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  KOPPEL_SECRET_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  KOPPEL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KOPPEL_HOST: z.string().default('127.0.0.1'),
  KOPPEL_PORT: z.coerce.number().int().min(0).max(65535).default(8640),
  KOPPEL_WORKERS: intFromEnv(2),
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
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  dataDir: string;
  databaseUrl: string | undefined;
  secretKey: string | undefined;
  logLevel: RawConfig['KOPPEL_LOG_LEVEL'];
  host: string;
  port: number;
  workers: number;
  payloadRetentionDays: number;
  metadataRetentionDays: number;
  purgeCron: string;
  keepAliveIdleDays: number;
  workspaceFile: string | undefined;
  /** Base URL Exact Online can reach this service at (no trailing slash); unset: no webhooks. */
  publicUrl: string | undefined;
  /** The environment, for `${env:NAME}` references in a workspace file. */
  env: Readonly<Record<string, string | undefined>>;
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
  { name: 'KOPPEL_LOG_LEVEL', default: 'info', meaning: 'fatal, error, warn, info, debug, trace or silent.' },
  { name: 'KOPPEL_HOST', default: '127.0.0.1', meaning: 'Address the HTTP server listens on.' },
  { name: 'KOPPEL_PORT', default: '8640', meaning: 'Port of the HTTP server (0 picks a free one).' },
  { name: 'KOPPEL_WORKERS', default: '2', meaning: 'Jobs this process runs at once.' },
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
      'Public base URL Exact Online can reach this service at; when set, Exact webhooks start runs within seconds.',
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
  return {
    dataDir: path.resolve(c.KOPPEL_DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    secretKey: c.KOPPEL_SECRET_KEY,
    logLevel: c.KOPPEL_LOG_LEVEL,
    host: c.KOPPEL_HOST,
    port: c.KOPPEL_PORT,
    workers: c.KOPPEL_WORKERS,
    payloadRetentionDays: c.KOPPEL_PAYLOAD_RETENTION_DAYS,
    metadataRetentionDays: c.KOPPEL_METADATA_RETENTION_DAYS,
    purgeCron: c.KOPPEL_PURGE_CRON,
    keepAliveIdleDays: c.KOPPEL_KEEPALIVE_IDLE_DAYS,
    workspaceFile: c.KOPPEL_WORKSPACE,
    publicUrl: c.KOPPEL_PUBLIC_URL,
    env,
  };
}
