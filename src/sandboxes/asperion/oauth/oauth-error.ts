/** Token endpoint errors use the OAuth 2.0 JSON shape, not ProblemDetails (§6.1, RFC 6749 §5.2). */
export class OAuthError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type',
    readonly description: string,
    readonly status = error === 'invalid_client' ? 401 : 400,
  ) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
  }
}
