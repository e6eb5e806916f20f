import type { ApiRoute } from '../server.js';
import { budgetCells, budgetHeaders } from '../../engine/budget-report.js';
import { statusReport, type StatusReport } from './status.js';

/** A read-only status page until the dashboard exists: server-rendered, refreshes itself. */
export const statusPageRoute: ApiRoute = (app, ctx) => {
  app.get('/', async (_req, reply) => {
    const report = await statusReport(ctx);
    return reply.type('text/html; charset=utf-8').send(renderStatusPage(report));
  });
};

const esc = (v: unknown) =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

function table(headers: string[], rows: unknown[][]): string {
  if (rows.length === 0) return '<p class="empty">None yet.</p>';
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function renderStatusPage(r: StatusReport): string {
  const counts = (c: unknown) =>
    Object.entries((c ?? {}) as Record<string, number>)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10">
<title>Koppel status</title><style>
body{font:14px system-ui,sans-serif;margin:2rem;color:#222}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}
table{border-collapse:collapse}td,th{padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:left}th{background:#f4f4f4}
.empty{color:#777}</style></head><body>
<h1>Koppel</h1><p>Database: ${esc(r.database)}. This page refreshes every 10 seconds.</p>
<h2>Connections</h2>${table(
    ['connection', 'pair', 'app', 'status', 'why'],
    r.connections.map((c) => [c.id, c.pairId, c.app, c.status, c.pausedReason ?? '']),
  )}
<h2>Flows</h2>${table(
    ['flow', 'pair', 'kind', 'enabled', 'schedule', 'open dead letters'],
    r.flows.map((f) => [
      f.id,
      f.pairId,
      f.kind,
      f.enabled ? 'yes' : 'no',
      f.schedule ?? '',
      f.openDeadLetters,
    ]),
  )}
<h2>API budget</h2>${table(budgetHeaders, r.budgets.map(budgetCells))}
<h2>Recent runs</h2>${table(
    ['run', 'flow', 'trigger', 'state', 'records', 'API calls', 'started', 'error'],
    r.runs.map((x) => [
      x.id,
      x.flowId,
      x.trigger,
      x.state,
      counts(x.counts),
      counts(x.apiCalls),
      x.createdAt,
      x.error ?? '',
    ]),
  )}
<h2>Events</h2>${table(
    ['at', 'severity', 'event', 'message'],
    r.events.map((e) => [e.createdAt, e.severity, e.type, e.message]),
  )}
</body></html>`;
}
