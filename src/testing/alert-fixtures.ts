import { newId } from '../core/ids.js';
import type { AlertRow } from '../store/repos/alerts.js';

/**
 * Test-only: an open alert as the lifecycle would store it, for tests of what shows and
 * acknowledges alerts (the lifecycle that opens them has tests of its own).
 */
export function sampleAlert(overrides: Partial<AlertRow> = {}): AlertRow {
  const at = overrides.opened_at ?? '2026-12-07T08:00:00.000Z';
  return {
    id: newId('alr', new Date(at)),
    problem_key: `dead_letters:${overrides.flow_id ?? 'orders'}:${Math.random().toString(36).slice(2)}`,
    kind: 'dead_letters.new',
    severity: 'warning',
    pair_id: null,
    flow_id: null,
    connection_id: null,
    state: 'open',
    title: '3 orders could not be sent to Asperion',
    details: JSON.stringify({
      why: 'Asperion refused the customer’s e-mail address.',
      count: 3,
      documents: ['20240017', '20240018', '20240021'],
      fix: {
        action: 'Correct the e-mail address, then replay.',
        webPath: '/dead-letters',
        cli: 'koppel replay orders',
      },
    }),
    opened_at: at,
    last_seen_at: at,
    resolved_at: null,
    acknowledged_at: null,
    acknowledged_by: null,
    last_notified_at: null,
    notified_fingerprint: null,
    messages_sent: 0,
    ...overrides,
  };
}
