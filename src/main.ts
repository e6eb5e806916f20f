import type { Config } from './core/config.js';
import { systemClock, type Clock } from './core/clock.js';
import { createLogger, type Logger } from './core/logging.js';
import { ensurePrivateDataDir } from './core/private-files.js';
import { SecretBox } from './core/secret-box.js';
import { SecretRegistry } from './core/secret-registry.js';
import { migrateToLatest, openStore, type Store } from './store/database.js';
import type { FlowRegistry } from './engine/types.js';
import { productRegistry } from './registry.js';
import type { EngineDeps } from './engine/deps.js';
import { defaultRetryOptions } from './engine/retry-policy.js';
import { KoppelError } from './core/errors.js';
import { validateCron } from './queue/cron.js';
import { openJobQueue, type ManagedJobQueue } from './queue/open-job-queue.js';
import { checkSecretKey } from './engine/secret-key.js';
import type { DestinationStream } from 'pino';
import { readFileSync } from 'node:fs';

/**
 * Everything a command or the server needs, built from the configuration. Nothing here runs at
 * import time: `createApp` is called by the CLI (or a test) once the configuration is loaded.
 */
export interface App {
  config: Config;
  store: Store;
  box: SecretBox;
  secrets: SecretRegistry;
  logger: Logger;
  clock: Clock;
  registry: FlowRegistry;
  /** The engine's view of the app. */
  engine: EngineDeps;
  /** The job queue KOPPEL_QUEUE names; every command and service of this process uses this one. */
  queue: ManagedJobQueue;
  close(): Promise<void>;
}

export interface AppOptions {
  registry?: FlowRegistry;
  clock?: Clock;
  logDestination?: DestinationStream;
  /** Run pending migrations while opening (default true). */
  migrate?: boolean;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  // core/config.ts cannot read cron (it sits below the queue); a purge that never runs would keep
  // every payload forever, in silence, so the service refuses to start instead.
  const purgeCronProblem = validateCron(config.purgeCron, (options.clock ?? systemClock).now());
  if (purgeCronProblem !== null)
    throw new KoppelError(`KOPPEL_PURGE_CRON: ${purgeCronProblem}`, {
      code: 'config.invalid_purge_cron',
      kind: 'invalid',
    });
  const secrets = new SecretRegistry();
  const logger = createLogger({
    level: config.logLevel,
    secrets,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  // The data folder is only used for SQLite and a generated key; with neither it is not touched.
  if ((!config.databaseUrl || !config.secretKey) && ensurePrivateDataDir(config.dataDir) === 'shared')
    logger.warn(
      'the data folder holds files that are not Koppel’s, so its permissions are left as they are; Koppel’s own files in it are readable by this user only (0600)',
    );
  // Registered before anything can log or fail with it: the logger scrubs registered values.
  secrets.add(config.smtp?.password);
  secrets.add(config.secretKey);
  secrets.add(config.newSecretKey);
  const notifications = notificationDeps(config);
  const box = SecretBox.load(config.dataDir, config.secretKey);
  // Refusing here would break a single process on Postgres with its generated key; the check below
  // already stops a second process whose key differs, this says why before that happens.
  if (config.databaseUrl && !config.secretKey)
    logger.warn(
      `KOPPEL_SECRET_KEY is not set, so this process uses the key in ${config.dataDir}/secret.key: every other Koppel process on this database needs that same key as KOPPEL_SECRET_KEY`,
    );
  const store = openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    // A database not yet migrated may lack the tables the check reads; `koppel migrate` touches no secret.
    if (options.migrate !== false) {
      await migrateToLatest(store);
      await checkSecretKey(store.db, box);
    }
  } catch (e) {
    await store.close();
    throw e;
  }
  const clock = options.clock ?? systemClock;
  const registry = options.registry ?? productRegistry;
  const queue = openJobQueue({
    engine: config.queue,
    store,
    clock,
    logger,
    databaseUrl: config.databaseUrl,
  });
  // The queue starts when first used (pg-boss: its schema, and the jobs of the jobs table moving
  // into it), so a command that needs no job (a dry run, a check, a key rotation) leaves the
  // database as it found it; a service starts it up front.
  const engine: EngineDeps = {
    store,
    queue,
    box,
    secrets,
    logger,
    clock,
    registry,
    retry: defaultRetryOptions,
    writeConcurrency: 4,
    defaults: {
      payloadRetentionDays: config.payloadRetentionDays,
      metadataRetentionDays: config.metadataRetentionDays,
      webhookMaxAgeHours: config.webhookMaxAgeHours,
    },
    notifications,
  };
  const close = async () => {
    await queue.stop();
    await store.close();
  };
  return { config, store, box, secrets, logger, clock, registry, engine, queue, close };
}

/** What the engine needs to send notification e-mail, from KOPPEL_SMTP_URL, _FROM and _CA_FILE. */
export function notificationDeps(
  config: Pick<Config, 'smtp' | 'smtpFrom'>,
): NonNullable<EngineDeps['notifications']> {
  const smtp = config.smtp;
  return {
    from: config.smtpFrom,
    smtp: smtp && {
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      user: smtp.user,
      password: smtp.password,
      ca: readSmtpCa(smtp.caFile),
    },
  };
}

/** A CA file that cannot be read would fail every e-mail later, quietly; refuse to start instead. */
function readSmtpCa(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new KoppelError(
      `KOPPEL_SMTP_CA_FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        code: 'config.invalid_smtp_ca',
        kind: 'invalid',
      },
    );
  }
}
