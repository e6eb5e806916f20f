import { z } from 'zod';
import { KoppelError } from '../../core/errors.js';
import {
  publicRecipient,
  readNotificationSettings,
  writeNotificationSettings,
} from '../../engine/notifications/settings.js';
import {
  notificationSettingsSchema,
  quietHoursSchema,
  severities,
  type NotificationSettings,
} from '../../engine/notifications/types.js';
import { queueTestMessage } from '../../engine/notifications/test-message.js';
import { notificationsDeliverJobSpec } from '../../engine/job-names.js';
import { readNotificationSources, writeNotificationSources } from '../../workspace/notification-sources.js';
import { audit, responses, type ApiRoute } from '../route-kit.js';

const format = z.enum(['json', 'slack', 'teams']);

const recipientView = z
  .object({
    name: z.string(),
    email: z.string().optional(),
    webhook: z
      .object({
        url: z.string().describe('Where it goes, without the path or query (they may hold a credential)'),
        format,
        hasSecret: z.boolean().describe('Whether its messages are signed'),
      })
      .optional(),
    minSeverity: z.enum(severities),
    pairs: z.array(z.string()).optional().describe('Only these pairs; left out: every pair'),
  })
  .meta({ id: 'NotificationRecipient' });

const settingsView = z
  .object({
    enabled: z.boolean(),
    digestMinutes: z.number().int(),
    quietHours: quietHoursSchema.nullable(),
    recipients: z.array(recipientView),
  })
  .meta({
    id: 'NotificationSettings',
    description: 'Who hears of what; webhook URLs masked, secrets never shown.',
  });

const recipientInput = z
  .object({
    name: z.string().min(1).max(100),
    email: z.email().optional(),
    webhook: z
      .object({
        url: z.url().optional().describe('Left out: keep the stored URL of the recipient of this name'),
        format: format.default('json'),
        secret: z
          .string()
          .min(1)
          .optional()
          .describe('Left out: keep the stored secret of the recipient of this name'),
      })
      .strict()
      .optional(),
    minSeverity: z.enum(severities).default('warning'),
    pairs: z.array(z.string().min(1)).optional(),
  })
  .strict();

const settingsInput = z
  .object({
    enabled: z.boolean().default(true),
    digestMinutes: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .default(60),
    quietHours: quietHoursSchema.nullable().optional(),
    recipients: z.array(recipientInput).max(100).default([]),
  })
  .strict();

function view(s: NotificationSettings): z.infer<typeof settingsView> {
  return {
    enabled: s.enabled,
    digestMinutes: s.digestMinutes,
    quietHours: s.quietHours ?? null,
    recipients: s.recipients.map(publicRecipient),
  };
}

/**
 * Notification settings: who hears of what, per pair and severity. They name every pair's
 * recipients, so only a principal without a pair scope may read or change them.
 */
export const notificationsRoute: ApiRoute = (server, ctx) => {
  const { app } = ctx;

  server.get(
    '/api/notifications',
    {
      config: { access: 'viewer', installationWide: true },
      schema: {
        summary: 'Notification settings',
        description: 'Webhook URLs are shown without their path; secrets never.',
        tags: ['notifications'],
        response: responses({ 200: settingsView }),
      },
    },
    async () => view(await readNotificationSettings(app.store.db, app.box)),
  );

  server.put(
    '/api/notifications',
    {
      config: { access: 'owner', installationWide: true },
      schema: {
        summary: 'Replace the notification settings',
        description:
          'A webhook’s `url` or `secret` left out keeps the one stored for the recipient of the same name. ' +
          'Audited (recipient names and rules, never addresses of webhooks or secrets).',
        tags: ['notifications'],
        body: settingsInput,
        response: responses({ 200: settingsView }),
      },
    },
    async (req) => {
      const { db } = app.store;
      const stored = await readNotificationSettings(db, app.box);
      const sources = await readNotificationSources(db);
      const names = new Set<string>();
      const recipients = req.body.recipients.map((r) => {
        if (names.has(r.name))
          throw new KoppelError(`Two recipients are named "${r.name}"`, {
            code: 'notifications.invalid',
            kind: 'invalid',
          });
        names.add(r.name);
        if (!r.webhook) return r;
        const before = stored.recipients.find((s) => s.name === r.name)?.webhook;
        const url = r.webhook.url ?? before?.url;
        if (!url)
          throw new KoppelError(`Recipient "${r.name}": a new webhook needs its url`, {
            code: 'notifications.invalid',
            kind: 'invalid',
          });
        const secret = r.webhook.secret ?? before?.secret;
        // What the request replaced no longer comes from the workspace file's variables.
        const refs = sources[r.name];
        if (refs && r.webhook.url !== undefined) delete refs.url;
        if (refs && r.webhook.secret !== undefined) delete refs.secret;
        return { ...r, webhook: { url, format: r.webhook.format, ...(secret ? { secret } : {}) } };
      });
      const parsed = notificationSettingsSchema.safeParse({
        enabled: req.body.enabled,
        digestMinutes: req.body.digestMinutes,
        ...(req.body.quietHours ? { quietHours: req.body.quietHours } : {}),
        recipients,
      });
      if (!parsed.success)
        throw new KoppelError(
          `The notification settings are not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          { code: 'notifications.invalid', kind: 'invalid' },
        );
      const at = app.clock.now().toISOString();
      for (const name of Object.keys(sources)) if (!names.has(name)) delete sources[name];
      await db.transaction().execute(async (trx) => {
        await writeNotificationSettings(trx, app.box, parsed.data, at);
        await writeNotificationSources(trx, sources, at);
      });
      await audit(ctx, req, {
        action: 'notifications.change',
        target: { kind: 'setting', id: 'notifications' },
        details: {
          enabled: parsed.data.enabled,
          digestMinutes: parsed.data.digestMinutes,
          quietHours: parsed.data.quietHours ?? null,
          recipients: parsed.data.recipients.map((r) => ({
            name: r.name,
            channel: r.email ? 'email' : 'webhook',
            minSeverity: r.minSeverity,
            pairs: r.pairs ?? null,
          })),
        },
      });
      return view(parsed.data);
    },
  );

  server.post(
    '/api/notifications/test',
    {
      config: { access: 'owner', installationWide: true },
      schema: {
        summary: 'Send a test message to one recipient',
        description:
          'Queues it; the sender delivers it like any other message. Follow it in `GET /api/notifications/deliveries`.',
        tags: ['notifications'],
        body: z.object({ recipient: z.string().min(1).max(100).describe('The recipient’s name') }),
        response: responses({
          202: z.object({ deliveryId: z.string().describe('The queued delivery') }),
        }),
      },
    },
    async (req, reply) => {
      const id = await queueTestMessage(
        { db: app.store.db, box: app.box, clock: app.clock, baseUrl: ctx.baseUrl() },
        req.body.recipient,
      );
      // Sent by the next free worker, not at the next minute's delivery pass: someone waits for it.
      await ctx.queue.enqueue(notificationsDeliverJobSpec());
      await audit(ctx, req, {
        action: 'notifications.test',
        target: { kind: 'notification', id },
        details: { recipient: req.body.recipient },
      });
      return reply.status(202).send({ deliveryId: id });
    },
  );
};
