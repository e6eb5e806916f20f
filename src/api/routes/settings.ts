import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  changeInstallationSettings,
  installationSettingsView,
  type SettingsChange,
} from '../../workspace/installation-settings-change.js';
import { nextFireTime } from '../../queue/cron.js';
import { workspaceSettingKeys } from '../../workspace/workspace-schema.js';
import { audit, responses, type ApiContext, type ApiRoute } from '../route-kit.js';

const setting = z
  .object({
    key: z.enum(workspaceSettingKeys),
    description: z.string(),
    value: z.unknown().describe('What is stored; null: the default applies'),
    effective: z.unknown().describe('What is in effect: the stored value with the defaults filled in'),
    default: z.unknown(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'Setting' });

const purgeSchedule = z
  .object({
    cron: z.string().describe('When the retention purge runs (cron, UTC); set with KOPPEL_PURGE_CRON'),
    nextAt: z.string().nullable().describe('The next time it runs; null when the expression never fires'),
  })
  .meta({ id: 'PurgeSchedule' });

const settingsList = z.object({ items: z.array(setting), purge: purgeSchedule }).meta({ id: 'Settings' });
const keyParams = z.object({ key: z.enum(workspaceSettingKeys) });

/**
 * Installation settings (retention, redaction, the API budget reserve): the ones a workspace
 * file's `settings` holds, checked with the same schemas. They concern every pair, so only a
 * principal without a pair scope may read or change them.
 */
export const settingsRoute: ApiRoute = (server, ctx) => {
  const { app } = ctx;
  // The schedule is configuration, not a setting: shown beside the settings it applies, not settable.
  const purge = () => ({
    cron: app.config.purgeCron,
    nextAt: nextFireTime(app.config.purgeCron, app.clock.now())?.toISOString() ?? null,
  });
  const list = async () => ({
    items: await installationSettingsView(app.store.db, app.engine.defaults),
    purge: purge(),
  });

  server.get(
    '/api/settings',
    {
      config: { access: 'viewer', installationWide: true },
      schema: {
        summary: 'Installation settings: stored, in effect, and their defaults',
        description: 'Installation-wide: needs a principal without a pair scope (403 otherwise).',
        tags: ['settings'],
        response: responses({ 200: settingsList }),
      },
    },
    list,
  );

  server.put(
    '/api/settings/:key',
    {
      config: { access: 'owner', installationWide: true },
      schema: {
        summary: 'Set one installation setting',
        description:
          'Checked as a workspace file’s `settings.<key>`; an invalid value answers 400 naming each problem ' +
          '(`retention.payloadDays: …`) in `details.errors`. Answers every setting.',
        tags: ['settings'],
        params: keyParams,
        body: z.object({
          value: z
            .unknown()
            .refine(
              (v) => v !== undefined && v !== null,
              'is required (DELETE puts a setting back to its default)',
            )
            .describe('The new value, in the shape of the key'),
        }),
        response: responses({ 200: settingsList }),
      },
    },
    async (req) => {
      const change = await changeInstallationSettings(ctx.app.store.db, ctx.app.clock, {
        [req.params.key]: req.body.value,
      });
      await auditChanges(ctx, req, change);
      return list();
    },
  );

  server.patch(
    '/api/settings',
    {
      config: { access: 'owner', installationWide: true },
      schema: {
        summary: 'Change several installation settings at once',
        description:
          'Each key given is set; a key given as null goes back to its default; keys left out stay. All ' +
          'or nothing: an invalid value changes nothing and answers 400 with every problem.',
        tags: ['settings'],
        body: z.record(z.string(), z.unknown()).describe('Setting key → new value, or null for the default'),
        response: responses({ 200: settingsList }),
      },
    },
    async (req) => {
      const change = await changeInstallationSettings(ctx.app.store.db, ctx.app.clock, req.body);
      await auditChanges(ctx, req, change);
      return list();
    },
  );

  server.delete(
    '/api/settings/:key',
    {
      config: { access: 'owner', installationWide: true },
      schema: {
        summary: 'Put one installation setting back to its default',
        tags: ['settings'],
        params: keyParams,
        response: responses({ 204: z.null().describe('Back to the default') }),
      },
    },
    async (req, reply) => {
      const change = await changeInstallationSettings(ctx.app.store.db, ctx.app.clock, {
        [req.params.key]: null,
      });
      await auditChanges(ctx, req, change);
      return reply.status(204).send(null);
    },
  );
};

/** One audit line per setting that changed, with its new value (settings hold no secrets). */
async function auditChanges(ctx: ApiContext, req: FastifyRequest, change: SettingsChange): Promise<void> {
  for (const { key, value } of change.changed)
    await audit(ctx, req, {
      action: 'settings.change',
      target: { kind: 'setting', id: key },
      details: value === null ? { key, reset: true } : { key, value },
    });
}
