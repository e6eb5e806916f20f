import { describe, expect, it } from 'vitest';
import { KoppelError } from '../../core/errors.js';
import { freshStorePerTest, testDialects } from '../../testing/databases.js';
import type { Store } from '../database.js';
import {
  deleteConnection,
  getConnection,
  listConnections,
  setConnectionCredentials,
  upsertConnection,
  type ConnectionInput,
} from './connections.js';
import {
  deleteFlow,
  getFlow,
  listFlows,
  setFlowEnabled,
  setFlowMappingVersion,
  upsertFlow,
  type FlowInput,
} from './flows.js';
import { currentMapping, listMappingVersions, mappingVersion, saveMappingVersion } from './mappings.js';
import { deletePair, getPair, listPairs, upsertPair } from './pairs.js';
import { deleteSetting, getSetting, listSettings, putSetting } from './settings.js';

const t0 = '2026-01-01T00:00:00.000Z';
const t1 = '2026-01-02T00:00:00.000Z';

const connection = (id: string, pairId = 'p1'): ConnectionInput => ({
  id,
  pairId,
  app: 'fixture-source',
  name: id,
  settings: { division: 1 },
  encryptedCredentials: 'v1:iv:tag:ct',
  credentialRefs: { apiKey: 'API_KEY' },
});

const flow = (id: string, pairId = 'p1'): FlowInput => ({
  id,
  pairId,
  kind: 'fixture-copy',
  sourceConnectionId: 'c1',
  targetConnectionId: 'c2',
  enabled: true,
  schedule: '0 * * * *',
  priority: 5,
  settings: { batchSize: 10 },
  mappingVersion: null,
});

describe.each(testDialects)('configuration repositories on %s', (dialect) => {
  const { open } = freshStorePerTest(dialect);
  async function seeded(): Promise<Store> {
    const store = await open();
    await upsertPair(store.db, { id: 'p1', name: 'One' }, t0);
    await upsertConnection(store.db, connection('c1'), t0);
    await upsertConnection(store.db, connection('c2'), t0);
    await upsertFlow(store.db, flow('f1'), t0);
    return store;
  }

  it('upserts a pair, keeping its creation time', async () => {
    const { db } = await seeded();
    await upsertPair(db, { id: 'p1', name: 'Renamed' }, t1);
    expect(await getPair(db, 'p1')).toEqual({ id: 'p1', name: 'Renamed', createdAt: t0, updatedAt: t1 });
    expect(await getPair(db, 'nope')).toBeNull();
  });

  it('stores connections with ciphertext credentials and references, and leaves status to the engine', async () => {
    const { db } = await seeded();
    await db.updateTable('connections').set({ status: 'paused' }).where('id', '=', 'c1').execute();
    await upsertConnection(db, { ...connection('c1'), name: 'Renamed', credentialRefs: {} }, t1);
    expect(await getConnection(db, 'c1')).toMatchObject({
      name: 'Renamed',
      settings: { division: 1 },
      encryptedCredentials: 'v1:iv:tag:ct',
      credentialRefs: {},
      status: 'paused',
      createdAt: t0,
      updatedAt: t1,
    });
    await setConnectionCredentials(db, 'c1', 'v1:other', t1);
    expect((await getConnection(db, 'c1'))?.encryptedCredentials).toBe('v1:other');
    expect((await listConnections(db, { pairId: 'p1' })).map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(await listConnections(db, { pairId: 'p2' })).toEqual([]);
  });

  it('refuses to delete a connection a flow still uses', async () => {
    const { db } = await seeded();
    const error = await deleteConnection(db, 'c1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KoppelError);
    expect(error).toMatchObject({ code: 'store.connection_in_use', kind: 'conflict' });
    await deleteFlow(db, 'f1');
    expect(await deleteConnection(db, 'c1')).toBe(true);
    expect(await deleteConnection(db, 'c1')).toBe(false);
  });

  it('round-trips flows and switches them on and off', async () => {
    const { db } = await seeded();
    expect(await getFlow(db, 'f1')).toEqual({ ...flow('f1'), createdAt: t0, updatedAt: t0 });
    await setFlowEnabled(db, 'f1', false, t1);
    expect((await getFlow(db, 'f1'))?.enabled).toBe(false);
    expect((await listFlows(db, { pairId: 'p1' })).map((f) => f.id)).toEqual(['f1']);
  });

  it('numbers mapping versions and follows the flow pointer for the current one', async () => {
    const { db } = await seeded();
    expect(await currentMapping(db, 'f1')).toBeNull();
    const v1 = await saveMappingVersion(db, 'f1', { fields: { a: { source: 'x' } } }, t0);
    const v2 = await saveMappingVersion(db, 'f1', { fields: { a: { source: 'y' } } }, t1);
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(await currentMapping(db, 'f1')).toBeNull(); // saving does not publish
    await setFlowMappingVersion(db, 'f1', 1, t1);
    expect((await currentMapping(db, 'f1'))?.definition).toEqual({ fields: { a: { source: 'x' } } });
    expect((await mappingVersion(db, 'f1', 2))?.definition).toEqual({ fields: { a: { source: 'y' } } });
    expect(await mappingVersion(db, 'f1', 3)).toBeNull();
    expect((await listMappingVersions(db, 'f1')).map((v) => v.version)).toEqual([1, 2]);
  });

  it('deletes a pair with its connections, flows and mapping versions', async () => {
    const { db } = await seeded();
    await saveMappingVersion(db, 'f1', { fields: { a: { source: 'x' } } }, t0);
    expect(await deletePair(db, 'p1')).toBe(true);
    expect(await listPairs(db)).toEqual([]);
    expect(await listConnections(db)).toEqual([]);
    expect(await listFlows(db)).toEqual([]);
    expect(await listMappingVersions(db, 'f1')).toEqual([]);
  });

  it('stores installation settings as JSON values under a key', async () => {
    const { db } = await seeded();
    await putSetting(db, 'retention', { payloadDays: 7 }, t0);
    await putSetting(db, 'retention', { payloadDays: 8 }, t1);
    await putSetting(db, 'redaction', ['email'], t1);
    expect(await getSetting(db, 'retention')).toEqual({
      key: 'retention',
      value: { payloadDays: 8 },
      updatedAt: t1,
    });
    expect((await listSettings(db)).map((s) => s.key)).toEqual(['redaction', 'retention']);
    expect(await deleteSetting(db, 'redaction')).toBe(true);
    expect(await getSetting(db, 'redaction')).toBeNull();
  });
});
