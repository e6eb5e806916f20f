import type { MappingDefinition } from '../../mapping/types.js';

/**
 * A stock record (`exact-stock-source.ts`) to what the flow compares or writes: the article code
 * (the item code, Asperion's SKU) and the stock as decimal text.
 */
export const stockDefaultMapping: MappingDefinition = {
  fields: {
    code: { source: 'Code', required: true },
    currentStock: { source: 'Quantity' },
  },
};
