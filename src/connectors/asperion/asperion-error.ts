import { KoppelError, type ErrorKind } from '../../core/errors.js';

export interface ProblemDetails {
  title?: string;
  status?: number;
  detail?: string;
  traceId?: string;
  errors?: Record<string, string[]>;
}

/**
 * An error answer as a typed error that keeps ProblemDetails' field messages (reference 1.7), so
 * the activity log can say which field was refused and why. JSON and problem+json are read; other
 * bodies fall back to their text.
 */
export async function asperionError(res: Response, method: string, endpoint: string): Promise<KoppelError> {
  const text = await res.text();
  let problem: ProblemDetails = {};
  try {
    problem = JSON.parse(text) as ProblemDetails;
  } catch {
    problem = { detail: text.slice(0, 200) };
  }
  // ASP.NET names fields in PascalCase (`Iban`); report them as the payload names them (`iban`).
  const fields = Object.fromEntries(
    Object.entries(problem.errors ?? {}).map(([field, messages]) => [
      field.replace(/^[A-Z]/, (c) => c.toLowerCase()),
      messages,
    ]),
  );
  const fieldText = Object.entries(fields)
    .map(([field, messages]) => `${field}: ${messages.join(' ')}`)
    .join('; ');
  const said = [problem.title, problem.detail, fieldText].filter(Boolean).join(' — ');
  const [kind, code] = classify(res.status);
  const retryAfter = Number(res.headers.get('retry-after'));
  return new KoppelError(`${method} ${endpoint} answered ${res.status}${said ? `: ${said}` : ''}`, {
    code,
    kind,
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    details: {
      status: res.status,
      endpoint,
      fields,
      ...(problem.traceId ? { traceId: problem.traceId } : {}),
      // A gateway that gave up on a create does not know whether Asperion stored it: look it up first.
      ...(method === 'POST' && (res.status === 502 || res.status === 504) ? { outcomeUnknown: true } : {}),
    },
  });
}

function classify(status: number): [ErrorKind, string] {
  if (status === 400 || status === 422) return ['invalid', 'asperion.validation'];
  if (status === 401) return ['auth', 'asperion.unauthorized'];
  // A refused administration or a package that is not enabled: the setup, not the token, is wrong.
  if (status === 403) return ['invalid', 'asperion.forbidden'];
  if (status === 404) return ['not_found', 'asperion.not_found'];
  if (status === 409) return ['conflict', 'asperion.conflict'];
  if (status === 429) return ['rate_limited', 'asperion.rate_limited'];
  if (status >= 500) return ['transient', 'asperion.unavailable'];
  return ['invalid', `asperion.http_${status}`];
}
