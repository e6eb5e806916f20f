import { z } from 'zod';
import { orderSources } from './exact-orders-source.js';

/** The Asperion record an order becomes: a draft sales invoice, an inTrade sales order or a journal entry. */
export const orderTypes = ['salesInvoice', 'salesOrder', 'journalEntry'] as const;
export type OrderType = (typeof orderTypes)[number];

/** When the destination's VAT code replaces the one Exact put on a line (see `vatByCountry.override`). */
export const vatOverrides = ['sameRate', 'always', 'never'] as const;

/**
 * What Koppel matches an existing Asperion debtor on. `customerNumber` and `name` are the names of
 * earlier versions, still read: `customerNumber` is `accountCode` kept in the customer number, and
 * `name` became `namePostcode` (a name alone found another company's debtor of the same name).
 */
export const debtorMatchKeys = [
  'email',
  'accountCode',
  'vatNumber',
  'namePostcode',
  'customerNumber',
  'name',
] as const;
export type DebtorMatchKey = Exclude<(typeof debtorMatchKeys)[number], 'customerNumber' | 'name'>;

/** The match key a stored setting means, the old names included. */
export function matchKeyOf(matchBy: (typeof debtorMatchKeys)[number]): DebtorMatchKey {
  return matchBy === 'customerNumber' ? 'accountCode' : matchBy === 'name' ? 'namePostcode' : matchBy;
}

/** The debtor fields the Exact account code can be kept in (and searched by). */
export const accountCodeFields = ['customerNumber', 'characteristic4', 'characteristic5'] as const;

/** A value map with a fallback, as in mappings: keys compared as text; null fallback means "none". */
const valueMap = <T extends z.ZodType>(value: T) =>
  z
    .object({ entries: z.record(z.string(), value).default({}), fallback: value.nullable().default(null) })
    .strict();

const countryCode = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 two-letter country code');

/**
 * Settings of an orders flow. Every mapping a bookkeeper sets is a value map with a fallback: VAT
 * codes and revenue accounts live in the flow's mapping (`valueMaps`), the country rules, shipping,
 * debtor and article choices here.
 */
