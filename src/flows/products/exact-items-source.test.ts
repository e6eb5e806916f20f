import { describe, expect, it } from 'vitest';
import { searchText } from '../../store/repos/records.js';
import { describeItem, itemSearchKeys } from './exact-items-source.js';

describe('how a products record is named and found', () => {
  const item = { ID: 'item-1', Code: 'FIETS-28', Barcode: '8712345678906', Description: 'Stadsfiets 28"' };

  it('names an item by its code and id', () => {
    expect(describeItem(item)).toBe('Exact item FIETS-28 (ID item-1)');
  });

  it('is found by item code, EAN and description', () => {
    const text = searchText([describeItem(item), ...itemSearchKeys(item)]).split('\n');
    expect(text).toEqual(expect.arrayContaining(['fiets-28', '8712345678906', 'stadsfiets 28"']));
  });
});
