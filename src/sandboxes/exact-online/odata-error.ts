/**
 * Errors in Exact's OData envelope, `{"error":{"code":"","message":{"lang":"","value":"…"}}}`
 * (reference 4.6). Route handlers throw them; the server's error handler writes them.
 */
export class ODataError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ODataError';
  }

  body(): { error: { code: string; message: { lang: string; value: string } } } {
    return { error: { code: '', message: { lang: '', value: this.message } } };
  }
}

/** The texts the reference quotes, in one place so tests and handlers agree. */
export const exactMessages = {
  querySyntax: 'Bad Request - Error in query syntax.',
  requestStream: 'Error processing request stream. The request should be a valid top-level resource object.',
  selectOrTop: 'Please add a $select or a $top=1 statement to the query string.',
  mandatoryFiltering:
    'This endpoint has mandatory filtering applied. A GET request for this endpoint must have a $filter parameter with one of the following fields in the url:',
  divisionScope: 'Forbidden - User division is not within division scope',
  generic: 'A problem has occurred. The cause of this issue will be investigated as soon as possible.',
} as const;

/** Syntax errors in query options all answer with Exact's one generic text (reference 4.6). */
export function querySyntaxError(): ODataError {
  return new ODataError(400, exactMessages.querySyntax);
}
