import { withKoppelReference } from '../../connectors/asperion/koppel-reference.js';
import type { FlowKind, FlowRuntimeContext } from '../../engine/types.js';
import { asperionClientOf } from '../../connectors/asperion/app.js';
import { parseExactDate } from '../../mapping/transforms/parse-exact-date.js';
import { exactClientOf } from '../../connectors/exact-online/app.js';
import { ArticleResolver } from './article-resolver.js';
import { AsperionVatCodes } from './asperion-vat-codes.js';
import { asperionOrderWriter, type OrderPayload } from './asperion-order-writer.js';
import { aboutOrder, orderDescription, resolveLines } from './build-order.js';
import { checkOrderMappings } from './check-mappings.js';
import { reconcileOrders } from './reconcile-orders.js';
import { debtorChoicesNamespace } from './debtor-choices.js';
import { DebtorResolver } from './debtor-resolver.js';
import { ordersDefaultMapping } from './default-mapping.js';
import { defaultStatuses } from './exact-order-fields.js';
import {
  ExactItemPrices,
  describeOrder,
  orderSearchKeys,
  readOrders,
  readOrdersByIds,
  rereadOrders,
  type OrderRecord,
  type OrdersReadOptions,
} from './exact-orders-source.js';
import type { OrderFields } from './order-payload.js';
import { RememberedNamespace } from './remembered.js';
import { ordersSettingsSchema, type OrdersSettings } from './settings.js';
import { staleReferences, type Fresh } from './stale-references.js';

type Note = (step: string, detail: string) => void;

/**
 * Orders, Exact Online → Asperion: Exact sales invoices or sales orders read
 * incrementally by their sync Timestamp, filtered by status, mapped, then per order: debtor found (or created/updated), articles
 * made sure of, VAT and revenue account set for the destination, and written as the flow's order
 * type with `[koppel:<InvoiceID or OrderID>]` in its description.
 */
/** The Exact webhook topic (reference 6.2) that covers each source. */
const webhookTopicOf: Record<OrdersSettings['source'], string> = {
  salesInvoices: 'SalesInvoices',
  salesOrders: 'SalesOrders',
};

/** Exact invoice types 8021 and 8024 are credit notes (appendix B). */
const isCreditNote = (record: OrderRecord) => record.Type === 8021 || record.Type === 8024;

/** The document's own date (YYYY-MM-DD): an invoice's InvoiceDate, an order's OrderDate; null when it has none. */
function documentDate(record: OrderRecord): string | null {
  const value = record['InvoiceDate'] ?? record['OrderDate'];
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  // Exact writes a date as midnight UTC of that day (/Date(ms)/), so the UTC day is the date.
  return parseExactDate(value).slice(0, 10);
}

