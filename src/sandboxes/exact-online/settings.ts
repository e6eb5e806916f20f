import { z } from 'zod';

/**
 * Every limit and every behaviour the reference marks UNCONFIRMED, as one named setting with the
 * reference's default. Tests and the control API (`PUT /__sandbox/settings`) change them at run time.
 */
export const exactSettingsSchema = z.strictObject({
  /** Access token lifetime; fixed from issue, use does not extend it (reference 2.2). */
  accessTokenLifetimeSeconds: z.number().int().positive(),
  /**
   * A refresh is refused until the current access token is this old (reference 2.2, the 570-second
   * rule). Set it to the access token lifetime for the UNCONFIRMED "only after expiry" behaviour.
   */
  earliestRefreshAgeSeconds: z.number().int().nonnegative(),
  /** An unused refresh token dies after this many days (reference 2.2). */
  refreshTokenIdleDays: z.number().positive(),
  /** Authorization codes live about 3 minutes and are single-use (reference 2.1). */
  authorizationCodeTtlSeconds: z.number().int().positive(),
  /** Token endpoint calls per client id per user per UTC day (reference 2.2, 3.1). */
  tokenCallsPerDay: z.number().int().positive(),
  /** Calls per client id and division per fixed calendar minute (reference 3.1). */
  minutelyLimit: z.number().int().positive(),
  /** Calls per client id and division per UTC day (reference 3.1). */
  dailyLimit: z.number().int().positive(),
  /**
   * 400/401/403/404 answers allowed per client id × division × endpoint per clock hour before a
   * block (reference 3.1); 0 turns the block off.
   */
  errorsPerHour: z.number().int().nonnegative(),
  /** How long the error block lasts (reference 3.1: 1 h). */
  errorBlockMinutes: z.number().positive(),
  /** Status of a blocked request: UNCONFIRMED (reference 3.3), so a setting. */
  errorBlockStatus: z.number().int().min(400).max(599),
  /** Exact reportedly does not check the division in the `system/Divisions` URL (reference 1.3, UNCONFIRMED). */
  checkSystemDivisionsScope: z.boolean(),
  /** Answer `$top` queries with a bare-array `d` (reference 4.2, UNCONFIRMED trigger). */
  bareArrayForTop: z.boolean(),
  /** `__count` of `$inlinecount=allpages` as a JSON string, as OData v2 does (reference 4.2, UNCONFIRMED). */
  inlineCountAsString: z.boolean(),
  /**
   * A posted date with `Z` or an offset: `convert` to Amsterdam wall-clock time or `ignore` the
   * offset (reference 4.5, UNCONFIRMED).
   */
  isoOffsetInput: z.enum(['convert', 'ignore']),
  /** Language of business-rule messages; Exact localizes them to the user (reference 4.6). */
  language: z.enum(['nl', 'en']),
  /** Status of a successful POST: UNCONFIRMED (reference 4.2). */
  postStatus: z.number().int().min(200).max(299),
  /**
   * When a sales invoice gets its financial entry (transaction lines): when it is processed through
   * `salesinvoice/PrintedSalesInvoices` (status 50), or right at POST. The reference leaves the
   * moment open (7.10, 7.11), so a setting.
   */
  salesInvoiceBookOn: z.enum(['process', 'create']),
  /** `InvoiceNumber` is assigned at entry or at printing depending on division settings (reference 7.10). */
  salesInvoiceNumberAt: z.enum(['entry', 'print']),
  /** How many entries the request log keeps (oldest dropped first). */
  requestLogSize: z.number().int().positive(),
});

export type ExactSettings = z.infer<typeof exactSettingsSchema>;

export const defaultExactSettings: ExactSettings = {
  accessTokenLifetimeSeconds: 600,
  earliestRefreshAgeSeconds: 570,
  refreshTokenIdleDays: 30,
  authorizationCodeTtlSeconds: 180,
  tokenCallsPerDay: 200,
  minutelyLimit: 60,
  dailyLimit: 5000,
  errorsPerHour: 10,
  errorBlockMinutes: 60,
  errorBlockStatus: 429,
  checkSystemDivisionsScope: false,
  bareArrayForTop: false,
  inlineCountAsString: true,
  isoOffsetInput: 'convert',
  language: 'nl',
  postStatus: 201,
  salesInvoiceBookOn: 'process',
  salesInvoiceNumberAt: 'entry',
  requestLogSize: 1000,
};

/** A partial update, validated; unknown keys are refused so a typo never silently does nothing. */
export const exactSettingsPatchSchema = exactSettingsSchema.partial();
export type ExactSettingsPatch = z.infer<typeof exactSettingsPatchSchema>;
