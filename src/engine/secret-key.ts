import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { KoppelError, isKoppelError } from '../core/errors.js';
import type { SecretBox } from '../core/secret-box.js';
import type { Database } from '../store/schema.js';
import { notificationSettingsKey } from './notifications/types.js';

/**
 * Every value Koppel encrypts with the secret box lives in one of three places: a connection's
 * credentials, a notification webhook's URL and signing secret (in the `notifications` setting),
 * and a dead letter's source snapshot. The start-up check and the key rotation both read them
 * from here, so a fourth place needs adding once.
 */

export const wrongKeyMessage =
  "This database's secrets were written with another secret key: give every Koppel process on it the same KOPPEL_SECRET_KEY (the key of the process that connected the accounts).";

interface WebhookFields {
  url?: unknown;
  secret?: unknown;
}
interface NotificationValue {
  recipients?: Array<{ name?: unknown; webhook?: WebhookFields }>;
}

/** One encrypted value of the database, with a name a person can find it by; null when none. */
async function oneStoredSecret(db: Kysely<Database>): Promise<{ what: string; stored: string } | null> {
  const connection = await db
    .selectFrom('connections')
    .select(['id', 'credentials'])
    .where('credentials', 'is not', null)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (connection?.credentials)
    return { what: `the credentials of connection ${connection.id}`, stored: connection.credentials };
  const setting = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', notificationSettingsKey)
    .executeTakeFirst();
  if (setting) {
    const value = JSON.parse(setting.value) as NotificationValue | null;
    for (const r of value?.recipients ?? [])
      if (typeof r.webhook?.url === 'string')
        return { what: `the webhook URL of notification recipient ${String(r.name)}`, stored: r.webhook.url };
  }
  const deadLetter = await db
    .selectFrom('dead_letters')
    .select(['id', 'snapshot'])
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (deadLetter)
    return { what: `the snapshot of dead letter ${deadLetter.id}`, stored: deadLetter.snapshot };
  return null;
}

/**
 * Refuses a key that cannot read this database's secrets. Without this, a second process started
 * without the shared key generates its own, claims jobs and fails every one of them later, far from
 * the cause. One value is enough: all of them are written with the same key.
 */
export async function checkSecretKey(db: Kysely<Database>, box: SecretBox): Promise<void> {
  const sample = await oneStoredSecret(db);
  if (!sample) return;
  try {
    box.decrypt(sample.stored);
  } catch (e) {
    // Only a wrong key is a reason to refuse; a damaged value stays the problem of whoever reads it.
    if (isKoppelError(e) && e.code === 'secrets.wrong_key')
      throw new KoppelError(wrongKeyMessage, {
        code: 'secrets.key_mismatch',
        kind: 'invalid',
        details: { unreadable: sample.what },
      });
  }
}

/**
 * The hash a connection keeps of each credential a workspace file applied (`applied_credential_hashes`):
 * HMAC-SHA-256 under a key derived from the secret key, not a bare SHA-256, so a credential that is
 * short or guessable cannot be confirmed from a copy of the database.
 */
