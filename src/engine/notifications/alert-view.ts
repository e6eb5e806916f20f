import type { AlertRow } from '../../store/repos/alerts.js';
import { severities, type Severity } from './types.js';

/** An alert as the API, the CLI and the web app show it: the stored problem's details spread out. */
export interface AlertView {
  id: string;
  kind: string;
  severity: Severity;
  pairId: string | null;
  flowId: string | null;
  connectionId: string | null;
  state: 'open' | 'resolved';
  title: string;
  why: string;
  count: number;
  documents: string[];
  fix: { action: string; webPath: string; cli: string | null };
  openedAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

export function alertView(a: AlertRow): AlertView {
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(a.details) as Record<string, unknown>;
  } catch {
    // Details are written by the lifecycle as JSON; an unreadable one still shows its title.
  }
  const fix = (details.fix ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    id: a.id,
    kind: a.kind,
    severity: (severities as readonly string[]).includes(a.severity) ? (a.severity as Severity) : 'warning',
    pairId: a.pair_id,
    flowId: a.flow_id,
    connectionId: a.connection_id,
    state: a.state === 'resolved' ? 'resolved' : 'open',
    title: a.title,
    why: text(details.why),
    count: typeof details.count === 'number' ? details.count : 0,
    documents: Array.isArray(details.documents) ? details.documents.map(String) : [],
    fix: {
      action: text(fix.action),
      webPath: text(fix.webPath) || '/',
      cli: typeof fix.cli === 'string' ? fix.cli : null,
    },
    openedAt: a.opened_at,
    lastSeenAt: a.last_seen_at,
    resolvedAt: a.resolved_at,
    acknowledgedAt: a.acknowledged_at,
    acknowledgedBy: a.acknowledged_by,
  };
}