export const ordersFlowKind: FlowKind<OrderRecord, OrderPayload> = {
  kind: 'orders',
  title: 'Orders (Exact Online → Asperion)',
  sourceApp: 'exact-online',
  targetApp: 'asperion',
  entity: 'Order',
  // Orders are what users wait for: they go before other flows of the division (their API budget share).
  apiPriority: 'live',
  settingsSchema: ordersSettingsSchema,
  defaultMapping: ordersDefaultMapping,
  open(ctx: FlowRuntimeContext) {
    const settings: OrdersSettings = ordersSettingsSchema.parse(ctx.settings);
    const exact = exactClientOf(ctx.source);
    const asperion = asperionClientOf(ctx.target);
    // What earlier runs (and the customers and products flows) learnt, so a known customer with
    // known articles costs one Asperion call: the order's create. Per Asperion administration: a
    // connection pointed at another one must not post on the debtor numbers of the first.
    const administration = String((ctx.target.settings as { administrationId?: unknown }).administrationId);
    const remembered = <T>(what: string) =>
      new RememberedNamespace<T>(ctx.memory, `orders.${what}:${administration}`);
    const debtors = new DebtorResolver(
      asperion,
      settings.debtor,
      {
        debtors: remembered('debtors'),
        users: remembered('debtor-users'),
        choices: new RememberedNamespace(ctx.memory, debtorChoicesNamespace(administration)),
      },
      ctx.links,
      ctx.flowId,
      ctx.dryRun ?? false,
    );
    const itemPrices = new ExactItemPrices(exact, settings.lookupChunkSize);
    const articles = new ArticleResolver(
      asperion,
      settings.articles,
      remembered('articles'),
      ctx.links,
      (item) => itemPrices.listPrice(item),
      ctx.dryRun ?? false,
    );
    const vatCodes = new AsperionVatCodes(
      asperion,
      remembered('vat-codes'),
      ctx.clock,
      settings.vatCodesRefreshMinutes,
    );
    // Each order as it was resolved, by natural key, so a create Asperion refuses for a remembered
    // debtor or article it no longer has can be resolved afresh and sent again (once).
    const resolvedOrders = new Map<string, { order: OrderFields; label: string }>();
    const resolveOrder = (order: OrderFields, label: string, note: Note, fresh: Fresh) =>
      aboutOrder(label, async () => {
        // First: a document this flow refuses (another currency) creates no debtor or article.
        const description = orderDescription(order, settings, label);
        const lines = await resolveLines(
          order,
          settings,
          { articles, vatCodes, note, freshArticles: fresh.articles },
          label,
        );
        const debtor = await debtors.resolve(order.customer, label, { fresh: fresh.debtor, note });
        return {
          date: order.date,
          description,
          journalId: order.journalId ?? null,
          paymentConditionId: order.paymentConditionId ?? null,
          debtorCustomerNumber: debtor.customerNumber,
          debtorId: debtor.id,
          lines,
        };
      });
    const withNaturalKey = (payload: OrderPayload, key: string): OrderPayload => ({
      ...payload,
      description: withKoppelReference(payload.description, key),
    });
    const writer = asperionOrderWriter(asperion, settings, vatCodes);
    const statusList = settings.statuses ?? defaultStatuses[settings.source];
    const statuses = new Set(statusList);
    const readOptions: OrdersReadOptions = {
      memory: ctx.memory,
      scope: `${ctx.source.connectionId}/${String(ctx.source.settings['division'])}`,
      chunkSize: settings.lookupChunkSize,
      syncRows: settings.exactSyncRows,
      shippingItemCodes: settings.shipping.itemCodes,
      shippingMethodsRefreshMinutes: settings.shippingMethodsRefreshMinutes,
      now: () => ctx.clock.now(),
    };
    return {
      read: (cursor) => readOrders(exact, settings.source, cursor, readOptions),
      reread: (records) => rereadOrders(exact, settings.source, records, readOptions),
      readByIds: (ids) => readOrdersByIds(exact, settings.source, ids, readOptions),
      sourceId: (record) => record.ID,
      describe: describeOrder,
      searchKeys: orderSearchKeys,
      naturalKey: (record) => record.ID,
      filter: (record) => {
        if (record.Status === null || !statuses.has(record.Status))
          return {
            send: false,
            reason: `status ${record.Status ?? 'unknown'} is not one of the statuses this flow sends (${statusList.join(', ')})`,
          };
        const dated = documentDate(record);
        if (settings.documentsFrom !== null && dated !== null && dated < settings.documentsFrom)
          return {
            send: false,
            reason: `dated ${dated}, before ${settings.documentsFrom} from which this flow sends documents (settings.documentsFrom)`,
          };
        if (settings.orderType === 'salesOrder' && isCreditNote(record))
          return { send: false, reason: 'a credit note cannot become an inTrade sales order' };
        return { send: true };
      },
      async resolve(payload, record, note) {
        const order = payload as unknown as OrderFields;
        const label = describeOrder(record);
        const resolved = await resolveOrder(order, label, note, { debtor: false, articles: false });
        resolvedOrders.set(record.ID, { order, label });
        return resolved as OrderPayload;
      },
      withNaturalKey,
      target: {
        ...writer,
        async create(payload, naturalKey) {
          const resolved = resolvedOrders.get(naturalKey);
          resolvedOrders.delete(naturalKey);
          try {
            return await writer.create(payload, naturalKey);
          } catch (e) {
            // Tried again once, with the references looked up afresh; a second refusal is the order's.
            const stale = staleReferences(e);
            if (!stale || !resolved) throw e;
            // Asperion refused the debtor or an article the pair remembered (deleted or blocked
            // there since): forget it, look it up as the first time, and send the order once more.
            ctx.logger.warn(
              { naturalKey, debtor: stale.debtor, articles: stale.articles },
              'Asperion refused a remembered debtor or article; resolving the order again',
            );
            const again = await resolveOrder(resolved.order, resolved.label, () => {}, stale);
            return writer.create(withNaturalKey(again as OrderPayload, naturalKey), naturalKey);
          }
        },
      },
    };
  },
  checkMappings: (ctx, mapping) => checkOrderMappings(ctx, mapping),
  reconcile: reconcileOrders,
  webhookTopics: (settings) => [webhookTopicOf[ordersSettingsSchema.parse(settings).source]],
  // Exact's SalesInvoices and SalesOrders deliveries name the document (InvoiceID, OrderID).
  webhookKeyIsSourceId: true,
};
