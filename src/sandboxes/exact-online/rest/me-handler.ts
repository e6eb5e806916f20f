import { toAmsterdamWallClock } from '../amsterdam-time.js';
import { sandboxUser } from '../credentials.js';
import type { AccessToken } from '../oauth/token-store.js';
import { plainRowJson } from '../odata/row-json.js';
import { querySyntaxError } from '../odata-error.js';
import type { SandboxState } from '../sandbox-state.js';
import type { ApiResponse } from './api-exchange.js';

/**
 * `current/Me`: a collection of one (reference 1.3). It has no division in its URL, so it is not
 * rate limited and carries no X-RateLimit headers (reference 3.2).
 */
export function answerMe(
  token: AccessToken,
  state: SandboxState,
  baseUrl: string,
  params: URLSearchParams,
): ApiResponse {
  const now = state.clock.now();
  const wall = toAmsterdamWallClock(now);
  const current = token.grant.divisions[0] ?? null;
  const row = {
    UserID: sandboxUser.userId,
    UserName: sandboxUser.userName,
    FullName: sandboxUser.fullName,
    FirstName: sandboxUser.firstName,
    LastName: sandboxUser.lastName,
    Email: sandboxUser.email,
    Language: sandboxUser.language,
    LanguageCode: sandboxUser.language,
    CurrentDivision: current,
    AccountingDivision: current,
    DivisionCustomerName: 'De Spaak Holding B.V.',
    IsClientUser: false,
    ServerTime: wall,
    // Seconds ahead of UTC, from the wall-clock difference (1 h in winter, 2 h in summer).
    ServerUtcOffset: (Date.parse(`${wall}Z`) - now.getTime()) / 1000,
  };
  const select = params.get('$select');
  let shown: Record<string, string | number | boolean | null> = row;
  if (select !== null && select.trim() !== '*') {
    const names = select.split(',').map((s) => s.trim());
    if (names.some((n) => !(n in row))) throw querySyntaxError();
    shown = Object.fromEntries(names.map((n) => [n, row[n as keyof typeof row]]));
  }
  const uri = `${baseUrl}/api/v1/current/Me(guid'${sandboxUser.userId}')`;
  return { status: 200, json: { d: { results: [plainRowJson(shown, uri, 'Exact.Web.Api.System.Me', [])] } } };
}
