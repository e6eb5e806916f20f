import { describe, expect, it } from 'vitest';
import { searchText } from '../../store/repos/records.js';
import { describeStock, stockSearchKeys, type StockRecord } from './exact-stock-source.js';

describe('how a stock record is named and found', () => {
  const stock: StockRecord = {
    ID: 'item-1',
    Code: 'FIETS-28',
    Description: 'Stadsfiets',
    QuantityField: 'CurrentStock',
    Quantity: '4',
    Warehouses: [],
    Asperion: null,
    Problem: null,
  };

  it('names a stock record by its item code and id', () => {
    expect(describeStock(stock)).toBe('Exact stock of item FIETS-28 (ItemID item-1)');
  });

  it('is found by item code and description', () => {
    const text = searchText([describeStock(stock), ...stockSearchKeys(stock)]).split('\n');
    expect(text).toEqual(expect.arrayContaining(['fiets-28', 'stadsfiets']));
  });
});
