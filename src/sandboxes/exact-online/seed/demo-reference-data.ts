import type { DivisionInfo } from '../divisions.js';
import { accountsEntity } from '../entities/accounts.js';
import { addressTypes, addressesEntity } from '../entities/addresses.js';
import { contactsEntity } from '../entities/contacts.js';
import type { EntityDescriptor } from '../entities/entity-descriptor.js';
import type { DivisionData } from '../entities/entity-store.js';
import { createRecord, updateRecord } from '../entities/entity-store.js';
import { multiplyDecimal } from '../entities/exact-decimal.js';
import type { StoredRow } from '../entities/field-types.js';
import { itemGroupsEntity } from '../entities/item-groups.js';
import { itemsEntity } from '../entities/items.js';
import {
  currenciesEntity,
  itemAssortmentEntity,
  itemAssortmentPropertyEntity,
  paymentConditionsEntity,
  shippingMethodsEntity,
  unitsEntity,
} from '../entities/reference-lists.js';
import { salesItemPricesEntity } from '../entities/sales-item-prices.js';
import { processStockCountEntity, stockCountsEntity } from '../entities/stock-counts.js';
import { itemWarehousesEntity, projectedStock, warehousesEntity } from '../entities/warehouses.js';
import { Prng } from '../prng.js';
import type { ExactSettings } from '../settings.js';
import type { DemoAccount } from './demo-accounts.js';
import type { DemoItemGroup } from './demo-catalog.js';
import { demoItemGroups } from './demo-catalog.js';
import type { DemoItem } from './demo-items.js';

/** What the seed writes with: the division's data, its own generator, the clock and settings. */
interface SeedContext {
  division: DivisionInfo;
  data: DivisionData;
  prng: Prng;
  now: string;
  settings: ExactSettings;
}

function create(ctx: SeedContext, entity: EntityDescriptor, row: StoredRow, children = {}): StoredRow {
  return createRecord(entity, ctx.data, { row, children }, ctx.now, ctx.settings).row;
}

function update(ctx: SeedContext, entity: EntityDescriptor, key: string, patch: StoredRow): void {
  const record = ctx.data.table(entity.path).get(key.toLowerCase());
  if (record) updateRecord(entity, ctx.data, record, patch, ctx.now, ctx.settings);
}

/** Units by Item.UnitType (appendix B: O other, V volume, L length, W weight, T time). */
const units = [
  { Code: 'pc', Description: 'Stuk', Type: 'O', Main: 1, TimeUnit: null },
  { Code: 'pair', Description: 'Paar', Type: 'O', Main: 0, TimeUnit: null },
  { Code: 'set', Description: 'Set', Type: 'O', Main: 0, TimeUnit: null },
  { Code: 'l', Description: 'Liter', Type: 'V', Main: 0, TimeUnit: null },
  { Code: 'm', Description: 'Meter', Type: 'L', Main: 0, TimeUnit: null },
  { Code: 'kg', Description: 'Kilogram', Type: 'W', Main: 0, TimeUnit: null },
  { Code: 'hour', Description: 'Uur', Type: 'T', Main: 0, TimeUnit: 'hour' },
  { Code: 'day', Description: 'Dag', Type: 'T', Main: 0, TimeUnit: 'day' },
  { Code: 'month', Description: 'Maand', Type: 'T', Main: 0, TimeUnit: 'month' },
];

const currencies = [
  { Code: 'EUR', Description: 'Euro', precision: 0.01 },
  { Code: 'USD', Description: 'Amerikaanse dollar', precision: 0.01 },
  { Code: 'GBP', Description: 'Britse pond', precision: 0.01 },
  { Code: 'CHF', Description: 'Zwitserse frank', precision: 0.01 },
  { Code: 'DKK', Description: 'Deense kroon', precision: 0.01 },
  { Code: 'SEK', Description: 'Zweedse kroon', precision: 0.01 },
  { Code: 'PLN', Description: 'Poolse zloty', precision: 0.01 },
  { Code: 'JPY', Description: 'Japanse yen', precision: 1 },
];

