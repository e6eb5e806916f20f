import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from '../../src/testing/databases.js';

const root = path.resolve(import.meta.dirname, '../..');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real CLI (with the fixture registry) as a separate process. */
function koppel(args: string[], env: Record<string, string>): Promise<Result> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('KOPPEL_') && k !== 'DATABASE_URL'),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/testing/cli-entry.ts', ...args], {
      cwd: root,
      env: { ...inherited, KOPPEL_LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const secrets = {
  ACME_SOURCE_API_KEY: 'e2e-source-key-5d1c9a7e',
  ACME_TARGET_TOKEN: 'e2e-target-token-8b2f4e6a',
};

// Written the way `koppel export` writes, so the export must give back exactly this text.
const good = `version: 1
settings:
  retention:
    payloadDays: 7
    metadataDays: 60
  redaction:
    - email
pairs:
  - id: acme
    name: Acme BV
    connections:
      - id: acme-source
        app: fixture-source
        name: Acme source
        settings:
          division: 42
        credentials:
          apiKey: \${env:ACME_SOURCE_API_KEY}
      - id: acme-target
        app: fixture-target
        name: Acme target
        settings:
          administration: adm-1
        credentials:
          token: \${env:ACME_TARGET_TOKEN}
    flows:
      - id: acme-copy
        kind: fixture-copy
        source: acme-source
        target: acme-target
        enabled: true
        schedule: "*/5 * * * *"
        priority: 10
        settings:
          batchSize: 50
        mapping:
          fields:
            name:
              source: name
              required: true
            code:
              expr: "'X-' & id"
`;

const bad = `version: 1
pairs:
  - id: acme
    name: Acme BV
    connections:
      - id: acme-source
        app: fixture-source
        name: Acme source
        credentials:
          apiKey: pasted-secret-value-4711
      - id: acme-target
        app: nowhere
        name: Acme target
    flows:
      - id: acme-copy
        kind: fixture-copy
        source: acme-source
        target: acme-elsewhere
        schedule: "every five minutes"
`;

describe.each(testDialects)('workspace files through the CLI on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.drop();
    tdb = undefined;
  });

  it('exits 2 on an invalid file, prints every error, and configures nothing', async () => {
    tdb = await createTestDatabase(dialect);
    const file = path.join(tdb.dataDir, 'bad.yaml');
    writeFileSync(file, bad);
    const env = { ...tdb.env, ...secrets };

    const result = await koppel(['apply', '-f', file], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('has 4 errors (workspace.invalid)');
    for (const line of [
      'pairs[0].connections[0].credentials.apiKey: must be an ${env:NAME} reference',
      'pairs[0].connections[1].app: unknown app "nowhere"',
      'pairs[0].flows[0].schedule: is not a valid cron expression',
      'pairs[0].flows[0].target: no connection "acme-elsewhere" in pair "acme"',
    ]) {
      expect(result.stderr).toContain(line);
    }
    expect(result.stderr + result.stdout).not.toContain('pasted-secret-value-4711');
    expect((await koppel(['pairs'], env)).stdout).toContain('No pairs configured');
  });

  it('applies a file, lists it, and exports the same content', async () => {
    tdb = await createTestDatabase(dialect);
    const file = path.join(tdb.dataDir, 'good.yaml');
    writeFileSync(file, good);
    const env = { ...tdb.env, ...secrets };

    const applied = await koppel(['apply', '-f', file], env);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('+ flow acme-copy');
    expect(applied.stdout).toContain('+ mapping acme-copy v1');

    const flows = await koppel(['flows'], env);
    expect(flows.stdout).toMatch(
      /acme-copy +acme +fixture-copy +acme-source → acme-target +yes +\*\/5 \* \* \* \* +10 +v1/,
    );

    const exported = await koppel(['export'], env);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe(good);

    const again = await koppel(['apply', '-f', file], env);
    expect(again.stdout).toContain('Nothing to change');
  });
});
