import type { AuthorizationOutcome } from '../../engine/connect/finish-authorization.js';
import { esc } from './html.js';

/**
 * The page a person lands on after the provider's consent: what was connected (app, account,
 * tenant), or what to do next. Served by `/oauth/callback` and by `koppel connect --port`.
 */
export function oauthCallbackPage(
  o: AuthorizationOutcome,
  options: { webApp: boolean } = { webApp: false },
): { title: string; body: string } {
  const facts = [
    o.connectionId ? ['Connection', o.connectionId] : null,
    o.appTitle ? ['App', o.appTitle] : null,
    o.account ? ['Account', o.account] : null,
    o.tenant && o.tenantNoun ? [cap(o.tenantNoun), `${o.tenant.id} ${o.tenant.name}`] : null,
  ].filter((f): f is string[] => f !== null);
  const table = (rows: string[][], head?: string[]) =>
    `<table>${head ? `<tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>` : ''}${rows
      .map(
        (r) =>
          `<tr>${r.map((c, i) => (i === 0 && !head ? `<th>${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`,
      )
      .join('')}</table>`;
  // Where the service serves the web app, its setup wizard takes the person on from this
  // connection (its tenant, then flows); `koppel connect`'s own listener has no web app.
  const home =
    o.connectionId && options.webApp
      ? `<p><a href="/setup-wizard/connections/${esc(encodeURIComponent(o.connectionId))}">Continue the setup</a> · <a href="/">Back to Koppel</a></p>`
      : '<p><a href="/">Back to Koppel</a></p>';
  if (o.outcome === 'connected')
    return {
      title: 'Connected',
      body: `<h1>Connected</h1><p>${esc(o.message)}.</p>${table(facts)}${home}`,
    };
  if (o.outcome === 'needs_tenant')
    return {
      title: `Authorized: choose the ${o.tenantNoun ?? 'tenant'}`,
      body: `<h1>Authorized: choose the ${esc(o.tenantNoun ?? 'tenant')}</h1><p>${esc(o.message)}.</p>${table(facts)}${
        o.tenants.length > 0
          ? `<h2>${esc(cap(o.tenantNoun ?? 'tenant'))}s it reaches</h2>${table(
              o.tenants.map((t) => [String(t.id), t.name]),
              ['id', 'name'],
            )}`
          : ''
      }${home}`,
    };
  return {
    title: 'Not connected',
    body: `<h1>Not connected</h1><p role="alert">${esc(o.message)}.</p>${home}`,
  };
}

const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
