import { z } from 'zod';

/** What the flow does with Exact's stock: report how Asperion differs, or write it (UNCONFIRMED). */
export const stockModes = ['report', 'write'] as const;
export type StockMode = (typeof stockModes)[number];

/** Which of Exact's stock quantities counts: on hand, or on hand less what is reserved for orders. */
export const stockQuantities = ['CurrentStock', 'FreeStock'] as const;
export type StockQuantity = (typeof stockQuantities)[number];

/**
 * Settings of a stock flow (Exact Online stock positions → Asperion articles).
 */
export const stockSettingsSchema = z
  .object({
    mode: z
      .enum(stockModes)
      .default('report')
      .describe(
        "report (default): Asperion's article stock is read-only per Asperion's public API documentation, " +
          'so the flow compares it with Exact per article and reports every difference (to book in Asperion) ' +
          "without writing anything. write: sends the stock as the article's currentStock, for an Asperion " +
          'that accepts it (UNCONFIRMED: the public documentation says it does not).',
      ),
    /** `all`, or the Exact warehouse codes whose stock is summed per item. */
    warehouses: z
      .union([z.literal('all'), z.array(z.string().min(1)).min(1)])
      .default('all')
      .describe('all, or a list of Exact warehouse codes whose stock is summed per item'),
    quantity: z
      .enum(stockQuantities)
      .default('CurrentStock')
      .describe('CurrentStock (on hand) or FreeStock (on hand less reserved)'),
    recheckHours: z
      .number()
      .min(0)
      .max(24 * 31)
      .default(24)
      .describe(
        "Hours between full comparisons: Exact's sync only names items whose stock changed there, so a difference that persists (or one Asperion's side made) is found again by reading all stock positions once per this many hours. 0: every run reads everything.",
      ),
    lookupChunkSize: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(40)
      .describe("Item ids per look-up call for the items' warehouse rows (each id adds ~50 URL characters)."),
    articleLookupsPerCode: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(20)
      .describe(
        "Up to this many article codes of a page are looked up one by one; more: Asperion's whole article list is read once a run.",
      ),
  })
  .strict();

export type StockSettings = z.infer<typeof stockSettingsSchema>;
