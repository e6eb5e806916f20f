import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';

export const esc = (v: unknown): string =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

// The look of the web app (web/src/styles.css), for the few pages that must work without it.
const style = `body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b}
.bar{background:#1f4e79;color:#fff;padding:.6rem 1.5rem;font-weight:700;font-size:1.15rem}
main{padding:1rem 1.5rem;max-width:60rem}h1{font-size:1.45rem}
form.card{display:grid;gap:.8rem;max-width:22rem;border:1px solid #d5d5d5;border-radius:6px;padding:1rem 1.2rem}
label{display:grid;gap:.2rem}input{font:inherit;padding:.35rem .45rem;border:1px solid #767676;border-radius:4px}
button{font:inherit;padding:.4rem .9rem;cursor:pointer;border:1px solid #1f4e79;background:#1f4e79;color:#fff;border-radius:4px}
:focus-visible{outline:3px solid #1f4e79;outline-offset:2px}[role=alert]{color:#a00018}`;

/**
 * A server-rendered page. Its script (if any) runs under a nonce of its own in a strict Content
 * Security Policy: nothing but this page's own code runs, and it talks only to this origin.
 */
export function sendPage(reply: FastifyReply, page: Page): FastifyReply {
  const { html, headers } = renderPage(page);
  for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
  return reply.type('text/html; charset=utf-8').send(html);
}

export interface Page {
  title: string;
  body: string;
  script?: string;
  refreshSeconds?: number;
}

/** A page's HTML and the headers it must go with; for servers that are not Fastify (`koppel connect --port`). */
export function renderPage(page: Page): { html: string; headers: Record<string, string> } {
  const nonce = randomBytes(16).toString('base64');
  const refresh = page.refreshSeconds ? `<meta http-equiv="refresh" content="${page.refreshSeconds}">` : '';
  return {
    headers: {
      'content-security-policy':
        `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; ` +
        `form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
      'cache-control': 'no-store',
    },
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8">${refresh}
<title>${esc(page.title)}</title><style>${style}</style></head><body>
<div class="bar">Koppel</div><main>
${page.body}
</main>
${page.script ? `<script nonce="${nonce}">${page.script}</script>` : ''}
</body></html>`,
  };
}

/**
 * Browser code shared by the pages: JSON to the API, the CSRF token when signed in, the error's
 * message shown in the page's alert.
 */
export const pageScript = `
async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (window.csrfToken) headers['x-csrf-token'] = window.csrfToken;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) throw new Error(json.error ? json.error.message : res.statusText);
  return json;
}
function showError(e) { const a = document.querySelector('[role=alert]'); a.textContent = e.message; }
`;
