import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** What Koppel keeps in its data folder: the SQLite files, the generated key, the demo's folder. */
const ownEntry = /^(koppel\.db(-wal|-shm|-journal)?|secret\.key|demo)$/;

/** How the data folder was left: private (0700), or as it was because it is not Koppel's alone. */
export type DataDirMode = 'private' | 'shared';

/**
 * Make the data folder private to the user Koppel runs as: created 0700 (missing parents as the
 * umask says: they are not Koppel's), and an existing one tightened to 0700. A folder that also
 * holds what is not Koppel's (a shared folder, a home directory the user pointed at) keeps its mode,
 * since tightening it could lock others out of their own files; Koppel's files in it are 0600
 * whatever the folder's mode. A folder Koppel may not change (another owner) is left alone too.
 */
export function ensurePrivateDataDir(dir: string): DataDirMode {
  if (!existsSync(dir)) {
    mkdirSync(path.dirname(dir), { recursive: true });
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      // Another process of the same installation made it first.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  if (readdirSync(dir).some((name) => !ownEntry.test(name))) return 'shared';
  return setMode(dir, 0o700) ? 'private' : 'shared';
}

/**
 * Make one of Koppel's own files readable by its user only (0600); a missing file is created
 * empty with that mode first when `create` is set, so it is never readable by others even briefly.
 */
export function ensurePrivateFile(file: string, options: { create?: boolean } = {}): void {
  if (options.create && !existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  if (existsSync(file)) setMode(file, 0o600);
}

/** chmod unless already so; false when the file system refuses (not ours, read-only). */
function setMode(target: string, mode: number): boolean {
  try {
    if ((statSync(target).mode & 0o777) !== mode) chmodSync(target, mode);
    return true;
  } catch {
    return false;
  }
}