/** Letters of PaymentCondition.PaymentMethod and PaymentDiscountType (appendix B). */
const paymentConditions: StoredRow[] = [
  { Code: '00', Description: 'Direct (contant)', PaymentDays: 0, PaymentMethod: 'K' },
  { Code: '14', Description: '14 dagen netto', PaymentDays: 14, PaymentMethod: 'B' },
  { Code: '30', Description: '30 dagen netto', PaymentDays: 30, PaymentMethod: 'B' },
  { Code: '60', Description: '60 dagen netto', PaymentDays: 60, PaymentMethod: 'B' },
  {
    Code: '8K',
    Description: '8 dagen 2% korting, 30 dagen netto',
    PaymentDays: 30,
    DiscountPaymentDays: 8,
    DiscountPercentage: 0.02,
    PaymentDiscountType: 'B',
    DiscountCalculation: 'E',
    PaymentMethod: 'B',
  },
  {
    Code: 'EM',
    Description: 'Einde volgende maand',
    PaymentDays: 0,
    PaymentEndOfMonths: 1,
    PaymentMethod: 'B',
  },
  { Code: 'IN', Description: 'Automatische incasso 14 dagen', PaymentDays: 14, PaymentMethod: 'I' },
  { Code: 'PSP', Description: 'Online betaling (iDEAL)', PaymentDays: 0, PaymentMethod: 'Q' },
];

function shippingMethods(country: DivisionInfo['country']): StoredRow[] {
  const post =
    country === 'NL'
      ? {
          Code: 'POSTNL',
          Description: 'PostNL pakket',
          TrackingURL: 'https://jouw.postnl.nl/track-and-trace/',
        }
      : { Code: 'BPOST', Description: 'bpost pakket', TrackingURL: 'https://track.bpost.cloud/' };
  return [
    { ...post, Amount: 6.95, Active: true },
    {
      Code: 'DHL',
      Description: 'DHL Parcel',
      TrackingURL: 'https://www.dhlparcel.nl/',
      Amount: 7.5,
      Active: true,
    },
    { Code: 'BEZORG', Description: 'Eigen bezorging (fiets)', Amount: 12.5, Active: true },
    { Code: 'AFHAAL', Description: 'Afhalen in de winkel', Amount: 0, Active: true },
    { Code: 'KOERIER', Description: 'Koerier zelfde dag', Amount: 19.95, Active: false },
  ];
}

/** The item groups of the demo range (`demoItemGroups`); a new item without one gets Overig. */
const itemGroups = Object.entries(demoItemGroups).map(([Code, Description]) => ({
  Code,
  Description,
  IsDefault: Code === 'OVERIG' ? 1 : 0,
}));

/**
 * Item assortments, linked to the items' `Class_0n` by assortment Code n (the sandbox's reading of
 * reference 7.4/7.7: assortments are Exact's item classes).
 */
const assortments = [
  {
    Code: 1,
    Description: 'Doelgroep',
    properties: [
      ['HEREN', 'Heren'],
      ['DAMES', 'Dames'],
      ['KIND', 'Kinderen'],
      ['UNISEX', 'Unisex'],
    ],
  },
  {
    Code: 2,
    Description: 'Seizoen',
    properties: [
      ['ZOMER', 'Zomercollectie'],
      ['WINTER', 'Wintercollectie'],
      ['HEELJAAR', 'Heel het jaar'],
    ],
  },
  {
    Code: 3,
    Description: 'Prijsklasse',
    properties: [
      ['BUDGET', 'Budget'],
      ['MIDDEN', 'Middensegment'],
      ['PREMIUM', 'Premium'],
    ],
  },
] as const;

const firstNames = [
  'Anne',
  'Bram',
  'Charlotte',
  'Daan',
  'Eva',
  'Fleur',
  'Joris',
  'Lotte',
  'Milan',
  'Noor',
  'Pieter',
  'Sanne',
  'Thomas',
  'Wout',
];
const lastNames = [
  'de Jong',
  'Jansen',
  'Bakker',
  'Visser',
  'Smit',
  'Meijer',
  'Peeters',
  'Maes',
  'Claes',
  'Dubois',
  'Vermeulen',
  'Hendriks',
];
const jobTitles = [
  'Inkoper',
  'Directeur',
  'Administratie',
  'Bedrijfsleider',
  'Werkplaatschef',
  'Financieel medewerker',
];
const streets = [
  'Stationsstraat',
  'Kerkstraat',
  'Dorpsstraat',
  'Industrieweg',
  'Havenkade',
  'Marktplein',
  'Molenweg',
  'Schoolstraat',
];

/** Fixed demo exchange rates for the per-currency sales prices (EUR → currency). */
const demoRates: Readonly<Record<string, number>> = { USD: 1.08, GBP: 0.86 };

/**
 * Companies get contact persons; private persons do not. The accounts seed decides which is which
 * (`DemoAccount.kind`); an account it did not make (none in the demo) counts as a company.
 */
export function isCompanyAccount(
  account: StoredRow,
  kinds: ReadonlyMap<string, DemoAccount['kind']>,
): boolean {
  return kinds.get(String(account['ID']).toLowerCase()) !== 'person';
}

