import { z } from 'zod';
import { defaultRedirectUris, redirectUriProblem } from '../redirect-uris.js';

/** A URI the default app can register: public HTTPS, or loopback http for local use (`../redirect-uris.ts`). */
export const redirectUriSchema = z.string().superRefine((uri, ctx) => {
  const problem = redirectUriProblem(uri);
  if (problem) ctx.addIssue({ code: 'custom', message: `redirect URI ${problem}` });
});

/**
 * Every behaviour the reference marks UNCONFIRMED, and every limit, is a named setting here with the
 * reference's default (asperion-api.md §6.6 unless noted), so a client can be tested against more
 * than one possible reality. Change them at run time with PUT /__sandbox/settings.
 */
export const settingsSchema = z
  .object({
    /**
     * The redirect URIs registered for the default app (§6.1: the authorize endpoint validates the
     * registered redirect_uri). Loopback ones match any port. Also changed one at a time through
     * /__sandbox/redirect-uris.
     */
    redirectUris: z.array(redirectUriSchema).default([...defaultRedirectUris]),
    tenantHeaderNames: z.array(z.string().min(1)).min(1).default(['X-Tenant-Id', 'X-TenantId']),
    missingTenantHeader: z.enum(['use-default', 'reject']).default('use-default'),
    unknownTenantStatus: z.union([z.literal(403), z.literal(404)]).default(403),
    missingPackageStatus: z.union([z.literal(403), z.literal(404)]).default(403),
    validationStatus: z.union([z.literal(400), z.literal(422)]).default(400),
    duplicateStatus: z.union([z.literal(400), z.literal(409), z.literal(422)]).default(400),
    closedPeriodStatus: z.union([z.literal(400), z.literal(409), z.literal(422)]).default(400),
    createStatus: z.union([z.literal(201), z.literal(200)]).default(201),
    validateOnlyStatus: z.union([z.literal(200), z.literal(204)]).default(200),
    errorContentType: z.enum(['application/json', 'application/problem+json']).default('application/json'),
    defaultLanguage: z.enum(['nl', 'en']).default('nl'),
    pageBase: z.union([z.literal(0), z.literal(1)]).default(1),
    defaultPageSize: z.number().int().min(1).default(50),
    maxPageSize: z.number().int().min(1).default(100),
    pageSizeOverMax: z.enum(['clamp', 'reject']).default('clamp'),
    emptyPageLink: z.enum(['empty-string', 'null']).default('empty-string'),
    metaOnlyData: z.enum(['empty-array', 'omit']).default('empty-array'),
    orderByDescending: z.boolean().default(false),
    rotateRefreshTokens: z.boolean().default(true),
    accessTokenTtlSeconds: z.number().int().min(1).default(3600),
    refreshTokenTtlSeconds: z
      .number()
      .int()
      .min(1)
      .default(30 * 24 * 3600),
    authorizationCodeTtlSeconds: z.number().int().min(1).default(300),
    serverComputesVat: z.boolean().default(true),
    /**
     * With serverComputesVat off: how far (in euros) a client's line vatAmount may be from the
     * server's computation and still be kept; further off is a 400 on the line's VatAmount, so a
     * client cannot book any VAT it likes (§6.4's 0.01 tolerance option; UNCONFIRMED).
     */
    clientVatTolerance: z.number().min(0).default(0.01),
    salesLineAmountIncludesVat: z.boolean().default(false),
    autoCustomerNumber: z.boolean().default(true),
    requireDebtorKind: z.boolean().default(false),
    currentStockOnCreate: z.enum(['reject', 'ignore', 'accept']).default('reject'),
    extraArticleProperties: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/)).default([]),
    journalEntriesOnlyMemorial: z.boolean().default(false),
    counterpartyOnOtherAccounts: z.enum(['reject', 'allow']).default('reject'),
    maxAttachmentBytes: z
      .number()
      .int()
      .min(1)
      .default(10 * 1024 * 1024),
    updates: z.enum(['put', 'patch', 'off']).default('put'),
    invoiceNumberFormat: z.enum(['year-dash-sequence', 'year-sequence']).default('year-dash-sequence'),
    /** How many requests the control API's request log keeps (oldest dropped first). */
    requestLogSize: z.number().int().min(1).default(1000),
    rateLimit: z
      .object({
        enabled: z.boolean().default(false),
        requests: z.number().int().min(1).default(60),
        windowSeconds: z.number().int().min(1).default(60),
      })
      .default({ enabled: false, requests: 60, windowSeconds: 60 }),
    faults: z
      .object({
        errorRate: z.number().min(0).max(1).default(0),
        errorStatus: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).default(503),
        latencyMs: z.number().int().min(0).default(0),
        /** Extra latency drawn evenly from 0 to this per request (`../traffic-faults.ts`). */
        latencySpreadMs: z.number().int().min(0).default(0),
        timeoutRate: z.number().min(0).max(1).default(0),
        timeoutMs: z.number().int().min(0).default(30_000),
        pathPrefix: z.string().default('/v1/'),
        seed: z.number().int().default(1),
      })
      .default({
        errorRate: 0,
        errorStatus: 503,
        latencyMs: 0,
        latencySpreadMs: 0,
        timeoutRate: 0,
        timeoutMs: 30_000,
        pathPrefix: '/v1/',
        seed: 1,
      }),
  })
  .strict();

export type AsperionSettings = z.infer<typeof settingsSchema>;

export function defaultSettings(): AsperionSettings {
  return settingsSchema.parse({});
}

/** Apply a partial change; nested objects (rateLimit, faults) merge one level deep. */
export function mergeSettings(current: AsperionSettings, patch: unknown): AsperionSettings {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return settingsSchema.parse(patch);
  const p = patch as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...current, ...p };
  for (const key of ['rateLimit', 'faults'] as const) {
    const nested = p[key];
    if (typeof nested === 'object' && nested !== null) merged[key] = { ...current[key], ...nested };
  }
  return settingsSchema.parse(merged);
}
