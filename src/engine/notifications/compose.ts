import type { SecretBox } from '../../core/secret-box.js';
import { maskPersonalText } from '../../core/redaction.js';
import { ackPath } from './ack-token.js';
import type { MessageKind, NotificationMessage, Problem, Severity } from './types.js';

export interface ComposeInput {
  id: string;
  kind: MessageKind;
  alertId: string;
  problem: Problem;
  severity: Severity;
  pair: { id: string; name: string } | null;
  baseUrl: string;
  box: SecretBox;
  openedAt: string;
  resolvedAt: string | null;
  at: string;
}

/**
 * A message about one alert, as every channel renders it. Links are absolute because the message
 * is read outside the web app; texts are masked once more here, since a problem's sentence may
 * quote what a provider echoed back.
 */
export function composeMessage(i: ComposeInput): NotificationMessage {
  const base = i.baseUrl.replace(/\/+$/, '');
  const p = i.problem;
  const title = maskPersonalText(p.title);
  const where = i.pair ? ` · ${i.pair.name}` : '';
  const subject =
    i.kind === 'resolved'
      ? `[Koppel] resolved${where}: ${title}`
      : `[Koppel] ${i.severity}${where}: ${i.kind === 'digest' ? `still open: ${title}` : title}`;
  return {
    id: i.id,
    kind: i.kind,
    alertId: i.alertId,
    problemKind: p.kind,
    severity: i.severity,
    subject,
    title,
    why: maskPersonalText(p.why),
    count: p.count,
    documents: p.documents.map(maskPersonalText),
    pair: i.pair,
    flow: p.flowId ? { id: p.flowId, name: p.flowId } : null,
    links: {
      fix: base + p.fix.webPath,
      // A resolved problem needs no acknowledging.
      acknowledge: i.kind === 'resolved' ? null : base + ackPath(i.box, i.alertId),
      alert: `${base}/?alert=${encodeURIComponent(i.alertId)}`,
    },
    fixAction: maskPersonalText(p.fix.action),
    cli: p.fix.cli ?? null,
    openedAt: i.openedAt,
    resolvedAt: i.resolvedAt,
    at: i.at,
  };
}

/** What a digest compares: it goes out only when one of these changed since the last message. */
export function problemFingerprint(p: Pick<Problem, 'count' | 'documents' | 'severity'>): string {
  return JSON.stringify([p.severity, p.count, p.documents]);
}
