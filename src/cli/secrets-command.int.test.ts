import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../core/secret-box.js';
import { readNotificationSettings, writeNotificationSettings } from '../engine/notifications/settings.js';
import { appliedCredentialHash, wrongKeyMessage } from '../engine/secret-key.js';
import type { Store } from '../store/database.js';
import { getConnection, upsertConnection } from '../store/repos/connections.js';
import { insertDeadLetters, type DeadLetterRow } from '../store/repos/dead-letters.js';
import { upsertPair } from '../store/repos/pairs.js';
import { createTestDatabase, dumpDatabase, testDialects, type TestDatabase } from '../testing/databases.js';
import { loadConfig } from '../core/config.js';
import { createApp } from '../main.js';
import { runCli } from './main.js';

const keyA = randomBytes(32).toString('hex');
const keyB = randomBytes(32).toString('hex');
const keyC = 'a passphrase nobody else uses';
const boxA = SecretBox.fromText(keyA);
const boxB = SecretBox.fromText(keyB);
const boxC = SecretBox.fromText(keyC);
const at = '2026-12-07T20:00:00.000Z';
const credentials = { clientSecret: 'exact-client-secret-123', refreshToken: 'refresh-token-rotated-456' };
const hook = {
  url: 'https://hooks.example.com/services/T0/B0/secret-path',
  secret: 'webhook-signing-secret',
};