export function appliedCredentialHash(box: SecretBox): (value: string) => string {
  const key = box.deriveKey('applied-credentials');
  return (value) => createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

export interface RotationCounts {
  connections: number;
  notificationValues: number;
  deadLetters: number;
  total: number;
  /**
   * Workspace-file credential fields whose applied-value hash could not be carried to the new key
   * (neither the stored value nor the environment's variable is the value the file applied): the
   * next apply writes the file's value there again.
   */
  appliedHashesLost: string[];
}

/** Dead letters are read this many at a time, so a large backlog does not sit in memory at once. */
const deadLetterPage = 500;

/**
 * Re-encrypts every stored secret from `from` to `to` in one transaction: all or nothing, so a
 * value the current key cannot read leaves the database as it was. `dryRun` reads and counts only.
 * Stop every other process first: one still running would write new values with the old key.
 */
export async function rotateSecretKey(
  db: Kysely<Database>,
  from: SecretBox,
  to: SecretBox | null,
  options: {
    dryRun: boolean;
    /** The environment a workspace file is applied with, to carry its applied-value hashes over. */
    env?: Readonly<Record<string, string | undefined>>;
  },
): Promise<RotationCounts> {
  const oldHash = appliedCredentialHash(from);
  const newHash = to ? appliedCredentialHash(to) : oldHash;
  const open = (what: string, stored: string): string => {
    try {
      return from.decrypt(stored);
    } catch (e) {
      throw new KoppelError(`The current KOPPEL_SECRET_KEY cannot read ${what}; nothing was changed.`, {
        code: 'secrets.unreadable',
        kind: 'invalid',
        cause: e,
      });
    }
  };
  const seal = (plain: string, stored: string): string =>
    options.dryRun || !to ? stored : to.encrypt(plain);
  const reseal = (what: string, stored: string): string => seal(open(what, stored), stored);
  return db.transaction().execute(async (trx) => {
    const counts: RotationCounts = {
      connections: 0,
      notificationValues: 0,
      deadLetters: 0,
      total: 0,
      appliedHashesLost: [],
    };

    const connections = await trx
      .selectFrom('connections')
      .select(['id', 'credentials', 'credential_refs', 'applied_credential_hashes'])
      .where('credentials', 'is not', null)
      .orderBy('id')
      .execute();
    for (const c of connections) {
      const plain = open(`the credentials of connection ${c.id}`, c.credentials!);
      const next = seal(plain, c.credentials!);
      const stored = JSON.parse(plain) as Record<string, string>;
      const refs = JSON.parse(c.credential_refs) as Record<string, string>;
      const applied = JSON.parse(c.applied_credential_hashes) as Record<string, string>;
      // The hashes are keyed too, so they are carried over from a value known to match: the stored
      // one, or the file's variable (read as apply reads it, unset being empty).
      const rehashed: Record<string, string> = {};
      for (const [field, hash] of Object.entries(applied)) {
        const variable = refs[field];
        const candidates = [
          stored[field],
          variable === undefined ? undefined : (options.env?.[variable] ?? ''),
        ];
        const value = candidates.find((v) => v !== undefined && oldHash(v) === hash);
        if (value === undefined) counts.appliedHashesLost.push(`${c.id}.${field}`);
        else rehashed[field] = newHash(value);
      }
      if (!options.dryRun)
        await trx
          .updateTable('connections')
          .set({ credentials: next, applied_credential_hashes: JSON.stringify(rehashed) })
          .where('id', '=', c.id)
          .execute();
      counts.connections++;
    }

    const setting = await trx
      .selectFrom('settings')
      .select('value')
      .where('key', '=', notificationSettingsKey)
      .executeTakeFirst();
    if (setting) {
      const value = JSON.parse(setting.value) as NotificationValue | null;
      for (const r of value?.recipients ?? []) {
        const webhook = r.webhook;
        if (!webhook) continue;
        for (const field of ['url', 'secret'] as const) {
          const stored = webhook[field];
          if (typeof stored !== 'string') continue;
          webhook[field] = reseal(`the webhook ${field} of notification recipient ${String(r.name)}`, stored);
          counts.notificationValues++;
        }
      }
      if (!options.dryRun && counts.notificationValues > 0)
        await trx
          .updateTable('settings')
          .set({ value: JSON.stringify(value) })
          .where('key', '=', notificationSettingsKey)
          .execute();
    }

    let after = '';
    for (;;) {
      const page = await trx
        .selectFrom('dead_letters')
        .select(['id', 'snapshot'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(deadLetterPage)
        .execute();
      for (const dl of page) {
        const next = reseal(`the snapshot of dead letter ${dl.id}`, dl.snapshot);
        if (!options.dryRun)
          await trx.updateTable('dead_letters').set({ snapshot: next }).where('id', '=', dl.id).execute();
        counts.deadLetters++;
      }
      if (page.length < deadLetterPage) break;
      after = page[page.length - 1]!.id;
    }

    counts.total = counts.connections + counts.notificationValues + counts.deadLetters;
    return counts;
  });
}
