import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.js';
import { createApp, type App } from '../main.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../testing/databases.js';
import { captureLogLines } from '../testing/engine-harness.js';

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe.each(testDialects)('the data folder’s permissions (%s)', (dialect) => {
  let tdb: TestDatabase | undefined;
  let app: App | undefined;
  let root: string;
  let starts = 0;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await tdb?.drop();
    tdb = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  /** Koppel started on `dataDir` as `koppel start` would, with the key generated into the folder. */
  async function start(dataDir: string) {
    tdb ??= await createTestDatabase(dialect);
    const { lines, destination } = captureLogLines();
    app = await createApp(loadConfig({ ...tdb.env, KOPPEL_DATA_DIR: dataDir, KOPPEL_LOG_LEVEL: 'info' }), {
      logDestination: destination,
    });
    // A write, so SQLite's -wal and -shm files exist.
    await app.store.db
      .insertInto('pairs')
      .values({ id: `p${++starts}`, name: 'P', created_at: 'x', updated_at: 'x' })
      .execute();
    return lines;
  }

  /** Koppel's own files in the folder: the key, and on SQLite the database and its companions. */
  const ownFiles = (dataDir: string) =>
    ['secret.key', ...(dialect === 'sqlite' ? ['koppel.db', 'koppel.db-wal', 'koppel.db-shm'] : [])].map(
      (f) => path.join(dataDir, f),
    );

  it('creates the folder 0700 and its files 0600, leaving the parents it creates to the umask', async () => {
    root = mkdtempSync(path.join(tmpdir(), 'koppel-perm-'));
    const dataDir = path.join(root, 'srv', 'koppel');
    await start(dataDir);
    expect(modeOf(dataDir)).toBe(0o700);
    for (const file of ownFiles(dataDir))
      expect({ file: path.basename(file), mode: modeOf(file) }).toEqual({
        file: path.basename(file),
        mode: 0o600,
      });
    const sibling = path.join(root, 'sibling');
    mkdirSync(sibling);
    expect(modeOf(path.join(root, 'srv'))).toBe(modeOf(sibling));
  });

  it('tightens a folder and files an earlier version left readable to others', async () => {
    root = mkdtempSync(path.join(tmpdir(), 'koppel-perm-'));
    const dataDir = path.join(root, 'data');
    await start(dataDir);
    await app!.close();
    app = undefined;
    chmodSync(dataDir, 0o755);
    for (const file of ownFiles(dataDir)) {
      // SQLite removes -wal and -shm on a clean close; a crash leaves them behind.
      if (!existsSync(file)) writeFileSync(file, '');
      chmodSync(file, 0o644);
    }
    await start(dataDir);
    expect(modeOf(dataDir)).toBe(0o700);
    for (const file of ownFiles(dataDir)) expect(modeOf(file)).toBe(0o600);
  });

  it('leaves a shared folder’s mode and other files alone, and still makes its own files 0600', async () => {
    root = mkdtempSync(path.join(tmpdir(), 'koppel-perm-'));
    const shared = path.join(root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o755);
    const notes = path.join(shared, 'notes.txt');
    writeFileSync(notes, 'not Koppel’s');
    chmodSync(notes, 0o644);
    const lines = await start(shared);
    expect(modeOf(shared)).toBe(0o755);
    expect(modeOf(notes)).toBe(0o644);
    for (const file of ownFiles(shared)) expect(modeOf(file)).toBe(0o600);
    const warning = lines.find((l) => l.includes('permissions are left as they are'));
    expect(warning).toBeDefined();
    expect(warning).not.toContain(root);
  });
});
