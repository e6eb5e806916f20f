import { afterEach, describe, expect, it } from 'vitest';
import { createEngineHarness, sampleItem, type EngineHarness } from '../testing/engine-harness.js';
import { databaseAsText, testDialects } from '../testing/databases.js';
import { purgeActivity } from './purge.js';
import { runFlow } from './run-flow.js';

const day = 86_400_000;

describe.each(testDialects)('activity retention, redaction and secrets on %s', (dialect) => {
  let h: EngineHarness;
  afterEach(async () => h?.close());

  it('keeps redacted fields out of every stored payload', async () => {
    h = await createEngineHarness(dialect);
    await h.setInstallationSetting('redaction', ['email', 'IBAN']);
    h.loopback.put(sampleItem(1));
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    h.loopback.put(sampleItem(1, { name: 'Renamed', email: 'new-address@example.nl' }));
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    const [created, updated] = await h.store.db
      .selectFrom('records')
      .selectAll()
      .orderBy('created_at')
      .execute();
    expect(updated!.state).toBe('updated');
    for (const column of [
      created!.snapshot,
      created!.payload,
      created!.response,
      updated!.payload,
      updated!.diff,
    ]) {
      expect(column).not.toBeNull();
      expect(column).not.toMatch(/buyer1@example\.nl|new-address|ABNA/);
    }
    expect(JSON.parse(updated!.diff!)).toEqual([
      { path: 'name', before: 'Item 1', after: 'Renamed' },
      { path: 'email', before: '[redacted]', after: '[redacted]' },
    ]);
    const rec = created!;
    expect(JSON.parse(rec.snapshot!)).toMatchObject({
      email: '[redacted]',
      iban: '[redacted]',
      name: 'Item 1',
    });
    // The target still got the real values: redaction is about what Koppel keeps, not what it sends.
    expect([...h.loopback.target.values()][0]).toMatchObject({ email: 'new-address@example.nl' });
  });

  it('purges payloads after the payload retention and metadata after the metadata retention', async () => {
    h = await createEngineHarness(dialect);
    await h.setInstallationSetting('retention', { payloadDays: 14, metadataDays: 90 });
    for (let n = 1; n <= 3; n++) h.loopback.put(sampleItem(n, n === 3 ? { name: '' } : {}));
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    const [parked] = await h.store.db.selectFrom('dead_letters').selectAll().execute();

    h.clock.advance(13 * day);
    expect(await purgeActivity(h.deps)).toMatchObject({ payloadsPurged: 0, recordsDeleted: 0 });

    h.clock.advance(2 * day);
    const at15 = await purgeActivity(h.deps);
    // The record of the open dead letter keeps its payload: someone still has to act on it.
    expect(at15).toMatchObject({ payloadsPurged: 2, recordsDeleted: 0, runsDeleted: 0 });
    const recs = await h.store.db.selectFrom('records').selectAll().execute();
    expect(recs).toHaveLength(3);
    for (const r of recs.filter((r) => r.id !== parked!.record_id)) {
      expect([r.snapshot, r.payload, r.request, r.response, r.diff]).toEqual([null, null, null, null, null]);
      expect(r.payload_purged).toBe(1);
      expect(r.state).not.toBe('');
      expect(JSON.parse(r.timeline).length).toBeGreaterThan(0);
    }
    expect(recs.find((r) => r.id === parked!.record_id)).toMatchObject({ payload_purged: 0 });

    h.clock.advance(76 * day);
    const at91 = await purgeActivity(h.deps);
    expect(at91).toMatchObject({
      recordsDeleted: 2,
      runsDeleted: 1,
      deadLettersDeleted: 0,
      writeAheadDeleted: 2,
    });
    expect(await h.store.db.selectFrom('records').select('id').execute()).toEqual([
      { id: parked!.record_id },
    ]);
    // Links are not activity: they are what keeps the next run from creating duplicates.
    expect(await h.store.db.selectFrom('links').selectAll().execute()).toHaveLength(2);
  });

  it('keeps open dead letters past every retention, warns before their payload would expire, purges resolved ones', async () => {
    h = await createEngineHarness(dialect);
    await h.setInstallationSetting('retention', { payloadDays: 14, metadataDays: 90 });
    await h.setInstallationSetting('deadLetters', { payloadWarningDays: 4 });
    for (let n = 1; n <= 3; n++) h.loopback.put(sampleItem(n, { name: '' }));
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    const letters = await h.store.db.selectFrom('dead_letters').selectAll().orderBy('source_id').execute();
    expect(letters.map((l) => l.state)).toEqual(['open', 'open', 'open']);
    // A person resolved the third one (fixed by hand in the target).
    await h.store.db
      .updateTable('dead_letters')
      .set({ state: 'resolved', updated_at: h.clock.now().toISOString() })
      .where('id', '=', letters[2]!.id)
      .execute();
    const expiring = () =>
      h.store.db
        .selectFrom('events')
        .selectAll()
        .where('type', '=', 'dead_letter.payload_expiring')
        .execute();

    h.clock.advance(9 * day);
    expect(await purgeActivity(h.deps)).toMatchObject({ payloadWarnings: 0 });
    expect(await expiring()).toHaveLength(0);

    h.clock.advance(1 * day);
    expect(await purgeActivity(h.deps)).toMatchObject({ payloadWarnings: 2 });
    const [event] = await expiring();
    expect(event).toMatchObject({ flow_id: h.flowId, severity: 'warning' });
    expect(JSON.parse(event!.details)).toEqual({ deadLetterIds: [letters[0]!.id, letters[1]!.id] });
    // Each dead letter is announced once.
    h.clock.advance(1 * day);
    expect(await purgeActivity(h.deps)).toMatchObject({ payloadWarnings: 0 });
    expect(await expiring()).toHaveLength(1);

    h.clock.advance(200 * day);
    const later = await purgeActivity(h.deps);
    expect(later).toMatchObject({ deadLettersDeleted: 1, recordsDeleted: 1 });
    const kept = await h.store.db.selectFrom('dead_letters').selectAll().orderBy('source_id').execute();
    expect(kept.map((l) => [l.id, l.state])).toEqual([
      [letters[0]!.id, 'open'],
      [letters[1]!.id, 'open'],
    ]);
    // Their records keep their payloads too; the snapshots still decrypt for a replay.
    const recs = await h.store.db
      .selectFrom('records')
      .selectAll()
      .where('id', 'in', [letters[0]!.record_id, letters[1]!.record_id])
      .execute();
    expect(recs.map((r) => r.payload_purged)).toEqual([0, 0]);
    expect(JSON.parse(h.deps.box.decrypt(kept[0]!.snapshot))).toMatchObject({ id: letters[0]!.source_id });
  });

  it('never stores or logs a secret in plain text', async () => {
    h = await createEngineHarness(dialect);
    const token = h.loopback.token;
    h.loopback.put(sampleItem(1));
    h.loopback.faults.rejectName = 'Item 1';
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    h.loopback.faults.unauthorized = true;
    h.loopback.put(sampleItem(2));
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    // The token really was used on the wire.
    expect(h.loopback.requests.some((r) => r.authorization === `Bearer ${token}`)).toBe(true);
    // Something that slips a credential into a log message is scrubbed too.
    h.deps.logger.warn({ detail: `header was Bearer ${token}` }, `token ${token} leaked into a message`);
    await new Promise((r) => setTimeout(r, 50));
    expect(h.logLines.length).toBeGreaterThan(2);
    for (const line of h.logLines) expect(line).not.toContain(token);

    const dump = await databaseAsText(h.tdb, h.store);
    expect(dump.length).toBeGreaterThan(1000);
    expect(dump).not.toContain(token);
    expect(dump).toContain('Item 1');
  });
});
