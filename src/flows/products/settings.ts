import { z } from 'zod';
import { compileMapping } from '../../mapping/index.js';
import { messageOf } from '../../core/errors.js';

/**
 * Koppel's article fields whose Asperion property is UNCONFIRMED (reference 2.10, 6.4 document only
 * code, description, salesTypeId, salesPrice, unit, currentStock and active). Each is sent only under
 * the property name `settings.articleProperties` gives it; null (the default) sends nothing.
 */
export const unconfirmedArticleFields = [
  'longDescription',
  'shortDescription',
  'ean',
  'imageUrl',
  'features',
  'category',
  'priceIncludesVat',
  'currency',
] as const;
export type UnconfirmedArticleField = (typeof unconfirmedArticleFields)[number];

/** Whether `salesPrice` carries the price excluding VAT (the default) or including it. */
export const priceBases = ['exclVat', 'inclVat'] as const;

const propertyName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a JSON property name (letters, digits, underscore)')
  .nullable()
  .default(null);

/**
 * Settings of a products flow (Exact items → Asperion articles). The VAT code → sales type map and
 * the category map live in the flow's mapping (`valueMaps.salesTypes`, `valueMaps.categories`); the
 * per-field update switches are the mapping fields' `overwrite`.
 */
export const productsSettingsSchema = z
  .object({
    price: z
      .enum(priceBases)
      .default('exclVat')
      .describe(
        "What `salesPrice` holds; an incl. VAT price is computed from the excl. price and the sales type's VAT rate.",
      ),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code')
      .default('EUR')
      .describe('The sales price list currency read from Exact (general prices, reference 7.8).'),
    followPriceChanges: z
      .boolean()
      .default(true)
      .describe('Also follow `sync/Logistics/SalesItemPrices`, so a price change alone reaches Asperion.'),
    filters: z
      .object({
        itemGroups: z
          .array(z.string().min(1))
          .min(1)
          .nullable()
          .default(null)
          .describe('Exact item group codes to send; null: every group.'),
        webshopOnly: z
          .boolean()
          .default(false)
          .describe('Only items marked for the webshop (IsWebshopItem).'),
        salesOnly: z
          .boolean()
          .default(true)
          .describe('Only sales items (IsSalesItem); on by default, as Asperion articles are what is sold.'),
        stock: z
          .enum(['all', 'stockOnly', 'nonStockOnly'])
          .default('all')
          .describe('Stock items only, non-stock (virtual) items only, or both.'),
        expression: z
          .string()
          .min(1)
          .nullable()
          .default(null)
          .superRefine((text, ctx) => {
            const problem = text === null ? undefined : expressionProblem(text);
            if (problem) ctx.addIssue({ code: 'custom', message: `does not compile: ${problem}` });
          })
          .describe('A JSONata expression over the item record: a truthy answer sends the item.'),
      })
      .strict()
      .prefault({})
      .describe('Which items are sent; an item left out is skipped with the reason.'),
    articleProperties: z
      .object(
        Object.fromEntries(unconfirmedArticleFields.map((f) => [f, propertyName])) as {
          [K in UnconfirmedArticleField]: typeof propertyName;
        },
      )
      .strict()
      .prefault({})
      .describe(
        "Koppel's unconfirmed article fields → the Asperion property that receives each; null: not sent (the record's activity says so). Turn one on once Asperion's Swagger names the property.",
      ),
    variants: z
      .object({
        attributes: z
          .record(z.string().regex(/^([1-9]|10)$/, 'an assortment code 1–10'), z.string().min(1))
          .default({}),
        inDescription: z.boolean().default(false),
      })
      .strict()
      .prefault({})
      .describe(
        'Variants: Exact item assortments (item classes `Class_0n`, assortment code n) that are attributes of a variant, each with the label Asperion shows (mapped by hand, e.g. `{"1": "Doelgroep"}`). Asperion has no variants: every item is its own article, its attributes go into its features and, with `inDescription`, after its name (`Name — Doelgroep: Heren`).',
      ),
    lookupChunkSize: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(40)
      .describe('Ids per bulk read of prices and items (each id adds ~50 URL characters).'),
  })
  .strict();

export type ProductsSettings = z.infer<typeof productsSettingsSchema>;

/** Why a filter expression does not compile (with the mapping's own compiler and limits), if it does not. */
export function expressionProblem(text: string): string | undefined {
  try {
    compileMapping({ fields: { send: { expr: text } } });
    return undefined;
  } catch (e) {
    return messageOf(e);
  }
}
