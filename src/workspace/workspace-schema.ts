import { z } from 'zod';
import { slugPattern } from '../core/ids.js';
import { validateCron } from '../queue/cron.js';
import { mappingDefinitionSchema } from '../mapping/schema.js';
import { notificationSettingsSchema, severities } from '../engine/notifications/types.js';

/**
 * The workspace file: every pair, connection, flow, mapping and installation setting, as YAML or
 * JSON. This schema checks the shape of the file on its own; what needs the registry or the
 * environment (apps, kinds, references, credential variables) is checked by validateWorkspace.
 */

/** `${env:NAME}`: the only form a credential takes in a file. */
export const envReferencePattern = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

export function envReference(variable: string): string {
  return `\${env:${variable}}`;
}

/** The variable an `${env:NAME}` reference names, or null for anything else. */
export function envVariableOf(value: unknown): string | null {
  return typeof value === 'string' ? (envReferencePattern.exec(value)?.[1] ?? null) : null;
}

/** Ids of pairs, connections and flows, in files, URLs and commands (the API takes the same). */
export const slugSchema = z
  .string()
  .regex(
    slugPattern,
    'must be lowercase letters, digits and dashes, start with a letter or digit, ≤ 63 long',
  );
const slug = slugSchema;

/** A flow's schedule: a cron expression in UTC, checked as the scheduler will read it. */
export const cronSchema = z.string().superRefine((pattern, ctx) => {
  const problem = validateCron(pattern);
  if (problem !== null)
    ctx.addIssue({ code: 'custom', message: `is not a valid cron expression: ${problem}` });
});
const cron = cronSchema;

/** Rank among the flows of a pair when they compete for the API budget (lower goes first). */
export const flowPrioritySchema = z.int().min(0).max(1_000_000);

const credentialReference = z
  .string()
  .regex(
    envReferencePattern,
    'must be an ${env:NAME} reference; a workspace file never holds a secret itself',
  );

const objectOfSettings = z.record(z.string(), z.unknown());

const connectionSchema = z
  .object({
    id: slug,
    app: z.string().min(1),
    name: z.string().min(1),
    settings: objectOfSettings.default({}),
    credentials: z.record(z.string(), credentialReference).default({}),
  })
  .strict();

const flowSchema = z
  .object({
    id: slug,
    kind: z.string().min(1),
    source: slug,
    target: slug,
    enabled: z.boolean().default(false),
    schedule: cron.optional(),
    /** Rank among the flows of a pair when they compete for the API budget; the engine orders them. */
    priority: flowPrioritySchema.default(100),
    settings: objectOfSettings.default({}),
    mapping: mappingDefinitionSchema.optional(),
  })
  .strict();

const pairSchema = z
  .object({
    id: slug,
    name: z.string().min(1),
    connections: z.array(connectionSchema).default([]),
    flows: z.array(flowSchema).default([]),
  })
  .strict();

const retentionSchema = z
  .object({ payloadDays: z.int().positive().optional(), metadataDays: z.int().positive().optional() })
  .strict()
  .refine(
    (r) => r.payloadDays === undefined || r.metadataDays === undefined || r.payloadDays <= r.metadataDays,
    {
      message:
        'payloadDays must not exceed metadataDays (payloads are kept for a shorter time than metadata)',
      path: ['payloadDays'],
    },
  );

const redactionSchema = z
  .array(z.string().min(1))
  .refine((fields) => new Set(fields.map((f) => f.toLowerCase())).size === fields.length, {
    message: 'lists a field twice',
  });

/** What backfill leaves of every Exact division's API budget for live work. */
const apiBudgetReserveSchema = z
  .object({ dayShare: z.number().min(0).max(0.9).optional(), minuteCalls: z.int().min(0).optional() })
  .strict();

/** Open dead letters: the payload warning and the automatic retries of transient failures. */
const deadLettersSchema = z
  .object({
    payloadWarningDays: z.int().min(0).optional(),
    autoRetry: z
      .object({
        enabled: z.boolean().optional(),
        firstDelayMinutes: z.int().positive().optional(),
        maxDelayMinutes: z.int().positive().optional(),
        giveUpAfterHours: z.int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The daily reconciliation: on or off, when (UTC cron) and how many days back. */
const reconcileSchema = z
  .object({
    enabled: z.boolean().optional(),
    schedule: cronSchema.optional(),
    days: z.int().min(1).max(62).optional(),
  })
  .strict();

/** Installation settings, stored under these keys in the settings table. */
export const installationSettingsSchema = z
  .object({
    retention: retentionSchema.optional(),
    redaction: redactionSchema.optional(),
    apiBudgetReserve: apiBudgetReserveSchema.optional(),
    deadLetters: deadLettersSchema.optional(),
    reconcile: reconcileSchema.optional(),
  })
  .strict();

/**
 * Who hears of what, as `notificationSettingsSchema` has it, except that a webhook's URL may be an
 * `${env:NAME}` reference (Slack's and Teams' URLs carry their credential in the path) and its
 * signing secret must be one.
 */
const workspaceRecipientSchema = z
  .object({
    name: z.string().min(1).max(100),
    email: z.email().optional(),
    webhook: z
      .object({
        url: z
          .string()
          .refine(
            (v) => envReferencePattern.test(v) || z.url().safeParse(v).success,
            'must be a URL or an ${env:NAME} reference',
          ),
        format: z.enum(['json', 'slack', 'teams']).default('json'),
        secret: credentialReference.optional(),
      })
      .strict()
      .optional(),
    minSeverity: z.enum(severities).default('warning'),
    pairs: z.array(slug).optional(),
  })
  .strict()
  .refine((r) => Boolean(r.email) !== Boolean(r.webhook), {
    message: 'a recipient has either an email or a webhook',
  });

export const workspaceNotificationsSchema = notificationSettingsSchema.extend({
  recipients: z
    .array(workspaceRecipientSchema)
    .default([])
    .refine((list) => new Set(list.map((r) => r.name)).size === list.length, {
      message: 'names a recipient twice',
    }),
});

export const workspaceSettingKeys = [
  'retention',
  'redaction',
  'apiBudgetReserve',
  'deadLetters',
  'reconcile',
] as const;
export type WorkspaceSettingKey = (typeof workspaceSettingKeys)[number];

export const workspaceSchema = z
  .object({
    version: z.literal(1),
    settings: installationSettingsSchema.optional(),
    notifications: workspaceNotificationsSchema.optional(),
    pairs: z.array(pairSchema).default([]),
  })
  .strict();

/** A workspace as validated (defaults filled in). */
export type Workspace = z.output<typeof workspaceSchema>;
/** A workspace as written in a file (defaults may be left out). */
export type WorkspaceDocument = z.input<typeof workspaceSchema>;
export type WorkspacePair = Workspace['pairs'][number];
export type WorkspaceConnection = WorkspacePair['connections'][number];
export type WorkspaceFlow = WorkspacePair['flows'][number];
export type WorkspaceNotifications = NonNullable<Workspace['notifications']>;
