import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from '../../src/testing/databases.js';

const root = path.resolve(import.meta.dirname, '../..');
const entry = path.join(root, 'src/testing/cli-entry.ts');

describe.each(testDialects)('koppel start with KOPPEL_WEBHOOK_PORT on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    await tdb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the webhook listener, which serves /healthz and webhooks but no API', async () => {
    tdb = await createTestDatabase(dialect);
    dir = mkdtempSync(path.join(tmpdir(), 'koppel-e2e-'));
    child = spawn(process.execPath, ['--import', 'tsx', entry, 'start'], {
      cwd: root,
      env: {
        ...process.env,
        ...tdb.env,
        KOPPEL_DATA_DIR: dir,
        KOPPEL_LOG_LEVEL: 'warn',
        KOPPEL_SECRET_KEY: 'e2e-secret-key-0123456789',
        KOPPEL_PORT: '0',
        KOPPEL_WEBHOOK_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const until = Date.now() + 30_000;
    while (!out.includes('Press Ctrl-C') && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const main = /web app\s+(http:\/\/\S+)\//.exec(out)?.[1];
    const hooks = /webhook port (http:\/\/\S+)\s/.exec(out)?.[1];
    expect(main, out).toBeDefined();
    expect(hooks, out).toBeDefined();
    expect(hooks).not.toBe(main);
    expect(out).toContain('the one port to expose');

    expect((await fetch(`${hooks}/healthz`)).status).toBe(200);
    const api = await fetch(`${hooks}/api/status`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'http.not_found' } });
    expect((await fetch(`${hooks}/webhooks/exact/nobody`, { method: 'POST', body: '' })).status).toBe(404);
    expect((await fetch(`${main}/api/status`)).status).toBe(401);

    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    child = undefined;
  }, 60_000);
});
