import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from '../../src/testing/databases.js';
import { sampleItem } from '../../src/testing/engine-harness.js';
import { LoopbackServer } from '../../src/testing/loopback-server.js';
import { ApiClient } from '../../src/testing/api-harness.js';

const root = path.resolve(import.meta.dirname, '../..');
const entry = path.join(root, 'src/testing/cli-entry.ts');

function workspaceYaml(baseUrl: string): string {
  return `version: 1
pairs:
  - id: demo
    name: Demo BV
    connections:
      - id: demo-source
        app: loopback-source
        name: Source
        settings: { baseUrl: '${baseUrl}' }
      - id: demo-target
        app: loopback-target
        name: Target
        settings: { baseUrl: '${baseUrl}' }
        credentials:
          token: \${env:LOOPBACK_TOKEN}
    flows:
      - id: demo-items
        kind: loopback-items
        source: demo-source
        target: demo-target
        enabled: true
        schedule: '* * * * * *'
        settings: { pageSize: 7 }
`;
}

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 30_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(testDialects)('koppel start and sync as processes on %s', (dialect) => {
  let tdb: TestDatabase;
  let loopback: LoopbackServer;
  let child: ChildProcess | undefined;
  let dir: string;
  afterEach(async () => {
    child?.kill('SIGKILL');
    await loopback?.stop();
    await tdb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  function koppel(args: string[], env: Record<string, string>) {
    return spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
      cwd: root,
      env: {
        ...process.env,
        ...tdb.env,
        KOPPEL_LOG_LEVEL: 'warn',
        KOPPEL_SECRET_KEY: 'e2e-secret-key-0123456789',
        LOOPBACK_TOKEN: loopback.token,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  it('applies the workspace, runs the flow on schedule and on demand, shows status, and stops on Ctrl-C', async () => {
    tdb = await createTestDatabase(dialect);
    loopback = await new LoopbackServer().start();
    dir = mkdtempSync(path.join(tmpdir(), 'koppel-e2e-'));
    const file = path.join(dir, 'workspace.yaml');
    writeFileSync(file, workspaceYaml(loopback.url));
    for (let n = 1; n <= 20; n++) loopback.put(sampleItem(n));

    child = koppel(['start'], { KOPPEL_WORKSPACE: file, KOPPEL_PORT: '0' });
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stdout += d.toString()));
    const url = await waitFor(
      'the status page address',
      () => /web app\s+(http:\/\/\S+)\//.exec(stdout)?.[1],
    );
    expect(stdout).toContain('Applied workspace');
    expect(stdout).toContain('demo-items (* * * * * *)');

    // The first start with no user prints a one-time link that makes the owner; nothing else gets in.
    expect((await fetch(`${url}/api/status`)).status).toBe(401);
    const setupUrl = new URL(
      await waitFor('the setup link', () => /first setup\s+(http:\/\/\S+)/.exec(stdout)?.[1]),
    );
    expect((await fetch(setupUrl)).status).toBe(200);
    const owner = new ApiClient(url);
    const setup = await owner.post('/api/setup', {
      token: setupUrl.searchParams.get('token'),
      email: 'owner@koppel.test',
      password: 'an owner password',
    });
    expect(setup.status).toBe(200);
    owner.csrfToken = setup.body.csrfToken as string;
    // The link works once.
    const again = await new ApiClient(url).post('/api/setup', {
      token: setupUrl.searchParams.get('token'),
      email: 'someone@koppel.test',
      password: 'another password',
    });
    expect(again.status).toBe(401);

    await waitFor('20 records in the target', () => (loopback.target.size === 20 ? true : undefined));
    const status = await waitFor('a succeeded run', async () => {
      const s = (await owner.get('/api/status')).body as {
        runs: Array<{ state: string; counts: { created: number } }>;
      };
      return s.runs.some((r) => r.state === 'succeeded' && r.counts.created > 0) ? s : undefined;
    });
    expect(status.runs.length).toBeGreaterThan(0);
    // The web app's page is its built shell; what it shows comes from the API it calls.
    const page = await owner.get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body as string).toMatch(/<script type="module"[^>]+src="\/assets\//);
    const pairs = JSON.stringify((await owner.get('/api/pairs')).body);
    expect(pairs).toContain('demo-items');
    expect(pairs).toContain('succeeded');
    expect(pairs).not.toContain(loopback.token);
    expect(pairs).not.toContain(dir);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });

    loopback.put(sampleItem(21));
    const manual = await owner.post('/api/flows/demo-items/runs');
    expect(manual.status).toBe(202);
    await waitFor('the 21st record', () => (loopback.target.size === 21 ? true : undefined));
    const missing = await owner.post('/api/flows/nope/runs');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'flow.not_found' } });
    // Without a session or token, a run cannot be started.
    expect((await fetch(`${url}/api/flows/demo-items/runs`, { method: 'POST' })).status).toBe(401);

    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toContain('Stopped.');
    child = undefined;
    expect(new Set([...loopback.target.values()].map((t) => t.reference)).size).toBe(21);

    // With the service stopped, `sync` runs the flow once from the command line.
    loopback.put(sampleItem(22));
    loopback.put(sampleItem(3, { name: '' }));
    // First a dry run: it says what the run will do and writes nothing.
    const dry = koppel(['sync', 'demo-items', '--dry-run'], {});
    let dryOut = '';
    dry.stdout!.on('data', (d: Buffer) => (dryOut += d.toString()));
    const dryCode = await new Promise<number | null>((resolve) => dry.on('exit', resolve));
    expect(dryOut).toMatch(/I00022\s+create/);
    expect(dryOut).toMatch(/I00003\s+fail\s+mapping\.required_missing/);
    expect(dryCode).toBe(1);
    expect(loopback.target.size).toBe(21);

    const sync = koppel(['sync', 'demo-items', '--once'], {});
    let out = '';
    sync.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => sync.on('exit', resolve));
    expect(out).toMatch(/partial\. read 2, created 1, updated 0, unchanged 0, skipped 0, failed 1/);
    expect(out).toMatch(/Failed records:\n.*\n.*\nI00003\s+rec_\S+\s+mapping\.required_missing/);
    expect(out).toContain('koppel records demo-items --failed');
    expect(code).toBe(1);
    expect(loopback.target.size).toBe(22);
  });
});
