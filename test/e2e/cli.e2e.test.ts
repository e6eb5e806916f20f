import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands/index.js';
import type { CliContext } from '../../src/cli/main.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/koppel.js');

/** `koppel sandbox …` as a child process, once it says where it listens. */
async function startSandbox(args: string[]) {
  const child = spawn(process.execPath, [bin, 'sandbox', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)/;
  const until = Date.now() + 20_000;
  while (!listening.test(out) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  const url = listening.exec(out)?.[1];
  expect(url, out).toBeDefined();
  return { child, url: url ?? '', exited };
}

describe('the built koppel command', () => {
  it('lists every command with a one-line description in --help', () => {
    const result = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const program = new Command();
    for (const c of commands) c.register(program, {} as CliContext);
    const names = program.commands.map((c) => c.name());
    expect(names.length).toBeGreaterThanOrEqual(13);
    for (const name of names) expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b.*\\S`, 'm'));
    for (const c of program.commands) {
      expect(c.description().length, `${c.name()} has a description`).toBeGreaterThan(10);
      expect(c.description(), `${c.name()} describes itself in one line`).not.toContain('\n');
    }
  });

  it('starts on the embedded default, says where to look, and stops cleanly on Ctrl-C', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'koppel-start-'));
    try {
      const child = spawn(process.execPath, [bin, 'start'], {
        env: {
          ...process.env,
          KOPPEL_DATA_DIR: dataDir,
          KOPPEL_PORT: '0',
          KOPPEL_LOG_LEVEL: 'warn',
          DATABASE_URL: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const until = Date.now() + 20_000;
      while (!/web app\s+(http:\/\/\S+)\//.test(out) && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100));
      const url = /web app\s+(http:\/\/\S+)\//.exec(out)?.[1];
      expect(url, out).toBeDefined();
      expect(out).toContain(path.join(dataDir, 'koppel.db'));
      expect(out).toContain('koppel apply -f');
      // Closed until someone signs in: the page sends a visitor to sign in, and the first start
      // prints the one-time link that makes the owner.
      const page = await fetch(`${url}/`, { redirect: 'manual' });
      expect(page.status).toBe(302);
      expect(page.headers.get('location')).toBe('/login?next=%2F');
      expect((await fetch(`${url}/login`)).status).toBe(200);
      expect(out).toMatch(new RegExp(`first setup\\s+${url}/setup\\?token=\\S+`));
      // The generated key is private to the owner.
      expect(statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out).toContain('Stopped.');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.each([
    ['exact-online', '/api/v1/current/Me', 401],
    ['asperion', '/v1/administrations', 401],
  ])('runs the %s sandbox until Ctrl-C, answering like the real API', async (name, path, status) => {
    const { child, url, exited } = await startSandbox([name, '--port', '0', '--seed', 'empty']);
    const res = await fetch(`${url}${path}`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(status);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('starts the Exact sandbox on the reference seed (customers and items, no documents), and names the seeds a sandbox has', async () => {
    const { child, url, exited } = await startSandbox(['exact-online', '--port', '0', '--seed', 'reference']);
    const minted = (await (await fetch(`${url}/__sandbox/tokens`, { method: 'POST' })).json()) as {
      access_token: string;
    };
    const count = async (entity: string, key: string) => {
      const res = await fetch(`${url}/api/v1/3215711/bulk/${entity}?$select=${key}`, {
        headers: { accept: 'application/json', authorization: `Bearer ${minted.access_token}` },
      });
      return ((await res.json()) as { d: { results: unknown[] } }).d.results.length;
    };
    expect(await count('CRM/Accounts', 'ID')).toBeGreaterThan(0);
    expect(await count('SalesInvoice/SalesInvoices', 'InvoiceID')).toBe(0);
    child.kill('SIGINT');
    expect(await exited).toBe(0);

    const refused = spawnSync(process.execPath, [bin, 'sandbox', 'asperion', '--seed', 'reference'], {
      encoding: 'utf8',
    });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('--seed must be one of demo, empty, not "reference"');
  });

  it('loads a fixture file into the sandbox, and names the bad row of a bad one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'koppel-fixture-'));
    try {
      const good = path.join(dir, 'good.json');
      writeFileSync(
        good,
        JSON.stringify({
          divisions: { '3215711': { 'crm/Accounts': [{ Code: 'F1', Name: 'Fixture B.V.' }] } },
        }),
      );
      const { child, url, exited } = await startSandbox([
        'exact-online',
        '--port',
        '0',
        '--seed',
        'empty',
        '--fixture',
        good,
      ]);
      const minted = (await (await fetch(`${url}/__sandbox/tokens`, { method: 'POST' })).json()) as {
        access_token: string;
      };
      const res = await fetch(
        `${url}/api/v1/3215711/crm/Accounts?$filter=Name eq 'Fixture B.V.'&$select=Name`,
        {
          headers: { accept: 'application/json', authorization: `Bearer ${minted.access_token}` },
        },
      );
      expect(((await res.json()) as { d: { results: unknown[] } }).d.results).toEqual([
        expect.objectContaining({ Name: 'Fixture B.V.' }),
      ]);
      child.kill('SIGINT');
      expect(await exited).toBe(0);

      const bad = path.join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ divisions: { '3215711': { 'crm/Accounts': [{ Code: 'F2' }] } } }));
      const refused = spawnSync(
        process.execPath,
        [bin, 'sandbox', 'exact-online', '--port', '0', '--fixture', bad],
        {
          encoding: 'utf8',
        },
      );
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain(
        `--fixture ${bad}: divisions.3215711["crm/Accounts"][0]: Verplicht: Name`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