describe.each(testDialects)('one secret key for every process (%s)', (dialect) => {
  let tdb: TestDatabase | undefined;
  let store: Store | undefined;
  /** Every byte the commands wrote, stdout, stderr and logs: no key may ever be in it. */
  let everything = '';

  afterEach(async () => {
    for (const key of [keyA, keyB, keyC]) expect(everything).not.toContain(key);
    everything = '';
    await store?.close();
    await tdb?.drop();
    store = undefined;
    tdb = undefined;
  });

  async function database(): Promise<Store> {
    tdb = await createTestDatabase(dialect);
    store = tdb.open();
    await upsertPair(store.db, { id: 'p1', name: 'Pair one' }, at);
    return store;
  }

  /** A connection whose credentials were written under `box`, one field applied from a workspace file. */
  async function connection(db: Store, box: SecretBox): Promise<void> {
    await upsertConnection(
      db.db,
      {
        id: 'exact',
        pairId: 'p1',
        app: 'exact-online',
        name: 'Exact',
        settings: {},
        encryptedCredentials: box.encryptJson(credentials),
        credentialRefs: { clientSecret: 'EXACT_CLIENT_SECRET' },
        appliedCredentialHashes: { clientSecret: appliedCredentialHash(box)(credentials.clientSecret) },
      },
      at,
    );
  }

  function deadLetter(box: SecretBox): DeadLetterRow {
    return {
      id: 'dl_1',
      pair_id: 'p1',
      flow_id: 'f1',
      entity: 'invoice',
      source_id: 's1',
      run_id: 'run_1',
      record_id: 'rec_1',
      snapshot: box.encrypt(JSON.stringify({ id: 's1', amount: 12 })),
      mapping_version: 1,
      error_code: 'mapping.required_missing',
      error_kind: 'invalid',
      error_message: 'missing',
      error_details: null,
      state: 'open',
      replay_count: 0,
      last_replay_run_id: null,
      created_at: at,
      updated_at: at,
      payload_warned_at: null,
      retries_exhausted_at: null,
    };
  }

  async function seedAll(db: Store, box: SecretBox, deadLetterBox = box): Promise<void> {
    await connection(db, box);
    await writeNotificationSettings(
      db.db,
      box,
      {
        enabled: true,
        digestMinutes: 60,
        recipients: [{ name: 'Ops', webhook: { ...hook, format: 'json' }, minSeverity: 'warning' }],
      },
      at,
    );
    await insertDeadLetters(db.db, db.caps, [deadLetter(deadLetterBox)]);
  }

  /** `koppel …` in this process on the test database; logs go to stderr, at debug. */
  async function koppel(args: string[], env: Record<string, string | undefined>) {
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (d: Buffer) => (stdout += d.toString()));
    err.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await runCli(['node', 'koppel', ...args], {
      env: { ...tdb!.env, KOPPEL_LOG_LEVEL: 'debug', ...env },
      out,
      err,
      appOptions: { logDestination: err },
    });
    everything += stdout + stderr;
    return { code, stdout, stderr };
  }

  it('starts on a fresh database with any key', async () => {
    await database();
    const result = await koppel(['connections', '--json'], { KOPPEL_SECRET_KEY: keyB });
    expect(result.code, result.stderr).toBe(0);
  });

  it('refuses to start with a key that cannot read the stored credentials, and starts with the right one', async () => {
    await connection(await database(), boxA);
    const wrong = await koppel(['connections', '--json'], { KOPPEL_SECRET_KEY: keyB });
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toContain(`koppel: ${wrongKeyMessage} (secrets.key_mismatch)`);
    const right = await koppel(['connections', '--json'], { KOPPEL_SECRET_KEY: keyA });
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toContain('"exact"');
  });

  it('refuses a process without KOPPEL_SECRET_KEY, whose generated key is another', async () => {
    await connection(await database(), boxA);
    const result = await koppel(['connections', '--json'], { KOPPEL_SECRET_KEY: undefined });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(wrongKeyMessage);
    // Only on Postgres can several machines share the database, so only there is it worth a warning.
    if (dialect === 'postgres')
      expect(result.stderr).toContain('every other Koppel process on this database needs that same key');
    else expect(result.stderr).not.toContain('every other Koppel process');
  });

  it('refuses with a wrong key when only a notification webhook is encrypted', async () => {
    const db = await database();
    await writeNotificationSettings(
      db.db,
      boxA,
      {
        enabled: true,
        digestMinutes: 60,
        recipients: [{ name: 'Ops', webhook: { ...hook, format: 'json' }, minSeverity: 'warning' }],
      },
      at,
    );
    const result = await koppel(['connections', '--json'], { KOPPEL_SECRET_KEY: keyB });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(wrongKeyMessage);
  });

  it('rotates every secret from key A to key B: B reads them all, A none, and the connection still works', async () => {
    const db = await database();
    await seedAll(db, boxA);
    const result = await koppel(['secrets', 'rotate'], {
      KOPPEL_SECRET_KEY: keyA,
      KOPPEL_NEW_SECRET_KEY: keyB,
      EXACT_CLIENT_SECRET: credentials.clientSecret,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'Re-encrypted 4 values (1 connection credentials, 2 notification webhook values, 1 dead letter snapshots) with the new key.',
    );
    expect(result.stdout).toContain('set KOPPEL_SECRET_KEY to the new key');
    expect(result.stdout).toContain(
      'everyone signs in again, and acknowledge links sent before now stop working',
    );
    expect(result.stdout).not.toContain('next apply');

    const stored = (await getConnection(db.db, 'exact'))!;
    expect(boxB.decryptJson(stored.encryptedCredentials!)).toEqual(credentials);
    expect(() => boxA.decrypt(stored.encryptedCredentials!)).toThrow(/cannot be decrypted/);
    // The workspace file's hash is carried over, so the next apply leaves the rotated token alone.
    expect(stored.appliedCredentialHashes).toEqual({
      clientSecret: appliedCredentialHash(boxB)(credentials.clientSecret),
    });
    expect((await readNotificationSettings(db.db, boxB)).recipients[0]!.webhook).toMatchObject(hook);
    await expect(readNotificationSettings(db.db, boxA)).rejects.toThrow(/cannot be decrypted/);
    const dl = await db.db.selectFrom('dead_letters').select('snapshot').executeTakeFirstOrThrow();
    expect(JSON.parse(boxB.decrypt(dl.snapshot))).toEqual({ id: 's1', amount: 12 });
    expect(() => boxA.decrypt(dl.snapshot)).toThrow(/cannot be decrypted/);

    expect((await koppel(['connections', '--json'], { KOPPEL_SECRET_KEY: keyB })).code).toBe(0);
    expect((await koppel(['connections', '--json'], { KOPPEL_SECRET_KEY: keyA })).code).toBe(2);
  });

  it('says which applied credential it could not carry over when the file’s variable is missing', async () => {
    const db = await database();
    await connection(db, boxA);
    // The stored value moved on since the file applied it (as a rotated token does).
    await db.db
      .updateTable('connections')
      .set({ credentials: boxA.encryptJson({ ...credentials, clientSecret: 'changed-since-the-file' }) })
      .execute();
    const result = await koppel(['secrets', 'rotate', '--dry-run'], { KOPPEL_SECRET_KEY: keyA });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('exact.clientSecret');
    expect(result.stdout).toContain('the next apply writes the file');
  });

  it('counts without changing anything on --dry-run', async () => {
    const db = await database();
    await seedAll(db, boxA);
    const before = await dumpDatabase(db);
    const result = await koppel(['secrets', 'rotate', '--dry-run', '--json'], {
      KOPPEL_SECRET_KEY: keyA,
      KOPPEL_NEW_SECRET_KEY: keyB,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      dryRun: true,
      connections: 1,
      notificationValues: 2,
      deadLetters: 1,
      total: 4,
    });
    expect(await dumpDatabase(db)).toBe(before);
  });

  it('changes nothing when one value cannot be read with the current key, and names it', async () => {
    const db = await database();
    // The connection comes first and is readable: its re-encryption must be undone too.
    await seedAll(db, boxA, boxC);
    const before = await dumpDatabase(db);
    const result = await koppel(['secrets', 'rotate'], {
      KOPPEL_SECRET_KEY: keyA,
      KOPPEL_NEW_SECRET_KEY: keyB,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'koppel: The current KOPPEL_SECRET_KEY cannot read the snapshot of dead letter dl_1; nothing was changed. (secrets.unreadable)',
    );
    expect(await dumpDatabase(db)).toBe(before);
    expect(boxA.decryptJson((await getConnection(db.db, 'exact'))!.encryptedCredentials!)).toEqual(
      credentials,
    );
  });

  it('takes the new key from the environment only, and refuses the key in use', async () => {
    const db = await database();
    await seedAll(db, boxA);
    const before = await dumpDatabase(db);
    const missing = await koppel(['secrets', 'rotate'], { KOPPEL_SECRET_KEY: keyA });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Set KOPPEL_NEW_SECRET_KEY');
    const argv = await koppel(['secrets', 'rotate', keyB], { KOPPEL_SECRET_KEY: keyA });
    expect(argv.code).toBe(2);
    const same = await koppel(['secrets', 'rotate'], {
      KOPPEL_SECRET_KEY: keyA,
      KOPPEL_NEW_SECRET_KEY: keyA,
    });
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('KOPPEL_NEW_SECRET_KEY is the key already in use');
    expect(await dumpDatabase(db)).toBe(before);
  });

  it('scrubs both keys from every log line, whatever slips into one', async () => {
    await database();
    const logs = new PassThrough();
    let logged = '';
    logs.on('data', (d: Buffer) => (logged += d.toString()));
    const app = await createApp(
      loadConfig({
        ...tdb!.env,
        KOPPEL_SECRET_KEY: keyA,
        KOPPEL_NEW_SECRET_KEY: keyB,
        KOPPEL_LOG_LEVEL: 'debug',
      }),
      { logDestination: logs },
    );
    try {
      app.logger.error({ keyA, nested: { keyB } }, `a careless line with ${keyA} and ${keyB}`);
    } finally {
      await app.close();
    }
    expect(logged).toContain('a careless line');
    everything += logged;
  });
});
