import type { Message } from './messages.js';

/**
 * A refusal the sandbox answers with ProblemDetails (§1.7). Thrown anywhere below a route; the error
 * handler renders it in the request's language with a traceId.
 */
export class ProblemError extends Error {
  readonly status: number;
  readonly title: Message;
  readonly detail: Message | undefined;
  /** Field name → messages, as ValidationProblemDetails carries them. */
  readonly errors: Record<string, Message[]> | undefined;
  readonly headers: Record<string, string>;

  constructor(options: {
    status: number;
    title: Message;
    detail?: Message;
    errors?: Record<string, Message[]>;
    headers?: Record<string, string>;
  }) {
    super(options.title.key);
    this.name = 'ProblemError';
    this.status = options.status;
    this.title = options.title;
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}
