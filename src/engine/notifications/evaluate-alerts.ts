import { toKoppelError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { openAlert, openAlerts, updateAlert, type AlertRow } from '../../store/repos/alerts.js';
import { listDeliveries, queueDelivery } from '../../store/repos/notification-deliveries.js';
import type { EngineDeps } from '../deps.js';
import { composeMessage, problemFingerprint } from './compose.js';
import { alertDetectors, type Detector } from './detectors.js';
import { sendAfter } from './quiet-hours.js';
import { readNotificationSettings } from './settings.js';
import {
  severityRank,
  type MessageKind,
  type NotificationRecipient,
  type NotificationSettings,
  type Problem,
  type Severity,
} from './types.js';

export interface EvaluateOptions {
  now: Date;
  /** Where people reach the web app; messages link under it. */
  baseUrl: string;
  /** The detectors to run; every one by default (tests pass a few). */
  detectors?: ReadonlyArray<{ kind: string; detect: Detector }> | undefined;
}

export interface EvaluateResult {
  opened: number;
  updated: number;
  resolved: number;
  /** Delivery rows queued (one per message and recipient). */
  queued: number;
  /** Detectors that threw: the alerts of their kind were left as they were. */
  failedDetectors: string[];
}

/** Who hears of an alert of this severity and pair. */
export function recipientsFor(
  settings: NotificationSettings,
  severity: Severity,
  pairId: string | null,
): NotificationRecipient[] {
  if (!settings.enabled) return [];
  return settings.recipients.filter(
    (r) =>
      severityRank(severity) >= severityRank(r.minSeverity) &&
      (r.pairs === undefined || (pairId !== null && r.pairs.includes(pairId))),
  );
}

/**
 * One pass of the alert lifecycle: every detector's problems are compared with the open alerts.
 * A new problem opens an alert and tells its recipients; a lasting one is kept up to date and,
 * when it changed and `digestMinutes` passed since the last message and nobody acknowledged it,
 * told again in a digest; a problem no detector sees any more resolves its alert, and whoever was
 * told of it hears that it cleared.
 *
 * Safe beside another process doing the same: the unique open-alert index lets one of them open
 * an alert, the state check lets one resolve it, and each message's dedupe key (alert, message
 * sequence, recipient) lets one queue it.
 */
export async function evaluateAlerts(deps: EngineDeps, options: EvaluateOptions): Promise<EvaluateResult> {
  const db = deps.store.db;
  const now = options.now;
  const at = now.toISOString();
  const result: EvaluateResult = { opened: 0, updated: 0, resolved: 0, queued: 0, failedDetectors: [] };
  const detectors = options.detectors ?? alertDetectors;
  const settings = await readNotificationSettings(db, deps.box);
  const pairNames = new Map(
    (await db.selectFrom('pairs').select(['id', 'name']).execute()).map((p) => [p.id, p.name]),
  );
  const pairOf = (id: string | null) => (id === null ? null : { id, name: pairNames.get(id) ?? id });

  const problems = new Map<string, Problem>();
  const covered = new Set<string>();
  for (const d of detectors) {
    try {
      for (const p of await d.detect(deps, now)) problems.set(p.key, p);
      covered.add(d.kind);
    } catch (e) {
      // Its problems are unknown this pass: the others go on, and its alerts are neither opened nor resolved.
      const error = toKoppelError(e);
      result.failedDetectors.push(d.kind);
      deps.logger.warn({ detector: d.kind, errorCode: error.code }, `alert detector ${d.kind} failed`);
    }
  }

  const queue = async (
    alert: Pick<AlertRow, 'id' | 'opened_at' | 'resolved_at' | 'severity'>,
    kind: MessageKind,
    seq: number,
    problem: Problem,
    to: NotificationRecipient[],
  ): Promise<number> => {
    const severity = alert.severity as Severity;
    const sendAt = sendAfter(now, severity, settings.quietHours).toISOString();
    let queued = 0;
    for (const r of to) {
      const id = newId('ntf', now);
      const message = composeMessage({
        id,
        kind,
        alertId: alert.id,
        problem,
        severity,
        pair: pairOf(problem.pairId),
        baseUrl: options.baseUrl,
        box: deps.box,
        openedAt: alert.opened_at,
        resolvedAt: alert.resolved_at,
        at,
      });
      const done = await queueDelivery(db, {
        id,
        dedupe_key: `${alert.id}:${seq}:${r.name}`,
        alert_id: alert.id,
        message_kind: kind,
        recipient: r.name,
        channel: r.email ? 'email' : 'webhook',
        address: r.email ?? null,
        message: JSON.stringify(message),
        state: 'pending',
        attempts: 0,
        next_attempt_at: sendAt,
        locked_until: null,
        last_error: null,
        created_at: at,
        sent_at: null,
      });
      if (done) queued++;
    }
    result.queued += queued;
    return queued;
  };

  const open = new Map((await openAlerts(db)).map((a) => [a.problem_key, a]));
  for (const problem of problems.values()) {
    const existing = open.get(problem.key);
    const fingerprint = problemFingerprint(problem);
    const to = recipientsFor(settings, problem.severity, problem.pairId);
    if (!existing) {
      const row: AlertRow = {
        id: newId('alr', now),
        problem_key: problem.key,
        kind: problem.kind,
        severity: problem.severity,
        pair_id: problem.pairId,
        flow_id: problem.flowId,
        connection_id: problem.connectionId,
        state: 'open',
        title: problem.title,
        details: JSON.stringify(problem),
        opened_at: at,
        last_seen_at: at,
        resolved_at: null,
        acknowledged_at: null,
        acknowledged_by: null,
        last_notified_at: null,
        notified_fingerprint: null,
        messages_sent: 0,
      };
      // Another process opened it first: that one tells the recipients.
      if (!(await openAlert(db, row))) continue;
      result.opened++;
      if (to.length > 0 && (await queue(row, 'opened', 1, problem, to)) > 0)
        await updateAlert(db, row.id, 'open', {
          messages_sent: 1,
          last_notified_at: at,
          notified_fingerprint: fingerprint,
        });
      continue;
    }
    // Resolved by another process meanwhile (its detectors ran later): its resolved message has
    // this alert's next sequence number, which a digest must not take.
    const still = await updateAlert(db, existing.id, 'open', {
      last_seen_at: at,
      title: problem.title,
      severity: problem.severity,
      details: JSON.stringify(problem),
    });
    if (!still) continue;
    result.updated++;
    const seq = Number(existing.messages_sent) + 1;
    const alert = { ...existing, severity: problem.severity };
    if (to.length === 0) continue;
    // Opened while nobody was to be told (no recipients yet): those who are now hear of it as new.
    const kind: MessageKind | null =
      existing.last_notified_at === null
        ? 'opened'
        : existing.acknowledged_at === null &&
            fingerprint !== existing.notified_fingerprint &&
            now.getTime() - new Date(existing.last_notified_at).getTime() >= settings.digestMinutes * 60_000
          ? 'digest'
          : null;
    if (kind && (await queue(alert, kind, seq, problem, to)) > 0)
      await updateAlert(db, existing.id, 'open', {
        messages_sent: seq,
        last_notified_at: at,
        notified_fingerprint: fingerprint,
      });
  }

  for (const alert of open.values()) {
    if (problems.has(alert.problem_key) || !covered.has(alert.kind)) continue;
    if (!(await updateAlert(db, alert.id, 'open', { state: 'resolved', resolved_at: at }))) continue;
    result.resolved++;
    if (Number(alert.messages_sent) === 0) continue;
    const told = await toldRecipients(deps, alert.id);
    const to = settings.enabled ? settings.recipients.filter((r) => told.has(r.name)) : [];
    const problem = JSON.parse(alert.details) as Problem;
    const seq = Number(alert.messages_sent) + 1;
    if (to.length > 0 && (await queue({ ...alert, resolved_at: at }, 'resolved', seq, problem, to)) > 0)
      await updateAlert(db, alert.id, 'resolved', { messages_sent: seq, last_notified_at: at });
  }
  return result;
}

/** The recipients an opened message or digest about the alert was queued for. */
async function toldRecipients(deps: EngineDeps, alertId: string): Promise<Set<string>> {
  const rows = await listDeliveries(deps.store.db, { alertId, limit: 1000 });
  return new Set(rows.filter((r) => r.message_kind !== 'resolved').map((r) => r.recipient));
}
