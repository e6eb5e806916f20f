import { exactAppOf } from '../../connectors/exact-online/app.js';
import type { FilterDecision, FlowKind, FlowRuntimeContext } from '../../engine/types.js';
import { compileMapping, toLocalDate } from '../../mapping/index.js';
import { asperionClientOf } from '../../connectors/asperion/app.js';
import { exactClientOf } from '../../connectors/exact-online/app.js';
import { resolveArticle, SalesTypeRates, type ArticleFields } from './article-fields.js';
import { asperionArticleWriter } from './article-writer.js';
import { checkProductMappings } from './check-mappings.js';
import { productsDefaultMapping } from './default-mapping.js';
import {
  describeItem,
  itemSearchKeys,
  ItemLookups,
  readItems,
  rereadItems,
  type ProductRecord,
} from './exact-items-source.js';
import { productsSettingsSchema, type ProductsSettings } from './settings.js';

/**
 * Products, Exact Online → Asperion: Exact items read incrementally by their sync
 * Timestamp (and the items whose sales price changed), filtered by the flow's rules, mapped, and
 * created or updated as Asperion articles by SKU (the article code is the Exact item code).
 */
export const productsFlowKind: FlowKind<ProductRecord, ArticleFields> = {
  kind: 'products',
  title: 'Products (Exact Online → Asperion)',
  sourceApp: 'exact-online',
  targetApp: 'asperion',
  entity: 'Article',
  settingsSchema: productsSettingsSchema,
  defaultMapping: productsDefaultMapping,
  open(ctx: FlowRuntimeContext) {
    const settings: ProductsSettings = productsSettingsSchema.parse(ctx.settings);
    const exact = exactClientOf(ctx.source);
    const asperion = asperionClientOf(ctx.target);
    const today = toLocalDate(ctx.clock.now().toISOString());
    const lookups = new ItemLookups(exact, settings, today);
    const rates = new SalesTypeRates(asperion);
    const exactBaseUrl = exactAppOf(ctx.source).baseUrl;
    const expression = filterExpression(settings.filters.expression);
    // The expression is JSONata (asynchronous): it is evaluated as records are read, and `filter` reads the answer.
    const decided = new WeakMap<ProductRecord, FilterDecision>();
    const decide = async (records: ProductRecord[]) => {
      if (expression) for (const record of records) decided.set(record, await expression(record));
      return records;
    };
    return {
      async *read(cursor) {
        for await (const page of readItems(exact, settings, lookups, cursor))
          yield { records: await decide(page.records), cursor: page.cursor };
      },
      reread: async (records) => decide(await rereadItems(exact, settings, lookups, records)),
      sourceId: (record) => record.ID,
      describe: describeItem,
      searchKeys: itemSearchKeys,
      naturalKey: (record) => record.Code ?? '',
      filter: (record) => filterItem(record, settings) ?? decided.get(record) ?? { send: true },
      resolve: (fields, record, note) =>
        resolveArticle(fields, record, settings, { rates, exactBaseUrl, label: describeItem(record) }, note),
      withNaturalKey: (fields, code) => ({ ...fields, code }),
      target: asperionArticleWriter(asperion, settings),
    };
  },
  checkMappings: (ctx, mapping) => checkProductMappings(ctx, mapping),
  // Exact's `Items` topic (reference 6.2); a price change alone is read on the flow's schedule.
  webhookTopics: () => ['Items'],
};

/** The settings' fixed rules; undefined: they let the item through. */
function filterItem(record: ProductRecord, settings: ProductsSettings): FilterDecision | undefined {
  const { filters } = settings;
  const skip = (reason: string): FilterDecision => ({ send: false, reason });
  if (filters.salesOnly && !record.IsSalesItem) return skip('not a sales item (filters.salesOnly)');
  if (filters.webshopOnly && !record.IsWebshopItem) return skip('not a webshop item (filters.webshopOnly)');
  if (filters.stock === 'stockOnly' && !record.IsStockItem) return skip('not a stock item (filters.stock)');
  if (filters.stock === 'nonStockOnly' && record.IsStockItem) return skip('a stock item (filters.stock)');
  if (filters.itemGroups && !filters.itemGroups.includes(record.ItemGroup?.Code ?? ''))
    return skip(
      `item group ${record.ItemGroup?.Code ?? '(none)'} is not one of ${filters.itemGroups.join(', ')} (filters.itemGroups)`,
    );
  return undefined;
}

/** The filter expression compiled once (the settings schema has checked that it compiles). */
function filterExpression(
  text: string | null,
): ((record: ProductRecord) => Promise<FilterDecision>) | undefined {
  if (text === null) return undefined;
  const compiled = compileMapping({ fields: { send: { expr: text } } });
  return async (record) => {
    const { output, errors } = await compiled.apply(record);
    if (errors.length > 0)
      return { send: false, reason: `filters.expression failed: ${errors.map((e) => e.message).join('; ')}` };
    const value = output['send'];
    const truthy = Array.isArray(value) ? value.length > 0 : Boolean(value);
    return truthy
      ? { send: true }
      : { send: false, reason: `filters.expression (${text}) is false for this item` };
  };
}
