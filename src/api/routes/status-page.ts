import { budgetCells, budgetHeaders } from '../../engine/budget-report.js';
import { esc, pageScript, sendPage } from '../pages/html.js';
import { principalOf, type ApiRoute } from '../route-kit.js';
import { statusReport, type StatusReport } from './status.js';

/** A read-only status page until the web app exists: server-rendered, refreshes itself. */
export const statusPageRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/',
    { config: { access: 'viewer', page: true }, schema: { hide: true } },
    async (req, reply) => {
      const report = await statusReport(ctx, req);
      const who = principalOf(req);
      return sendPage(reply, {
        title: 'Koppel status',
        refreshSeconds: 10,
        body: `<header><h1>Koppel</h1><form id="out"><span>${esc(who.name)} (${esc(who.role)})</span> <button type="submit">Sign out</button></form></header>
${renderStatusPage(report)}`,
        script: `${pageScript}
document.getElementById('out').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const s = await api('GET', '/api/session'); window.csrfToken = s.csrfToken;
  await api('DELETE', '/api/session'); location.assign('/login');
});`,
      });
    },
  );
};

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
  return `<p>Database: ${esc(r.database)}. This page refreshes every 10 seconds. The API reference is at <a href="/api/docs">/api/docs</a>.</p>
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
  )}`;
}
