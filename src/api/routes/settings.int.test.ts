import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInstallationSettings } from '../../engine/installation-settings.js';
import { startApiHarness, type ApiClient, type ApiHarness } from '../../testing/api-harness.js';
import { testDialects } from '../../testing/databases.js';
import { fixtureRegistry } from '../../testing/fixture-registry.js';
import { workspaceSettingKeys } from '../../workspace/workspace-schema.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the API's JSON as it comes */

describe.each(testDialects)('installation settings over the API (%s)', (dialect) => {
  let h: ApiHarness;
  let owner: ApiClient;
  const setting = (body: any, key: string) => body.items.find((s: any) => s.key === key);
  // The scheduler keeps its marks in the same table: only the installation settings count here.
  const stored = async () =>
    JSON.stringify(
      await h.app.store.db
        .selectFrom('settings')
        .selectAll()
        .where('key', 'in', [...workspaceSettingKeys])
        .orderBy('key')
        .execute(),
    );

  beforeAll(async () => {
    h = await startApiHarness(dialect, {
      registry: fixtureRegistry,
      env: { KOPPEL_PAYLOAD_RETENTION_DAYS: '10' },
    });
    owner = await h.signedIn('owner');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows every setting as stored, in effect and by default, to an unscoped viewer', async () => {
    const viewer = await h.signedIn('viewer');
    const shown = await viewer.get('/api/settings');
    expect(shown.status).toBe(200);
    expect(shown.body.items.map((s: any) => s.key)).toEqual([
      'retention',
      'redaction',
      'apiBudgetReserve',
      'deadLetters',
      'reconcile',
    ]);
    expect(setting(shown.body, 'retention')).toMatchObject({
      value: null,
      effective: { payloadDays: 10, metadataDays: 90 },
      default: { payloadDays: 10, metadataDays: 90 },
      updatedAt: null,
    });
    expect(setting(shown.body, 'apiBudgetReserve').effective).toEqual({ dayShare: 0.2, minuteCalls: 10 });
    expect(setting(shown.body, 'deadLetters').effective).toEqual({
      payloadWarningDays: 3,
      autoRetry: { enabled: true, firstDelayMinutes: 5, maxDelayMinutes: 240, giveUpAfterHours: 72 },
    });
    // The purge schedule is configuration: shown with its next run, not settable here.
    expect(shown.body.purge).toEqual({
      cron: '17 3 * * *',
      nextAt: expect.stringMatching(/T03:17:00\.000Z$/),
    });
    const scoped = await h.signedIn('viewer', { pairScope: ['p1'] });
    const refused = await scoped.get('/api/settings');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('auth.scope_too_narrow');
  });

  it('sets one setting, checked as the workspace file checks it, and the engine uses it', async () => {
    const set = await owner.put('/api/settings/retention', { value: { payloadDays: 7 } });
    expect(set.status).toBe(200);
    expect(setting(set.body, 'retention')).toMatchObject({
      value: { payloadDays: 7 },
      effective: { payloadDays: 7, metadataDays: 90 },
      updatedAt: expect.any(String),
    });
    const inEffect = await readInstallationSettings(h.app.store.db, h.app.engine.defaults);
    expect(inEffect.payloadRetentionDays).toBe(7);

    const before = await stored();
    const wrong = await owner.put('/api/settings/retention', {
      value: { payloadDays: 0, metadataDays: 'long' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('settings.invalid');
    expect(wrong.body.error.details.errors.map((e: any) => e.path)).toEqual([
      'retention.metadataDays',
      'retention.payloadDays',
    ]);
    const longer = await owner.put('/api/settings/retention', {
      value: { payloadDays: 100, metadataDays: 30 },
    });
    expect(longer.body.error.details.errors).toEqual([
      { path: 'retention.payloadDays', reason: expect.stringContaining('must not exceed metadataDays') },
    ]);
    const empty = await owner.put('/api/settings/retention', {});
    expect(empty.body.error.details.issues[0].where).toBe('body.value');
    const unknown = await owner.put('/api/settings/colour', { value: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.issues[0].where).toBe('params.key');
    expect(await stored()).toBe(before);
  });

  it('changes several settings at once, all or nothing, null putting one back to its default', async () => {
    const before = await stored();
    const twice = await owner.patch('/api/settings', { redaction: ['email', 'Email'], colour: 'red' });
    expect(twice.status).toBe(400);
    expect(twice.body.error.details.errors).toEqual([
      { path: 'colour', reason: expect.stringContaining('is not a setting') },
      { path: 'redaction', reason: 'lists a field twice' },
    ]);
    expect(await stored()).toBe(before);

    const changed = await owner.patch('/api/settings', {
      redaction: ['email'],
      apiBudgetReserve: { dayShare: 0.5 },
      retention: null,
    });
    expect(changed.status).toBe(200);
    expect(setting(changed.body, 'retention')).toMatchObject({ value: null, effective: { payloadDays: 10 } });
    expect(setting(changed.body, 'redaction').value).toEqual(['email']);
    expect(setting(changed.body, 'apiBudgetReserve').effective).toEqual({ dayShare: 0.5, minuteCalls: 10 });

    expect((await owner.delete('/api/settings/redaction')).status).toBe(204);
    expect(setting((await owner.get('/api/settings')).body, 'redaction')).toMatchObject({
      value: null,
      effective: [],
    });

    const lines = await h.app.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'settings.change')
      .orderBy('id')
      .execute();
    expect(lines.map((l) => [l.target_id, JSON.parse(l.details)])).toEqual([
      ['retention', { key: 'retention', value: { payloadDays: 7 } }],
      ['retention', { key: 'retention', reset: true }],
      ['redaction', { key: 'redaction', value: ['email'] }],
      ['apiBudgetReserve', { key: 'apiBudgetReserve', value: { dayShare: 0.5 } }],
      ['redaction', { key: 'redaction', reset: true }],
    ]);
  });

  it('lets only an owner without a pair scope change settings', async () => {
    const before = await stored();
    const viewer = await h.signedIn('viewer');
    const operator = await h.withToken('operator');
    const scoped = await h.signedIn('owner', { pairScope: ['p1'] });
    expect((await viewer.put('/api/settings/redaction', { value: ['iban'] })).status).toBe(403);
    expect((await operator.patch('/api/settings', { redaction: ['iban'] })).status).toBe(403);
    expect((await operator.delete('/api/settings/apiBudgetReserve')).status).toBe(403);
    const refused = await scoped.put('/api/settings/redaction', { value: ['iban'] });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('auth.scope_too_narrow');
    expect((await scoped.delete('/api/settings/apiBudgetReserve')).status).toBe(403);
    expect(await stored()).toBe(before);
  });
});
