import { toAmsterdamWallClock } from '../amsterdam-time.js';
import type { DivisionInfo } from '../divisions.js';
import { accountsEntity } from '../entities/accounts.js';
import type { DivisionData } from '../entities/entity-store.js';
import { createRecord } from '../entities/entity-store.js';
import { itemsEntity } from '../entities/items.js';
import { salesOrdersEntity } from '../entities/sales-orders.js';
import { vatCodesEntity } from '../entities/vat-codes.js';
import { Prng } from '../prng.js';
import type { SandboxState } from '../sandbox-state.js';
import type { ExactSettings } from '../settings.js';
import { demoCatalog } from './demo-catalog.js';
import { seedReferenceData } from './demo-reference-data.js';
import { seedFinance } from './demo-finance.js';

/** Standard, reduced and zero VAT per country (21/9/0 in NL, 21/6/0 in BE). */
function vatCodes(country: DivisionInfo['country']) {
  const reduced = country === 'NL' ? 0.09 : 0.06;
  return [
    { Code: 'VH', Description: 'BTW hoog 21%', Percentage: 0.21 },
    { Code: 'VL', Description: `BTW laag ${Math.round(reduced * 100)}%`, Percentage: reduced },
    { Code: 'V0', Description: 'BTW 0%', Percentage: 0 },
  ];
}

function seedDivision(
  division: DivisionInfo,
  data: DivisionData,
  prng: Prng,
  now: string,
  settings: ExactSettings,
): void {
  for (const vat of vatCodes(division.country)) {
    const record = createRecord(
      vatCodesEntity,
      data,
      {
        row: {
          ID: prng.guid(),
          Code: vat.Code,
          Description: vat.Description,
          Type: 'E',
          VATTransactionType: 'B',
        },
        children: {},
      },
      now,
      settings,
    );
    // Percentage is read-only through the API (rates live in VATPercentages); the seed sets it directly.
    record.row['Percentage'] = vat.Percentage;
  }
  const accountIds: string[] = [];
  for (let i = 0; i < prng.int(30, 40); i++) {
    const name =
      `${prng.pick(demoCatalog.companyFirst)} ${prng.pick(demoCatalog.companySecond)} ${prng.pick(division.country === 'NL' ? ['B.V.', 'V.O.F.', ''] : ['BV', 'NV', 'CommV'])}`.trim();
    const city = prng.pick(division.country === 'NL' ? demoCatalog.citiesNl : demoCatalog.citiesBe);
    const row = {
      ID: prng.guid(),
      Name: name,
      City: city,
      Country: division.country,
      Email: `info@${name.toLowerCase().replace(/[^a-z]+/g, '')}.${division.country.toLowerCase()}`,
      Status: i % 5 === 4 ? 'P' : 'C',
      IsSupplier: i % 7 === 0,
      Blocked: i % 11 === 10,
      SalesVATCode: 'VH',
    };
    accountIds.push(row.ID);
    createRecord(accountsEntity, data, { row, children: {} }, now, settings);
  }
  const itemIds: string[] = [];
  for (const [index, product] of demoCatalog.products
    .slice(0, prng.int(20, demoCatalog.products.length))
    .entries()) {
    const row = {
      ID: prng.guid(),
      Code: `ART-${String(1001 + index)}`,
      Description: product.name,
      IsSalesItem: true,
      IsStockItem: product.stock,
      IsWebshopItem: index % 3 === 0 ? 1 : 0,
      SalesVatCode: product.vat,
      Unit: 'pc',
      Barcode: String(8712345000000 + index),
    };
    const record = createRecord(itemsEntity, data, { row, children: {} }, now, settings);
    // StandardSalesPrice is read-only in the API (reference 7.4); the seed sets it directly.
    record.row['StandardSalesPrice'] = product.price;
    itemIds.push(row.ID);
  }
  for (let i = 0; i < prng.int(6, 10); i++) {
    const lines = Array.from({ length: prng.int(1, 4) }, () => ({
      ID: prng.guid(),
      Item: prng.pick(itemIds),
      Quantity: prng.int(1, 5),
    }));
    const row = {
      OrderID: prng.guid(),
      OrderedBy: prng.pick(accountIds),
      Description: `Bestelling ${i + 1}`,
      YourRef: `PO-${2026000 + i}`,
    };
    createRecord(salesOrdersEntity, data, { row, children: { SalesOrderLines: lines } }, now, settings);
  }
  seedReferenceData(division, data, now, settings);
  seedFinance(division, data, now, settings);
}

/** The demo business: the same rows on every start, from a seeded generator (no Math.random). */
export function seedDemo(state: SandboxState): void {
  const prng = new Prng(20260101);
  const now = toAmsterdamWallClock(state.clock.now());
  for (const division of state.divisions) {
    const data = state.division(division.code);
    if (data) seedDivision(division, data, prng, now, state.settings);
  }
}