function postcode(prng: Prng, country: DivisionInfo['country']): string {
  if (country === 'BE') return String(prng.int(1000, 9999));
  const letters = 'ABCDEFGHJKLMNPRSTVWXZ';
  return `${prng.int(1000, 9999)} ${prng.pick([...letters])}${prng.pick([...letters])}`;
}

/** Reference lists every division has: units, currencies, conditions, shipping, groups, warehouses, assortments. */
function seedLists(ctx: SeedContext): void {
  const { division, prng } = ctx;
  for (const unit of units) create(ctx, unitsEntity, { ID: prng.guid(), Active: true, ...unit });
  for (const c of currencies)
    create(ctx, currenciesEntity, {
      Code: c.Code,
      Description: c.Description,
      AmountPrecision: c.precision,
      PricePrecision: c.precision,
    });
  for (const condition of paymentConditions)
    create(ctx, paymentConditionsEntity, { ID: prng.guid(), ...condition });
  for (const method of shippingMethods(division.country))
    create(ctx, shippingMethodsEntity, {
      ID: prng.guid(),
      VATCode: 'VH',
      VATCodeDescription: 'BTW hoog 21%',
      VATPercentage: 0.21,
      ...method,
    });
  for (const group of itemGroups) create(ctx, itemGroupsEntity, { ID: prng.guid(), ...group });
  create(ctx, warehousesEntity, {
    ID: prng.guid(),
    Code: '1',
    Description: `Hoofdmagazijn ${division.city}`,
    Main: 1,
    EMail: `magazijn@${division.code}.example`,
  });
  create(ctx, warehousesEntity, {
    ID: prng.guid(),
    Code: '2',
    Description: division.country === 'NL' ? 'Winkel Centrum' : 'Winkel Antwerpen',
    Main: 0,
  });
  for (const assortment of assortments) {
    const properties = assortment.properties.map(([Code, Description]) =>
      create(ctx, itemAssortmentPropertyEntity, {
        ID: prng.guid(),
        Code,
        Description,
        ItemAssortmentCode: assortment.Code,
      }),
    );
    create(
      ctx,
      itemAssortmentEntity,
      { ID: prng.guid(), Code: assortment.Code, Description: assortment.Description },
      { Properties: properties.map((p) => ({ ...p })) },
    );
  }
}

/**
 * Groups (the items seed's own `DemoItem.group`), classes, units and a warranty text on the items
 * already seeded. Colour, size and brand (`FreeTextField_01..03`) are the items seed's and stay.
 */
function enrichItems(ctx: SeedContext, items: readonly DemoItem[]): void {
  const { prng } = ctx;
  const groupIds = new Map(ctx.data.rows(itemGroupsEntity.path).map((g) => [g['Code'], String(g['ID'])]));
  const unitNames = new Map(
    ctx.data.rows(unitsEntity.path).map((u) => [u['Code'], u['Description'] ?? null]),
  );
  const table = ctx.data.table(itemsEntity.path);
  for (const item of items) {
    const group: DemoItemGroup = item.group;
    const patch: StoredRow = { ItemGroup: groupIds.get(group) ?? null };
    if (item.stock) {
      patch['Class_01'] = prng.pick(assortments[0].properties)[0];
      patch['Class_02'] = prng.pick(assortments[1].properties)[0];
      patch['Class_03'] = item.price < 50 ? 'BUDGET' : item.price < 500 ? 'MIDDEN' : 'PREMIUM';
      if (prng.next() < 0.5) patch['FreeTextField_05'] = `${prng.pick([1, 2, 5])} jaar`;
    }
    update(ctx, itemsEntity, item.id, patch);
    // UnitDescription is a read-only lookup of the unit code; the seed fills it directly.
    const row = table.get(item.id.toLowerCase())?.row;
    if (row) row['UnitDescription'] = unitNames.get(item.unit) ?? null;
  }
}

