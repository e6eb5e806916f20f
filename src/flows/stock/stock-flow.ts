import { KoppelError } from '../../core/errors.js';
import type { FilterDecision, FlowKind, FlowRuntimeContext } from '../../engine/types.js';
import { asperionClientOf } from '../../connectors/asperion/app.js';
import { exactClientOf } from '../../connectors/exact-online/app.js';
import { AsperionArticles } from './asperion-articles.js';
import { asperionStockWriter, type StockPayload } from './asperion-stock-writer.js';
import { stockDefaultMapping } from './default-mapping.js';
import {
  describeStock,
  readStock,
  rereadStock,
  stockSearchKeys,
  type StockRecord,
} from './exact-stock-source.js';
import { stockSettingsSchema, type StockMode, type StockSettings } from './settings.js';
import { formatDifference, formatQuantity, toQuantity } from './stock-quantity.js';

/**
 * Stock, Exact Online → Asperion: Exact's stock positions read incrementally by their sync
 * Timestamp, summed per item over the chosen warehouses, and compared per item with the Asperion
 * article of the same code. Asperion's article stock is read-only per its public documentation, so
 * by default (`mode: report`) every article's outcome is a skipped record saying why: in step, a
 * difference to book in Asperion, or no article with that code. `mode: write` sends the stock to an
 * Asperion that accepts it (UNCONFIRMED).
 */
export const stockFlowKind: FlowKind<StockRecord, StockPayload> = {
  kind: 'stock',
  title: 'Stock (Exact Online → Asperion)',
  sourceApp: 'exact-online',
  targetApp: 'asperion',
  entity: 'ArticleStock',
  settingsSchema: stockSettingsSchema,
  defaultMapping: stockDefaultMapping,
  open(ctx: FlowRuntimeContext) {
    const settings: StockSettings = stockSettingsSchema.parse(ctx.settings);
    const exact = exactClientOf(ctx.source);
    const asperion = asperionClientOf(ctx.target);
    const articles = new AsperionArticles(asperion, settings.articleLookupsPerCode);
    const tally = { differ: 0, missing: 0 };
    return {
      async *read(cursor) {
        yield* readStock(exact, articles, settings, cursor, ctx.clock.now());
        // A run's summary: the records say which articles, this says how many.
        if (tally.differ > 0 || tally.missing > 0)
          ctx.logger.warn(
            { flow: ctx.flowId, differ: tally.differ, missing: tally.missing, mode: settings.mode },
            `${tally.differ} article${tally.differ === 1 ? ' differs' : 's differ'} in stock between Exact and Asperion` +
              `, ${tally.missing} item${tally.missing === 1 ? ' has' : 's have'} no Asperion article`,
          );
      },
      reread: (records) => rereadStock(exact, articles, settings, records),
      sourceId: (record) => record.ID,
      describe: describeStock,
      searchKeys: stockSearchKeys,
      naturalKey: (record) => record.Code ?? record.ID,
      filter: (record) => {
        const decision = judge(record, settings.mode);
        if (decision.outcome === 'differ') tally.differ++;
        if (decision.outcome === 'missing') tally.missing++;
        return decision.filter;
      },
      async resolve(payload, record, note) {
        if (record.Problem !== null)
          throw new KoppelError(`${describeStock(record)}: ${record.Problem}`, {
            code: 'stock.bad_source',
            kind: 'invalid',
            details: { itemId: record.ID },
          });
        const article = record.Asperion;
        if (!article || settings.mode !== 'write')
          throw new KoppelError(`${describeStock(record)} has nothing to write`, {
            code: 'stock.nothing_to_write',
            kind: 'internal',
          });
        note('compared', comparison(record));
        // Asperion's stock and change stamp as read are part of the payload, so of its hash: a change
        // on Asperion's side makes the next difference a new write, even for the figure sent before.
        return {
          ...payload,
          articleId: article.ArticleId,
          asperionStock: article.CurrentStock,
          asperionChanged: article.DateLastChange,
        };
      },
      withNaturalKey: (payload) => payload,
      target: asperionStockWriter(asperion),
    };
  },
  webhookTopics: () => ['StockPositions'],
  /** Warehouse codes in the settings that Exact does not have (their stock would silently count 0). */
  async checkMappings(ctx) {
    const settings = stockSettingsSchema.parse(ctx.settings);
    if (settings.warehouses === 'all') return [];
    const known = new Set<string>();
    for await (const page of exactClientOf(ctx.source).pages('inventory/Warehouses', { select: ['Code'] }))
      for (const row of page) known.add(String(row['Code'] ?? '').trim());
    return settings.warehouses
      .filter((code) => !known.has(code))
      .map((code) => ({
        domain: 'warehouse',
        value: code,
        where: 'settings.warehouses: not an Exact warehouse code',
        suggestion: `one of ${[...known].sort().join(', ')}`,
      }));
  },
};

type Outcome = 'inStep' | 'differ' | 'missing' | 'unusable';

/**
 * What a record comes to before anything is mapped, with the article code in front of the reason
 * (records are keyed by Exact's ItemID, which tells a reader nothing). Report mode: every usable record is skipped
 * with its outcome as the reason. Write mode: only a difference goes on to be written. Records with
 * a problem go on, so mapping or `resolve` fails them with a per-record error.
 */
function judge(record: StockRecord, mode: StockMode): { outcome: Outcome; filter: FilterDecision } {
  if (record.Problem !== null || record.Code === null || record.Quantity === null)
    return { outcome: 'unusable', filter: { send: true } };
  const exact = `Exact ${formatQuantity(toQuantity(record.Quantity, 'Quantity'))}`;
  if (!record.Asperion)
    return {
      outcome: 'missing',
      filter: {
        send: false,
        reason: `no Asperion article with code ${record.Code} (${exact}): this flow creates no articles, the products flow does`,
      },
    };
  if (difference(record) === 0n)
    return {
      outcome: 'inStep',
      filter: { send: false, reason: `${record.Code} in step: ${comparison(record)}` },
    };
  if (mode === 'write') return { outcome: 'differ', filter: { send: true } };
  return {
    outcome: 'differ',
    filter: {
      send: false,
      reason: `${record.Code}: ${comparison(record)} (Asperion's stock is read-only: book it in Asperion)`,
    },
  };
}

/** Exact's figure less Asperion's (Asperion without a figure counts as 0). */
function difference(record: StockRecord): bigint {
  const exact = toQuantity(record.Quantity, 'Quantity');
  const stock = record.Asperion?.CurrentStock;
  return exact - (stock == null ? 0n : toQuantity(stock, 'currentStock'));
}

/** `Exact 12, Asperion 10, difference +2`, or `Exact 12, Asperion 12` when they agree. */
function comparison(record: StockRecord): string {
  const exact = formatQuantity(toQuantity(record.Quantity, 'Quantity'));
  const stock = record.Asperion?.CurrentStock;
  const asperion = stock == null ? 'none' : formatQuantity(toQuantity(stock, 'currentStock'));
  const diff = difference(record);
  return `Exact ${exact}, Asperion ${asperion}${diff === 0n ? '' : `, difference ${formatDifference(diff)}`}${
    record.Asperion && !record.Asperion.Active ? ' (inactive article)' : ''
  }`;
}
