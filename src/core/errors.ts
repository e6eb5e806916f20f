/**
 * One error type for the whole product. `kind` carries the retry meaning; exactly three places
 * interpret it: the engine's retry policy, the HTTP error handler and the CLI exit code.
 * Messages carry method, URL template, status and the provider's error text; never tokens or bodies.
 */
export const errorKinds = [
  'auth',
  'forbidden',
  'rate_limited',
  'transient',
  'invalid',
  'not_found',
  'conflict',
  'internal',
] as const;
export type ErrorKind = (typeof errorKinds)[number];

export interface KoppelErrorOptions {
  /** `area.reason`, e.g. `mapping.expression_failed`. */
  code: string;
  kind: ErrorKind;
  retryAfterMs?: number | undefined;
  /** Safe, structured context (never secrets, never whole bodies). */
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
}

export class KoppelError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, options: KoppelErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KoppelError';
    this.code = options.code;
    this.kind = options.kind;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }
}

export function isKoppelError(e: unknown): e is KoppelError {
  return e instanceof KoppelError;
}

/** Any thrown value as a KoppelError; unknown failures are `internal`. */
/**
 * A sentence for anything thrown: an Error's message, a text as it is, an object's `message` or
 * else its fields as JSON. Never "[object Object]": libraries throw plain objects too.
 */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  if (e !== null && typeof e === 'object') {
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
    try {
      const json = JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      if (json !== undefined) return json;
    } catch {
      // A cycle: fall through to the bare text.
    }
  }
  return String(e);
}

export function toKoppelError(e: unknown): KoppelError {
  if (e instanceof KoppelError) return e;
  const message = messageOf(e);
  return new KoppelError(message, { code: 'internal.unexpected', kind: 'internal', cause: e });
}

/**
 * Runs `work` for one record; an error that does not name the record yet (an API's answer names
 * fields, not records) gets `label` in front, its code, kind and details kept, so the activity log
 * says which record failed.
 */
export async function labelled<T>(label: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const error = toKoppelError(e);
    if (error.message.startsWith(label)) throw error;
    throw new KoppelError(`${label}: ${error.message}`, {
      code: error.code,
      kind: error.kind,
      retryAfterMs: error.retryAfterMs,
      details: error.details,
      cause: error,
    });
  }
}

/** Whether an error of this kind may succeed when tried again unchanged. */
export function isRetryableKind(kind: ErrorKind): boolean {
  return kind === 'transient' || kind === 'rate_limited';
}
