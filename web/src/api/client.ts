import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.gen';

export type Schemas = components['schemas'];

/** Every error answer of the API has this shape (its `Error` schema). */
export type ApiErrorBody = Schemas['Error'];

/** An error answer, thrown so that a page can show its one sentence where the action was. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

/** The session's CSRF token, sent with every state-changing request (the API refuses them without). */
export function useCsrfToken(token: string | null): void {
  csrfToken = token;
}

const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  onResponse({ response }) {
    // A session that ended (idle, signed out elsewhere): back to the sign-in page, then here again.
    if (response.status === 401) {
      const next = `${location.pathname}${location.search}`;
      location.assign(`/login?next=${encodeURIComponent(next)}`);
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(sessionMiddleware);

/**
 * The data of an answer, or an ApiError with the API's own sentence. openapi-fetch answers
 * `{ data, error, response }`; pages want the data or a thrown error for react-query to show.
 */
export async function must<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const body = (error ?? {}) as Partial<ApiErrorBody>;
  throw new ApiError(
    response.status,
    body.error?.code ?? `http.${response.status}`,
    body.error?.message ?? `${response.status} ${response.statusText}`,
    body.error?.details,
  );
}
