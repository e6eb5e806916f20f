import { createHmac } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { backoffMs, type Backoff } from '../../core/backoff.js';
import { addMs } from '../../core/clock.js';
import { smtpLabel } from '../../core/config.js';
import {
  claimDueDeliveries,
  markDeliveryAttemptFailed,
  markDeliverySent,
  openedDeliveryId,
  type NotificationDeliveryRow,
} from '../../store/repos/notification-deliveries.js';
import type { EngineDeps, SmtpSettings } from '../deps.js';
import { jsonWebhookBody, renderEmail, slackWebhookBody, teamsWebhookBody } from './render.js';
import { maskedUrl, readNotificationSettings } from './settings.js';
import type { NotificationMessage } from './types.js';

/**
 * Sends queued notification messages. Rows are claimed by compare-and-set with a lock, so two
 * processes never send one at the same time; a crash between sending and marking leaves the row
 * to be sent again after the lock, which is why the e-mail's Message-ID and the webhook's
 * Koppel-Delivery header are the row's id: the receiver can recognise the repeat.
 */

/** Long enough for a batch of slow attempts (each bounded by the timeouts below). */
export const deliveryLockMs = 2 * 60_000;
/** Rows claimed at once: each batch is sent before the next is claimed, well within the lock. */
const batchSize = 5;
export const webhookTimeoutMs = 10_000;
/**
 * The wait before retry n: 1 minute doubling to 1 hour. A failed message gets 30 attempts, about 24
 * hours of retrying: a mail server or chat service down overnight still gets the message. Counted
 * in attempts, not from when it was queued, because quiet hours may hold a message back for most of
 * a day before its first attempt; past three days after queueing it is old news all the same. Then
 * the row shows as `failed`.
 */
export const deliveryBackoff: Backoff = { baseMs: 60_000, capMs: 60 * 60_000 };
export const deliveryMaxAttempts = 30;
export const deliveryMaxAgeMs = 3 * 24 * 60 * 60_000;

type Mailer = Transporter<SMTPTransport.SentMessageInfo>;

export interface DeliveryCounts {
  sent: number;
  /** Given up: a permanent refusal, or retries ran out. */
  failed: number;
  /** Failed this time, tried again later. */
  retrying: number;
}

/** Why an attempt failed, in words that are safe to store and show (no secret, no full URL). */
export class DeliveryFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** At least this long before the next attempt (a Retry-After answer). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryFailure';
  }
}

export async function deliverDueNotifications(
  deps: EngineDeps,
  options: { now?: Date; limit?: number } = {},
): Promise<DeliveryCounts> {
  const counts: DeliveryCounts = { sent: 0, failed: 0, retrying: 0 };
  const limit = options.limit ?? 50;
  let mailer: Mailer | undefined;
  try {
    let taken = 0;
    while (taken < limit) {
      const now = options.now ?? deps.clock.now();
      const nowIso = now.toISOString();
      const rows = await claimDueDeliveries(
        deps.store.db,
        nowIso,
        addMs(nowIso, deliveryLockMs),
        Math.min(batchSize, limit - taken),
      );
      if (rows.length === 0) break;
      taken += rows.length;
      // Settled, not all: every attempt of the batch finishes (and is marked) before a store
      // error of one of them ends the pass.
      const results = await Promise.allSettled(
        rows.map((row) => attempt(deps, row, now, () => (mailer ??= createMailer(deps)))),
      );
      for (const r of results) if (r.status === 'fulfilled') counts[r.value]++;
      const broken = results.find((r) => r.status === 'rejected');
      if (broken) throw broken.reason;
    }
  } finally {
    mailer?.close();
  }
  return counts;
}

async function attempt(
  deps: EngineDeps,
  row: NotificationDeliveryRow,
  now: Date,
  mailer: () => Mailer | undefined,
): Promise<keyof DeliveryCounts> {
  const attempts = row.attempts + 1;
  const log = { delivery: row.id, recipient: row.recipient, channel: row.channel, attempts };
  let failure: DeliveryFailure | undefined;
  try {
    await send(deps, row, now, mailer);
  } catch (e) {
    failure =
      e instanceof DeliveryFailure
        ? e
        : new DeliveryFailure(`unexpected error: ${String((e as Error)?.message ?? e)}`, true);
  }
  // Marking is outside the try: a store error after a successful send must not be taken for a
  // failed send (and a retry); it fails the pass, and the row is sent again after its lock.
  if (!failure) {
    await markDeliverySent(deps.store.db, row.id, deps.clock.now().toISOString(), attempts);
    deps.logger.info(log, 'notification sent');
    return 'sent';
  }
  const error = deps.secrets.scrub(failure.message).slice(0, 1000);
  const retryAt = failure.retryable ? nextAttemptAt(row, attempts, now, failure.retryAfterMs) : null;
  await markDeliveryAttemptFailed(deps.store.db, row.id, attempts, error, retryAt);
  deps.logger.warn(
    { ...log, error, ...(retryAt ? { retryAt } : {}) },
    retryAt ? 'notification not sent; trying again later' : 'notification not sent; giving up',
  );
  return retryAt ? 'retrying' : 'failed';
}

async function send(
  deps: EngineDeps,
  row: NotificationDeliveryRow,
  now: Date,
  mailer: () => Mailer | undefined,
): Promise<void> {
  let message: NotificationMessage;
  try {
    message = JSON.parse(row.message) as NotificationMessage;
  } catch {
    throw new DeliveryFailure('the queued message is not valid JSON', false);
  }
  if (row.channel === 'email') await sendEmail(deps, row, message, mailer());
  else if (row.channel === 'webhook') await sendWebhook(deps, row, message, now);
  else throw new DeliveryFailure(`unknown channel ${row.channel}`, false);
}

