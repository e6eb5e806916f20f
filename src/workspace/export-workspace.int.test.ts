import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { listMappingVersions } from '../store/repos/mappings.js';
import { freshStorePerTest, testDialects } from '../testing/databases.js';
import { fixtureRegistry } from '../testing/fixture-registry.js';
import {
  dumpConfiguration,
  sampleSecrets,
  sampleWorkspace,
  workspaceDeps,
} from '../testing/workspace-fixtures.js';
import { hasChanges } from './apply-summary.js';
import { applyWorkspace } from './apply-workspace.js';
import { exportWorkspace, exportWorkspaceDocument } from './export-workspace.js';
import { validateWorkspace } from './validate-workspace.js';

describe.each(testDialects)('exportWorkspace on %s', (dialect) => {
  const { open } = freshStorePerTest(dialect);
  const normalized = (document: unknown) => {
    const result = validateWorkspace(document, { registry: fixtureRegistry, env: sampleSecrets });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.workspace;
  };

  it('writes back the file that was applied, with credentials as their references', async () => {
    const db = await open();
    await applyWorkspace(workspaceDeps(db), sampleWorkspace());
    const text = await exportWorkspace(db.db);

    expect(normalized(parse(text))).toEqual(normalized(sampleWorkspace()));
    expect(text).toContain('apiKey: ${env:ACME_SOURCE_API_KEY}');
    for (const secret of Object.values(sampleSecrets)) expect(text).not.toContain(secret);
  });

  it('gives a file that, applied again, changes nothing and adds no mapping version', async () => {
    const db = await open();
    const deps = workspaceDeps(db);
    const changed = sampleWorkspace();
    await applyWorkspace(deps, changed);
    changed.pairs[0]!.flows[0]!.mapping!.fields.extra = { default: 'x' };
    await applyWorkspace(deps, changed);
    const before = await dumpConfiguration(db);
    deps.clock.advance(1000);

    const summary = await applyWorkspace(deps, parse(await exportWorkspace(db.db)));
    expect(hasChanges(summary)).toBe(false);
    expect(await dumpConfiguration(db)).toEqual(before);
    expect((await listMappingVersions(db.db, 'acme-copy')).map((v) => v.version)).toEqual([1, 2]);
  });

  it('exports the current mapping version, and nothing for a flow on the default mapping', async () => {
    const db = await open();
    const deps = workspaceDeps(db);
    const changed = sampleWorkspace();
    await applyWorkspace(deps, changed);
    changed.pairs[0]!.flows[0]!.mapping = { fields: { name: { source: 'title' } } };
    await applyWorkspace(deps, changed);

    const document = await exportWorkspaceDocument(db.db);
    const flows = document.pairs?.[0]?.flows ?? [];
    expect(flows.map((f) => [f.id, f.mapping])).toEqual([
      ['acme-copy', { fields: { name: { source: 'title' } } }],
      ['acme-copy-default', undefined],
    ]);
  });

  it('exports an empty installation as a valid empty workspace, in YAML or JSON', async () => {
    const db = await open();
    expect(parse(await exportWorkspace(db.db))).toEqual({ version: 1, pairs: [] });
    expect(JSON.parse(await exportWorkspace(db.db, 'json'))).toEqual({ version: 1, pairs: [] });
  });
});
