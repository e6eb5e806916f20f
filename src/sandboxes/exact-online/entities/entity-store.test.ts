import { describe, expect, it } from 'vitest';
import { defaultExactSettings } from '../settings.js';
import { accountsEntity } from './accounts.js';
import { DivisionData, createRecord, updateRecord } from './entity-store.js';
import { itemsEntity } from './items.js';
import { salesOrdersEntity } from './sales-orders.js';

const now = '2026-03-10T10:00:00.000';

function orderOfThreeLines(settings = defaultExactSettings) {
  const data = new DivisionData(3215711);
  const account = createRecord(accountsEntity, data, { row: { Name: 'A' }, children: {} }, now, settings);
  const item = createRecord(
    itemsEntity,
    data,
    { row: { Code: 'I1', Description: 'I' }, children: {} },
    now,
    settings,
  );
  const lines = [1, 2, 3].map((Quantity) => ({ Item: item.row['ID'] ?? null, Quantity }));
  const order = createRecord(
    salesOrdersEntity,
    data,
    { row: { OrderedBy: account.row['ID'] ?? null }, children: { SalesOrderLines: lines } },
    now,
    settings,
  );
  return { data, order };
}

const linesTable = 'salesorder/SalesOrderLines';

describe('row versions of indexed lines', () => {
  it('gives each line its own version after its order, in line order', () => {
    const { data, order } = orderOfThreeLines();
    const versions = (order.children['SalesOrderLines'] ?? []).map(
      (line) => data.table(linesTable).get(String(line['ID']))?.timestamp,
    );
    expect(versions).toEqual([order.timestamp + 1, order.timestamp + 2, order.timestamp + 3]);
  });

  it('renews every line on a header change, and only the named ones with syncLineVersions line', () => {
    const settings = { ...defaultExactSettings, syncLineVersions: 'line' as const };
    const { data, order } = orderOfThreeLines(settings);
    const lines = order.children['SalesOrderLines'] ?? [];
    const version = (i: number) => data.table(linesTable).get(String(lines[i]?.['ID']))?.timestamp ?? 0;
    const before = [0, 1, 2].map(version);
    updateRecord(salesOrdersEntity, data, order, { Description: 'x' }, now, settings, [lines[1] ?? {}]);
    expect([0, 1, 2].map((i) => version(i) > (before[i] ?? 0))).toEqual([false, true, false]);
    updateRecord(salesOrdersEntity, data, order, { Description: 'y' }, now, settings);
    expect([0, 1, 2].map((i) => version(i) > order.timestamp)).toEqual([true, true, true]);
  });
});

describe('DivisionData.clone', () => {
  it('keeps a line one object in its order and in its lines table, apart from the original', () => {
    const { data, order } = orderOfThreeLines();
    const copy = data.clone();
    const copied = copy.table('salesorder/SalesOrders').get(String(order.row['OrderID']));
    const lines = copied?.children['SalesOrderLines'] ?? [];
    expect(lines).toHaveLength(3);
    for (const [i, line] of lines.entries()) {
      const indexed = copy.table(linesTable).get(String(line['ID']));
      expect(indexed?.row).toBe(line);
      expect(line).not.toBe(order.children['SalesOrderLines']?.[i]);
      expect(indexed?.timestamp).toBe(data.table(linesTable).get(String(line['ID']))?.timestamp);
    }
  });
});
