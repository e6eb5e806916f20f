import type { DivisionInfo } from '../divisions.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface ConsentRequest {
  clientId: string;
  redirectUri: string;
  state: string | undefined;
}

/**
 * The consent screen: a plain HTML form, no JavaScript, so a test or a headless browser can
 * approve it. The user picks the divisions the app may reach (division scoping, reference 1.3).
 */
export function consentPage(request: ConsentRequest, divisions: readonly DivisionInfo[]): string {
  const hidden = (name: string, value: string | undefined) =>
    value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const boxes = divisions
    .map(
      (d) =>
        `<label><input type="checkbox" name="division" value="${d.code}" checked> ${d.code} ${escapeHtml(d.description)} (${d.country})</label><br>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><title>Exact Online sandbox: toegang verlenen</title></head>
<body>
<h1>Exact Online sandbox</h1>
<p>The app <code>${escapeHtml(request.clientId)}</code> asks for access to these administrations:</p>
<form method="post" action="/api/oauth2/auth">
${hidden('client_id', request.clientId)}
${hidden('redirect_uri', request.redirectUri)}
${hidden('state', request.state)}
${boxes}
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
</body>
</html>
`;
}

export function errorPage(message: string): string {
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>Error</title></head><body><p>${escapeHtml(message)}</p></body></html>\n`;
}
