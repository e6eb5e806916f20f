import { describe, expect, it } from 'vitest';
import { KoppelError } from '../core/errors.js';
import { getConnection, setConnectionCredentials } from '../store/repos/connections.js';
import { getFlow, listFlows } from '../store/repos/flows.js';
import { currentMapping, listMappingVersions } from '../store/repos/mappings.js';
import type { MappingDefinition } from '../mapping/types.js';
import { getPair, listPairs } from '../store/repos/pairs.js';
import { getSetting, listSettings } from '../store/repos/settings.js';
import { databaseAsText, freshStorePerTest, testDialects } from '../testing/databases.js';
import {
  dumpConfiguration,
  sampleSecrets,
  sampleWorkspace,
  workspaceDeps,
} from '../testing/workspace-fixtures.js';
import { hasChanges } from './apply-summary.js';
import { applyWorkspace } from './apply-workspace.js';

describe.each(testDialects)('applyWorkspace on %s', (dialect) => {
  const { open, database } = freshStorePerTest(dialect);

  it('creates every pair, connection, flow, mapping and setting of the file', async () => {
    const db = await open();
    const summary = await applyWorkspace(workspaceDeps(db), sampleWorkspace());

    expect(summary.changes.pairs.created).toEqual(['acme', 'globex']);
    expect(summary.changes.connections.created).toEqual([
      'acme-source',
      'acme-target',
      'globex-source',
      'globex-target',
    ]);
    expect(summary.changes.flows.created).toEqual(['acme-copy', 'acme-copy-default', 'globex-copy']);
    expect(summary.changes.mappings.created).toEqual(['acme-copy v1']);
    expect(summary.changes.settings.created).toEqual(['retention', 'redaction']);

    expect(await getPair(db.db, 'acme')).toMatchObject({ name: 'Acme BV' });
    expect(await getConnection(db.db, 'acme-source')).toMatchObject({
      pairId: 'acme',
      app: 'fixture-source',
      settings: { baseUrl: 'https://source.example', division: 42 },
      credentialRefs: { apiKey: 'ACME_SOURCE_API_KEY' },
      status: 'active',
    });
    expect(await getConnection(db.db, 'globex-target')).toMatchObject({
      encryptedCredentials: null,
      credentialRefs: {},
    });
    expect(await getFlow(db.db, 'acme-copy')).toMatchObject({
      pairId: 'acme',
      kind: 'fixture-copy',
      sourceConnectionId: 'acme-source',
      targetConnectionId: 'acme-target',
      enabled: true,
      schedule: '*/5 * * * *',
      priority: 10,
      settings: { batchSize: 50, statuses: ['done'] },
      mappingVersion: 1,
    });
    expect(await getFlow(db.db, 'acme-copy-default')).toMatchObject({
      enabled: false,
      schedule: null,
      priority: 100,
      settings: {},
      mappingVersion: null,
    });
    expect((await currentMapping(db.db, 'acme-copy'))?.definition).toEqual(
      sampleWorkspace().pairs[0]?.flows[0]?.mapping,
    );
    expect(await currentMapping(db.db, 'acme-copy-default')).toBeNull();
    expect((await getSetting(db.db, 'retention'))?.value).toEqual({ payloadDays: 14, metadataDays: 90 });
    expect((await getSetting(db.db, 'redaction'))?.value).toEqual(['email', 'iban']);
  });

  it('rejects an invalid file with every error and its path, and changes nothing', async () => {
    const db = await open();
    await applyWorkspace(workspaceDeps(db), sampleWorkspace());
    const before = await dumpConfiguration(db);

    const bad = sampleWorkspace();
    const acme = bad.pairs[0]!;
    acme.name = 'Acme renamed'; // a valid change that must not be written either
    acme.connections[0]!.credentials = { apiKey: 'literal-secret-value-123' };
    Object.assign(acme.flows[0]!, { schedule: '61 * * * *', source: 'acme-target' });
    Object.assign(acme.flows[1]!, { id: 'acme-copy', target: 'globex-target' });
    bad.pairs[1]!.connections[0]!.app = 'nope';
    bad.pairs[1]!.connections[1]!.settings = {};

    const error = await applyWorkspace(workspaceDeps(db), bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KoppelError);
    const ke = error as KoppelError;
    expect(ke.kind).toBe('invalid');
    expect(ke.code).toBe('workspace.invalid');
    const errors = ke.details?.errors as Array<{ path: string; reason: string }>;
    expect(errors.map((e) => e.path)).toEqual([
      'pairs[0].connections[0].credentials.apiKey',
      'pairs[0].flows[0].schedule',
      'pairs[0].flows[0].source',
      'pairs[0].flows[1].id',
      'pairs[0].flows[1].target',
      'pairs[1].connections[0].app',
      'pairs[1].connections[1].settings.administration',
    ]);
    for (const e of errors) expect(ke.message).toContain(`${e.path}: ${e.reason}`);
    expect(ke.message).not.toContain('literal-secret-value-123');
    expect(await dumpConfiguration(db)).toEqual(before);
  });

  it('refuses a schedule that never fires, saying why, and changes nothing', async () => {
    const db = await open();
    const before = await dumpConfiguration(db);
    const never = sampleWorkspace();
    never.pairs[0]!.flows[0]!.schedule = '0 0 31 2 *';
    const error = (await applyWorkspace(workspaceDeps(db), never).catch((e: unknown) => e)) as KoppelError;
    expect(error.code).toBe('workspace.invalid');
    expect(error.details?.errors).toEqual([
      {
        path: 'pairs[0].flows[0].schedule',
        reason: expect.stringContaining("Cron expression '0 0 31 2 *' never fires in the next 5 years"),
      },
    ]);
    expect(await dumpConfiguration(db)).toEqual(before);
  });

  it('rejects moving a connection to another pair or changing its app, and changes nothing', async () => {
    const db = await open();
    await applyWorkspace(workspaceDeps(db), sampleWorkspace());
    const before = await dumpConfiguration(db);

    const moved = sampleWorkspace();
    const globex = moved.pairs[1]!;
    globex.connections[0]!.id = 'acme-source'; // stored in pair acme
    globex.flows[0]!.source = 'acme-source';
    moved.pairs[0]!.connections.splice(0, 1);
    moved.pairs[0]!.flows = [];
    moved.pairs[0]!.connections.push({
      id: 'acme-target-2',
      app: 'fixture-target',
      name: 'x',
      settings: { administration: 'a' },
      credentials: {},
    });
    const error = (await applyWorkspace(workspaceDeps(db), moved, { prune: true }).catch(
      (e: unknown) => e,
    )) as KoppelError;
    expect(error.code).toBe('workspace.invalid');
    expect(error.details?.errors).toEqual([
      {
        path: 'pairs[1].connections[0].id',
        reason: expect.stringContaining('already exists in pair "acme"') as unknown,
      },
    ]);
    expect(await dumpConfiguration(db)).toEqual(before);
  });

  it('changes nothing when the same file is applied again', async () => {
    const db = await open();
    const deps = workspaceDeps(db);
    await applyWorkspace(deps, sampleWorkspace());
    const before = await dumpConfiguration(db);
    deps.clock.advance(60_000);

    const again = await applyWorkspace(deps, sampleWorkspace());
    expect(hasChanges(again)).toBe(false);
    expect(again.changes.flows.unchanged).toEqual(['acme-copy', 'acme-copy-default', 'globex-copy']);
    expect(again.changes.mappings.unchanged).toEqual(['acme-copy v1']);
    expect(await dumpConfiguration(db)).toEqual(before);
  });

  it('adds mapping version 2 when the mapping changes, and points the flow at it', async () => {
    const db = await open();
    const deps = workspaceDeps(db);
    await applyWorkspace(deps, sampleWorkspace());

    const changed = sampleWorkspace();
    const flow = changed.pairs[0]!.flows[0]!;
    flow.mapping!.fields.name = { source: 'fullName', required: true };
    const summary = await applyWorkspace(deps, changed);
    expect(summary.changes.mappings.created).toEqual(['acme-copy v2']);
    expect(summary.changes.flows.updated).toEqual(['acme-copy']);
    expect((await getFlow(db.db, 'acme-copy'))?.mappingVersion).toBe(2);
    expect((await currentMapping<MappingDefinition>(db.db, 'acme-copy'))?.definition.fields.name).toEqual({
      source: 'fullName',
      required: true,
    });
    const versions = await listMappingVersions<MappingDefinition>(db.db, 'acme-copy');
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(versions[0]?.definition.fields.name).toEqual({ source: 'name', required: true });

    // Applying the changed file again adds no third version.
    expect(hasChanges(await applyWorkspace(deps, changed))).toBe(false);

    // Leaving the mapping out goes back to the kind's default and keeps the versions as history.
    delete flow.mapping;
    await applyWorkspace(deps, changed);
    expect((await getFlow(db.db, 'acme-copy'))?.mappingVersion).toBeNull();
    expect(await listMappingVersions(db.db, 'acme-copy')).toHaveLength(2);
  });

  it('keeps credentials encrypted at rest, decryptable with the SecretBox, and registers them as secrets', async () => {
    const db = await open();
    const deps = workspaceDeps(db);
    await applyWorkspace(deps, sampleWorkspace());

    const stored = await getConnection(db.db, 'acme-source');
    expect(deps.box.decryptJson(stored?.encryptedCredentials ?? '')).toEqual({
      apiKey: sampleSecrets.ACME_SOURCE_API_KEY,
    });
    expect(deps.secrets.scrub(`key=${sampleSecrets.ACME_TARGET_TOKEN}`)).toBe('key=[redacted]');

    const everything = await databaseAsText(database(), db);
    for (const secret of Object.values(sampleSecrets)) expect(everything).not.toContain(secret);
    expect(everything).toContain('ACME_SOURCE_API_KEY'); // the reference is stored, the value is not
  });

  it('updates credentials when the variable changes, and keeps fields the file never set', async () => {
    const db = await open();
    const deps = workspaceDeps(db);
    await applyWorkspace(deps, sampleWorkspace());
    const current = await getConnection(db.db, 'acme-source');
    const withToken = {
      ...deps.box.decryptJson(current!.encryptedCredentials!),
      refreshToken: 'oauth-refresh-1',
    };
    await setConnectionCredentials(db.db, 'acme-source', deps.box.encryptJson(withToken), 'x');

    const rotated = workspaceDeps(db, { ...sampleSecrets, ACME_SOURCE_API_KEY: 'src-key-rotated-000111222' });
    const summary = await applyWorkspace(rotated, sampleWorkspace());
    expect(summary.changes.connections.updated).toEqual(['acme-source']);
    const after = await getConnection(db.db, 'acme-source');
    expect(deps.box.decryptJson(after!.encryptedCredentials!)).toEqual({
      apiKey: 'src-key-rotated-000111222',
      refreshToken: 'oauth-refresh-1',
    });
  });

  it('keeps what the file leaves out, and deletes it with prune', async () => {
    const db = await open();
    const deps = workspaceDeps(db);
    await applyWorkspace(deps, sampleWorkspace());

    const smaller = sampleWorkspace();
    smaller.pairs.splice(1, 1);
    smaller.pairs[0]!.flows.splice(1, 1);
    delete smaller.settings.redaction;

    const kept = await applyWorkspace(deps, smaller);
    expect(hasChanges(kept)).toBe(false);
    expect((await listPairs(db.db)).map((p) => p.id)).toEqual(['acme', 'globex']);

    const pruned = await applyWorkspace(deps, smaller, { prune: true });
    expect(pruned.changes.flows.deleted).toEqual(['acme-copy-default', 'globex-copy']);
    expect(pruned.changes.connections.deleted).toEqual(['globex-source', 'globex-target']);
    expect(pruned.changes.pairs.deleted).toEqual(['globex']);
    expect(pruned.changes.settings.deleted).toEqual(['redaction']);
    expect((await listPairs(db.db)).map((p) => p.id)).toEqual(['acme']);
    expect((await listFlows(db.db)).map((f) => f.id)).toEqual(['acme-copy']);
    expect((await listSettings(db.db)).map((s) => s.key)).toEqual(['retention']);
  });

  it('reports what a dry run would do and writes nothing', async () => {
    const db = await open();
    const before = await dumpConfiguration(db);
    const summary = await applyWorkspace(workspaceDeps(db), sampleWorkspace(), { dryRun: true });
    expect(summary.dryRun).toBe(true);
    expect(summary.changes.flows.created).toHaveLength(3);
    expect(summary.changes.mappings.created).toEqual(['acme-copy v1']);
    expect(await dumpConfiguration(db)).toEqual(before);
  });
});
