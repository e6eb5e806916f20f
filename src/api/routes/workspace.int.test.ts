import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startApiHarness, type ApiClient, type ApiHarness } from '../../testing/api-harness.js';
import { testDialects } from '../../testing/databases.js';
import { fixtureRegistry } from '../../testing/fixture-registry.js';
import { dumpConfiguration, sampleSecrets, sampleWorkspace } from '../../testing/workspace-fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the API's JSON as it comes */

/** The sample without schedules: the fixture flows cannot run, and the service's scheduler would try. */
function unscheduled() {
  const workspace = sampleWorkspace();
  for (const pair of workspace.pairs) for (const flow of pair.flows) delete flow.schedule;
  return workspace;
}

describe.each(testDialects)('the workspace file over the API (%s)', (dialect) => {
  let h: ApiHarness;
  let owner: ApiClient;
  const configuration = () => dumpConfiguration(h.app.store);
  const auditLines = () =>
    h.app.store.db.selectFrom('audit_log').selectAll().where('action', 'like', 'workspace.%').execute();

  beforeAll(async () => {
    h = await startApiHarness(dialect, { registry: fixtureRegistry, env: { ...sampleSecrets } });
    owner = await h.signedIn('owner', { email: 'admin@koppel.test' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers what applying would change without writing anything', async () => {
    const before = await configuration();
    const dry = await owner.post('/api/workspace', { workspace: unscheduled(), dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, prune: false, changed: true });
    expect(dry.body.changes.pairs.created).toEqual(['acme', 'globex']);
    expect(dry.body.changes.mappings.created).toEqual(['acme-copy v1']);
    expect(await configuration()).toEqual(before);
    expect(await auditLines()).toEqual([]);
  });

  it('refuses an invalid file with every problem at its place, and changes nothing', async () => {
    const before = await configuration();
    const broken = unscheduled();
    broken.pairs[0]!.flows[0]!.source = 'nowhere';
    broken.pairs[0]!.flows[0]!.schedule = 'every tuesday';
    broken.pairs[1]!.connections[0]!.credentials = { apiKey: '${env:KOPPEL_SECRET_KEY}' };
    const refused = await owner.post('/api/workspace', { workspace: broken });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('workspace.invalid');
    expect(refused.body.error.message).toMatch(
      /^The workspace file has 3 errors: pairs\[0\]\.flows\[0\]\.schedule: .*; pairs\[0\]\.flows\[0\]\.source: /,
    );
    expect(refused.body.error.details.errors).toEqual([
      { path: 'pairs[0].flows[0].schedule', reason: expect.stringContaining('not a valid cron expression') },
      { path: 'pairs[0].flows[0].source', reason: 'no connection "nowhere" in pair "acme"' },
      {
        path: 'pairs[1].connections[0].credentials.apiKey',
        reason: "KOPPEL_SECRET_KEY is Koppel's own configuration, never a connection's credential",
      },
    ]);
    const badYaml = await owner.post('/api/workspace', { yaml: 'version: 1\npairs: [\n' });
    expect(badYaml.status).toBe(400);
    expect(badYaml.body.error.details.errors[0].path).toMatch(/^line \d+, column \d+$/);
    const neither = await owner.post('/api/workspace', { dryRun: true });
    expect(neither.status).toBe(400);
    expect(await configuration()).toEqual(before);
  });

  it('applies a YAML file, resolving credentials from the server environment, with an audit line', async () => {
    const applied = await owner.post('/api/workspace', { yaml: stringify(unscheduled()) });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ dryRun: false, changed: true });
    expect(applied.body.changes.connections.created).toEqual([
      'acme-source',
      'acme-target',
      'globex-source',
      'globex-target',
    ]);
    const row = await h.app.store.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', 'acme-source')
      .executeTakeFirstOrThrow();
    expect(h.app.box.decryptJson(row.credentials!)).toEqual({ apiKey: sampleSecrets.ACME_SOURCE_API_KEY });
    expect(JSON.stringify(applied.body)).not.toContain(sampleSecrets.ACME_SOURCE_API_KEY);

    const lines = await auditLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ actor_name: 'admin@koppel.test', action: 'workspace.apply' });
    expect(JSON.parse(lines[0]!.details).changes.pairs.created).toEqual(['acme', 'globex']);
    for (const secret of Object.values(sampleSecrets)) expect(lines[0]!.details).not.toContain(secret);
    const published = await h.app.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'mapping.publish')
      .execute();
    expect(published.map((l) => [l.target_id, l.pair_id, JSON.parse(l.details)])).toEqual([
      ['acme-copy', 'acme', { version: 1, via: 'workspace' }],
    ]);
  });

  it('exports the configuration as JSON or YAML, and applying the export changes nothing', async () => {
    const json = await owner.get('/api/workspace');
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(json.body.pairs.map((p: any) => p.id)).toEqual(['acme', 'globex']);
    expect(json.body.pairs[0].connections[0].credentials).toEqual({ apiKey: '${env:ACME_SOURCE_API_KEY}' });
    expect(json.body.settings).toEqual({
      retention: { payloadDays: 14, metadataDays: 90 },
      redaction: ['email', 'iban'],
    });
    const yaml = await owner.get('/api/workspace?format=yaml');
    expect(yaml.headers.get('content-type')).toMatch(/^text\/yaml/);
    expect(parse(yaml.body as string)).toEqual(json.body);

    const again = await owner.post('/api/workspace', { yaml: yaml.body });
    expect(again.body.changed).toBe(false);
    expect(await auditLines()).toHaveLength(1);
  });

  it('deletes what the file leaves out only with prune', async () => {
    const acmeOnly = unscheduled();
    acmeOnly.pairs = acmeOnly.pairs.slice(0, 1);
    const kept = await owner.post('/api/workspace', { workspace: acmeOnly });
    expect(kept.body.changes.pairs.deleted).toEqual([]);
    const pruned = await owner.post('/api/workspace', { workspace: acmeOnly, prune: true });
    expect(pruned.body.changes.pairs.deleted).toEqual(['globex']);
    expect(pruned.body.changes.flows.deleted).toEqual(['globex-copy']);
    expect((await owner.get('/api/workspace')).body.pairs.map((p: any) => p.id)).toEqual(['acme']);
  });

  it('is for an owner without a pair scope only', async () => {
    const before = await configuration();
    const operator = await h.signedIn('operator');
    const scoped = await h.signedIn('owner', { pairScope: ['acme'] });
    const scopedToken = await h.withToken('owner', { pairScope: ['acme'] });
    expect((await operator.get('/api/workspace')).status).toBe(403);
    expect((await operator.post('/api/workspace', { workspace: unscheduled() })).status).toBe(403);
    for (const client of [scoped, scopedToken]) {
      const read = await client.get('/api/workspace');
      expect(read.status).toBe(403);
      expect(read.body.error.code).toBe('auth.scope_too_narrow');
      expect((await client.post('/api/workspace', { workspace: unscheduled() })).status).toBe(403);
    }
    expect(await configuration()).toEqual(before);
  });
});
