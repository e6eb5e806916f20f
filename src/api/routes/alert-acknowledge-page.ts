import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Principal } from '../../access/principal.js';
import { recordAudit } from '../../access/audit.js';
import { isAckToken } from '../../engine/notifications/ack-token.js';
import { getAlert, type AlertRow } from '../../store/repos/alerts.js';
import { acknowledgeAlertAndEvents } from '../../engine/notifications/acknowledge.js';
import { esc, sendPage } from '../pages/html.js';
import type { ApiContext, ApiRoute, FastifyReply } from '../route-kit.js';

/** Who acknowledged through a message's link: whoever holds the message; the audit log says so. */
const linkActor: Principal = {
  kind: 'system',
  id: null,
  name: 'acknowledge link',
  role: 'viewer',
  pairScope: null,
};

const params = z.object({ id: z.string().min(1).max(200) });

/**
 * The page a message's "acknowledge" link opens. The token in the link is the credential (an HMAC
 * of the alert id), so it needs no sign-in. GET only shows the alert and a button: mail scanners
 * and link previewers open links, they do not press buttons. A wrong token or unknown alert gets
 * the same 404 page, so the page tells a guesser nothing.
 */
export const alertAcknowledgePageRoute: ApiRoute = (server, ctx) => {
  void server.register((plain, _options, done) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    // The button's form posts `token=…` without a script; its script posts the same.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_req, body, parsed) => parsed(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const options = { config: { access: 'public' as const, page: true }, schema: { hide: true } };

    scope.get(
      '/alerts/:id/acknowledge',
      {
        ...options,
        schema: { hide: true, params, querystring: z.object({ token: z.string().default('') }) },
      },
      async (req, reply) => {
        const alert = await alertWithToken(ctx, req.params.id, req.query.token);
        if (!alert) return notFoundPage(reply);
        if (alert.acknowledged_at) return acknowledgedPage(reply, alert);
        const path = `/alerts/${encodeURIComponent(alert.id)}/acknowledge`;
        return sendPage(reply, {
          title: 'Acknowledge alert – Koppel',
          body: `<h1>Acknowledge this alert?</h1>${describe(alert)}
<form class="card" id="f" method="post" action="${esc(path)}"><input type="hidden" name="token" value="${esc(req.query.token)}">
<p>Acknowledging tells everyone that someone is on it; the alert stays open until the problem is gone.</p>
<button type="submit">Acknowledge</button><p role="alert"></p></form>`,
          // Posted without the session cookie: the token is the credential, and a signed-in
          // browser's cookie would otherwise ask for a CSRF token this page cannot have.
          script: `document.getElementById('f').addEventListener('submit', async (ev) => {
  ev.preventDefault(); const f = ev.target;
  const res = await fetch(f.action, { method: 'POST', credentials: 'omit', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(new FormData(f)).toString() });
  if (res.ok) { document.querySelector('main').innerHTML = new DOMParser().parseFromString(await res.text(), 'text/html').querySelector('main').innerHTML; }
  else { f.querySelector('[role=alert]').textContent = 'This link does not acknowledge anything (any more).'; }
});`,
        });
      },
    );

    scope.post(
      '/alerts/:id/acknowledge',
      { ...options, schema: { hide: true, params, body: z.object({ token: z.string().default('') }) } },
      async (req, reply) => {
        const alert = await alertWithToken(ctx, req.params.id, req.body.token);
        if (!alert) return notFoundPage(reply);
        const at = ctx.app.clock.now().toISOString();
        const { acknowledged: changed } = await acknowledgeAlertAndEvents(ctx.app, alert.id, at, 'link');
        if (changed)
          await recordAudit(ctx.app.store.db, ctx.app.clock, {
            actor: linkActor,
            action: 'alert.acknowledge',
            target: { kind: 'alert', id: alert.id },
            pairId: alert.pair_id,
            ip: req.ip,
            details: { via: 'link' },
          });
        return acknowledgedPage(reply, (await getAlert(ctx.app.store.db, alert.id)) ?? alert);
      },
    );
    done();
  });
};

async function alertWithToken(ctx: ApiContext, id: string, token: string): Promise<AlertRow | undefined> {
  if (!token || !isAckToken(ctx.app.box, id, token)) return undefined;
  return getAlert(ctx.app.store.db, id);
}

function describe(alert: AlertRow): string {
  return `<p><strong>${esc(alert.title)}</strong></p>
<p>Severity ${esc(alert.severity)}, open since ${esc(alert.opened_at)}${alert.state === 'resolved' ? `, resolved ${esc(alert.resolved_at)}` : ''}.</p>`;
}

function acknowledgedPage(reply: FastifyReply, alert: AlertRow): FastifyReply {
  return sendPage(reply, {
    title: 'Alert acknowledged – Koppel',
    body: `<h1>Acknowledged</h1>${describe(alert)}<p role="status">Acknowledged ${esc(alert.acknowledged_at)}${
      alert.acknowledged_by
        ? ` (${esc(alert.acknowledged_by === 'link' ? 'by a message’s link' : alert.acknowledged_by)})`
        : ''
    }. <a href="/">Open Koppel</a></p>`,
  });
}

function notFoundPage(reply: FastifyReply): FastifyReply {
  return sendPage(reply.status(404), {
    title: 'Koppel',
    body: `<h1>Not found</h1><p>There is nothing to acknowledge at this address.</p>`,
  });
}
