import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/core/secret-box.js';
import { upsertConnection } from '../../src/store/repos/connections.js';
import { upsertPair } from '../../src/store/repos/pairs.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../../src/testing/databases.js';

const root = path.resolve(import.meta.dirname, '../..');
const entry = path.join(root, 'src/testing/koppel-entry.ts');
const keyA = randomBytes(32).toString('hex');
const keyB = randomBytes(32).toString('hex');

/**
 * `koppel start` as its own process, on a database whose credentials another process wrote: the
 * wrong key is refused before a worker can claim a job, the right one starts the service.
 */
describe.each(testDialects)('koppel start and the secret key on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => tdb?.drop());

  async function databaseWrittenWith(key: string): Promise<void> {
    tdb = await createTestDatabase(dialect);
    const store = tdb.open();
    try {
      const at = new Date().toISOString();
      await upsertPair(store.db, { id: 'p1', name: 'Pair one' }, at);
      await upsertConnection(
        store.db,
        {
          id: 'exact',
          pairId: 'p1',
          app: 'exact-online',
          name: 'Exact',
          settings: {},
          encryptedCredentials: SecretBox.fromText(key).encryptJson({ clientSecret: 'e2e-client-secret' }),
          credentialRefs: {},
        },
        at,
      );
    } finally {
      await store.close();
    }
  }

  /** `koppel start` until it says where it listens (then Ctrl-C) or exits by itself. */
  async function start(key: string) {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith('KOPPEL_') && k !== 'DATABASE_URL' && k !== 'NODE_OPTIONS',
      ),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', entry, 'start'], {
      cwd: root,
      env: { ...inherited, ...tdb!.env, KOPPEL_SECRET_KEY: key, KOPPEL_PORT: '0', KOPPEL_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let exitCode: number | null | undefined;
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        exitCode = code;
        resolve(code);
      }),
    );
    const until = Date.now() + 30_000;
    while (exitCode === undefined && !/web app\s+http:\/\//.test(stdout) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    const listening = /web app\s+http:\/\//.test(stdout);
    if (exitCode === undefined) child.kill('SIGINT');
    const code = await exited;
    return { listening, code, stdout, stderr };
  }

  it('refuses another key with one sentence and exit 2, and starts with the key that wrote the secrets', async () => {
    await databaseWrittenWith(keyA);
    const wrong = await start(keyB);
    expect(wrong.listening).toBe(false);
    expect(wrong.code, wrong.stdout + wrong.stderr).toBe(2);
    expect(wrong.stderr).toContain(
      "koppel: This database's secrets were written with another secret key: give every Koppel process on it the same KOPPEL_SECRET_KEY (the key of the process that connected the accounts). (secrets.key_mismatch)",
    );
    const right = await start(keyA);
    expect(right.listening, right.stdout + right.stderr).toBe(true);
    expect(right.code).toBe(0);
    for (const r of [wrong, right])
      for (const key of [keyA, keyB]) expect(r.stdout + r.stderr).not.toContain(key);
  }, 90_000);
});
