import { KoppelError, type ErrorKind } from '../../core/errors.js';

/** Exact's text for a real server failure (reference 4.6); any other 500 is a business rule. */
const genericFailure = /A problem has occurred/i;

/**
 * An error answer as a typed error carrying the method, the endpoint template, the status and
 * Exact's own message (reference 4.6). A 500 is usually a deterministic business-rule failure
 * (`Gegeven bestaat reeds.`) and must not be retried blindly; only the generic failure text and
 * 502–504 are transient.
 */
export async function exactError(
  res: Response,
  method: string,
  endpoint: string,
  /** How often the call was tried, when more than once (reads retried on the gateway). */
  attempts = 1,
): Promise<KoppelError> {
  const text = await res.text();
  let message = '';
  try {
    const body = JSON.parse(text) as { error?: { message?: { value?: string } | string } };
    const m = body.error?.message;
    message = typeof m === 'string' ? m : (m?.value ?? '');
  } catch {
    message = text.slice(0, 200);
  }
  const reason = res.headers.get('reason');
  const said = [message, reason ? `(${reason})` : ''].filter(Boolean).join(' ');
  const [kind, code] = classify(res.status, message);
  return new KoppelError(
    `${method} ${endpoint} answered ${res.status}${afterAttempts(attempts)}${said ? `: ${said}` : ''}`,
    {
      code,
      kind,
      details: {
        status: res.status,
        endpoint,
        providerMessage: message,
        ...(reason ? { reason } : {}),
        ...(attempts > 1 ? { attempts } : {}),
      },
    },
  );
}

/** ` after 3 attempts` for a call tried more than once, else nothing. */
export const afterAttempts = (attempts: number) => (attempts > 1 ? ` after ${attempts} attempts` : '');

function classify(status: number, message: string): [ErrorKind, string] {
  if (status === 400) return ['invalid', 'exact.bad_request'];
  if (status === 401) return ['auth', 'exact.unauthorized'];
  if (status === 403) return ['auth', 'exact.forbidden'];
  if (status === 404) return ['not_found', 'exact.not_found'];
  if (status === 429) return ['rate_limited', 'exact.rate_limited'];
  if (status === 500)
    return genericFailure.test(message) || message === ''
      ? ['transient', 'exact.server_error']
      : ['invalid', 'exact.business_rule'];
  if (status >= 500) return ['transient', 'exact.unavailable'];
  return ['invalid', `exact.http_${status}`];
}
