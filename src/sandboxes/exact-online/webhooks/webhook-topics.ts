/**
 * Webhook topics and the entity whose writes each one reports (reference 6.2). Exact's catalogue
 * is a documentation page, not an endpoint, so this is data. A topic only delivers once its entity
 * is served (`findEntity`); a subscription on any other topic is still accepted, since the topic is
 * an open string and the full catalogue is UNCONFIRMED.
 */
export const webhookTopics: Readonly<Record<string, string>> = {
  Accounts: 'crm/Accounts',
  Contacts: 'crm/Contacts',
  Items: 'logistics/Items',
  SalesOrders: 'salesorder/SalesOrders',
  SalesInvoices: 'salesinvoice/SalesInvoices',
  GeneralJournalEntries: 'generaljournalentry/GeneralJournalEntries',
  FinancialTransactions: 'financialtransaction/TransactionLines',
  GoodsDeliveries: 'salesorder/GoodsDeliveries',
  PurchaseOrders: 'purchaseorder/PurchaseOrders',
  Documents: 'documents/Documents',
  // Which endpoint a stock topic points at is not documented; item warehouses hold the stock (7.16).
  StockPositions: 'inventory/ItemWarehouses',
  // Reported, not verified (reference 6.2).
  SalesItemPrices: 'logistics/SalesItemPrices',
  TransactionLines: 'financialtransaction/TransactionLines',
};

/** The one topic that may be instant (reference 6.1). */
export const instantTopic = 'GoodsDeliveries';

/** Whether a write to `entityPath` is news for a subscription on `topic` (both case-insensitive). */
export function topicCovers(topic: string, entityPath: string): boolean {
  const entry = Object.entries(webhookTopics).find(([name]) => name.toLowerCase() === topic.toLowerCase());
  return entry !== undefined && entry[1].toLowerCase() === entityPath.toLowerCase();
}
