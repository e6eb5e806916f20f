import { z } from 'zod';
import { defaultRedirectUris, redirectUriProblem } from '../redirect-uris.js';

/** Random trouble on the wire (see `../traffic-faults.ts`); all off by default. */
export const randomFaultsSchema = z.strictObject({
  errorRate: z.number().min(0).max(1),
  errorStatus: z.number().int().min(500).max(599),
  /** Text of the OData error envelope; empty for Exact's generic 500 text. */
  errorMessage: z.string(),
  latencyMs: z.number().int().nonnegative(),
  /** Extra latency drawn evenly from 0 to this per request (`../traffic-faults.ts`). */
  latencySpreadMs: z.number().int().nonnegative(),
  timeoutRate: z.number().min(0).max(1),
  timeoutMs: z.number().int().nonnegative(),
  pathPrefix: z.string(),
  /** Seed of the draws; restarted on every settings change so a run repeats exactly. */
  seed: z.number().int(),
});

/**
 * Every limit and every behaviour the reference marks UNCONFIRMED, as one named setting with the
 * reference's default. Tests and the control API (`PUT /__sandbox/settings`) change them at run time.
 */
export const exactSettingsSchema = z.strictObject({
  /**
   * The redirect URIs registered for the sandbox's app (reference 2.1: public HTTPS on Exact; the
   * sandbox also takes loopback http, any port). `/api/oauth2/auth` refuses any other. Also
   * changed one at a time through `/__sandbox/redirect-uris`.
   */
  redirectUris: z.array(
    z.string().superRefine((uri, ctx) => {
      const problem = redirectUriProblem(uri);
      if (problem) ctx.addIssue({ code: 'custom', message: `redirect URI ${problem}` });
    }),
  ),
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
  /**
   * Answer `$top` queries with a bare-array `d`, as seen for `$top`-limited queries (reference 4.2;
   * the exact trigger is UNCONFIRMED). Only when the answer fits one page without `$inlinecount`.
   */
  bareArrayForTop: z.boolean(),
  /**
   * `$filter` string comparisons (`eq`, `ne`, `startswith`, `endswith`, `substringof`, ordering)
   * ignore case, as the database's default collation does on Exact (UNCONFIRMED per field).
   */
  caseInsensitiveStrings: z.boolean(),
  /** Fields compared letter for letter even with `caseInsensitiveStrings` on (UNCONFIRMED which). */
  caseSensitiveFields: z.array(z.string()),
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
   * Status of a successful PUT, always without a body: 204 (reference 4.2). Another 2xx lets a test
   * tell the status a client got from one written into the code.
   */
  putStatus: z.number().int().min(200).max(299),
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
  /** Error rate, latency and timeouts for requests under `pathPrefix`. */
  randomFaults: randomFaultsSchema,
  /**
   * Exact wants HTTPS callback URLs (reference 6.1); off here so tests can subscribe
   * `http://127.0.0.1` receivers.
   */
  webhookRequireHttps: z.boolean(),
  /** How long the subscription probe and each delivery wait for the callback before giving up. */
  webhookTimeoutMs: z.number().int().positive(),
  /** `Action` of a delivery for a new row: `Create` is reported by one source only (reference 6.3, UNCONFIRMED). */
  webhookCreateAction: z.enum(['Create', 'Update']),
  /** `EventCreatedOn` as ISO without offset (observed) or `/Date(ms)/` (sketched), reference 6.3. */
  webhookEventCreatedOn: z.enum(['iso', 'msdate']),
  /**
   * A sales order's or invoice's header `Discount` (a fraction, appendix A, semantics UNCONFIRMED)
   * is the discount of every line that names none, so the lines carry the order-level discount and
   * the header totals are their sum. Off: the header field is stored and nothing else.
   */
  headerDiscountOnLines: z.boolean(),
  /**
   * How a computed amount (a line's quantity × unit price × (1 − discount), its VAT) is rounded to
   * the cent, once, at the end: half away from zero, or half to even. The reference says nothing of
   * Exact's rounding (UNCONFIRMED).
   */
  amountRounding: z.enum(['half-away-from-zero', 'half-even']),
  /**
   * The rate a document in a foreign `Currency` is booked at in the division's currency (euro):
   * one division-currency unit per unit of the currency, e.g. `USD: 0.925926`. Exact keeps its
   * rates in `financial/ExchangeRates`, which the sandbox does not serve; a document's line
   * `AmountDC` is its `AmountFC` times this rate, rounded to the cent per line (`amountRounding`).
   * A currency without a rate is booked at 1. Documents in the division's currency are always at 1.
   */
  exchangeRates: z.record(z.string().regex(/^[A-Z]{3}$/), z.number().positive()),
  /**
   * How a foreign-currency line's `VATAmountDC` is found: `convert` the line's VAT in its currency
   * at the rate (rounded per line), or `recompute` it on the line's `AmountDC` at the VAT
   * percentage (rounded per line). The two can differ by a cent; which Exact does is UNCONFIRMED.
   */
  foreignVatDC: z.enum(['convert', 'recompute']),
  /** Retries after a failed delivery (reference 6.4: 10, UNCONFIRMED). */
  webhookRetryAttempts: z.number().int().nonnegative(),
  /** Delay before the first retry; it doubles for each next one (reference 6.4: 2^n minutes, UNCONFIRMED). */
  webhookRetryBaseMinutes: z.number().positive(),
  /**
   * The row version (`Timestamp`, Edm.Int64) a fresh division counts up from (reference 5.1), as a
   * decimal string because Int64 goes past 2^53. Added to each division's counter when exposed, so
   * changing it moves every Timestamp at once, as Exact's regeneration after a division move does.
   */
  rowVersionStart: z.string().regex(/^\d{1,18}$/),
  /** `sync/Deleted` keeps deletions this many months on the sandbox clock (reference 5.2). */
  deletedRetentionMonths: z.number().int().positive(),
  /** Edm.Int64 values (Timestamp) as JSON strings, as OData v2 writes them (reference 4.5, UNCONFIRMED). */
  int64AsString: z.boolean(),
  /**
   * Which rows of a sales order or invoice get a new row version (`Timestamp`) on the line-level
   * sync feeds when the document changes. `document`: every row of the document, whatever changed
   * (Exact's views join header and lines, so a header change must reach every line row). `line`:
   * only the line rows that changed (a line added or edited), and the header (row) whose totals
   * follow; a change to the header's own fields still renews every row. UNCONFIRMED (reference 5.1).
   */
  syncLineVersions: z.enum(['document', 'line']),
  /**
   * The line-level sync feeds (`sync/SalesInvoice/SalesInvoices`, `sync/SalesOrder/SalesOrders`)
   * also carry one header row per document: `LineNumber` 0, `ID` the document's key, line fields
   * null, header-only fields filled. Whether Exact sends one is UNCONFIRMED (reference 5.1).
   */
  syncHeaderRow: z.boolean(),
});