/** General prices, quantity breaks, USD/GBP prices and a few customer agreements. */
function seedPrices(ctx: SeedContext, items: StoredRow[], customers: StoredRow[]): void {
  const { prng } = ctx;
  const start = `${ctx.now.slice(0, 4)}-01-01T00:00:00.000`;
  for (const item of items.filter((i) => i['IsSalesItem'] === true)) {
    const price = Number(item['StandardSalesPrice'] ?? 0);
    const base = { Item: item['ID'] ?? null, StartDate: start };
    create(ctx, salesItemPricesEntity, { ID: prng.guid(), ...base, Price: price, Currency: 'EUR' });
    if (item['IsStockItem'] === true && price < 100) {
      // Quantity breaks: Quantity is the minimum quantity the price applies from (reference 7.8).
      create(ctx, salesItemPricesEntity, {
        ID: prng.guid(),
        ...base,
        Quantity: 10,
        Price: multiplyDecimal(price, 0.95),
      });
      create(ctx, salesItemPricesEntity, {
        ID: prng.guid(),
        ...base,
        Quantity: 50,
        Price: multiplyDecimal(price, 0.9),
      });
    }
    if (item['IsStockItem'] === true && prng.next() < 0.4) {
      for (const [currency, rate] of Object.entries(demoRates))
        create(ctx, salesItemPricesEntity, {
          ID: prng.guid(),
          ...base,
          Currency: currency,
          Price: multiplyDecimal(price, rate),
        });
    }
  }
  const stockItems = items.filter((i) => i['IsStockItem'] === true && i['IsSalesItem'] === true);
  for (const customer of customers.slice(0, Math.min(5, customers.length))) {
    if (stockItems.length === 0) break;
    const item = prng.pick(stockItems);
    create(ctx, salesItemPricesEntity, {
      ID: prng.guid(),
      Item: item['ID'] ?? null,
      Account: customer['ID'] ?? null,
      Currency: 'EUR',
      StartDate: start,
      EndDate: `${ctx.now.slice(0, 4)}-12-31T00:00:00.000`,
      Price: multiplyDecimal(Number(item['StandardSalesPrice'] ?? 0), 0.92),
    });
  }
}

/** 1–3 contacts per company account (the first is the main contact) and its addresses. */
function seedCrm(
  ctx: SeedContext,
  accounts: StoredRow[],
  kinds: ReadonlyMap<string, DemoAccount['kind']>,
): void {
  const { prng, division } = ctx;
  const warehouseId = ctx.data.rows(warehousesEntity.path).find((w) => w['Main'] === 1)?.['ID'] ?? null;
  for (const account of accounts) {
    const accountId = String(account['ID']);
    const company = isCompanyAccount(account, kinds);
    const domain = String(account['Email'] ?? '').split('@')[1] ?? `${division.code}.example`;
    const contactIds = company ? Array.from({ length: prng.int(1, 3) }, () => prng.guid()) : [];
    for (const [index, id] of contactIds.entries()) {
      const first = prng.pick(firstNames);
      const last = prng.pick(lastNames);
      create(ctx, contactsEntity, {
        ID: id,
        Account: accountId,
        FirstName: first,
        LastName: last,
        Initials: `${first.charAt(0)}.`,
        Email: `${first}.${last.replace(/\s+/g, '')}@${domain}`.toLowerCase(),
        Phone:
          division.country === 'NL'
            ? `030-${prng.int(2000000, 2999999)}`
            : `03 ${prng.int(200, 999)} ${prng.int(10, 99)} ${prng.int(10, 99)}`,
        JobTitleDescription: index === 0 ? prng.pick(jobTitles.slice(0, 2)) : prng.pick(jobTitles),
        Gender: prng.pick(['M', 'V', 'O']),
        Language: division.country === 'BE' && prng.next() < 0.3 ? 'FR' : 'NL',
      });
    }
    if (contactIds[0]) update(ctx, accountsEntity, accountId, { MainContact: contactIds[0] });
    // The visit address is the account's own; accounts without one get a generated one.
    const visit: StoredRow = {
      AddressLine1: account['AddressLine1'] ?? `${prng.pick(streets)} ${prng.int(1, 180)}`,
      Postcode: account['Postcode'] ?? postcode(prng, division.country),
      City: account['City'] ?? division.city,
      Country: account['Country'] ?? division.country,
    };
    if (account['AddressLine1'] === null || account['Postcode'] === null)
      update(ctx, accountsEntity, accountId, {
        AddressLine1: visit['AddressLine1'] ?? null,
        Postcode: visit['Postcode'] ?? null,
      });
    create(ctx, addressesEntity, {
      ID: prng.guid(),
      Account: accountId,
      Type: addressTypes.visit,
      Main: true,
      ...visit,
    });
    if (company && prng.next() < 0.5)
      create(ctx, addressesEntity, {
        ID: prng.guid(),
        Account: accountId,
        Type: addressTypes.invoice,
        Main: true,
        AddressLine1: `Postbus ${prng.int(100, 9999)}`,
        Postcode: postcode(prng, division.country),
        City: visit['City'] ?? null,
        Country: visit['Country'] ?? null,
      });
    if (prng.next() < 0.35)
      create(ctx, addressesEntity, {
        ID: prng.guid(),
        Account: accountId,
        Contact: contactIds[0] ?? null,
        Type: addressTypes.delivery,
        Main: true,
        AddressLine1: `${prng.pick(streets)} ${prng.int(1, 180)}`,
        Postcode: postcode(prng, division.country),
        City: visit['City'] ?? null,
        Country: visit['Country'] ?? null,
        Warehouse: warehouseId,
      });
  }
}

