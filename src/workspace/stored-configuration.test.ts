import { describe, expect, it } from 'vitest';
import type { Connection } from '../store/repos/connections.js';
import type { Flow } from '../store/repos/flows.js';
import { fixtureRegistry } from '../testing/fixture-registry.js';
import { sampleSecrets, sampleWorkspace } from '../testing/workspace-fixtures.js';
import { conflictsWithStore, type StoredConfiguration } from './stored-configuration.js';
import { validateWorkspace } from './validate-workspace.js';

const at = '2026-01-01T00:00:00.000Z';
const connection = (id: string, pairId: string, app: string): Connection => ({
  id,
  pairId,
  app,
  name: id,
  settings: {},
  encryptedCredentials: null,
  credentialRefs: {},
  status: 'active',
  pausedReason: null,
  pausedAt: null,
  authorizedAt: null,
  authorizedAccount: null,
  tenantName: null,
  appliedCredentialHashes: {},
  createdAt: at,
  updatedAt: at,
});
const flow = (id: string, pairId: string, kind: string): Flow => ({
  id,
  pairId,
  kind,
  sourceConnectionId: 's',
  targetConnectionId: 't',
  enabled: false,
  schedule: null,
  priority: 100,
  settings: {},
  mappingVersion: null,
  createdAt: at,
  updatedAt: at,
});

function workspace() {
  const result = validateWorkspace(sampleWorkspace(), { registry: fixtureRegistry, env: sampleSecrets });
  if (!result.ok) throw new Error('the sample is valid');
  return result.workspace;
}

describe('conflictsWithStore', () => {
  it('allows objects that stay in their pair with their app and kind', () => {
    const stored: StoredConfiguration = {
      pairs: new Map(),
      connections: new Map([['acme-source', connection('acme-source', 'acme', 'fixture-source')]]),
      flows: new Map([['acme-copy', flow('acme-copy', 'acme', 'fixture-copy')]]),
    };
    expect(conflictsWithStore(workspace(), stored)).toEqual([]);
  });

  it('refuses moving objects between pairs and changing an app or a kind', () => {
    const stored: StoredConfiguration = {
      pairs: new Map(),
      connections: new Map([
        ['acme-source', connection('acme-source', 'other', 'fixture-source')],
        ['acme-target', connection('acme-target', 'acme', 'fixture-source')],
      ]),
      flows: new Map([
        ['acme-copy', flow('acme-copy', 'acme', 'orders')],
        ['globex-copy', flow('globex-copy', 'acme', 'fixture-copy')],
      ]),
    };
    expect(conflictsWithStore(workspace(), stored).map((e) => `${e.path}: ${e.reason}`)).toEqual([
      'pairs[0].connections[0].id: connection "acme-source" already exists in pair "other"; ids are unique in the installation and an object cannot move to another pair',
      'pairs[0].connections[1].app: connection "acme-target" is stored as a connection to fixture-source; its app cannot change (give it a new id)',
      'pairs[0].flows[0].kind: flow "acme-copy" is stored as a flow of kind orders; its kind cannot change (give it a new id)',
      'pairs[1].flows[0].id: flow "globex-copy" already exists in pair "acme"; ids are unique in the installation and an object cannot move to another pair',
    ]);
  });
});
