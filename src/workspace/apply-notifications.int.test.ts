import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { systemPrincipal } from '../access/principal.js';
import { readNotificationSettings } from '../engine/notifications/settings.js';
import { freshStorePerTest, testDialects } from '../testing/databases.js';
import { fixtureRegistry } from '../testing/fixture-registry.js';
import { sampleSecrets, sampleWorkspace, workspaceDeps } from '../testing/workspace-fixtures.js';
import { hasChanges } from './apply-summary.js';
import { applyWorkspace } from './apply-workspace.js';
import { auditWorkspaceApply } from './audit-workspace-apply.js';
import { exportWorkspace } from './export-workspace.js';
import { validateWorkspace } from './validate-workspace.js';

const hookEnv = {
  ...sampleSecrets,
  TEAMS_WEBHOOK_URL: 'https://acme.webhook.office.example/webhookb2/very-secret-path',
  TEAMS_WEBHOOK_SECRET: 'teams-signing-secret-4d2f',
};

function withNotifications() {
  return {
    ...sampleWorkspace(),
    notifications: {
      digestMinutes: 120,
      quietHours: { from: '22:00', to: '07:00', except: 'critical' },
      recipients: [
        { name: 'Office', email: 'office@example.com', minSeverity: 'info', pairs: ['acme'] },
        {
          name: 'Teams',
          webhook: {
            url: '${env:TEAMS_WEBHOOK_URL}',
            format: 'teams',
            secret: '${env:TEAMS_WEBHOOK_SECRET}',
          },
        },
        { name: 'Ops', webhook: { url: 'https://ops.example/koppel' } },
      ],
    },
  };
}

describe.each(testDialects)('notifications in the workspace file (%s)', (dialect) => {
  const { open } = freshStorePerTest(dialect);

  it('stores them with references resolved and encrypted, audits the change, and exports the references', async () => {
    const store = await open();
    const deps = workspaceDeps(store, hookEnv);
    const summary = await applyWorkspace(deps, withNotifications());
    expect(summary.changes.settings.created).toContain('notifications');

    const stored = await readNotificationSettings(store.db, deps.box);
    expect(stored).toMatchObject({ enabled: true, digestMinutes: 120 });
    expect(stored.quietHours).toEqual({
      from: '22:00',
      to: '07:00',
      timeZone: 'Europe/Amsterdam',
      except: 'critical',
    });
    expect(stored.recipients[1]).toEqual({
      name: 'Teams',
      webhook: { url: hookEnv.TEAMS_WEBHOOK_URL, format: 'teams', secret: hookEnv.TEAMS_WEBHOOK_SECRET },
      minSeverity: 'warning',
    });
    const raw = JSON.stringify(await store.db.selectFrom('settings').selectAll().execute());
    expect(raw).not.toContain('very-secret-path');
    expect(raw).not.toContain(hookEnv.TEAMS_WEBHOOK_SECRET);
    expect(deps.secrets.scrub(`sent to ${hookEnv.TEAMS_WEBHOOK_URL}`)).toBe('sent to [redacted]');

    await auditWorkspaceApply(store.db, deps.clock, systemPrincipal, summary);
    const [line] = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'workspace.apply')
      .execute();
    expect(JSON.parse(line!.details).changes.settings.created).toContain('notifications');
    expect(line!.details).not.toContain('very-secret-path');

    const text = await exportWorkspace(store.db, 'yaml', deps.box);
    expect(text).toContain('url: ${env:TEAMS_WEBHOOK_URL}');
    expect(text).toContain('secret: ${env:TEAMS_WEBHOOK_SECRET}');
    expect(text).toContain('url: https://ops.example/koppel');
    expect(text).not.toContain('very-secret-path');
    deps.clock.advance(1000);
    const again = await applyWorkspace(deps, parse(text));
    expect(hasChanges(again)).toBe(false);
    expect(again.changes.settings.unchanged).toContain('notifications');
  });

  it('applies a changed variable as a change, and keeps or prunes settings the file leaves out', async () => {
    const store = await open();
    const deps = workspaceDeps(store, hookEnv);
    await applyWorkspace(deps, withNotifications());
    const rotated = await applyWorkspace(
      { ...deps, env: { ...hookEnv, TEAMS_WEBHOOK_SECRET: 'a-new-signing-secret-99' } },
      withNotifications(),
    );
    expect(rotated.changes.settings.updated).toEqual(['notifications']);
    expect((await readNotificationSettings(store.db, deps.box)).recipients[1]?.webhook?.secret).toBe(
      'a-new-signing-secret-99',
    );

    const kept = await applyWorkspace(deps, sampleWorkspace());
    expect(kept.changes.settings.deleted).toEqual([]);
    expect((await readNotificationSettings(store.db, deps.box)).recipients).toHaveLength(3);
    const pruned = await applyWorkspace(deps, sampleWorkspace(), { prune: true });
    expect(pruned.changes.settings.deleted).toEqual(['notifications']);
    expect((await readNotificationSettings(store.db, deps.box)).recipients).toEqual([]);
    const keys = await store.db
      .selectFrom('settings')
      .select('key')
      .where('key', 'like', 'notifications%')
      .execute();
    expect(keys).toEqual([]);
  });
});

describe('validating notifications in a workspace file', () => {
  const errorsOf = (notifications: unknown, env: Record<string, string> = hookEnv) => {
    const result = validateWorkspace(
      { ...sampleWorkspace(), notifications },
      { registry: fixtureRegistry, env },
    );
    return result.ok ? [] : result.errors;
  };

  it('takes a literal URL or a reference, and a secret only as a reference to a set variable', () => {
    expect(errorsOf(withNotifications().notifications)).toEqual([]);
    expect(
      errorsOf({
        recipients: [{ name: 'T', webhook: { url: 'https://t.example/x', secret: 'plain-text' } }],
      }),
    ).toEqual([
      {
        path: 'notifications.recipients[0].webhook.secret',
        reason: expect.stringContaining('must be an ${env:NAME} reference'),
      },
    ]);
    expect(
      errorsOf({
        recipients: [{ name: 'T', webhook: { url: '${env:NOT_SET}', secret: '${env:KOPPEL_SECRET_KEY}' } }],
      }),
    ).toEqual([
      { path: 'notifications.recipients[0].webhook.secret', reason: expect.stringContaining("Koppel's own") },
      { path: 'notifications.recipients[0].webhook.url', reason: 'environment variable NOT_SET is not set' },
    ]);
    expect(errorsOf({ recipients: [{ name: 'T', webhook: { url: 'not a url' } }] })[0]?.reason).toContain(
      'must be a URL',
    );
    expect(
      errorsOf({
        recipients: [
          { name: 'A', email: 'a@example.com' },
          { name: 'A', email: 'b@example.com' },
        ],
      }),
    ).toEqual([{ path: 'notifications.recipients', reason: 'names a recipient twice' }]);
    expect(errorsOf({ recipients: [{ name: 'A' }] })[0]?.reason).toContain('either an email or a webhook');
  });
});
