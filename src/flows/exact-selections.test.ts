import { describe, expect, it } from 'vitest';
import { loadReferenceLists } from '../../scripts/exact-reference.js';
import { accountSelect, contactSelect } from './customers/account-index.js';
import { accountFields, contactFields, sourceSpecs } from './orders/exact-order-fields.js';
import { itemFields, syncItemFields } from './products/exact-items-source.js';
import { itemWarehouseFields } from './stock/exact-stock-source.js';

const references = loadReferenceLists();

/** The selected fields Exact's published list for the endpoint does not have. */
function unknownFields(endpoint: string, fields: readonly string[]): string[] {
  const list = references.get(endpoint);
  if (!list) return [`no reference list for ${endpoint}`];
  const names = new Set(list.fields.map((f) => f.name));
  return fields.filter((f) => !names.has(f));
}

describe("the fields the flows select from Exact are in Exact's published lists", () => {
  it('products: items by sync and by bulk, without StandardSalesPrice on sync', () => {
    expect(unknownFields('sync/Logistics/Items', syncItemFields)).toEqual([]);
    expect(unknownFields('bulk/Logistics/Items', itemFields)).toEqual([]);
    // Exact's sync list for items lacks it, so the bulk read completes it.
    expect(unknownFields('sync/Logistics/Items', ['StandardSalesPrice'])).toEqual(['StandardSalesPrice']);
  });

  it('stock: item warehouses and stock positions', () => {
    expect(unknownFields('inventory/ItemWarehouses', itemWarehouseFields)).toEqual([]);
    expect(unknownFields('sync/Inventory/StockPositions', ['ItemId', 'ItemCode', 'WarehouseCode'])).toEqual(
      [],
    );
  });

  it('customers: accounts and contacts, by bulk and by the normal endpoints', () => {
    for (const endpoint of ['bulk/CRM/Accounts', 'crm/Accounts'])
      expect(unknownFields(endpoint, accountSelect), endpoint).toEqual([]);
    for (const endpoint of ['bulk/CRM/Contacts', 'crm/Contacts'])
      expect(unknownFields(endpoint, contactSelect), endpoint).toEqual([]);
  });

  it('orders: line-level sync feeds, bulk headers and lines, accounts by sync and bulk, contacts', () => {
    for (const spec of Object.values(sourceSpecs)) {
      expect(unknownFields(spec.sync, spec.syncFields), spec.sync).toEqual([]);
      expect(unknownFields(spec.bulk, spec.bulkHeader), spec.bulk).toEqual([]);
      expect(unknownFields(spec.lines, spec.lineFields), spec.lines).toEqual([]);
    }
    // Exact's sync list for invoices lacks it: the bulk headers give it, for invoices with a shipping line.
    expect(unknownFields('sync/SalesInvoice/SalesInvoices', ['ShippingMethod'])).toEqual(['ShippingMethod']);
    for (const endpoint of ['sync/CRM/Accounts', 'bulk/CRM/Accounts'])
      expect(unknownFields(endpoint, accountFields), endpoint).toEqual([]);
    expect(unknownFields('bulk/CRM/Contacts', contactFields)).toEqual([]);
  });
});
