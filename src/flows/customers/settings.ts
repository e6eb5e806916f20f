import { z } from 'zod';

/** What Koppel matches an existing Exact account on before it creates one. */
export const accountMatchKeys = ['email', 'code', 'name'] as const;
export type AccountMatchKey = (typeof accountMatchKeys)[number];

/** Whether accounts Koppel created or linked are kept up to date after the first write. */
export const updateModes = ['createOnly', 'createAndUpdate'] as const;

/** The Exact account fields that hold a classification (reference 3.4, appendix A). */
export const classificationFields = [
  'Classification1',
  'Classification2',
  'Classification3',
  'Classification4',
  'Classification5',
  'Classification6',
  'Classification7',
  'Classification8',
] as const;

const countryCode = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 two-letter country code');
const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'an Exact ID (Guid)');

/** A value map with a fallback: keys compared as text; null fallback means "none". */
const valueMap = <T extends z.ZodType>(value: T) =>
  z
    .object({ entries: z.record(z.string(), value).default({}), fallback: value.nullable().default(null) })
    .strict();

/**
 * Settings of a customers flow (Asperion debtors → Exact accounts). The payment condition map lives
 * in the flow's mapping (`valueMaps.paymentConditions`), like every other field; the defaults a new
 * account gets from its country or kind (VAT code, revenue account, classification) live here.
 */
export const customersSettingsSchema = z
  .object({
    matchBy: z
      .enum(accountMatchKeys)
      .default('email')
      .describe(
        "What an Exact account is matched on before Koppel creates one: the debtor's e-mail address (default), its customer number as the account's Code, or its name. A matched account is linked (and updated when `update` says so), never duplicated.",
      ),
    update: z
      .enum(updateModes)
      .default('createAndUpdate')
      .describe(
        '`createOnly`: accounts are written once; `createAndUpdate`: later changes are sent too (fields with `overwrite: false` in the mapping stay create-only).',
      ),
    homeCountry: countryCode
      .default('NL')
      .describe('The country of the administration; a debtor without a country is taken to live here.'),
    companyDebtorKinds: z
      .array(z.string().min(1))
      .default(['ZAK'])
      .describe(
        'Debtor kinds (Asperion `debtorKindId`) whose debtors are companies even without an attention-to person, a Chamber of Commerce number or a VAT number (demo: `ZAK` Zakelijk).',
      ),
    salesVatCode: z
      .object({
        byCountry: z
          .record(countryCode, z.string().min(1))
          .default({})
          .describe('Per country; wins over the rules below.'),
        home: z.string().min(1).default('VH').describe('A customer in the home country.'),
        euBusiness: z
          .string()
          .min(1)
          .default('ICL')
          .describe('An EU customer with a VAT number: intra-community supply.'),
        euConsumer: z
          .string()
          .min(1)
          .default('VH')
          .describe('An EU customer without a VAT number (below the OSS threshold Dutch VAT applies).'),
        export: z.string().min(1).default('EX').describe('Outside the EU.'),
      })
      .strict()
      .prefault({})
      .describe('The Exact sales VAT code (`SalesVATCode`) a new account gets by its country.'),
    revenueAccountByCountry: valueMap(z.string().regex(/^\S+$/, 'a GL account code'))
      .prefault({})
      .describe(
        "Revenue GL account code per country, written as the account's `GLAccountSales` (the sales GL account Exact proposes on this customer's invoice lines); fallback null: none, Exact uses the item's or VAT code's account.",
      ),
    classification: z
      .object({
        field: z
          .enum(classificationFields)
          .default('Classification1')
          .describe('The account field that holds the classification.'),
        byDebtorKind: valueMap(guid)
          .prefault({})
          .describe('The Exact classification (its ID) per Asperion debtor kind.'),
      })
      .strict()
      .prefault({})
      .describe(
        "Exact account classification by Asperion debtor kind, in one of the account's classification fields.",
      ),
    defaultsOnUpdate: z
      .boolean()
      .default(false)
      .describe(
        'The VAT code, revenue account and classification are defaults for new accounts: an update leaves what someone chose in Exact. true: they are kept in line on every update too.',
      ),
    pageSize: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(100)
      .describe('Debtors per Asperion page read (its maximum is 100).'),
  })
  .strict();

export type CustomersSettings = z.infer<typeof customersSettingsSchema>;