export type ExactSettings = z.infer<typeof exactSettingsSchema>;

export const defaultExactSettings: ExactSettings = {
  redirectUris: [...defaultRedirectUris],
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
  bareArrayForTop: true,
  caseInsensitiveStrings: true,
  caseSensitiveFields: [],
  inlineCountAsString: true,
  isoOffsetInput: 'convert',
  language: 'nl',
  postStatus: 201,
  putStatus: 204,
  salesInvoiceBookOn: 'process',
  salesInvoiceNumberAt: 'entry',
  requestLogSize: 1000,
  randomFaults: {
    errorRate: 0,
    errorStatus: 503,
    errorMessage: '',
    latencyMs: 0,
    latencySpreadMs: 0,
    timeoutRate: 0,
    timeoutMs: 30_000,
    pathPrefix: '/api/',
    seed: 1,
  },
  webhookRequireHttps: false,
  webhookTimeoutMs: 5000,
  webhookCreateAction: 'Create',
  webhookEventCreatedOn: 'iso',
  headerDiscountOnLines: true,
  amountRounding: 'half-away-from-zero',
  // The demo's fixed rates (its USD and GBP customers).
  exchangeRates: { USD: 0.925926, GBP: 1.162791 },
  foreignVatDC: 'convert',
  webhookRetryAttempts: 10,
  webhookRetryBaseMinutes: 2,
  rowVersionStart: '1000',
  deletedRetentionMonths: 2,
  int64AsString: true,
  syncLineVersions: 'document',
  syncHeaderRow: false,
};

/** A partial update, validated; unknown keys are refused so a typo never silently does nothing. */
export const exactSettingsPatchSchema = exactSettingsSchema
  .extend({ randomFaults: randomFaultsSchema.partial() })
  .partial();
export type ExactSettingsPatch = z.infer<typeof exactSettingsPatchSchema>;

/** Apply a validated patch; `randomFaults` merges one level deep. */
export function patchExactSettings(current: ExactSettings, patch: ExactSettingsPatch): ExactSettings {
  const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  const randomFaults = { ...current.randomFaults, ...patch.randomFaults };
  return { ...current, ...given, randomFaults } as ExactSettings;
}