export const ordersSettingsSchema = z
  .object({
    source: z
      .enum(orderSources)
      .default('salesInvoices')
      .describe('What is read from Exact: sales invoices or sales orders.'),
    orderType: z
      .enum(orderTypes)
      .default('salesInvoice')
      .describe(
        'What an order becomes in Asperion: a draft sales invoice, an inTrade sales order, or a journal entry.',
      ),
    statuses: z
      .array(z.number().int())
      .min(1)
      .optional()
      .describe(
        'Exact statuses that are sent; others are skipped with the reason. Invoices: 10 draft, 20 open, 50 processed (default 20, 50); orders: 12 open, 20 partial, 21 complete, 45 cancelled (default 12, 20, 21).',
      ),
    lookupChunkSize: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(40)
      .describe('Ids per lookup call for lines, accounts and contacts (each id adds ~50 URL characters).'),
    exactSyncRows: z
      .enum(['whole', 'changed'])
      .default('whole')
      .describe(
        "UNCONFIRMED: whether a run's rows of Exact's line-level sync feed are a whole document. `whole` (default): Exact is believed to give every row of a document a new version when any part changes, so lines are read by id only for a document whose rows visibly are not all of it (a gap in the line numbers, lines not adding up to the header). `changed`: every document's lines are read by id (a few calls more a page).",
      ),
    shippingMethodsRefreshMinutes: z
      .number()
      .int()
      .min(0)
      .default(1440)
      .describe(
        "How long the pair keeps Exact's shipping methods list before reading it again (it is read again at once when a document names a method the list lacks).",
      ),
    homeCountry: countryCode
      .default('NL')
      .describe('The country of the administration; VAT rules abroad apply to other destinations.'),
    debtor: z
      .object({
        matchBy: z
          .enum(debtorMatchKeys)
          .default('email')
          .describe(
            "What an existing Asperion debtor is found by: `email` (the customer's e-mail, without case), `accountCode` (the Exact account code, kept in the debtor field `accountCodeField`), `vatNumber` (the EU VAT number) or `namePostcode` (name and billing postcode). A debtor found whose name (or VAT number, when both have one) is not the account's, or that another Exact account already uses, is not taken: the order fails as ambiguous until a person chooses (`koppel debtors choose`). The old values `customerNumber` and `name` are read as `accountCode` and `namePostcode`.",
          ),
        accountCodeField: z
          .enum(accountCodeFields)
          .default('customerNumber')
          .describe(
            'With `matchBy: accountCode`: the debtor field that holds the Exact account code, written on a new debtor and searched in. `customerNumber` (default) or a free characteristic (`characteristic4`, `characteristic5`) when Asperion numbers debtors itself. UNCONFIRMED: that Asperion filters debtors on the characteristics (its reference lists every property as a filter; the sandbox does).',
          ),
        kinds: z
          .object({
            company: z
              .string()
              .min(1)
              .nullable()
              .default('ZAK')
              .describe(
                "Debtor kind of a new debtor for a company (`ZAK`, Zakelijk, in the demo); null: Asperion's default kind.",
              ),
            person: z
              .string()
              .min(1)
              .nullable()
              .default('PAR')
              .describe(
                "Debtor kind of a new debtor for a private person, a customer without a company (`PAR`, Particulier, in the demo); null: Asperion's default kind.",
              ),
          })
          .strict()
          .prefault({})
          .describe(
            "The Asperion debtor kind (debiteursoort, `debtorKindId`) a new debtor gets; a found debtor's kind is left as it is. UNCONFIRMED: that the kind is what tells a person from a company in Asperion (it is the only such field its API has; integrators are known to make person and company debtors).",
          ),
        defaultCustomerNumber: z
          .string()
          .min(1)
          .nullable()
          .default(null)
          .describe(
            'Post every order on this one debtor (e.g. consumer sales) instead of finding one per customer.',
          ),
        update: z
          .boolean()
          .default(true)
          .describe("Whether a found debtor's name, address and contact details are brought up to date."),
      })
      .strict()
      .prefault({})
      .describe('How the debtor of an order is found or made.'),
    articles: z
      .object({
        create: z
          .boolean()
          .default(true)
          .describe(
            'Create an article missing in Asperion by its SKU; off: the order fails and says which SKU.',
          ),
        salesTypeId: z
          .number()
          .int()
          .positive()
          .default(1)
          .describe('The Asperion sales type (VAT rate) of an article created for an order.'),
      })
      .strict()
      .prefault({})
      .describe('What happens to an article an order names that Asperion does not have.'),
    vatCodesRefreshMinutes: z
      .number()
      .int()
      .min(0)
      .default(60)
      .describe(
        "How long Asperion's VAT codes, once read, are used before they are read again (minutes; 0: every run). UNCONFIRMED: Asperion publishes no change feed for them, so a code added in Asperion is seen within this time.",
      ),
    vatByCountry: z
      .object({
        euB2b: z
          .string()
          .min(1)
          .default('ICP')
          .describe('EU business customer with a VAT number: reverse charge / intra-community supply.'),
        euB2c: valueMap(z.string().min(1))
          .prefault({})
          .describe('EU consumer: the code per destination country; fallback null keeps the domestic code.'),
        export: z.string().min(1).default('EX').describe('Outside the EU.'),
        override: z
          .enum(vatOverrides)
          .default('sameRate')
          .describe(
            "When these rules replace the VAT code Exact put on a line. `sameRate` (default): only when both codes have the same percentage in Asperion, so the VAT booked is the VAT Exact invoiced (Exact's 0% `V0` becomes `ICP` for an EU business, `EX` for export); a line where Exact charged another rate keeps Exact's code, and the order's activity says so. `always`: the destination decides even when the VAT then differs from Exact's invoice. `never`: only lines without a code get one from these rules.",
          ),
      })
      .strict()
      .prefault({})
      .describe("VAT for deliveries abroad (domestic VAT comes from the mapping's `vatCodes` value map)."),
    oss: z
      .object({
        vatPayableAccountId: z
          .number()
          .int()
          .positive()
          .nullable()
          .default(null)
          .describe(
            "The ledger account (OSS VAT payable) that takes the VAT Exact charged an EU consumer at the destination's rate when Asperion has no sales VAT code of that country and rate: the order gets a line of that VAT on this account (a journal entry, a line on it). null: such an order fails and names the country and rate.",
          ),
        vatLineVatCode: z
          .string()
          .min(1)
          .default('N0')
          .describe(
            'The 0 % (out of scope for Dutch VAT) Asperion VAT code the OSS VAT line carries on a sales invoice.',
          ),
      })
      .strict()
      .prefault({})
      .describe(
        "One-Stop-Shop VAT: an EU consumer's line on which Exact charged the destination country's rate is booked on an Asperion sales VAT code of that country and rate (valid on the order date; a matching `vatByCountry.euB2c` entry first), else on this account, so the receivable is what Exact billed.",
      ),
    documentsFrom: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD')
      // Date.parse takes 2026-02-30 as 2 March; a date is a real one when it reads back the same.
      .refine((d) => {
        const t = Date.parse(`${d}T00:00:00Z`);
        return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
      }, 'not a day of the calendar')
      .nullable()
      .default(null)
      .describe(
        "Send only documents dated on or after this day (the invoice's or order's own date, YYYY-MM-DD); earlier ones are skipped with the reason in their record. A division's history is otherwise sent too, on the first run: a new flow should start where the books in Asperion end. null (default): every document.",
      ),
    foreignCurrency: z
      .enum(['convert', 'refuse'])
      .default('convert')
      .describe(
        "A document in another currency than the euro: `convert` (default) books Exact's amounts in euro (its DC amounts, at Exact's rate) and names the currency and amount in the description; `refuse` fails the order (not retried) so it is booked by hand.",
      ),
    revenueAccountByVatCode: valueMap(z.number().int().positive())
      .prefault({
        entries: { H21: 8000, L9: 8010, N0: 8020, VL: 8020, ICP: 8030, EX: 8040 },
        fallback: 8000,
      })
      .describe('Revenue ledger account per Asperion VAT code (the demo chart: 8000 high, 8010 low, …).'),
    revenueAccountByCountry: valueMap(z.number().int().positive())
      .prefault({})
      .describe(
        'Revenue ledger account per destination country; fallback null uses the per-VAT-code account.',
      ),
    shipping: z
      .object({
        itemCodes: z
          .array(z.string().min(1))
          .default([])
          .describe(
            'Exact item codes that are shipping costs: their lines go on the shipping account or article.',
          ),
        ledgerAccountId: z
          .number()
          .int()
          .positive()
          .nullable()
          .default(null)
          .describe('The ledger account shipping lines are booked on; null: the article below.'),
        articleCode: z
          .string()
          .min(1)
          .nullable()
          .default(null)
          .describe('The Asperion article shipping lines become; null: the shipping item itself.'),
      })
      .strict()
      .prefault({})
      .describe('Shipping costs, as their own line.'),
    receivablesAccountId: z
      .number()
      .int()
      .positive()
      .default(1300)
      .describe('Journal-entry order type: the receivables account that carries the debtor.'),
    vatAccountByVatCode: valueMap(z.number().int().positive())
      .prefault({
        entries: { H21: 1510, L9: 1520 },
        fallback: null,
      })
      .describe(
        "Journal-entry order type: the account each VAT code's amount is booked on (Asperion does not publish it).",
      ),
  })
  .strict();

export type OrdersSettings = z.infer<typeof ordersSettingsSchema>;