/**
 * Stock: item × warehouse links for every stock item (all in the main warehouse, about half also
 * in the shop), an opening stock count per warehouse processed through the API's own rule, a draft
 * count left open, and some planned receipts and deliveries.
 */
function seedStock(ctx: SeedContext, items: StoredRow[]): void {
  const { prng } = ctx;
  const [main, shop] = ctx.data.rows(warehousesEntity.path);
  const stockItems = items.filter((i) => i['IsStockItem'] === true);
  if (!main || !shop || stockItems.length === 0) return;
  const date = `${ctx.now.slice(0, 10)}T00:00:00.000`;
  const counts = new Map<StoredRow, StoredRow[]>([
    [main, []],
    [shop, []],
  ]);
  for (const item of stockItems) {
    const expensive = Number(item['StandardSalesPrice'] ?? 0) >= 200;
    for (const warehouse of prng.next() < 0.5 ? [main, shop] : [main]) {
      create(ctx, itemWarehousesEntity, {
        ID: prng.guid(),
        Item: item['ID'] ?? null,
        Warehouse: warehouse['ID'] ?? null,
        ReorderPoint: expensive ? 2 : 10,
        SafetyStock: expensive ? 1 : 5,
        MaximumStock: expensive ? 15 : 200,
        ReplenishmentType: 1,
      });
      const lines = counts.get(warehouse);
      lines?.push({
        ID: prng.guid(),
        Item: item['ID'] ?? null,
        QuantityNew: expensive ? prng.int(0, 12) : prng.int(5, 150),
      });
    }
  }
  for (const [warehouse, lines] of counts) {
    if (lines.length === 0) continue;
    const count = create(
      ctx,
      stockCountsEntity,
      {
        StockCountID: prng.guid(),
        Warehouse: warehouse['ID'] ?? null,
        StockCountDate: date,
        Description: `Openingstelling ${String(warehouse['Description'])}`,
      },
      { StockCountLines: lines },
    );
    create(ctx, processStockCountEntity, { StockCountID: count['StockCountID'] ?? null });
  }
  // Planned receipts (purchase) and deliveries (sales) are not modelled; the seed sets them directly.
  for (const link of ctx.data.rows(itemWarehousesEntity.path)) {
    if (prng.next() < 0.3) link['PlannedStockIn'] = prng.int(5, 40);
    if (prng.next() < 0.3) link['PlannedStockOut'] = prng.int(1, 10);
    if (prng.next() < 0.15) link['ReservedStock'] = prng.int(1, 3);
    link['ProjectedStock'] = projectedStock(link);
  }
  const sample = stockItems.slice(0, 3);
  create(
    ctx,
    stockCountsEntity,
    {
      StockCountID: prng.guid(),
      Warehouse: main['ID'] ?? null,
      StockCountDate: date,
      Description: 'Cyclische telling (concept)',
    },
    {
      StockCountLines: sample.map((i) => ({
        ID: prng.guid(),
        Item: i['ID'] ?? null,
        QuantityDifference: -1,
      })),
    },
  );
}

/**
 * CRM, logistics, stock and reference-list rows of one division, on top of the accounts and items
 * `seedDivision` made (passed in as the accounts and items steps returned them). Its own generator
 * (seeded by division) keeps the rest of the demo unchanged.
 */
export function seedReferenceData(
  division: DivisionInfo,
  data: DivisionData,
  now: string,
  settings: ExactSettings,
  seeded: { accounts: readonly DemoAccount[]; items: readonly DemoItem[] },
): void {
  const ctx: SeedContext = { division, data, prng: new Prng(division.code), now, settings };
  seedLists(ctx);
  enrichItems(ctx, seeded.items);
  const items = data.rows(itemsEntity.path);
  const accounts = data.rows(accountsEntity.path);
  const kinds = new Map(seeded.accounts.map((a) => [a.id.toLowerCase(), a.kind]));
  seedCrm(ctx, accounts, kinds);
  seedPrices(
    ctx,
    items,
    accounts.filter((a) => a['Status'] === 'C'),
  );
  seedStock(ctx, items);
}
