import { toAmsterdamWallClock } from '../amsterdam-time.js';
import { sandboxUser } from '../credentials.js';
import { defineEntity } from '../entities/entity-descriptor.js';
import type { StoredValue } from '../entities/field-types.js';
import type { AccessToken } from '../oauth/token-store.js';
import { plainRowJson } from '../odata/row-json.js';
import { querySyntaxError } from '../odata-error.js';
import type { SandboxState } from '../sandbox-state.js';
import type { ApiResponse } from './api-exchange.js';

/** `current/Me`'s fields (appendix A; checked against scripts/exact-field-lists/current.Me.json). */
export const meRowType = defineEntity({
  path: 'current/Me',
  typeName: 'Exact.Web.Api.System.Me',
  methods: ['GET'],
  pageSize: 60,
  skipAllowed: false,
  fieldList: `
    UserID:Guid[K], AccountingDivision:Int32, CurrentDivision:Int32, CustomerCode:String,
    DivisionCustomer:Guid, DivisionCustomerCode:String, DivisionCustomerName:String,
    DivisionCustomerSiretNumber:String, DivisionCustomerVatNumber:String, DossierDivision:Int32,
    Email:String, EmployeeID:Guid, FirstName:String, FullName:String, Gender:String, Initials:String,
    IsClientUser:Boolean, IsMyFirmPortalUser:Boolean, Language:String, LanguageCode:String,
    LastName:String, Legislation:Int64, MiddleName:String, Mobile:String, Nationality:String,
    Phone:String, PhoneExtension:String, PictureUrl:String, ServerTime:String, ServerUtcOffset:Double,
    ThumbnailPicture:Binary, ThumbnailPictureFormat:String, Title:String, UserName:String,
    IsEmployeeSelfServiceUser:Boolean{new}, IsMyFirmLiteUser:Boolean{new},
    IsOEIMigrationMandatory:Boolean{new}, IsStarterUser:Boolean{new}, PackageCode:String{new}
  `,
});

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
  const known: Record<string, StoredValue> = {
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
  // Every documented field is there; what the sandbox does not know about its user is null.
  const row: Record<string, StoredValue> = {};
  for (const f of meRowType.fields.scalars)
    row[f.name] = known[f.name] ?? (f.type === 'Boolean' ? false : null);
  const select = params.get('$select');
  let shown = row;
  if (select !== null && select.trim() !== '*') {
    const names = select.split(',').map((s) => s.trim());
    if (names.some((n) => !(n in row))) throw querySyntaxError();
    shown = Object.fromEntries(names.map((n) => [n, row[n] ?? null]));
  }
  const uri = `${baseUrl}/api/v1/current/Me(guid'${sandboxUser.userId}')`;
  return { status: 200, json: { d: { results: [plainRowJson(shown, uri, 'Exact.Web.Api.System.Me', [])] } } };
}
