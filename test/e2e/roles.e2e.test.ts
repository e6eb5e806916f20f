import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../src/testing/databases.js';
import { sampleItem } from '../../src/testing/engine-harness.js';
import { LoopbackServer } from '../../src/testing/loopback-server.js';
import { ownerFromSetupLink } from '../../src/testing/api-harness.js';

const root = path.resolve(import.meta.dirname, '../..');
const entry = path.join(root, 'src/testing/cli-entry.ts');

// No schedule: the only run is the one asked for over the web process's API.
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
        settings: { pageSize: 7 }
`;
}

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface WorkerItem {
  id: string;
  role: string;
  pid: number;
  gone: boolean;
  running: Array<{ name: string; flowId: string | null }>;
}

/**
 * Several processes on one Postgres database: a `web` process answers the API and queues the run,
 * a `worker` process (no listener) runs it; both are listed with their roles, the worker with the
 * job it holds, and a worker stopped with SIGTERM leaves the list.
 */
describe('koppel start --role web and --role worker on one Postgres database', () => {
  let tdb: TestDatabase | undefined;
  let loopback: LoopbackServer | undefined;
  const children: ChildProcess[] = [];
  let dir: string | undefined;
  afterEach(async () => {
    for (const c of children) c.kill('SIGKILL');
    await loopback?.stop();
    await tdb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function koppel(args: string[], env: Record<string, string> = {}) {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
      cwd: root,
      env: {
        ...process.env,
        ...tdb!.env,
        KOPPEL_LOG_LEVEL: 'warn',
        KOPPEL_SECRET_KEY: 'e2e-secret-key-0123456789',
        LOOPBACK_TOKEN: loopback!.token,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const output = { text: '', stdout: '' };
    child.stdout!.on('data', (d: Buffer) => {
      output.text += d.toString();
      output.stdout += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => (output.text += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output, exited };
  }

  async function koppelOnce(args: string[]): Promise<{ code: number | null; out: string }> {
    const run = koppel(args);
    const code = await run.exited;
    return { code, out: run.output.stdout };
  }

  it('the web process queues a run, the worker process runs it, and koppel workers shows both', async () => {
    tdb = await createTestDatabase('postgres');
    loopback = await new LoopbackServer().start();
    dir = mkdtempSync(path.join(tmpdir(), 'koppel-roles-'));
    const file = path.join(dir, 'workspace.yaml');
    writeFileSync(file, workspaceYaml(loopback.url));
    for (let n = 1; n <= 10; n++) loopback.put(sampleItem(n));
    // The first create waits until the test has seen the worker list the run it holds.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    loopback.faults.onCreate = () => released;

    const web = koppel(['start', '--role', 'web'], { KOPPEL_WORKSPACE: file, KOPPEL_PORT: '0' });
    const url = await waitFor(
      'the web address',
      () => /web app\s+(http:\/\/\S+)\//.exec(web.output.text)?.[1],
    );
    expect(web.output.text).toContain('role web: no workers');
    // The worker listens nowhere: a port already taken by the web process would not matter.
    const worker = koppel(['start', '--role', 'worker'], { KOPPEL_PORT: new URL(url).port });
    const workerId = await waitFor('the worker id', () => /\bid\s+(\S+)/.exec(worker.output.text)?.[1]);
    expect(worker.output.text).toContain('Koppel worker is running (no HTTP listener)');

    // A web process has no workers by design: it is ready all the same.
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, checks: { workers: 'ok' } });

    const owner = await ownerFromSetupLink(
      url,
      await waitFor('the setup link', () => /first setup\s+(http:\/\/\S+)/.exec(web.output.text)?.[1]),
    );

    const listed = async () => ((await owner.get('/api/workers')).body as { items: WorkerItem[] }).items;
    const both = await listed();
    expect(both.map((w) => w.role).sort()).toEqual(['web', 'worker']);
    expect(both.find((w) => w.role === 'web')).toMatchObject({ pid: web.child.pid, running: [] });
    expect(both.find((w) => w.role === 'worker')).toMatchObject({ id: workerId, pid: worker.child.pid });

    expect((await owner.post('/api/flows/demo-items/runs')).status).toBe(202);
    const holding = await waitFor('the worker to list the run it holds', async () => {
      const w = (await listed()).find((x) => x.id === workerId);
      return w?.running.some((r) => r.name === 'flow.run' && r.flowId === 'demo-items') ? w : undefined;
    });
    expect(holding.gone).toBe(false);
    const text = await koppelOnce(['workers']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(new RegExp(`${workerId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+worker\\s+`));
    expect(text.out).toMatch(/flow\.run demo-items since /);
    expect(text.out).toMatch(/\sweb\s.*\(runs no jobs\)/);
    release();

    await waitFor('10 records in the target', () => (loopback!.target.size === 10 ? true : undefined));
    await waitFor('a succeeded run', async () => {
      const s = (await owner.get('/api/status')).body as { runs: Array<{ state: string }> };
      return s.runs.some((r) => r.state === 'succeeded') ? true : undefined;
    });

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output.text).toContain('Stopped.');
    const json = await koppelOnce(['workers', '--json']);
    expect(json.code).toBe(0);
    const after = (JSON.parse(json.out) as { items: WorkerItem[] }).items;
    expect(after.map((w) => w.role)).toEqual(['web']);

    web.child.kill('SIGTERM');
    expect(await web.exited).toBe(0);
    expect((await koppelOnce(['workers'])).out).toContain('No Koppel process is running');
  });
});