/** The next attempt after `attempts` failed ones, or null once retries are used up. */
export function nextAttemptAt(
  row: Pick<NotificationDeliveryRow, 'created_at'>,
  attempts: number,
  now: Date,
  retryAfterMs = 0,
): string | null {
  if (attempts >= deliveryMaxAttempts) return null;
  const wait = Math.max(backoffMs(attempts, deliveryBackoff), retryAfterMs);
  const at = now.getTime() + wait;
  return at > Date.parse(row.created_at) + deliveryMaxAgeMs ? null : new Date(at).toISOString();
}

function createMailer(deps: EngineDeps): Mailer | undefined {
  const smtp = deps.notifications?.smtp;
  if (!smtp) return undefined;
  return nodemailer.createTransport(smtpTransportOptions(smtp));
}

export function smtpTransportOptions(smtp: SmtpSettings): SMTPTransport.Options {
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    // Nodemailer upgrades with STARTTLS whenever the server offers it; with a password, a server
    // that does not offer it (or a downgrade by someone in between) must not see it in clear.
    requireTLS: !smtp.secure && smtp.password !== undefined,
    ...(smtp.user !== undefined ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    // A private CA is trusted besides the system's, not instead of them.
    ...(smtp.ca ? { tls: { ca: [...rootCertificates, smtp.ca] } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    logger: false,
    debug: false,
  };
}

async function sendEmail(
  deps: EngineDeps,
  row: NotificationDeliveryRow,
  message: NotificationMessage,
  mailer: Mailer | undefined,
): Promise<void> {
  const smtp = deps.notifications?.smtp;
  // Retryable: the operator may set it, and the message is still worth sending then.
  if (!smtp || !mailer) throw new DeliveryFailure('KOPPEL_SMTP_URL is not set', true);
  if (!row.address) throw new DeliveryFailure('the delivery has no e-mail address', false);
  const rendered = renderEmail(message);
  const opened = row.alert_id
    ? await openedDeliveryId(deps.store.db, row.alert_id, row.recipient)
    : undefined;
  const thread = opened && opened !== row.id ? `<${opened}@koppel>` : undefined;
  try {
    await mailer.sendMail({
      from: deps.notifications?.from ?? 'Koppel <koppel@localhost>',
      to: row.address,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId: `<${row.id}@koppel>`,
      ...(thread ? { inReplyTo: thread, references: [thread] } : {}),
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Koppel-Delivery': row.id },
    });
  } catch (e) {
    throw smtpFailure(e, smtp);
  }
}

/**
 * An SMTP error as it may be stored: nodemailer's own text (it names the command and the server's
 * answer, never the credentials), scrubbed of the password anyway. A 5xx refusal of the recipient
 * is permanent; everything else (connection, TLS, login, 4xx) may pass once the server or the
 * configuration is right.
 */
function smtpFailure(e: unknown, smtp: SmtpSettings): DeliveryFailure {
  const err = e as { message?: string; code?: string; responseCode?: number };
  let text = String(err.message ?? e);
  for (const secret of [smtp.password, smtp.password && encodeURIComponent(smtp.password)])
    if (secret) text = text.split(secret).join('[redacted]');
  const permanent = err.code === 'EENVELOPE' && (err.responseCode ?? 0) >= 500;
  return new DeliveryFailure(`SMTP ${smtpLabel(smtp)}: ${err.code ? `${err.code} ` : ''}${text}`, !permanent);
}

async function sendWebhook(
  deps: EngineDeps,
  row: NotificationDeliveryRow,
  message: NotificationMessage,
  now: Date,
): Promise<void> {
  const settings = await readNotificationSettings(deps.store.db, deps.box);
  const recipient = settings.recipients.find((r) => r.name === row.recipient);
  if (!recipient?.webhook)
    throw new DeliveryFailure(
      `recipient "${row.recipient}" has no webhook in the notification settings any more`,
      false,
    );
  const { url, format, secret } = recipient.webhook;
  // A Slack or Teams URL is itself a credential: scrub it from anything an error might echo.
  deps.secrets.add(url);
  deps.secrets.add(secret);
  const body = JSON.stringify(
    format === 'slack'
      ? slackWebhookBody(message)
      : format === 'teams'
        ? teamsWebhookBody(message)
        : jsonWebhookBody(message),
  );
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Koppel',
    'koppel-delivery': row.id,
  };
  if (secret) headers['koppel-signature'] = webhookSignature(secret, body, now);
  const where = `webhook ${maskedUrl(url)}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      // A redirect could lead the signed body anywhere; the configured URL is the destination.
      redirect: 'manual',
      signal: AbortSignal.timeout(webhookTimeoutMs),
    });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const why =
      err.name === 'TimeoutError'
        ? `no answer within ${webhookTimeoutMs / 1000} s`
        : (err.cause?.code ?? err.message);
    throw new DeliveryFailure(`${where}: ${why}`, true);
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return;
  const status = `${where} answered ${response.status}`;
  if (response.status === 429 || response.status >= 500)
    throw new DeliveryFailure(status, true, retryAfterMs(response.headers.get('retry-after'), now));
  throw new DeliveryFailure(status, false);
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as the README tells a receiver to check. */
export function webhookSignature(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** Retry-After in seconds or as an HTTP date; capped at the longest backoff so a typo cannot park it. */
export function retryAfterMs(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - now.getTime();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, deliveryBackoff.capMs) : undefined;
}
