import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runFlow } from '../engine/run-flow.js';
import { testDialects } from '../testing/databases.js';
import {
  createEngineHarness,
  harnessSecretKey,
  sampleItem,
  type EngineHarness,
} from '../testing/engine-harness.js';

const entry = path.resolve(import.meta.dirname, '../testing/koppel-entry.ts');

/** The real CLI in a child process, so stdout and stderr are the process's own, as a shell sees them. */
function koppel(env: Record<string, string>, args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(testDialects)('--json output with logging on, on %s', (dialect) => {
  let h: EngineHarness | undefined;
  afterEach(async () => h?.close());

  it('keeps stdout to the JSON alone while a log line goes to stderr, as JSON when no one watches', async () => {
    h = await createEngineHarness(dialect);
    h.loopback.put(sampleItem(1));
    const run = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    // A file that is not Koppel's in the data folder: every command warns about it once it opens.
    writeFileSync(path.join(h.tdb.dataDir, 'notes.txt'), 'not Koppel’s\n');
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('KOPPEL_') && k !== 'DATABASE_URL'),
    ) as Record<string, string>;
    // No KOPPEL_SECRET_KEY: the data folder is used (for the key), so it is checked on Postgres too.
    // The key file holds the harness's key: a process whose key cannot read the stored credentials
    // refuses to start.
    writeFileSync(path.join(h.tdb.dataDir, 'secret.key'), `${harnessSecretKey}\n`, { mode: 0o600 });
    const result = await koppel({ ...inherited, ...h.tdb.env, KOPPEL_LOG_LEVEL: 'info' }, [
      'runs',
      '--flow',
      h.flowId,
      '--json',
    ]);

    expect(result.code, result.stderr).toBe(0);
    const runs = JSON.parse(result.stdout) as Array<{ id: string }>;
    expect(runs.map((r) => r.id)).toEqual([run.runId]);
    const logs = result.stderr.split('\n').filter((line) => line !== '');
    expect(logs.length).toBeGreaterThan(0);
    const parsed = logs.map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(parsed).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: expect.stringContaining('holds files that are not Koppel’s'),
      }),
    );
  });
});
