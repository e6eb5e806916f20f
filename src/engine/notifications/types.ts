import { z } from 'zod';

/**
 * The shapes every part of notifications shares: a detected problem, the message made of it, and
 * the settings that say who hears of what.
 */

export const severities = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof severities)[number];

export function severityRank(s: Severity): number {
  return severities.indexOf(s);
}

/** What can raise an alert. */
export const problemKinds = [
  'connection.paused',
  'flow.failing',
  'dead_letters.new',
  'budget.near_limit',
  'webhooks.refused',
  'backlog.growing',
  'token.expiring',
  'reconcile.difference',
] as const;
export type ProblemKind = (typeof problemKinds)[number];

/** Where a person fixes a problem: a page of the web app and the command that does the same. */
export interface FixHint {
  /** In one sentence, what to do. */
  action: string;
  /** A path of the web app, e.g. `/dead-letters?flow=orders`; made absolute with the base URL. */
  webPath: string;
  /** The CLI command, e.g. `koppel replay orders --error orders.bad_email`. */
  cli?: string | undefined;
}

/** One problem as a detector sees it now; the same `key` on the next pass is the same problem. */
export interface Problem {
  key: string;
  kind: ProblemKind;
  severity: Severity;
  pairId: string | null;
  flowId: string | null;
  connectionId: string | null;
  /** What happened, in one line (no secret, no customer payload). */
  title: string;
  /** Why, in one sentence: the error as Koppel explains it. */
  why: string;
  /** How many documents (records, calls) it concerns; 0 when it is not about documents. */
  count: number;
  /** The first few documents by their own numbers (invoice 20240017, not a record id). */
  documents: string[];
  fix: FixHint;
}

export const messageKinds = ['opened', 'digest', 'resolved', 'test'] as const;
export type MessageKind = (typeof messageKinds)[number];

/** A message as it is queued; each channel renders it (e-mail text, JSON, Slack or Teams body). */
export interface NotificationMessage {
  /** The delivery's own id, also the e-mail's Message-ID and the webhook's idempotency key. */
  id: string;
  kind: MessageKind;
  alertId: string | null;
  problemKind: ProblemKind | null;
  severity: Severity;
  /** Subject line: severity, pair and what happened. */
  subject: string;
  title: string;
  why: string;
  count: number;
  documents: string[];
  pair: { id: string; name: string } | null;
  flow: { id: string; name: string } | null;
  /** Absolute links into the web app. */
  links: { fix: string; acknowledge: string | null; alert: string | null };
  fixAction: string;
  cli: string | null;
  openedAt: string | null;
  resolvedAt: string | null;
  at: string;
}

/** Who hears of what; `pairs` omitted means every pair (and installation-wide problems). */
export const notificationRecipientSchema = z
  .object({
    name: z.string().min(1).max(100),
    email: z.email().optional(),
    webhook: z
      .object({
        url: z.url(),
        /** `json` (Koppel's body, HMAC-signed), `slack` or `teams` (their incoming-webhook bodies). */
        format: z.enum(['json', 'slack', 'teams']).default('json'),
        /** In a workspace file an `${env:NAME}` reference; stored encrypted. */
        secret: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    minSeverity: z.enum(severities).default('warning'),
    pairs: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .refine((r) => Boolean(r.email) !== Boolean(r.webhook), {
    message: 'a recipient has either an email or a webhook',
  });
export type NotificationRecipient = z.infer<typeof notificationRecipientSchema>;

export const quietHoursSchema = z
  .object({
    /** `HH:MM`, local time in `timeZone`; `to` before `from` spans midnight. */
    from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'),
    to: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'),
    timeZone: z.string().default('Europe/Amsterdam'),
    /** Messages of this severity or above go out during quiet hours anyway. */
    except: z.enum(severities).optional(),
  })
  .strict();

export const notificationSettingsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** While a problem lasts, a digest at most every this many minutes (and only when it changed). */
    digestMinutes: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .default(60),
    quietHours: quietHoursSchema.optional(),
    recipients: z.array(notificationRecipientSchema).default([]),
  })
  .strict();
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

/** The `settings` table key the notification settings are stored under. */
export const notificationSettingsKey = 'notifications';
