import { describe, expect, it } from 'vitest';
import {
  checkSandboxFieldLists,
  compareWithReference,
  loadReferenceLists,
  type ReferenceList,
} from '../../../../scripts/exact-reference.js';
import { entityCatalog } from '../entities/entity-catalog.js';
import { headerOnlyFields } from '../rest/sync-line-feeds.js';
import type { FieldSpec } from '../entities/field-list.js';
import { servedFieldLists, type ServedFieldList } from './served-field-lists.js';

const references = loadReferenceLists();
const checks = checkSandboxFieldLists(references);

describe("the sandbox's field lists match Exact's published ones (scripts/exact-field-lists)", () => {
  for (const check of checks) {
    if (check.pending) {
      it.skip(`${check.endpoint}: not compared yet: ${check.pending}`, () => {});
      continue;
    }
    it(`${check.endpoint}: every field of Exact's list with its type, key, methods and flags`, () => {
      expect(check.problems, `${check.endpoint} differs from Exact's list`).toEqual([]);
    });
  }

  it('covers every endpoint Koppel reads or writes', () => {
    const used = [
      'crm/Accounts',
      'crm/Contacts',
      'logistics/Items',
      'logistics/SalesItemPrices',
      'logistics/ItemAssortment',
      'logistics/ItemAssortmentProperty',
      'salesinvoice/SalesInvoices',
      'salesinvoice/SalesInvoiceLines',
      'salesorder/SalesOrders',
      'salesorder/SalesOrderLines',
      'vat/VATCodes',
      'webhooks/WebhookSubscriptions',
      'system/Divisions',
      'current/Me',
      'sync/Deleted',
      'sync/Logistics/Items',
      'sync/Logistics/SalesItemPrices',
      'sync/Inventory/StockPositions',
      'sync/SalesInvoice/SalesInvoices',
      'sync/SalesOrder/SalesOrders',
      'sync/SalesOrder/SalesOrderHeaders',
      'sync/SalesOrder/SalesOrderLines',
      'bulk/CRM/Accounts',
      'bulk/CRM/Contacts',
      'bulk/Logistics/Items',
      'bulk/Logistics/SalesItemPrices',
      'bulk/SalesInvoice/SalesInvoices',
      'bulk/SalesInvoice/SalesInvoiceLines',
      'bulk/SalesOrder/SalesOrders',
      'bulk/SalesOrder/SalesOrderLines',
      'read/logistics/ItemExtraField',
      'read/sync/Sync/SyncTimestamp',
    ];
    expect(used.filter((e) => !references.has(e))).toEqual([]);
  });

  it('names the source of every list and of every type it does not take from that source', () => {
    for (const list of references.values()) {
      const where = `${list.endpoint}`;
      expect(Object.keys(list.sources).length, where).toBeGreaterThan(0);
      for (const s of Object.values(list.sources))
        expect(s.repository ? Boolean(s.path && s.commit?.length === 40) : Boolean(s.document), where).toBe(
          true,
        );
      expect(
        list.fields.filter((f) => !f.type || f.type === '?').map((f) => f.name),
        where,
      ).toEqual([]);
    }
  });

  it('gives the line-level sync feeds their row key, document key and header-only fields', () => {
    const invoices = references.get('sync/SalesInvoice/SalesInvoices')!;
    expect(invoices.rows).toEqual({ level: 'line', rowKey: 'ID', documentKey: 'InvoiceID' });
    const field = (list: ReferenceList, name: string) => list.fields.find((f) => f.name === name);
    expect(field(invoices, 'InvoiceID')).toMatchObject({ type: 'Guid', sameForAllLines: true });
    for (const name of ['LineNumber', 'Item', 'Quantity', 'UnitPrice', 'NetPrice', 'VATCode', 'GLAccount'])
      expect(field(invoices, name), name).toBeDefined();
    expect(invoices.fields.filter((f) => f.headerOnly).map((f) => f.name)).toEqual([
      'AmountDiscount',
      'AmountDiscountExclVat',
      'AmountFCExclVat',
    ]);
    const orders = references.get('sync/SalesOrder/SalesOrders')!;
    expect(orders.rows).toEqual({ level: 'line', rowKey: 'ID', documentKey: 'OrderID' });
    expect(references.get('sync/SalesOrder/SalesOrderLines')?.rows?.level).toBe('line');
    expect(references.get('sync/SalesOrder/SalesOrderHeaders')?.rows?.level).toBe('document');
  });

  it('leaves null on line rows exactly the fields Exact marks header-only', () => {
    for (const endpoint of ['sync/SalesInvoice/SalesInvoices', 'sync/SalesOrder/SalesOrders'])
      expect(
        references
          .get(endpoint)
          ?.fields.filter((f) => f.headerOnly)
          .map((f) => f.name),
        endpoint,
      ).toEqual(headerOnlyFields);
  });

  it('serves a child collection with the same field list as the endpoint of its lines', () => {
    const byPath = new Map(servedFieldLists().map((s) => [s.path, s]));
    for (const entity of entityCatalog)
      for (const child of Object.values(entity.children ?? {})) {
        const own = entityCatalog.find((e) => e.path === child.path);
        if (own) expect(child.fields.scalars, child.path).toEqual(own.fields.scalars);
        expect(byPath.has(child.path), child.path).toBe(true);
      }
  });
});

