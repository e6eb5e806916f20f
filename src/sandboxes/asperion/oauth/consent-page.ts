/** The login-and-consent screen: a plain HTML form, no JavaScript, so any HTTP client can submit it. */
export interface ConsentFields {
  clientId: string;
  redirectUri: string;
  state: string;
  scope: string;
  error?: string;
}

export function renderConsentPage(fields: ConsentFields, defaults: { username: string }): string {
  const hidden = (name: string, value: string) =>
    `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const error = fields.error ? `<p role="alert">${escapeHtml(fields.error)}</p>` : '';
  return `<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><title>Asperion sandbox: toegang verlenen</title></head>
<body>
<h1>Asperion sandbox</h1>
<p>De applicatie <strong>${escapeHtml(fields.clientId)}</strong> vraagt toegang tot uw administraties.</p>
${error}
<form method="post" action="/connect/authorize">
${hidden('client_id', fields.clientId)}
${hidden('redirect_uri', fields.redirectUri)}
${hidden('state', fields.state)}
${hidden('scope', fields.scope)}
${hidden('response_type', 'code')}
<label>Gebruikersnaam <input name="username" value="${escapeHtml(defaults.username)}"></label>
<label>Wachtwoord <input name="password" type="password"></label>
<button type="submit" name="decision" value="allow">Ja, toestaan</button>
<button type="submit" name="decision" value="deny">Weigeren</button>
</form>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