describe('the line-level sync feeds, once the sandbox serves them', () => {
  /** A served list that is exactly Exact's, as the line-level work should give the sandbox. */
  function asExactHasIt(endpoint: string): ServedFieldList {
    const list = references.get(endpoint)!;
    return {
      path: endpoint,
      key: list.key,
      methods: list.methods,
      collections: [],
      definedIn: 'sync view field list',
      fields: list.fields.map((f) => ({
        name: f.name,
        type: f.type as FieldSpec['type'],
        key: Boolean(f.key),
        post: false,
        put: false,
        mandatory: false,
        ...(f.new ? { new: true as const } : {}),
      })),
    };
  }
  const others = servedFieldLists().filter((s) => !s.path.startsWith('sync/Sales'));
  const lineLevel = [
    'sync/SalesInvoice/SalesInvoices',
    'sync/SalesOrder/SalesOrders',
    'sync/SalesOrder/SalesOrderHeaders',
    'sync/SalesOrder/SalesOrderLines',
  ];

  it('are compared, and pass, when they serve what Exact documents', () => {
    const checks = checkSandboxFieldLists(references, [...others, ...lineLevel.map(asExactHasIt)]);
    for (const endpoint of lineLevel)
      expect(checks.find((c) => c.endpoint === endpoint)).toEqual({ endpoint, problems: [] });
  });

  it('are compared, and fail, when a line field is missing or mistyped', () => {
    const invoices = asExactHasIt('sync/SalesInvoice/SalesInvoices');
    const wrong: ServedFieldList = {
      ...invoices,
      fields: invoices.fields
        .filter((f) => f.name !== 'UnitPrice')
        .map((f) => (f.name === 'InvoiceID' ? { ...f, type: 'String' as const } : f)),
    };
    const checks = checkSandboxFieldLists(references, [...others, wrong]);
    expect(checks.find((c) => c.endpoint === 'sync/SalesInvoice/SalesInvoices')?.problems).toEqual([
      "InvoiceID is String, Exact's is Guid",
      'UnitPrice:Double missing',
    ]);
  });
});

describe('compareWithReference', () => {
  const reference: ReferenceList = {
    endpoint: 'x/Things',
    methods: ['GET', 'POST'],
    key: 'ID',
    fieldsFrom: 'exact-2022',
    typesFrom: 'exact-2022',
    mandatoryKnown: true,
    sources: {},
    fields: [
      { name: 'ID', type: 'Guid', key: true, post: true, put: true },
      { name: 'Name', type: 'String', post: true, put: true, mandatory: true },
      { name: 'Amount', type: 'Double' },
      { name: 'Label', type: 'String', new: 'picqer-2025', writable: 'unknown' },
    ],
  };
  const field = (name: string, type: 'Guid' | 'String' | 'Double', more = {}) => ({
    name,
    type,
    key: false,
    post: false,
    put: false,
    mandatory: false,
    ...more,
  });
  const shape: ServedFieldList = {
    path: 'x/Things',
    key: 'ID',
    methods: ['GET', 'POST'],
    collections: [],
    definedIn: 'entity catalog',
    fields: [
      field('ID', 'Guid', { key: true, post: true, put: true }),
      field('Name', 'String', { post: true, put: true, mandatory: true }),
      field('Amount', 'Double'),
      field('Label', 'String', { post: true, put: true, new: true }),
    ],
  };

  it('finds nothing when the sandbox serves what Exact documents', () => {
    expect(compareWithReference(shape, reference)).toEqual([]);
  });

  it('names a missing field, a wrong type, a wrong key, an extra field and wrong flags', () => {
    const wrong: ServedFieldList = {
      ...shape,
      key: 'Name',
      fields: [
        field('ID', 'Guid', { post: true, put: true }),
        field('Name', 'String', { key: true, post: true, mandatory: true }),
        field('Amount', 'String'),
        field('Extra', 'String'),
      ],
    };
    expect(compareWithReference(wrong, reference)).toEqual([
      "key Name, Exact's is ID",
      "Name is P, Exact's is PU",
      "Amount is String, Exact's is Double",
      'Label:String missing',
      "Extra:String is not in Exact's list",
    ]);
  });

  it('accepts a reasoned deviation and flags one that no longer applies', () => {
    const extra: ServedFieldList = { ...shape, fields: [...shape.fields, field('Extra', 'String')] };
    expect(compareWithReference(extra, reference, { extra: { Extra: 'why' } })).toEqual([]);
    expect(compareWithReference(shape, reference, { extra: { Extra: 'why' } })).toEqual([
      'deviation for extra field Extra no longer applies',
    ]);
  });

  it('requires {new} exactly on the fields Exact documents only after 2022', () => {
    const unmarked: ServedFieldList = {
      ...shape,
      fields: shape.fields.map(({ new: _, ...f }) => f),
    };
    expect(compareWithReference(unmarked, reference)).toEqual([
      'Label is not marked {new} though Exact lists it only after 2022 (picqer-2025)',
    ]);
  });
});
